#!/usr/bin/env bash
# The hardening suites (README "Reliability"), each in its own build tree:
#   fuzz  every libFuzzer target for MCP_FUZZ_SECONDS (default 20) from its seed
#         corpus (clang-19, ASan+UBSan)                        -> build-fuzz/
#   asan  the test suite under ASan+UBSan, but the lint corpus measurements
#         (libclang itself is not instrumented; they add minutes, not coverage)
#                                                              -> build-asan/
#   tsan  the bridge's concurrent parts (bridge, pool, upstream, downstream,
#         translate and sample unit tests; no linter) under TSan -> build-tsan/
# Usage: scripts/test-hardening.sh [fuzz] [asan] [tsan]   (default: all three)
# Dependencies: scripts/install-deps.sh (scripts/test.sh runs it first).
set -euo pipefail
cd "$(dirname "$0")/.."
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(fuzz asan tsan)
jobs=$(nproc)

configure() {  # DIR CMAKE_ARGS...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
}

# Sanitizer reports fail the test that triggered them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

for suite in "${suites[@]}"; do
  echo "== hardening suite: $suite ($(date -u +%H:%M:%S))"
  start=$SECONDS
  case "$suite" in
    fuzz)
      # -O1 -gline-tables-only: the flags OSS-Fuzz builds with (fast to compile, usable stacks).
      configure build-fuzz -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" -DCMAKE_CXX_COMPILER=clang++-19 -DMCP_FUZZ=ON \
        -DMCP_BUILD_TESTS=OFF -DMCP_FUZZ_SECONDS="${MCP_FUZZ_SECONDS:-20}"
      cmake --build build-fuzz --target fuzz_all --parallel "$jobs"
      (cd build-fuzz && ctest --output-on-failure -L fuzz -j "$jobs") ;;
    asan)
      configure build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DMCP_SANITIZE=address,undefined
      cmake --build build-asan --parallel "$jobs"
      (cd build-asan && ctest --output-on-failure --timeout 900 -j "$jobs" -E '^lint_corpus_|^lint_real_codebase_') ;;
    tsan)
      configure build-tsan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DMCP_SANITIZE=thread -DMCP_BUILD_LINT=OFF
      cmake --build build-tsan --parallel "$jobs"
      (cd build-tsan && ctest --output-on-failure --timeout 300 -j "$jobs" -LE 'lint|integration|conformance') ;;
    *) echo "unknown suite '$suite' (expected fuzz, asan or tsan)" >&2; exit 2 ;;
  esac
  echo "== hardening suite: $suite passed in $((SECONDS - start)) s"
done
