#!/usr/bin/env bash
# Configures and builds into build/ (Ninja, all cores).
# A unity build (each target's sources compiled in batches): Asio/Beast
# coroutines and nlohmann::json templates are instantiated once per batch
# instead of once per file, which is most of this project's compile time
# (README "Quick start": measured cost). MCP_UNITY_BUILD=OFF for a tree where
# editing one file recompiles only that file.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DCMAKE_UNITY_BUILD="${MCP_UNITY_BUILD:-ON}" >/dev/null
cmake --build build --parallel "$(nproc)"
