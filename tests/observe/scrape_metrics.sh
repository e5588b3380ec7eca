#!/usr/bin/env bash
# The real bridge in front of the bundled legacy sample, with --metrics-listen
# and --access-log on: real requests, then /metrics parsed with the Prometheus
# client library's parser and the access log line by line
# (tests/observe/scrape_metrics.py).
#   scrape_metrics.sh http|stdio|downstream-stdio BUILD_DIR SOURCE_DIR
# http: the sample on --http 127.0.0.1:0; stdio: the sample as the bridge's child;
# downstream-stdio: `mcp-bridge --stdio` itself, requests on its stdin
# (tests/observe/stdio_observe.py starts and stops it).
set -euo pipefail
mode=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
source "$src/tests/lib/processes.sh"
# Debian's interpreter, where python3-prometheus-client installs (a python3
# earlier on PATH, e.g. pyenv, does not see Debian's packages).
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" -c 'import prometheus_client.parser' 2>/dev/null || {
  echo "python3-prometheus-client is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-observe.XXXXXX")
if [ "$mode" = downstream-stdio ]; then exec "$py" "$src/tests/observe/stdio_observe.py" "$build" "$work"; fi
mcp_start_bridge_with_sample "$mode" "$build" "$work" ${MCP_OBSERVE_EXTRA:-} --metrics-listen 127.0.0.1:0 --access-log "$work/access.log"
metrics_port=$(grep -m1 -oE 'metrics: Prometheus text at http://127\.0\.0\.1:[0-9]+' "$work/bridge.log" | grep -oE '[0-9]+$')
status=0
"$py" "$src/tests/observe/scrape_metrics.py" "$MCP_BRIDGE_PORT" "$metrics_port" "$work/access.log" || status=$?
if [ "$status" != 0 ]; then echo "--- bridge log (tail) ---"; tail -n 40 "$work/bridge.log"; fi
exit "$status"
