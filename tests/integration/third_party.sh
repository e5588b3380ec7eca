#!/usr/bin/env bash
# mcp-bridge in front of real third-party legacy servers from the npm registry
# (pinned in tests/node/package-lock.json), driven by the real 2026-07-28
# TypeScript client (client_smoke.mjs: plain calls; mrtr_client.mjs: tools that
# elicit, sample and list roots, and subscriptions/listen).
#   third_party.sh CASE BUILD_DIR SOURCE_DIR
# CASE: everything-stdio | everything-http | memory-stdio | memory-bridge-stdio |
#       everything-mrtr-stdio | everything-mrtr-http |
#       everything-roots-stdio | everything-roots-http
set -euo pipefail
case_name=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-third-party.XXXXXX")
smoke="$src/tests/node/client_smoke.mjs"   # lives beside node_modules so its imports resolve
mrtr_client="$src/tests/node/mrtr_client.mjs"

everything_plan='{"expectTools":["echo","get-sum"],"tool":{"name":"echo","arguments":{"message":"hello through the bridge"},"expectText":"hello through the bridge"},"expectResources":true,"expectPrompts":true}'
memory_plan='{"expectTools":["create_entities","read_graph"],"tool":{"name":"read_graph","arguments":{}},"expectResources":false,"expectPrompts":false}'

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

run_http_client() { # PLAN, with the bridge started by the caller
  local port
  port=$(mcp_wait_port "$work/bridge.log")
  mcp_wait_healthy "$port"
  node "$smoke" http "http://127.0.0.1:$port/mcp" "$1"
}

# The bridge in front of server-everything: a stdio child or its Streamable
# HTTP transport on a free port. BRIDGE_ARGS... go before the upstream.
start_bridge_with_everything() { # stdio|http BRIDGE_ARGS...
  local upstream=$1; shift
  if [ "$upstream" = stdio ]; then
    mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level debug "$@" \
      -- mcp-server-everything stdio
  else
    local port
    port=$(free_port)
    PORT=$port mcp_start "$work/everything.log" mcp-server-everything streamableHttp
    for _ in $(seq 1 300); do grep -qs "listening on port" "$work/everything.log" && break; sleep 0.1; done
    mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level debug "$@" \
      --upstream "http://127.0.0.1:$port/mcp"
  fi
  bridge_port=$(mcp_wait_port "$work/bridge.log")
  mcp_wait_healthy "$bridge_port"
}

# wait_for_log TEXT : waits (max 15 s) for TEXT in the bridge log.
wait_for_log() {
  for _ in $(seq 1 150); do grep -qF -- "$1" "$work/bridge.log" && return 0; sleep 0.1; done
  echo "bridge never logged: $1" >&2
  return 1
}

# Two client runs on one pooled upstream session (same capabilities, no
# authorization): the first starts it (server-everything registers its
# elicitation/sampling/roots tools and, 350 ms after initialized, sends
# roots/list outside any call); once the bridge has dealt with that roots/list
# (OUTSIDE_LOG), the second run does CHECKS. Deterministic: the roots check
# never races the server's timer.
run_mrtr_client() { # OUTSIDE_LOG CHECKS...
  local outside=$1; shift
  local status=0
  node "$mrtr_client" "http://127.0.0.1:$bridge_port/mcp" tools || status=$?
  [ "$status" = 0 ] && { wait_for_log "$outside" || status=$?; }
  [ "$status" = 0 ] && { node "$mrtr_client" "http://127.0.0.1:$bridge_port/mcp" "$@" || status=$?; }
  if [ "$status" != 0 ]; then echo "--- bridge log (tail) ---"; tail -n 80 "$work/bridge.log"; fi
  return "$status"
}

case "$case_name" in
  everything-mrtr-stdio|everything-mrtr-http)
    # No --root: the post-initialize roots/list is refused, so get-roots-list
    # asks within its call and the client's roots arrive through MRTR.
    start_bridge_with_everything "${case_name##*-}"
    run_mrtr_client "refused roots/list outside a client request: no --root configured" \
      sampling elicitation url-elicitation url-elicitation-error roots listen ;;
  everything-roots-stdio|everything-roots-http)
    # --root DIR: the bridge answers the post-initialize roots/list itself.
    mkdir -p "$work/project root"
    start_bridge_with_everything "${case_name##*-}" --root "$work/project root"
    MRTR_CONFIGURED_ROOT_URI="file://${work// /%20}/project%20root" \
      run_mrtr_client "answered roots/list outside a client request from 1 configured root(s)" configured-roots ;;
  everything-stdio|everything-http)
    start_bridge_with_everything "${case_name#everything-}"
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
