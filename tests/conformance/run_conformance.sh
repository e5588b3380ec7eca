#!/usr/bin/env bash
# Runs the official MCP conformance suite (2026-07-28 server requirements)
# against mcp-bridge in front of the bundled legacy sample server.
#   run_conformance.sh http|stdio BUILD_DIR SOURCE_DIR [tasks]
# tasks: only the ten io.modelcontextprotocol/tasks scenarios (the suite runs
# them unscored "for visibility"), gated by tasks_must_pass.txt.
# http:  sample on --http 127.0.0.1:0, bridge --upstream http://127.0.0.1:PORT/mcp
# stdio: bridge spawns the sample as a stdio child (-- mcp-legacy-sample --stdio)
# Prints per-scenario results and pass counts; fails when a scenario listed in
# must_pass.txt fails.
set -euo pipefail
mode=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd) suite=${4:-all}
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-conformance-$mode.XXXXXX")
mcp_start_bridge_with_sample "$mode" "$build" "$work" --log-level info
port=$MCP_BRIDGE_PORT

echo "conformance ($mode): bridge on 127.0.0.1:$port, results in $work/results"
must_pass="$src/tests/conformance/must_pass.txt" label=$mode
if [ "$suite" = tasks ]; then
  must_pass="$src/tests/conformance/tasks_must_pass.txt" label="$mode tasks"
  for scenario in tasks-lifecycle tasks-capability-negotiation tasks-wire-fields tasks-request-state-removal \
                  tasks-mrtr-input tasks-request-headers tasks-dispatch-and-envelope tasks-status-notifications \
                  tasks-required-task-error tasks-mrtr-composition; do
    timeout 120 conformance server --url "http://127.0.0.1:$port/mcp" --scenario "$scenario" \
      --spec-version 2026-07-28 --force -o "$work/results" --timeout 60000 >>"$work/conformance.log" 2>&1 || true
  done
else
  timeout 600 conformance server --url "http://127.0.0.1:$port/mcp" --requirements 2026-07-28 \
    -o "$work/results" --timeout 20000 >"$work/conformance.log" 2>&1 || true
fi

status=0
node "$src/tests/conformance/score.mjs" "$work/results" "$must_pass" \
  "$src/tests/node/node_modules/@modelcontextprotocol/conformance/requirements/2026-07-28.yaml" "$label" || status=$?
if [ "$status" != 0 ]; then
  echo "--- conformance output (tail) ---"; tail -n 80 "$work/conformance.log"
  echo "--- bridge log (tail) ---"; tail -n 40 "$work/bridge.log"
fi
exit "$status"
