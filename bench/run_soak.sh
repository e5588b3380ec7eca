#!/usr/bin/env bash
# Soak and leak check of mcp-bridge: a long closed-loop tools/call load
# (mcp-loadgen --keep-going) through the bridge in front of the bundled legacy
# sample, with upstream crashes injected, while the bridge's RSS and open file
# descriptors are sampled. Not a ctest test (it runs for minutes): run by hand.
#   bench/run_soak.sh [BUILD_DIR]   (default: build)
# Env: SOAK_SECONDS      load duration (default 600)
#      SOAK_CONCURRENCY  concurrent clients (default 128)
#      SOAK_TRANSPORT    stdio: the sample is the bridge's child; every restart
#                        SIGKILLs it and the bridge starts a new one.
#                        http: the sample listens on 127.0.0.1; every restart
#                        SIGKILLs it and starts a new one on the same port after
#                        SOAK_DOWNTIME seconds (default 1). Default stdio.
#      SOAK_RESTART_EVERY seconds between injected crashes (default 75; 0 = none).
#                        Over the bridge's 60 s stable_after, so each crash is a
#                        first failure (500 ms restart backoff) instead of an
#                        escalating series.
#      SOAK_SAMPLE_EVERY seconds between samples (default 5)
#      SOAK_COOLDOWN     seconds sampled after the load stops (default 20)
#      SOAK_OUT          directory for soak.csv, soak.svg, loadgen.json, logs
#                        (default: a new directory under $TMPDIR)
#      SOAK_TOOL         tool called (default test_simple_text)
# Output: figures and a verdict on stdout; soak.csv (t_s, phase, rss_kb, fds,
# threads, upstream_pid, restarts) and soak.svg (RSS and fds over time).
# Verdict: RSS flat = the mean of the last third of the load (after the first
# fifth, the warm-up) is within 10% of the mean of the first third; fds back to
# baseline = after the cooldown no more than before the load (the baseline is
# taken after a short warm-up at the same concurrency, so connection pools and
# the stdio child already exist). Exit status 1 when a verdict fails, the
# bridge dies, or it does not exit 0 on the final SIGTERM.
# Everything runs on 127.0.0.1 with ephemeral ports; every process is stopped
# at the end (trap); the run is bounded by SOAK_SECONDS + 180 s.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"   # pinned Node 22 (report and plot)
seconds=${SOAK_SECONDS:-600} concurrency=${SOAK_CONCURRENCY:-128} transport=${SOAK_TRANSPORT:-stdio}
restart_every=${SOAK_RESTART_EVERY:-75} sample_every=${SOAK_SAMPLE_EVERY:-5} cooldown=${SOAK_COOLDOWN:-20}
downtime=${SOAK_DOWNTIME:-1} tool=${SOAK_TOOL:-test_simple_text}
case "$transport" in stdio | http) ;; *) echo "SOAK_TRANSPORT must be stdio or http" >&2; exit 2 ;; esac
out=${SOAK_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/mcp-soak.XXXXXX")}
mkdir -p "$out"
csv=$out/soak.csv
hard_deadline=$((SECONDS + seconds + 180))

# Processes this script started and that are still alive (a killed sample
# leaves the list, so the trap never signals a recycled pid).
forget_pid() {
  local gone=$1 kept=() pid
  for pid in "${MCP_TEST_PIDS[@]}"; do [ "$pid" = "$gone" ] || kept+=("$pid"); done
  MCP_TEST_PIDS=("${kept[@]}")
}
# Waits (max 10 s) until PID has exited; reaps it when it is our child.
wait_gone() {
  local pid=$1
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$pid" 2>/dev/null || true
}

# --- upstream and bridge -----------------------------------------------------
sample_pid="" sample_port="" incarnation=0
start_http_sample() {  # start_http_sample PORT (0 = ephemeral)
  incarnation=$((incarnation + 1))
  local log=$out/sample.$incarnation.log
  mcp_start "$log" "$build/samples/mcp-legacy-sample" --http "127.0.0.1:$1"
  sample_pid=${MCP_TEST_PIDS[-1]}
  sample_port=$(mcp_wait_port "$log")
}
if [ "$transport" = http ]; then
  start_http_sample 0
  upstream_args=(--upstream "http://127.0.0.1:$sample_port/mcp")
else
  upstream_args=(-- "$build/samples/mcp-legacy-sample" --stdio)
fi
mcp_start "$out/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level info "${upstream_args[@]}"
bridge_pid=${MCP_TEST_PIDS[-1]}
bridge_port=$(mcp_wait_port "$out/bridge.log")
mcp_wait_healthy "$bridge_port"
url="http://127.0.0.1:$bridge_port/mcp"

# The stdio upstream: the bridge's (only) child process, if one is running.
bridge_child() { cat /proc/"$bridge_pid"/task/*/children 2>/dev/null | tr ' ' '\n' | grep -m1 . || true; }
upstream_pid() { if [ "$transport" = http ]; then echo "$sample_pid"; else bridge_child; fi; }

restarts=0
inject_crash() {
  if [ "$transport" = stdio ]; then
    local child; child=$(bridge_child)
    [ -n "$child" ] || { echo "  (no stdio child to kill at this moment)"; return 0; }
    kill -KILL "$child" 2>/dev/null || true
  else
    local old=$sample_pid
    kill -KILL "$old" 2>/dev/null || true
    wait_gone "$old"
    forget_pid "$old"
    sleep "$downtime"
    start_http_sample "$sample_port"
  fi
  restarts=$((restarts + 1))
}

echo "t_s,phase,rss_kb,fds,threads,upstream_pid,restarts" >"$csv"
t0=$(date +%s.%N)
sample() {  # sample PHASE
  local t rss fds threads
  t=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
  rss=$(awk '/^VmRSS:/ { print $2 }' /proc/"$bridge_pid"/status)
  threads=$(awk '/^Threads:/ { print $2 }' /proc/"$bridge_pid"/status)
  fds=$(find /proc/"$bridge_pid"/fd -mindepth 1 -maxdepth 1 | wc -l)
  echo "$t,$1,$rss,$fds,$threads,$(upstream_pid),$restarts" >>"$csv"
}
bridge_alive() {
  if ! kill -0 "$bridge_pid" 2>/dev/null; then
    echo "mcp-bridge died during the soak; last log lines:" >&2
    tail -n 30 "$out/bridge.log" >&2
    exit 1
  fi
}

loadgen() {  # loadgen SECONDS OUTPUT
  "$build/bench/mcp-loadgen" --url "$url" --mode modern --tool "$tool" --concurrency "$concurrency" \
    --requests 10000000 --max-seconds "$1" --keep-going >"$2" 2>"$2.stderr"
}

echo "soak: $transport upstream, $concurrency clients, ${seconds}s, crash every ${restart_every}s;" \
  "cores: $(nproc); $(date -u '+%F %H:%M UTC'); output: $out"
# Warm-up at full concurrency: connection pools, the upstream session and the
# stdio child exist before the baseline is taken.
loadgen 3 "$out/warmup.json" || true
sleep 1
sample baseline

loadgen "$seconds" "$out/loadgen.json" &
loadgen_pid=$!
MCP_TEST_PIDS+=("$loadgen_pid")
load_start=$SECONDS next_sample=$((SECONDS + sample_every))
next_crash=$((restart_every > 0 ? SECONDS + restart_every : 1 << 62))
while kill -0 "$loadgen_pid" 2>/dev/null; do
  bridge_alive
  if [ "$SECONDS" -ge "$hard_deadline" ]; then
    echo "load generator still running past the time bound: stopping it" >&2
    kill -TERM "$loadgen_pid" 2>/dev/null || true
    break
  fi
  # No crash in the last sample period: the end of the curve shows the
  # bridge after recovery, not in the middle of one.
  if [ "$SECONDS" -ge "$next_crash" ] && [ $((SECONDS - load_start)) -lt $((seconds - sample_every)) ]; then
    inject_crash
    echo "  $((SECONDS - load_start))s: upstream crash #$restarts injected"
    next_crash=$((next_crash + restart_every))
  fi
  if [ "$SECONDS" -ge "$next_sample" ]; then
    sample load
    next_sample=$((next_sample + sample_every))
  fi
  sleep 0.5
done
loadgen_status=0
wait "$loadgen_pid" || loadgen_status=$?
forget_pid "$loadgen_pid"
[ "$loadgen_status" -le 1 ] || echo "mcp-loadgen exited with status $loadgen_status" >&2  # 1 = some errors
bridge_alive

for _ in $(seq "$sample_every" "$sample_every" "$cooldown"); do
  sleep "$sample_every"
  bridge_alive
  sample cooldown
done

# A graceful shutdown right after the load: drains and exits 0.
kill -TERM "$bridge_pid"
bridge_status=0
for _ in $(seq 1 150); do kill -0 "$bridge_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$bridge_pid" 2>/dev/null; then
  echo "mcp-bridge did not exit within 15 s of SIGTERM" >&2
  bridge_status=timeout
else
  wait "$bridge_pid" || bridge_status=$?
  forget_pid "$bridge_pid"
fi

node - "$csv" "$out/loadgen.json" "$out/soak.svg" "$bridge_status" "$transport" "$concurrency" "$restarts" <<'EOF'
const fs = require('fs');
const [csvPath, loadPath, svgPath, bridgeStatus, transport, concurrency, restarts] = process.argv.slice(2);
const rows = fs.readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((line) => {
  const [t, phase, rss, fds, threads, upid, r] = line.split(',');
  return { t: +t, phase, rss: +rss, fds: +fds, threads: +threads, upid, restarts: +r };
});
const load = JSON.parse(fs.readFileSync(loadPath, 'utf8'));
const mib = (kb) => (kb / 1024).toFixed(1);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

const baseline = rows.find((r) => r.phase === 'baseline');
const loadRows = rows.filter((r) => r.phase === 'load');
const last = rows[rows.length - 1];
const peak = rows.reduce((a, b) => (b.rss > a.rss ? b : a));
// Warm-up: the first fifth of the load; then thirds of what remains.
const steady = loadRows.slice(Math.floor(loadRows.length / 5));
const third = Math.max(1, Math.floor(steady.length / 3));
const firstThird = mean(steady.slice(0, third).map((r) => r.rss));
const lastThird = mean(steady.slice(-third).map((r) => r.rss));
const growth = (lastThird - firstThird) / firstThird;
const rssFlat = steady.length >= 3 && growth <= 0.10;
const fdsBack = last.fds <= baseline.fds;
const requests = load.ok + load.errors;

console.log(`requests      ${requests} (${load.ok} ok) in ${load.seconds.toFixed(0)} s at ${concurrency} clients, ` +
            `${transport} upstream, ${restarts} upstream crashes injected`);
console.log(`errors        ${load.errors} (${(100 * load.errors / Math.max(requests, 1)).toFixed(3)}%)` +
            (load.errors ? `: ${JSON.stringify(load.error_kinds)}` : ''));
console.log(`throughput    ${load.rps.toFixed(0)} ok requests/s; p50 ${(load.p50_us / 1000).toFixed(2)} ms, ` +
            `p99 ${(load.p99_us / 1000).toFixed(2)} ms`);
console.log(`RSS           baseline ${mib(baseline.rss)} MiB, peak ${mib(peak.rss)} MiB (t=${peak.t.toFixed(0)} s), ` +
            `final ${mib(last.rss)} MiB; steady load: first third ${mib(firstThird)} MiB, ` +
            `last third ${mib(lastThird)} MiB (${(100 * growth).toFixed(1)}%)`);
console.log(`open fds      baseline ${baseline.fds}, peak ${Math.max(...rows.map((r) => r.fds))}, ` +
            `final (after ${rows.filter((r) => r.phase === 'cooldown').length} cooldown samples) ${last.fds}`);
console.log(`threads       baseline ${baseline.threads}, final ${last.threads}`);
console.log(`verdict       RSS ${rssFlat ? 'flat' : 'NOT flat'} (last third within 10% of the first); ` +
            `fds ${fdsBack ? 'back to baseline' : 'NOT back to baseline'}; ` +
            `SIGTERM after the load: ${bridgeStatus === '0' ? 'exit 0' : 'exit ' + bridgeStatus}`);

// The plot: RSS (MiB) above, open fds below; the load period shaded,
// injected crashes as dashed lines.
const W = 860, H = 420, L = 60, R = 20, panelH = 150, gap = 50, top = 40;
const tMax = Math.max(...rows.map((r) => r.t), 1);
const x = (t) => L + (t / tMax) * (W - L - R);
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
function panel(y0, key, label, fmt) {
  const vs = rows.map((r) => r[key]);
  let lo = Math.min(...vs), hi = Math.max(...vs);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.1; lo = Math.max(0, lo - pad); hi += pad;
  const y = (v) => y0 + panelH - ((v - lo) / (hi - lo)) * panelH;
  const pts = rows.map((r) => `${x(r.t).toFixed(1)},${y(r[key]).toFixed(1)}`).join(' ');
  return `<rect x="${L}" y="${y0}" width="${W - L - R}" height="${panelH}" fill="none" stroke="#999"/>` +
    `<text x="${L}" y="${y0 - 6}" font-size="13">${esc(label)}</text>` +
    `<text x="${L - 6}" y="${y0 + 10}" font-size="11" text-anchor="end">${fmt(hi)}</text>` +
    `<text x="${L - 6}" y="${y0 + panelH}" font-size="11" text-anchor="end">${fmt(lo)}</text>` +
    `<polyline fill="none" stroke="#1f5fa8" stroke-width="1.5" points="${pts}"/>`;
}
const loadT = loadRows.length ? [Math.min(...loadRows.map((r) => r.t)), Math.max(...loadRows.map((r) => r.t))] : [0, 0];
const crashes = [];
for (let i = 1; i < rows.length; i++) if (rows[i].restarts > rows[i - 1].restarts) crashes.push(rows[i].t);
const svg = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
  `<rect width="100%" height="100%" fill="white"/>`,
  `<text x="${L}" y="20" font-size="14">mcp-bridge soak: ${esc(transport)} upstream, ${esc(concurrency)} clients, ` +
    `${requests} requests, ${load.errors} errors, ${restarts} upstream crashes</text>`,
  `<rect x="${x(loadT[0])}" y="${top}" width="${x(loadT[1]) - x(loadT[0])}" height="${2 * panelH + gap}" fill="#eef3fa"/>`,
  ...crashes.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${top}" y2="${top + 2 * panelH + gap}" ` +
    `stroke="#c0392b" stroke-dasharray="4,3"/>`),
  panel(top + 10, 'rss', 'RSS (MiB)', (v) => mib(v)),
  panel(top + panelH + gap, 'fds', 'open file descriptors', (v) => v.toFixed(0)),
  `<text x="${L}" y="${H - 8}" font-size="11">0 s</text>`,
  `<text x="${W - R}" y="${H - 8}" font-size="11" text-anchor="end">${tMax.toFixed(0)} s ` +
    `(shaded: load; dashed: injected upstream crash)</text>`,
  `</svg>`];
fs.writeFileSync(svgPath, svg.join('\n') + '\n');
process.exitCode = rssFlat && fdsBack && bridgeStatus === '0' ? 0 : 1;
EOF
echo "samples: $csv; plot: $out/soak.svg; logs: $out/*.log"
