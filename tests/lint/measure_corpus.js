// Precision and recall of mcp-lint on roots/sampling/logging against hand
// labels, for one codebase, without and with the SDK packs; fails below the
// floors. Called by measure_corpus.sh (which runs mcp-lint).
//   node measure_corpus.js --codebase NAME --root DIR --labels L.tsv --floors F.tsv
//                          --nopacks A.json --packs B.json
//
// Labels (tests/lint/labels/<codebase>.tsv): '#' lines are comments; one or
// more `# scope: PATH_PREFIX` lines name the files labelled completely; rows
// are `file<TAB>line<TAB>feature<TAB>kind<TAB>note`, feature roots|sampling|logging.
// Floors (tests/lint/labels/floors.tsv): `codebase<TAB>mode<TAB>min_precision<TAB>min_recall`,
// mode nopacks|packs, figures as fractions (0.85).
//
// Counting is per SITE, (file, line, feature): two rules reporting the same
// feature on one line are one thing the user must change, and so are two
// label rows for one line. A finding matches a label of the SAME feature in
// the same file within 2 lines (each label at most once, nearest first): a
// logging finding next to a sampling use is not a sampling hit, and nearby
// roots/sampling/logging keys (capability objects) would otherwise pair up
// across features and hide both a miss and a false positive.
"use strict";
const fs = require("fs");
const path = require("path");

const FEATURES = ["roots", "sampling", "logging"];
const LINE_SLACK = 2;

function args() {
  const out = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    if (!a[i].startsWith("--") || i + 1 >= a.length) throw new Error(`bad argument '${a[i]}'`);
    out[a[i].slice(2)] = a[i + 1];
  }
  for (const k of ["codebase", "root", "labels", "floors", "nopacks", "packs"])
    if (!out[k]) throw new Error(`missing --${k}`);
  return out;
}

// Returns {scopes, labels, problems}; every malformed row is a problem with file:line.
function readLabels(file, root) {
  const scopes = [], problems = [], sites = new Map();
  const lines = fs.readFileSync(file, "utf8").split("\n");
  lines.forEach((text, i) => {
    const where = `${file}:${i + 1}`;
    text = text.replace(/\r$/, "");
    if (!text.trim()) return;
    if (text.startsWith("#")) {
      const m = /^#\s*scope:\s*(\S+)\s*$/.exec(text);
      if (m) scopes.push(m[1].replace(/^\.\//, ""));
      return;
    }
    const cols = text.split("\t");
    if (cols.length < 3) return problems.push(`${where}: expected file<TAB>line<TAB>feature<TAB>kind<TAB>note`);
    const [f, lineText, feature, kind = "", note = ""] = cols.map((c) => c.trim());
    const line = Number(lineText);
    if (!Number.isInteger(line) || line < 1) return problems.push(`${where}: line '${lineText}' is not a positive integer`);
    if (!FEATURES.includes(feature)) return problems.push(`${where}: feature '${feature}' is not one of ${FEATURES.join("|")}`);
    const file_ = f.replace(/^\.\//, "");
    if (!fs.existsSync(path.join(root, file_))) problems.push(`${where}: file '${file_}' does not exist in the codebase`);
    const key = `${file_}\t${line}\t${feature}`;
    if (!sites.has(key)) sites.set(key, { file: file_, line, feature, kind, note, where });
  });
  if (!scopes.length) problems.push(`${file}: no '# scope: PATH_PREFIX' line: which files are labelled completely?`);
  const labels = [...sites.values()];
  for (const l of labels)
    if (scopes.length && !inScope(l.file, scopes)) problems.push(`${l.where}: ${l.file} is outside every scope`);
  return { scopes, labels, problems };
}

const inScope = (file, scopes) => scopes.some((s) => file.startsWith(s));

function readFloors(file) {
  const floors = new Map(), problems = [];
  fs.readFileSync(file, "utf8").split("\n").forEach((text, i) => {
    if (!text.trim() || text.startsWith("#")) return;
    const [codebase, mode, p, r] = text.split("\t").map((c) => c.trim());
    const precision = Number(p), recall = Number(r);
    if (!["nopacks", "packs"].includes(mode) || !(precision >= 0 && precision <= 1) || !(recall >= 0 && recall <= 1))
      return problems.push(`${file}:${i + 1}: expected codebase<TAB>nopacks|packs<TAB>min_precision<TAB>min_recall (0..1)`);
    floors.set(`${codebase}\t${mode}`, { precision, recall });
  });
  return { floors, problems };
}

// Findings of roots/sampling/logging inside a scope, one per site.
function readSites(file, scopes) {
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  const sites = new Map();
  for (const f of doc.findings) {
    const file_ = f.file.replace(/^\.\//, "");
    if (!FEATURES.includes(f.feature) || !inScope(file_, scopes)) continue;
    const key = `${file_}\t${f.line}\t${f.feature}`;
    if (!sites.has(key)) sites.set(key, { file: file_, line: f.line, feature: f.feature, rules: [] });
    sites.get(key).rules.push(f.rule);
  }
  return { sites: [...sites.values()], summary: doc.summary || {}, unitProblems: doc.unit_problems || [] };
}

// Nearest-first one-to-one matching of findings to labels (same file and feature, |dl| <= 2).
function match(findings, labels) {
  const pairs = [];
  findings.forEach((f, fi) =>
    labels.forEach((l, li) => {
      const d = Math.abs(f.line - l.line);
      if (f.file === l.file && f.feature === l.feature && d <= LINE_SLACK) pairs.push({ fi, li, d });
    }));
  pairs.sort((a, b) => a.d - b.d || a.fi - b.fi || a.li - b.li);
  const fUsed = new Set(), lUsed = new Set();
  for (const p of pairs) {
    if (fUsed.has(p.fi) || lUsed.has(p.li)) continue;
    fUsed.add(p.fi);
    lUsed.add(p.li);
  }
  return {
    tp: fUsed.size,
    falsePositives: findings.filter((_, i) => !fUsed.has(i)),
    misses: labels.filter((_, i) => !lUsed.has(i)),
  };
}

const pct = (x) => (x === null ? "   -  " : `${(100 * x).toFixed(1).padStart(5)}%`);
const byPlace = (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.feature < b.feature ? -1 : 1));

function main() {
  const o = args();
  const { scopes, labels, problems } = readLabels(o.labels, o.root);
  const floorsRead = readFloors(o.floors);
  problems.push(...floorsRead.problems);
  if (problems.length) {
    for (const p of problems) console.log(`LABEL/FLOOR ERROR ${p}`);
    console.log(`FAIL: ${problems.length} problem(s) in the labels or floors`);
    process.exit(1);
  }
  console.log(`${o.codebase}: ${labels.length} labelled sites in scope ${scopes.join(", ")}`);
  const results = [];
  for (const mode of ["nopacks", "packs"]) {
    const run = readSites(o[mode], scopes);
    const m = match(run.sites, labels);
    const precision = run.sites.length ? m.tp / run.sites.length : null;
    const recall = labels.length ? m.tp / labels.length : null;
    results.push({ mode, n: run.sites.length, ...m, precision, recall, run });
  }
  console.log("");
  console.log("codebase       mode      labels  findings   TP   precision  recall   units(err)");
  for (const r of results)
    console.log(`${o.codebase.padEnd(14)} ${r.mode.padEnd(8)} ${String(labels.length).padStart(7)} ${String(r.n).padStart(9)} ` +
                `${String(r.tp).padStart(4)}   ${pct(r.precision)}   ${pct(r.recall)}   ` +
                `${r.run.summary.units ?? "?"}(${r.run.summary.units_with_errors ?? "?"})`);
  let failed = false;
  for (const r of results) {
    console.log(`\n== ${o.codebase} ${r.mode}: ${r.misses.length} missed label(s)`);
    for (const l of r.misses.sort(byPlace)) console.log(`MISS ${l.file}:${l.line} ${l.feature} [${l.kind}] ${l.note}`);
    console.log(`== ${o.codebase} ${r.mode}: ${r.falsePositives.length} finding(s) matching no label`);
    for (const f of r.falsePositives.sort(byPlace)) console.log(`FALSE-POSITIVE ${f.file}:${f.line} ${f.feature} ${f.rules.join(",")}`);
  }
  console.log("");
  for (const r of results) {
    const floor = floorsRead.floors.get(`${o.codebase}\t${r.mode}`);
    if (!floor) {
      console.log(`FAIL: no floor for ${o.codebase} ${r.mode} in ${o.floors}`);
      failed = true;
      continue;
    }
    // No findings: nothing was wrong (precision 1). No labels: nothing to find (recall 1).
    const p = r.precision ?? 1, rc = r.recall ?? 1;
    const ok = p + 1e-9 >= floor.precision && rc + 1e-9 >= floor.recall;
    console.log(`${ok ? "ok  " : "FAIL"} ${o.codebase} ${r.mode}: precision ${pct(p)} (floor ${pct(floor.precision)}), ` +
                `recall ${pct(rc)} (floor ${pct(floor.recall)})`);
    failed = failed || !ok;
  }
  process.exit(failed ? 1 : 0);
}

try {
  main();
} catch (e) {
  console.log(`FAIL: ${e.message}`);
  process.exit(1);
}
