#!/usr/bin/env bash
# The hardening suites (README "Reliability"). scripts/test.sh (CI) runs all
# three: fuzz, asan and tsan, in that order.
#   fuzz  every libFuzzer target for MCP_FUZZ_SECONDS (default 10) from its
#         seed corpus (clang-19, ASan+UBSan)                   -> build-asan/
#   asan  the bridge side of the test suite (unit, sample, conformance and
#         integration tests) under ASan+UBSan, in the same tree as the fuzz
#         targets (one build of the shared libraries)          -> build-asan/
#   tsan  the bridge's multi-threaded parts under TSan           -> build-tsan/
#         (what and why: ASAN_TARGETS and TSAN_TARGETS below)
# Usage: scripts/test-hardening.sh [fuzz] [asan] [tsan]   (default: all three)
# Each suite prints its build and test time. Both trees build at -O1 with
# line tables only: the flags OSS-Fuzz uses, fast to compile and link, stacks
# still name file and line; and as unity builds, like scripts/build.sh.
# Dependencies: scripts/install-deps.sh (scripts/test.sh runs it first).
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(fuzz asan tsan)
jobs=$(nproc)

# What the sanitizer suites build and run (the 2-core CI budget, README
# "Reliability"): the bridge side, where threads, sockets and untrusted bytes
# meet. Not built or run under ASan, with the reason:
#   fuzz                 the fuzz suite runs these targets
#   lint tests, mcp-lint the linter's own ASan coverage comes from fuzz_lint_inputs
#                        (rule packs, catalog, baselines, suppressions: its
#                        untrusted inputs); its tests spend their time inside
#                        libclang (not instrumented) and would add over 10 minutes
#   third_party_*        the bridge in front of npm servers: the time goes to
#                        Node; the bridge paths they take are those of the
#                        conformance and sample tests, which do run
#   legacy_sample_test,  the sample server's own tests (label samples): the
#   label samples        sample is a test upstream, not the product; it is
#                        still built with ASan and serves every bridge test
ASAN_TARGETS=(mcp-bridge mcp-legacy-sample translate_tests bridge_tests tasks_bridge_tests mcp_upstream_tests auth_tests auth_bridge_tests auth_upstream_token_tests
              auth_principal_tests observe_tests observe_pool_tests observe_config_tests mcp_upstream_fake_stdio_server
              mcp_upstream_probe downstream_tests config_tests)
ASAN_SKIP_LABELS='fuzz|lint|samples'
ASAN_SKIP_TESTS='^third_party_|_NOT_BUILT$'
# TSan: the parts where threads meet: bridge_tests (pool and bridge on several
# threads), the upstream and downstream tests (stdio children's reader side,
# the HTTP server, shutdown racing in-flight requests) and sigterm_under_load_*
# (a real two-thread bridge under load). Not the translation, config and auth
# unit tests (pure functions on one thread), nor the fault suite: its cases
# assert how fast the client gets its answer (3 s bounds) and TSan's 5-15x
# slowdown breaks them (a 16 MiB SSE event took 3.8 s); the asan suite runs it.
TSAN_TARGETS=(mcp-bridge mcp-legacy-sample bridge_tests mcp_upstream_tests mcp_upstream_fake_stdio_server
              mcp_upstream_probe downstream_tests)
TSAN_SKIP_LABELS='conformance|lint'
TSAN_SKIP_TESTS='^(third_party_|listen_sample_|replicas_|fault_suite_)|_NOT_BUILT$'

# Sanitizer reports fail the test that triggered them. Suppressions live in
# scripts/sanitizer-suppressions/, each with the reason it is not our bug;
# they match function names, so the symbolizer (Debian's llvm-19) is required.
suppressions=$PWD/scripts/sanitizer-suppressions
symbolizer=/usr/lib/llvm-19/bin/llvm-symbolizer
[ -x "$symbolizer" ] || { echo "missing $symbolizer (apt-get install llvm-19)" >&2; exit 2; }
export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:external_symbolizer_path=$symbolizer:suppressions=$suppressions/tsan.supp}

configure() {  # DIR CMAKE_ARGS...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=Debug \
    "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -gline-tables-only" -DCMAKE_UNITY_BUILD="${MCP_UNITY_BUILD:-ON}" "$@" >/dev/null
}

timed() {  # WHAT CMD... : runs CMD, then prints how long it took
  local what=$1 t0=$SECONDS; shift
  "$@"
  echo "== hardening: $what took $((SECONDS - t0)) s"
}

asan_tree() {
  configure build-asan -DMCP_FUZZ=ON -DMCP_BUILD_TESTS=ON -DMCP_FUZZ_SECONDS="${MCP_FUZZ_SECONDS:-10}"
}

for suite in "${suites[@]}"; do
  echo "== hardening suite: $suite ($(date -u +%H:%M:%S))"
  start=$SECONDS
  case "$suite" in
    fuzz)
      asan_tree
      timed "fuzz build" cmake --build build-asan --target fuzz_all --parallel "$jobs"
      (cd build-asan && timed "fuzz runs" ctest --output-on-failure -L fuzz -j "$jobs") ;;
    asan)
      asan_tree
      timed "asan build" cmake --build build-asan --parallel "$jobs" --target "${ASAN_TARGETS[@]}"
      (cd build-asan && timed "asan tests" ctest --output-on-failure --timeout 900 -j "$jobs" \
        -LE "$ASAN_SKIP_LABELS" -E "$ASAN_SKIP_TESTS") ;;
    tsan)
      configure build-tsan -DMCP_SANITIZE=thread -DMCP_BUILD_LINT=OFF
      timed "tsan build" cmake --build build-tsan --parallel "$jobs" --target "${TSAN_TARGETS[@]}"
      (cd build-tsan && timed "tsan tests" ctest --output-on-failure --timeout 600 -j "$jobs" \
        -LE "$TSAN_SKIP_LABELS" -E "$TSAN_SKIP_TESTS") ;;
    *) echo "unknown suite '$suite' (expected fuzz, asan or tsan)" >&2; exit 2 ;;
  esac
  echo "== hardening suite: $suite passed in $((SECONDS - start)) s"
done
