#!/usr/bin/env bash
# SIGTERM during and right after load drains and exits 0, every time (issue 9).
#   sigterm_under_load.sh http|stdio BUILD_DIR SOURCE_DIR [ROUNDS]
# Each round starts a fresh mcp-bridge in front of the bundled legacy sample
# (http: one sample on 127.0.0.1:0 for all rounds; stdio: the sample as the
# bridge's child), runs tests/integration/sigterm_load.mjs (slow calls in
# flight, keep-alive clients, clients dropping mid-call), which sends SIGTERM
# during the load (odd rounds) or right after it (even rounds). Asserts: every
# in-flight request answered (the .mjs) and the bridge exits 0 within its drain
# bound. Before the fix in proxy/pool/session_pool.cpp the bridge died with
# SIGSEGV (exit 139) in about 4 rounds of 10.
set -euo pipefail
mode=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd) rounds=${4:-10}
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"   # pinned Node 22
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-sigterm.XXXXXX")
drain_ms=5000

mcp_sample_upstream "$mode" "$build" "$work"
upstream=("${MCP_UPSTREAM_ARGS[@]}")

# wait_exit PID SECONDS : the process's exit status, or 124 if it is still
# running after SECONDS (then it is killed).
wait_exit() {
  local pid=$1 limit=$2 status=0
  for _ in $(seq 1 $((limit * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; return 124; fi
  wait "$pid" || status=$?
  return "$status"
}

failures=0
for round in $(seq 1 "$rounds"); do
  when=during
  [ $((round % 2)) = 0 ] && when=after
  log="$work/bridge-$round.log"
  "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --drain-timeout-ms "$drain_ms" "${upstream[@]}" >"$log" 2>&1 &
  pid=$!
  MCP_TEST_PIDS+=("$pid")   # stopped by the EXIT trap if this script fails early
  port=$(mcp_wait_port "$log")
  mcp_wait_healthy "$port"
  load_status=0
  node "$src/tests/integration/sigterm_load.mjs" "$port" "$pid" "$when" | tee "$work/summary-$round.json" || load_status=$?
  exit_status=0
  wait_exit "$pid" $((drain_ms / 1000 + 10)) || exit_status=$?
  echo "round $round ($when): load $load_status, bridge exit $exit_status"
  if [ "$load_status" != 0 ] || [ "$exit_status" != 0 ]; then
    failures=$((failures + 1))
    echo "--- bridge log of round $round (tail) ---"; tail -n 30 "$log"
  fi
done
echo "$failures of $rounds rounds failed"
# Rounds where calls were still running at SIGTERM (the drain was exercised).
drained=$(grep -l '"slow_answered_after_sigterm":[1-9]' "$work"/summary-*.json 2>/dev/null | wc -l)
echo "$drained of $rounds rounds had calls in flight at SIGTERM"
[ "$failures" = 0 ] && [ $((drained * 2)) -ge "$rounds" ]
