#!/usr/bin/env bash
# The real 2026-07-28 TypeScript client receives change notifications through
# mcp-bridge's subscriptions/listen from the bundled legacy sample
# (tests/node/listen_smoke.mjs).
#   listen_sample.sh http|stdio BUILD_DIR SOURCE_DIR
# http:  sample on --http 127.0.0.1:0 (notifications on its GET stream)
# stdio: the sample as the bridge's stdio child (notifications on its stdout)
set -euo pipefail
mode=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-listen.XXXXXX")
mcp_start_bridge_with_sample "$mode" "$build" "$work" --log-level debug
port=$MCP_BRIDGE_PORT
status=0
node "$src/tests/node/listen_smoke.mjs" "http://127.0.0.1:$port/mcp" || status=$?
if [ "$status" != 0 ]; then echo "--- bridge log (tail) ---"; tail -n 60 "$work/bridge.log"; fi
exit "$status"
