# Helpers for integration scripts: start real processes on 127.0.0.1 with
# ephemeral ports, wait for them, and always stop them.
# Every wait is bounded; nothing here talks to an address outside loopback.

declare -a MCP_TEST_PIDS=()

mcp_cleanup() {
  for pid in "${MCP_TEST_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${MCP_TEST_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap mcp_cleanup EXIT

# mcp_start LOGFILE CMD... : starts CMD in the background, stdout+stderr to LOGFILE.
mcp_start() {
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  MCP_TEST_PIDS+=("$!")
}

# mcp_wait_port LOGFILE : waits (max 30 s) for a line "listening on 127.0.0.1:PORT"
# (or on http:// or https://127.0.0.1:PORT) in LOGFILE and prints PORT.
mcp_wait_port() {
  local log=$1 port=""
  for _ in $(seq 1 300); do
    port=$(grep -m1 -oE 'listening on (https?://)?127\.0\.0\.1:[0-9]+' "$log" 2>/dev/null | grep -oE '[0-9]+$' || true)
    if [ -n "$port" ]; then echo "$port"; return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for 'listening on' in $log:" >&2; tail -n 30 "$log" >&2
  return 1
}

# mcp_client LOGFILE CMD... : runs a test client; when it fails, shows the end
# of LOGFILE (the bridge's log) and exits 1.
mcp_client() {
  local log=$1; shift
  "$@" || { echo "--- $log" >&2; tail -n 80 "$log" >&2; exit 1; }
}

# mcp_wait_healthy PORT [CA_FILE] : waits (max 30 s) until GET /healthz answers 200
# (with CA_FILE: over https, the bridge's certificate verified against it).
mcp_wait_healthy() {
  local port=$1 url="http://127.0.0.1:$1/healthz" tls=()
  if [ -n "${2:-}" ]; then url="https://127.0.0.1:$port/healthz" tls=(--cacert "$2"); fi
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null --max-time 2 "${tls[@]}" "$url" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bridge on port $port never became healthy" >&2
  return 1
}

# mcp_sample_upstream http|stdio BUILD_DIR WORK_DIR : sets MCP_UPSTREAM_ARGS to
# the bridge arguments naming the bundled legacy sample as its upstream (http:
# starts the sample on --http 127.0.0.1:0, log WORK_DIR/sample.log; stdio: the
# sample as the bridge's child, started by each bridge).
mcp_sample_upstream() {
  local mode=$1 build=$2 work=$3
  if [ "$mode" = http ]; then
    mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0
    MCP_UPSTREAM_ARGS=(--upstream "http://127.0.0.1:$(mcp_wait_port "$work/sample.log")/mcp")
  else
    MCP_UPSTREAM_ARGS=(-- "$build/samples/mcp-legacy-sample" --stdio)
  fi
}

# mcp_start_bridge_with_sample http|stdio BUILD_DIR WORK_DIR [BRIDGE_ARGS...] :
# starts mcp-bridge on 127.0.0.1:0 in front of the bundled legacy sample
# (http: the sample on --http 127.0.0.1:0; stdio: the sample as the bridge's
# child), waits until it is healthy and sets MCP_BRIDGE_PORT.
# Logs: WORK_DIR/sample.log, WORK_DIR/bridge.log.
mcp_start_bridge_with_sample() {
  local mode=$1 build=$2 work=$3; shift 3
  local args=(--listen 127.0.0.1:0 "$@")
  mcp_sample_upstream "$mode" "$build" "$work"
  args+=("${MCP_UPSTREAM_ARGS[@]}")
  mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" "${args[@]}"
  MCP_BRIDGE_PORT=$(mcp_wait_port "$work/bridge.log")
  mcp_wait_healthy "$MCP_BRIDGE_PORT"
}
