#!/usr/bin/env bash
# Side-by-side benchmark of tools/call through mcp-bridge against the ways of
# reaching a legacy (2025-11-25) upstream without it, in the same run. Two
# suites (BENCH_SUITES, default both):
#
# floor: the bundled sample (--http), at 1, 16 and 128 concurrent clients:
#   direct      a 2025-11-25 client with its own session, straight to the sample
#   nginx       the same client through Debian's nginx (the floor: a plain proxy
#               hop; one worker per core, upstream keep-alive, proxy_buffering
#               off, HTTP/1.1 upstream)
#   bridge      a 2026-07-28 client through mcp-bridge with metrics on
#               (--metrics-listen: every request is counted and timed)
#   bridge-nom  the same through a second mcp-bridge without --metrics-listen
#               (nothing recorded): the price of metrics, side by side
#
# upstreams: a slower, real upstream and the gateway without a pool, at 1 and
# 16 clients:
#   everything-direct       a 2025-11-25 client with its own session, straight
#                           to server-everything (npm, pinned in tests/node;
#                           Streamable HTTP; tool echo)
#   everything-bridge       a 2026-07-28 client through a bridge in front of it
#   everything-per-request  initialize + notifications/initialized + tools/call
#                           + DELETE for every call, straight to server-everything
#                           (what a stateless gateway without a session pool does)
#   per-request             the same, straight to the sample
#   bridge                  (as above) the bridge in front of the sample
#
# Each round measures every target of a suite one after the other at each
# concurrency (floor: the two bridges in alternating order; upstreams: the list
# reversed every other round); the report (bench/bridge_bench_report.js) gives
# medians over the rounds, and ratios as the median of the per-round ratios
# (measured within seconds of each other, so a neighbour's load on a shared
# machine shifts both sides of a ratio alike).
#   bench/run_bridge_bench.sh [BUILD_DIR]   (default: build)
# Env: BENCH_SUITES (default "floor upstreams"),
#      BENCH_SECONDS (per measurement, default 4), BENCH_REQUESTS (cap, default 200000),
#      BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (floor, default "1 16 128"),
#      BENCH_UPSTREAMS_CONCURRENCY (upstreams, default "1 16"),
#      BENCH_TOOL (on the sample, default test_simple_text), BENCH_OUT (directory
#      for raw.jsonl and logs; default a new one under $TMPDIR),
#      BENCH_BRIDGE_PRELOAD (a malloc to run the bridges with, e.g.
#      /usr/lib/x86_64-linux-gnu/libjemalloc.so.2; default: the one linked in,
#      CMake MCP_ALLOCATOR).
# Costs: CPU time per request of the bridge (and of nginx, all workers) from
# /proc/PID/stat utime+stime around each of its measurements; the bridges'
# peak RSS (VmHWM) at the end. Everything runs on 127.0.0.1 with ephemeral
# ports; every run is bounded in count and time; every process is stopped.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH:/usr/sbin:/sbin"  # pinned Node 22; Debian's nginx
command -v nginx >/dev/null || { echo "nginx is not installed (scripts/install-deps.sh)" >&2; exit 1; }
seconds=${BENCH_SECONDS:-4} requests=${BENCH_REQUESTS:-200000} rounds=${BENCH_ROUNDS:-3}
suites=${BENCH_SUITES:-floor upstreams}
sample_tool=${BENCH_TOOL:-test_simple_text}
for suite in $suites; do
  case $suite in floor|upstreams) ;; *) echo "unknown suite '$suite' (floor, upstreams)" >&2; exit 2 ;; esac
done
has_suite() { [[ " $suites " == *" $1 "* ]]; }
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
# start_bridge NAME BRIDGE_ARGS... : a bridge on an ephemeral port, logging to
# $work/NAME.log; sets url[NAME], pids[NAME] and mode[NAME]=modern.
declare -A url mode pids tool arguments
start_bridge() {
  local name=$1; shift
  mcp_start "$work/$name.log" "${bridge_cmd[@]}" --listen 127.0.0.1:0 "$@"
  pids[$name]=${MCP_TEST_PIDS[-1]}
  local port
  port=$(mcp_wait_port "$work/$name.log")
  mcp_wait_healthy "$port"
  url[$name]="http://127.0.0.1:$port/mcp" mode[$name]=modern
}
# target NAME URL MODE TOOL ARGUMENTS : a target the load generator reaches without a bridge.
target() { url[$1]=$2 mode[$1]=$3 tool[$1]=$4 arguments[$1]=$5 pids[$1]=""; }

start_bridge bridge --metrics-listen 127.0.0.1:0 --upstream "$upstream"
tool[bridge]=$sample_tool arguments[bridge]='{}'
target direct "$upstream" legacy "$sample_tool" '{}'
target per-request "$upstream" session-per-request "$sample_tool" '{}'

start_floor() {  # nginx in front of the sample, and the bridge without metrics
  start_bridge bridge-nom --upstream "$upstream"
  tool[bridge-nom]=$sample_tool arguments[bridge-nom]='{}'
  # nginx, unprivileged, everything in the work dir (as tests/integration/replicas.sh).
  ngx="$work/nginx"
  mkdir -p "$ngx/tmp"
  ngport=$(free_port)
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
  target nginx "http://127.0.0.1:$ngport/mcp" legacy "$sample_tool" '{}'
  pids[nginx]=$nginx_pid
}

start_upstreams() {  # server-everything over Streamable HTTP, and a bridge in front of it
  local port
  port=$(free_port)
  PORT=$port mcp_start "$work/everything.log" mcp-server-everything streamableHttp
  for _ in $(seq 1 300); do grep -qs "listening on port" "$work/everything.log" && break; sleep 0.1; done
  grep -qs "listening on port" "$work/everything.log" || { echo "server-everything did not start:" >&2; tail "$work/everything.log" >&2; exit 1; }
  local everything="http://127.0.0.1:$port/mcp" echo_args='{"message":"hello through the bridge"}'
  start_bridge everything-bridge --metrics-listen 127.0.0.1:0 --upstream "$everything"
  tool[everything-bridge]=echo arguments[everything-bridge]=$echo_args
  target everything-direct "$everything" legacy echo "$echo_args"
  target everything-per-request "$everything" session-per-request echo "$echo_args"
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'; }
has_suite floor && start_floor
has_suite upstreams && start_upstreams

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
  "$build/bench/mcp-loadgen" --url "${url[$1]}" --mode "${mode[$1]}" --concurrency "$2" --tool "${tool[$1]}" \
    --arguments "${arguments[$1]}" --requests "$requests" --max-seconds "$3" || true
}

measure() {  # measure SUITE TARGET CONCURRENCY ROUND: one JSON line into raw.jsonl
  local suite=$1 target=$2 c=$3 round=$4 before=0 after=0 result
  [ -n "${pids[$target]}" ] && before=$(cpu_ticks ${pids[$target]})
  result=$(loadgen "$target" "$c" "$seconds")
  [ -n "${pids[$target]}" ] && after=$(cpu_ticks ${pids[$target]})
  echo "{\"suite\":\"$suite\",\"target\":\"$target\",\"c\":$c,\"round\":$round,\"cpu_ticks\":$((after - before)),\"result\":${result:-null}}" >>"$raw"
}

# The order of a suite's targets in a round: no target always runs right after
# the same other one.
order() {  # order SUITE ROUND
  local odd
  case $1 in
    floor) if [ $(($2 % 2)) = 1 ]; then echo "direct nginx bridge bridge-nom"; else echo "direct nginx bridge-nom bridge"; fi ;;
    upstreams)
      odd="everything-direct everything-bridge everything-per-request per-request bridge"
      if [ $(($2 % 2)) = 1 ]; then echo "$odd"; else echo "$odd" | tr ' ' '\n' | tac | tr '\n' ' '; fi ;;
  esac
}
concurrency() {  # concurrency SUITE
  if [ "$1" = floor ]; then echo "${BENCH_CONCURRENCY:-1 16 128}"; else echo "${BENCH_UPSTREAMS_CONCURRENCY:-1 16}"; fi
}

malloc=${BENCH_BRIDGE_PRELOAD:-$(ldd "$build/proxy/mcp-bridge" | grep -q libjemalloc && echo "jemalloc (linked)" || echo glibc)}
echo "mcp-bridge benchmark, $(date -u '+%F %H:%M') UTC; $(nproc) cores ($(uptime | sed 's/.*load/load/')); suites: $suites"
echo "${seconds}s per measurement, $rounds round(s); bridge malloc: $malloc; nginx $(nginx -v 2>&1 | cut -d/ -f2), $(nproc) worker(s); logs in $work"
# Warm every path once (sessions, connections, tool schema caches).
for suite in $suites; do for t in $(order "$suite" 1); do loadgen "$t" 16 1 >/dev/null; done; done
for round in $(seq 1 "$rounds"); do
  for suite in $suites; do
    for c in $(concurrency "$suite"); do
      for t in $(order "$suite" "$round"); do measure "$suite" "$t" "$c" "$round"; done
    done
  done
done
hwm() { grep VmHWM "/proc/$1/status" | awk '{print $2}'; }
peaks=""
for t in bridge bridge-nom everything-bridge; do
  [ -n "${pids[$t]:-}" ] && peaks+="${peaks:+,}\"$t\":$(hwm "${pids[$t]}")"
done
echo "{\"peak_rss_kb\":{$peaks},\"clk_tck\":$(getconf CLK_TCK)}" >>"$raw"
node "$src/bench/bridge_bench_report.js" "$raw"
echo "raw results: $raw"
