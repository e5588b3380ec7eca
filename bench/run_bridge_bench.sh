#!/usr/bin/env bash
# Side-by-side benchmark of tools/call on one legacy upstream (the bundled
# sample, --http), reached four ways in the same run, at 1, 16 and 128
# concurrent clients:
#   direct      a 2025-11-25 client with its own session, straight to the sample
#   nginx       the same client through Debian's nginx (the floor: a plain proxy
#               hop; one worker per core, upstream keep-alive, proxy_buffering
#               off, HTTP/1.1 upstream)
#   bridge      a 2026-07-28 client through mcp-bridge with metrics on
#               (--metrics-listen: every request is counted and timed)
#   bridge-nom  the same through a second mcp-bridge without --metrics-listen
#               (nothing recorded): the price of metrics, side by side
# Each round measures the four one after the other at each concurrency (the
# two bridges in alternating order); the report gives medians over the rounds,
# and ratios as the median of the per-round ratios (measured within seconds of each other, so a neighbour's
# load on a shared machine shifts both sides of a ratio alike).
#   bench/run_bridge_bench.sh [BUILD_DIR]   (default: build)
# Env: BENCH_SECONDS (per measurement, default 4), BENCH_REQUESTS (cap, default 200000),
#      BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (default "1 16 128"),
#      BENCH_TOOL (default test_simple_text), BENCH_OUT (directory for raw.jsonl
#      and logs; default a new one under $TMPDIR), BENCH_BRIDGE_PRELOAD (a
#      malloc to run both bridges with, e.g. Debian's libjemalloc2:
#      /usr/lib/x86_64-linux-gnu/libjemalloc.so.2; default: glibc's).
# Costs: CPU time per request of the bridge (and of nginx, all workers) from
# /proc/PID/stat utime+stime around each of its measurements; the bridge's
# peak RSS (VmHWM) at the end. Everything runs on 127.0.0.1 with ephemeral
# ports; every run is bounded in count and time; every process is stopped.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH:/usr/sbin:/sbin"  # pinned Node 22; Debian's nginx
command -v nginx >/dev/null || { echo "nginx is not installed (scripts/install-deps.sh)" >&2; exit 1; }
seconds=${BENCH_SECONDS:-4} requests=${BENCH_REQUESTS:-200000} rounds=${BENCH_ROUNDS:-3}
tool=${BENCH_TOOL:-test_simple_text}
work=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/mcp-bench.XXXXXX")}
mkdir -p "$work"
chmod 755 "$work"
raw=$work/raw.jsonl
: >"$raw"

# Every legacy client opens its own session (direct and through nginx, every
# round): room for all of them.
mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0 --log-level warn \
  --max-sessions 100000
upstream_port=$(mcp_wait_port "$work/sample.log")
upstream="http://127.0.0.1:$upstream_port/mcp"

bridge_cmd=("$build/proxy/mcp-bridge")
[ -n "${BENCH_BRIDGE_PRELOAD:-}" ] && bridge_cmd=(env "LD_PRELOAD=$BENCH_BRIDGE_PRELOAD" "${bridge_cmd[@]}")
mcp_start "$work/bridge.log" "${bridge_cmd[@]}" --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
  --upstream "$upstream"
bridge_pid=${MCP_TEST_PIDS[-1]}
mcp_start "$work/bridge-nom.log" "${bridge_cmd[@]}" --listen 127.0.0.1:0 --upstream "$upstream"
bridge_nom_pid=${MCP_TEST_PIDS[-1]}
bridge_port=$(mcp_wait_port "$work/bridge.log")
bridge_nom_port=$(mcp_wait_port "$work/bridge-nom.log")
mcp_wait_healthy "$bridge_port"
mcp_wait_healthy "$bridge_nom_port"

# nginx, unprivileged, everything in the work dir (as tests/integration/replicas.sh).
ngx="$work/nginx"
mkdir -p "$ngx/tmp"
ngport=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')
cat >"$ngx/nginx.conf" <<CONF
worker_processes $(nproc);
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $ngx/tmp/body;
  proxy_temp_path $ngx/tmp/proxy;
  fastcgi_temp_path $ngx/tmp/fastcgi;
  uwsgi_temp_path $ngx/tmp/uwsgi;
  scgi_temp_path $ngx/tmp/scgi;
  upstream sample {
    server 127.0.0.1:$upstream_port;
    keepalive 256;
  }
  server {
    listen 127.0.0.1:$ngport;
    location / {
      proxy_pass http://sample;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
CONF
nginx_cmd=(nginx -p "$ngx" -c "$ngx/nginx.conf" -g 'daemon off;')
if [ "$(id -u)" = 0 ]; then  # never run nginx as root: drop to nobody for the whole process
  chown -R nobody "$ngx"
  nginx_cmd=(setpriv --reuid=nobody --regid=nogroup --clear-groups "${nginx_cmd[@]}")
fi
mcp_start "$work/nginx.out" "${nginx_cmd[@]}"
nginx_pid=${MCP_TEST_PIDS[-1]}
for _ in $(seq 1 300); do
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$ngport/" 2>/dev/null && break
  sleep 0.1
done

declare -A url=([direct]="$upstream" [nginx]="http://127.0.0.1:$ngport/mcp"
  [bridge]="http://127.0.0.1:$bridge_port/mcp" [bridge-nom]="http://127.0.0.1:$bridge_nom_port/mcp")
declare -A mode=([direct]=legacy [nginx]=legacy [bridge]=modern [bridge-nom]=modern)
declare -A pids=([direct]="" [nginx]="$nginx_pid" [bridge]="$bridge_pid" [bridge-nom]="$bridge_nom_pid")

# CPU ticks (utime+stime) of the given processes and their children's threads:
# nginx's workers are children of the process we started (setpriv execs).
cpu_ticks() {
  local total=0 pid
  for pid in "$@" $(for p in "$@"; do pgrep -P "$p" || true; done); do
    # Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}

loadgen() {  # loadgen TARGET CONCURRENCY SECONDS
  "$build/bench/mcp-loadgen" --url "${url[$1]}" --mode "${mode[$1]}" --concurrency "$2" --tool "$tool" \
    --requests "$requests" --max-seconds "$3" || true
}

measure() {  # measure TARGET CONCURRENCY ROUND: one JSON line into raw.jsonl
  local target=$1 c=$2 round=$3 before=0 after=0 result
  [ -n "${pids[$target]}" ] && before=$(cpu_ticks ${pids[$target]})
  result=$(loadgen "$target" "$c" "$seconds")
  [ -n "${pids[$target]}" ] && after=$(cpu_ticks ${pids[$target]})
  echo "{\"target\":\"$target\",\"c\":$c,\"round\":$round,\"cpu_ticks\":$((after - before)),\"result\":${result:-null}}" >>"$raw"
}

echo "mcp-bridge benchmark, $(date -u '+%F %H:%M') UTC; $(nproc) cores ($(uptime | sed 's/.*load/load/')); tool $tool;"
echo "${seconds}s per measurement, $rounds round(s); bridge malloc: ${BENCH_BRIDGE_PRELOAD:-glibc}; nginx $(nginx -v 2>&1 | cut -d/ -f2), $(nproc) worker(s); logs in $work"
# Warm every path once (sessions, connections, tool schema caches).
for t in direct nginx bridge bridge-nom; do loadgen "$t" 16 1 >/dev/null; done
for round in $(seq 1 "$rounds"); do
  for c in ${BENCH_CONCURRENCY:-1 16 128}; do
    # The two bridges swap places every round: neither always runs right after nginx.
    if [ $((round % 2)) = 1 ]; then order="direct nginx bridge bridge-nom"; else order="direct nginx bridge-nom bridge"; fi
    for t in $order; do measure "$t" "$c" "$round"; done
  done
done
hwm() { grep VmHWM "/proc/$1/status" | awk '{print $2}'; }
echo "{\"peak_rss_kb\":{\"bridge\":$(hwm "$bridge_pid"),\"bridge-nom\":$(hwm "$bridge_nom_pid")},\"clk_tck\":$(getconf CLK_TCK)}" >>"$raw"

node - "$raw" <<'EOF'
const lines = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
const meta = lines.find((l) => l.peak_rss_kb);
const runs = lines.filter((l) => l.target);
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b), m = s.length >> 1;
  return !s.length ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const get = (t, c, r) => runs.find((x) => x.target === t && x.c === c && x.round === r);
const cs = [...new Set(runs.map((x) => x.c))];
const rs = [...new Set(runs.map((x) => x.round))];
const stat = (t, c, f) => median(rs.map((r) => { const x = get(t, c, r); return x && x.result ? f(x) : NaN; }));
const ratio = (a, b, c, f) => median(rs.map((r) => { const x = get(a, c, r), y = get(b, c, r); return x && y && x.result && y.result ? f(x) / f(y) : NaN; }));
const rps = (x) => x.result.rps, p50 = (x) => x.result.p50_us, p99 = (x) => x.result.p99_us;
const cpu = (x) => (x.cpu_ticks * 1e6) / meta.clk_tck / Math.max(x.result.ok, 1);
const n = (v, w) => (Number.isFinite(v) ? String(Math.round(v)) : "-").padStart(w);
const r2 = (v, w) => (Number.isFinite(v) ? v.toFixed(2) : "-").padStart(w);
console.log("\nmedians over rounds; ratios: median of per-round ratios (bridge = with metrics)");
console.log("clients  direct_rps  nginx_rps bridge_rps  b/n_rps | direct_p50 nginx_p50 bridge_p50  b/n_p50 | direct_p99 nginx_p99 bridge_p99  b/n_p99");
for (const c of cs)
  console.log(`${n(c, 7)} ${n(stat("direct", c, rps), 11)} ${n(stat("nginx", c, rps), 10)} ${n(stat("bridge", c, rps), 10)} ${r2(ratio("bridge", "nginx", c, rps), 8)} |` +
    ` ${n(stat("direct", c, p50), 8)}us ${n(stat("nginx", c, p50), 7)}us ${n(stat("bridge", c, p50), 8)}us ${r2(ratio("bridge", "nginx", c, p50), 8)} |` +
    ` ${n(stat("direct", c, p99), 8)}us ${n(stat("nginx", c, p99), 7)}us ${n(stat("bridge", c, p99), 8)}us ${r2(ratio("bridge", "nginx", c, p99), 8)}`);
console.log("\nclients  b/direct_rps  n/direct_rps | bridge_cpu/req nginx_cpu/req  b/n_cpu | metrics_off_rps metrics_on_rps  on/off_rps");
for (const c of cs)
  console.log(`${n(c, 7)} ${r2(ratio("bridge", "direct", c, rps), 13)} ${r2(ratio("nginx", "direct", c, rps), 13)} |` +
    ` ${n(stat("bridge", c, cpu), 12)}us ${n(stat("nginx", c, cpu), 11)}us ${r2(ratio("bridge", "nginx", c, cpu), 8)} |` +
    ` ${n(stat("bridge-nom", c, rps), 15)} ${n(stat("bridge", c, rps), 14)} ${r2(ratio("bridge", "bridge-nom", c, rps), 11)}`);
console.log(`\npeak RSS (VmHWM): bridge ${Math.round(meta.peak_rss_kb.bridge / 1024)} MiB, bridge without metrics ${Math.round(meta.peak_rss_kb["bridge-nom"] / 1024)} MiB`);
const failed = runs.filter((x) => !x.result || x.result.errors || x.result.failed_workers);
for (const x of failed) console.log(`errors: ${x.target} c=${x.c} round ${x.round}: ${x.result ? JSON.stringify(x.result.error_kinds) + " failed_workers " + x.result.failed_workers : "no result"}`);
const reconnects = runs.filter((x) => x.result && x.result.reconnects);
for (const x of reconnects) console.log(`reconnects (Connection: close): ${x.target} c=${x.c} round ${x.round}: ${x.result.reconnects}`);
if (!failed.length) console.log("no request failed");
EOF
echo "raw results: $raw"
