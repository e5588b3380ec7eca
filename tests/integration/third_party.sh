#!/usr/bin/env bash
# mcp-bridge in front of real third-party legacy servers from the npm registry
# (pinned in tests/node/package-lock.json), driven by the real 2026-07-28
# TypeScript client (client_smoke.mjs).
#   third_party.sh CASE BUILD_DIR SOURCE_DIR
# CASE: everything-stdio | everything-http | memory-stdio | memory-bridge-stdio
set -euo pipefail
case_name=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-third-party.XXXXXX")
smoke="$src/tests/node/client_smoke.mjs"   # lives beside node_modules so its imports resolve

everything_plan='{"expectTools":["echo","get-sum"],"tool":{"name":"echo","arguments":{"message":"hello through the bridge"},"expectText":"hello through the bridge"},"expectResources":true,"expectPrompts":true}'
memory_plan='{"expectTools":["create_entities","read_graph"],"tool":{"name":"read_graph","arguments":{}},"expectResources":false,"expectPrompts":false}'

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

run_http_client() { # PLAN, with the bridge started by the caller
  local port
  port=$(mcp_wait_port "$work/bridge.log")
  mcp_wait_healthy "$port"
  node "$smoke" http "http://127.0.0.1:$port/mcp" "$1"
}

case "$case_name" in
  everything-stdio)
    mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 -- mcp-server-everything stdio
    run_http_client "$everything_plan" ;;
  everything-http)
    port=$(free_port)
    PORT=$port mcp_start "$work/everything.log" mcp-server-everything streamableHttp
    for _ in $(seq 1 300); do grep -q "listening on port" "$work/everything.log" && break; sleep 0.1; done
    mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --upstream "http://127.0.0.1:$port/mcp"
    run_http_client "$everything_plan" ;;
  memory-stdio)
    MEMORY_FILE_PATH="$work/memory.jsonl" mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 -- mcp-server-memory
    run_http_client "$memory_plan" ;;
  memory-bridge-stdio)
    # The bridge itself on stdio (--stdio), spawned by the client.
    MEMORY_FILE_PATH="$work/memory.jsonl" node "$smoke" stdio \
      "$build/proxy/mcp-bridge --stdio -- mcp-server-memory" "$memory_plan" ;;
  *) echo "unknown case $case_name" >&2; exit 2 ;;
esac
