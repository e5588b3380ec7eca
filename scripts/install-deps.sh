#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian 12 machine:
# the Debian packages for the build, and the pinned npm packages the tests
# drive (Node.js 22, the official conformance suite, a 2026-07-28 client,
# third-party legacy servers) from tests/node/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config git curl bc
  libboost1.81-dev            # Beast/Asio with awaitable operators and channels
  libboost-url1.81-dev        # URL parsing (upstream URLs, load generator)
  nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev libyaml-cpp-dev
  libssl-dev ca-certificates  # HMAC, base64, TLS to https upstreams
  libjemalloc-dev             # mcp-bridge's malloc (CMake MCP_ALLOCATOR=jemalloc; why: README, Benchmark)
  openssl                     # the CLI: certificates made at run time by tests/auth/resource_server_auth_code.sh
  libcjose-dev libjansson-dev  # JOSE: JWS signature checks of access tokens (auth/jwt_verify.hpp); jansson for cjose.pc
  libgtest-dev libgmock-dev
  libclang-19-dev clang-19    # mcp-lint front end (newest libclang in Debian 12 main); clang-19 for the lint benchmark
  libclang-rt-19-dev          # libFuzzer and the sanitizer runtimes for clang-19 (scripts/test-hardening.sh)
  llvm-19                     # llvm-symbolizer: sanitizer stacks, and TSan suppressions match by name
  wrk                         # load generator for bench/
  nginx                       # load balancer in front of three bridge replicas (tests/integration/replicas.sh)
  python3-prometheus-client   # parses the bridge's /metrics in tests/observe (the Prometheus project's own parser)
)

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${PACKAGES[@]}"
# Debian 12's own nodejs/npm only bootstrap npm; the tests use the pinned Node 22.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y --no-install-recommends nodejs npm
fi

if [ "${MCP_SKIP_NPM:-0}" != 1 ]; then
  (cd tests/node && npm ci --no-audit --no-fund)
fi
