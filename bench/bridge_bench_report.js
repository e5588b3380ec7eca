// The report of bench/run_bridge_bench.sh: reads its raw.jsonl (one line per
// measurement: suite, target, clients, round, the bridge's CPU ticks and
// mcp-loadgen's result; a last line with peak RSS and CLK_TCK) and prints, per
// suite, medians over the rounds and ratios as the median of the per-round
// ratios (both sides of a ratio measured seconds apart).
//   node bench/bridge_bench_report.js RAW_JSONL
const lines = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map(JSON.parse);
const meta = lines.find((l) => l.peak_rss_kb);
const all = lines.filter((l) => l.target);

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b), m = s.length >> 1;
  return !s.length ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const rps = (x) => x.result.rps, p50 = (x) => x.result.p50_us, p99 = (x) => x.result.p99_us;
const cpu = (x) => (x.cpu_ticks * 1e6) / meta.clk_tck / Math.max(x.result.ok, 1);
const n = (v, w) => (Number.isFinite(v) ? String(Math.round(v)) : "-").padStart(w);
const r2 = (v, w) => (Number.isFinite(v) ? v.toFixed(2) : "-").padStart(w);

// Medians and per-round ratios over the measurements of one suite.
function suite(name) {
  const runs = all.filter((x) => (x.suite || "floor") === name);
  const rounds = [...new Set(runs.map((x) => x.round))];
  const get = (t, c, r) => runs.find((x) => x.target === t && x.c === c && x.round === r);
  const ok = (x) => x && x.result;
  return {
    runs,
    clients: [...new Set(runs.map((x) => x.c))],
    stat: (t, c, f) => median(rounds.map((r) => (ok(get(t, c, r)) ? f(get(t, c, r)) : NaN))),
    ratio: (a, b, c, f) =>
      median(rounds.map((r) => (ok(get(a, c, r)) && ok(get(b, c, r)) ? f(get(a, c, r)) / f(get(b, c, r)) : NaN))),
  };
}

function floorReport() {
  const { clients, stat, ratio } = suite("floor");
  console.log("\nfloor: the sample; medians over rounds; ratios: median of per-round ratios (bridge = with metrics)");
  console.log("clients  direct_rps  nginx_rps bridge_rps  b/n_rps | direct_p50 nginx_p50 bridge_p50  b/n_p50 | direct_p99 nginx_p99 bridge_p99  b/n_p99");
  for (const c of clients)
    console.log(`${n(c, 7)} ${n(stat("direct", c, rps), 11)} ${n(stat("nginx", c, rps), 10)} ${n(stat("bridge", c, rps), 10)} ${r2(ratio("bridge", "nginx", c, rps), 8)} |` +
      ` ${n(stat("direct", c, p50), 8)}us ${n(stat("nginx", c, p50), 7)}us ${n(stat("bridge", c, p50), 8)}us ${r2(ratio("bridge", "nginx", c, p50), 8)} |` +
      ` ${n(stat("direct", c, p99), 8)}us ${n(stat("nginx", c, p99), 7)}us ${n(stat("bridge", c, p99), 8)}us ${r2(ratio("bridge", "nginx", c, p99), 8)}`);
  console.log("\nclients  b/direct_rps  n/direct_rps | bridge_cpu/req nginx_cpu/req  b/n_cpu | metrics_off_rps metrics_on_rps  on/off_rps");
  for (const c of clients)
    console.log(`${n(c, 7)} ${r2(ratio("bridge", "direct", c, rps), 13)} ${r2(ratio("nginx", "direct", c, rps), 13)} |` +
      ` ${n(stat("bridge", c, cpu), 12)}us ${n(stat("nginx", c, cpu), 11)}us ${r2(ratio("bridge", "nginx", c, cpu), 8)} |` +
      ` ${n(stat("bridge-nom", c, rps), 15)} ${n(stat("bridge", c, rps), 14)} ${r2(ratio("bridge", "bridge-nom", c, rps), 11)}`);
}

// Issue 11's targets for the slower upstream and against initialize-per-request.
function upstreamsReport() {
  const { clients, stat, ratio } = suite("upstreams");
  const verdict = (ok) => (ok === undefined ? "" : ok ? "  reached" : "  NOT reached");
  console.log("\nupstreams: server-everything (echo) direct vs through the bridge; medians over rounds, ratios per round");
  console.log("clients  direct_rps bridge_rps  b/d_rps | direct_p50 bridge_p50  b/d_p50 | direct_p99 bridge_p99  b/d_p99 | bridge_cpu/req");
  for (const c of clients) {
    const [d, b] = ["everything-direct", "everything-bridge"];
    const rpsRatio = ratio(b, d, c, rps), p50Ratio = ratio(b, d, c, p50);
    const target = c === 1 ? ` p50 target <= 1.15x:${verdict(p50Ratio <= 1.15)}` : c === 16 ? ` rps target >= 0.95x:${verdict(rpsRatio >= 0.95)}` : "";
    console.log(`${n(c, 7)} ${n(stat(d, c, rps), 11)} ${n(stat(b, c, rps), 10)} ${r2(rpsRatio, 8)} |` +
      ` ${n(stat(d, c, p50), 8)}us ${n(stat(b, c, p50), 8)}us ${r2(p50Ratio, 8)} |` +
      ` ${n(stat(d, c, p99), 8)}us ${n(stat(b, c, p99), 8)}us ${r2(ratio(b, d, c, p99), 8)} |` +
      ` ${n(stat(b, c, cpu), 12)}us${target}`);
  }
  console.log("\ninitialize-per-request (initialize, initialized, tools/call, DELETE per call, straight to the upstream) vs the bridge");
  console.log("upstream    clients per_req_rps bridge_rps  b/p_rps | per_req_p50 bridge_p50  p/b_p50 | target bridge >= 3x");
  const pairs = [["sample", "per-request", "bridge"], ["everything", "everything-per-request", "everything-bridge"]];
  for (const [upstream, p, b] of pairs)
    for (const c of clients) {
      const speedup = ratio(b, p, c, rps), latency = ratio(p, b, c, p50);
      console.log(`${upstream.padEnd(11)} ${n(c, 7)} ${n(stat(p, c, rps), 11)} ${n(stat(b, c, rps), 10)} ${r2(speedup, 8)} |` +
        ` ${n(stat(p, c, p50), 9)}us ${n(stat(b, c, p50), 8)}us ${r2(latency, 8)} |${verdict(Number.isFinite(speedup) ? speedup >= 3 && latency >= 3 : undefined)}`);
    }
}

const suites = new Set(all.map((x) => x.suite || "floor"));
if (suites.has("floor")) floorReport();
if (suites.has("upstreams")) upstreamsReport();
const rss = Object.entries(meta.peak_rss_kb).map(([t, kb]) => `${t} ${Math.round(kb / 1024)} MiB`).join(", ");
console.log(`\npeak RSS (VmHWM): ${rss}`);
const failed = all.filter((x) => !x.result || x.result.errors || x.result.failed_workers);
for (const x of failed)
  console.log(`errors: ${x.target} c=${x.c} round ${x.round}: ${x.result ? JSON.stringify(x.result.error_kinds) + " failed_workers " + x.result.failed_workers : "no result"}`);
for (const x of all.filter((x) => x.result && x.result.reconnects))
  console.log(`reconnects (Connection: close): ${x.target} c=${x.c} round ${x.round}: ${x.result.reconnects}`);
if (!failed.length) console.log("no request failed");
