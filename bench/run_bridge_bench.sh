#!/usr/bin/env bash
# Side-by-side benchmark of tools/call: through mcp-bridge (2026-07-28 client)
# versus the same legacy upstream called directly (2025-11-25 client with its
# own session), at 1, 16 and 128 concurrent clients, in one run.
#   bench/run_bridge_bench.sh [BUILD_DIR]   (default: build)
# Env: BENCH_SECONDS (per measurement, default 5), BENCH_REQUESTS (cap, default 200000),
#      BENCH_CONCURRENCY (default "1 16 128"), BENCH_TOOL (default test_simple_text).
# Everything runs on 127.0.0.1; every run is bounded in count and time.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"   # pinned Node 22
seconds=${BENCH_SECONDS:-5} requests=${BENCH_REQUESTS:-200000} tool=${BENCH_TOOL:-test_simple_text}
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-bench.XXXXXX")

mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0 --log-level info
upstream_port=$(mcp_wait_port "$work/sample.log")
mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level info \
  --upstream "http://127.0.0.1:$upstream_port/mcp"
bridge_port=$(mcp_wait_port "$work/bridge.log")
mcp_wait_healthy "$bridge_port"

loadgen() { local secs=$1; shift; "$build/bench/mcp-loadgen" --tool "$tool" --requests "$requests" --max-seconds "$secs" "$@"; }

echo "cores: $(nproc); tool: $tool; ${seconds}s per measurement; $(date -u +%F)"
printf '%-12s %12s %12s %9s %10s %10s %10s %10s %9s\n' concurrency direct_rps bridge_rps rps_ratio \
  direct_p50 bridge_p50 direct_p99 bridge_p99 p99_ratio
# Warm both paths once (upstream session creation, connection set-up).
loadgen 1 --url "http://127.0.0.1:$upstream_port/mcp" --mode legacy --concurrency 4 >/dev/null
loadgen 1 --url "http://127.0.0.1:$bridge_port/mcp" --mode modern --concurrency 4 >/dev/null
for c in ${BENCH_CONCURRENCY:-1 16 128}; do
  direct=$(loadgen "$seconds" --url "http://127.0.0.1:$upstream_port/mcp" --mode legacy --concurrency "$c" || true)
  bridged=$(loadgen "$seconds" --url "http://127.0.0.1:$bridge_port/mcp" --mode modern --concurrency "$c" || true)
  echo "$direct" >>"$work/raw.jsonl"; echo "$bridged" >>"$work/raw.jsonl"
  node -e '
const [c, d, b] = [process.argv[1], JSON.parse(process.argv[2]), JSON.parse(process.argv[3])];
const f = (x, w) => String(Math.round(x)).padStart(w);
console.log(`${c.padEnd(12)} ${f(d.rps, 12)} ${f(b.rps, 12)} ${(b.rps / d.rps).toFixed(2).padStart(9)} ` +
  `${f(d.p50_us, 8)}us ${f(b.p50_us, 8)}us ${f(d.p99_us, 8)}us ${f(b.p99_us, 8)}us ` +
  `${(b.p99_us / Math.max(d.p99_us, 1)).toFixed(2).padStart(9)}`);
if (d.errors || b.errors) console.log(`  errors: direct ${d.errors}, bridge ${b.errors}`);
' "$c" "$direct" "$bridged"
done
echo "raw results: $work/raw.jsonl"
