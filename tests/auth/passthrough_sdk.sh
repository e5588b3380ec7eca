#!/usr/bin/env bash
# Passthrough authorization end to end: mcp-bridge in front of a real
# OAuth-protected legacy server (the TypeScript SDK 1.x with requireBearerAuth
# and mcpAuthMetadataRouter, tests/node/protected_legacy_server.mjs), driven by
# tests/node/auth_passthrough_client.mjs. Two bridges: the public URL derived
# from the listen address, and --public-url. All on 127.0.0.1, ephemeral ports.
#   passthrough_sdk.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-auth-passthrough.XXXXXX")

mcp_start "$work/upstream.log" node "$src/tests/node/protected_legacy_server.mjs"
up_port=$(mcp_wait_port "$work/upstream.log")
upstream="http://127.0.0.1:$up_port"

run_case() { # NAME [BRIDGE_ARGS...]
  local name=$1; shift
  local log="$work/bridge-$name.log"
  mcp_start "$log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level debug "$@" --upstream "$upstream/mcp"
  local port
  port=$(mcp_wait_port "$log")
  # The health probe has no token: the upstream answers 401, which counts as alive.
  mcp_wait_healthy "$port"
  grep -q "answers the health probe with HTTP 401" "$log" || { echo "no probe warning in $log" >&2; exit 1; }
  local public=${PUBLIC_URL:-http://127.0.0.1:$port/mcp}
  node "$src/tests/node/auth_passthrough_client.mjs" "http://127.0.0.1:$port" "$public" "$upstream" || {
    echo "--- bridge log ($name)" >&2; tail -n 60 "$log" >&2; exit 1; }
  # Tokens never reach the bridge's log, even at debug level.
  if grep -E "good-token|bad-token|forged-token" "$log"; then echo "a token was logged ($name)" >&2; exit 1; fi
  [ "$(grep -c "answers the health probe with HTTP 401" "$log")" = 1 ] || { echo "probe warning not once" >&2; exit 1; }
  echo "case $name: ok"
}

run_case derived
PUBLIC_URL=https://mcp.example.test/mcp run_case public-url --public-url https://mcp.example.test/mcp
# The upstream saw both users' tokens (the bridge forwarded them).
grep -q "token alice" "$work/upstream.log" && grep -q "token bob" "$work/upstream.log"
rm -rf "$work"
