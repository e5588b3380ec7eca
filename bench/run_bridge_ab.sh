#!/usr/bin/env bash
# A/B of two mcp-bridge binaries on the same upstream: CPU per request.
#   bench/run_bridge_ab.sh BRIDGE_A BRIDGE_B [BUILD_DIR]   (BUILD_DIR: the sample and mcp-loadgen; default build)
# Starts the bundled sample (--http) and both bridges in front of it, then
# alternates them (A B, then B A, ...) under the same closed-loop tools/call
# load from mcp-loadgen, at each concurrency, for every round. CPU per request
# is the bridge's utime+stime from /proc/PID/stat around the measurement,
# divided by the answered requests; on a machine shared with other work, read
# the ranges over rounds, not one figure, and the B/A ratios of each round (A
# and B measured seconds apart) with their median. The allocator A/B: the same
# tree linked twice (cmake -DMCP_ALLOCATOR=system, then =jemalloc: only the
# link of mcp-bridge changes), README "Benchmark".
# Env: AB_SECONDS (per measurement, default 4), AB_ROUNDS (default 4),
#      AB_CONCURRENCY (default "1 16"), AB_TOOL (default test_simple_text),
#      AB_OUT (directory for logs and raw.jsonl; default a new one under $TMPDIR),
#      AB_ARGS (extra bridge arguments for both, e.g. "--threads 1").
# Everything on 127.0.0.1 with ephemeral ports; bounded in count and time.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
a=$(realpath "$1") b=$(realpath "$2")
build=$(cd "${3:-$src/build}" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
seconds=${AB_SECONDS:-4} rounds=${AB_ROUNDS:-4} tool=${AB_TOOL:-test_simple_text}
work=${AB_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/mcp-ab.XXXXXX")}
mkdir -p "$work"
raw=$work/raw.jsonl
: >"$raw"
read -r -a extra <<<"${AB_ARGS:-}"

mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0 --log-level warn
upstream="http://127.0.0.1:$(mcp_wait_port "$work/sample.log")/mcp"
declare -A pid port
for side in A B; do
  bin=$a
  [ "$side" = B ] && bin=$b
  mcp_start "$work/bridge-$side.log" "$bin" --listen 127.0.0.1:0 --upstream "$upstream" "${extra[@]}"
  pid[$side]=${MCP_TEST_PIDS[-1]}
  port[$side]=$(mcp_wait_port "$work/bridge-$side.log")
  mcp_wait_healthy "${port[$side]}"
done

ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
loadgen() {  # loadgen SIDE CONCURRENCY SECONDS
  "$build/bench/mcp-loadgen" --url "http://127.0.0.1:${port[$1]}/mcp" --mode modern --concurrency "$2" \
    --tool "$tool" --requests 1000000 --max-seconds "$3" || true
}
measure() {  # measure SIDE CONCURRENCY ROUND
  local before after result
  before=$(ticks "${pid[$1]}")
  result=$(loadgen "$1" "$2" "$seconds")
  after=$(ticks "${pid[$1]}")
  echo "{\"side\":\"$1\",\"c\":$2,\"round\":$3,\"cpu_ticks\":$((after - before)),\"result\":${result:-null}}" >>"$raw"
}

echo "A: $a"
echo "B: $b"
echo "$(date -u '+%F %H:%M') UTC; $(nproc) cores ($(uptime | sed 's/.*load/load/')); ${seconds}s x $rounds rounds; logs in $work"
for side in A B; do loadgen "$side" 16 1 >/dev/null; done  # warm sessions, connections, tool caches
for round in $(seq 1 "$rounds"); do
  for c in ${AB_CONCURRENCY:-1 16}; do
    if [ $((round % 2)) = 1 ]; then order="A B"; else order="B A"; fi
    for side in $order; do measure "$side" "$c" "$round"; done
  done
done

node - "$raw" "$(getconf CLK_TCK)" <<'EOF'
const runs = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
const tck = Number(process.argv[3]);
const cpu = (x) => (x.cpu_ticks * 1e6) / tck / Math.max(x.result.ok, 1);
const fmt = (xs) => xs.map((v) => Math.round(v)).join(" ");
const median = (xs) => { const s = [...xs].sort((p, q) => p - q), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
for (const c of [...new Set(runs.map((x) => x.c))]) {
  for (const side of ["A", "B"]) {
    const xs = runs.filter((x) => x.c === c && x.side === side && x.result);
    const errors = xs.reduce((n, x) => n + (x.result.errors || 0), 0);
    console.log(`c=${String(c).padStart(3)} ${side}: CPU/request µs [${fmt(xs.map(cpu))}] median ${Math.round(median(xs.map(cpu)))}` +
      ` | rps [${fmt(xs.map((x) => x.result.rps))}] | p50 µs [${fmt(xs.map((x) => x.result.p50_us))}] | errors ${errors}`);
  }
  // B against A round by round (measured seconds apart: a neighbour's load shifts both alike).
  const pairs = [...new Set(runs.map((x) => x.round))].map((r) => runs.filter((x) => x.c === c && x.round === r))
    .map((xs) => [xs.find((x) => x.side === "A"), xs.find((x) => x.side === "B")]).filter(([a, b]) => a && a.result && b && b.result);
  for (const [what, f] of [["CPU/request", cpu], ["rps", (x) => x.result.rps], ["p50", (x) => x.result.p50_us]]) {
    const ratios = pairs.map(([a, b]) => f(b) / f(a));
    console.log(`c=${String(c).padStart(3)} B/A ${what} per round [${ratios.map((v) => v.toFixed(2)).join(" ")}] median ${median(ratios).toFixed(2)}`);
  }
}
EOF
echo "raw results: $raw"
