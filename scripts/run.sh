#!/usr/bin/env bash
# Quick start, command 1: install, build, and start mcp-bridge on
# http://127.0.0.1:8080/mcp in front of the bundled legacy sample server
# (the bridge's embedded default upstream). Extra arguments go to mcp-bridge.
set -euo pipefail
cd "$(dirname "$0")/.."
MCP_SKIP_NPM=1 scripts/install-deps.sh
scripts/build.sh
exec build/proxy/mcp-bridge --listen 127.0.0.1:8080 "$@"
