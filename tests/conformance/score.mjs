// Scores a conformance results directory: per-scenario PASS/FAIL, the count of
// scored 2026-07-28 server scenarios passed, and a gate on must_pass.txt:
// a required scenario fails when it is missing, has a FAILURE that is not
// exempt, or has no SUCCESS (empty or all skipped); a stale exemption fails too.
//   node score.mjs RESULTS_DIR MUST_PASS_FILE REQUIREMENTS_YAML LABEL
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const [resultsDir, mustPassFile, requirementsFile, label] = process.argv.slice(2);

// The "server:" list of the frozen requirements file (plain YAML list, read line by line).
function scoredServerScenarios(text) {
  const out = [];
  let inServer = false;
  for (const line of text.split("\n")) {
    if (/^server:\s*$/.test(line)) { inServer = true; continue; }
    if (/^\S/.test(line)) inServer = false;
    const m = inServer && line.match(/^\s+-\s+(\S+)\s*$/);
    if (m) out.push(m[1]);
  }
  return out;
}

function readResults(dir) {
  const byScenario = new Map();
  if (!existsSync(dir)) return byScenario;
  for (const entry of readdirSync(dir)) {
    const m = entry.match(/^server-(.+)-\d{4}-\d{2}-\d{2}T/);
    const file = join(dir, entry, "checks.json");
    if (!m || !existsSync(file)) continue;
    const checks = JSON.parse(readFileSync(file, "utf8"));
    byScenario.set(m[1], checks);
  }
  return byScenario;
}

const scored = scoredServerScenarios(readFileSync(requirementsFile, "utf8"));
// Lines: "scenario" or "scenario -check-id ..." (those checks exempt, each for a stated reason).
const mustPass = [];
const exempt = new Map();
for (const line of readFileSync(mustPassFile, "utf8").split("\n")) {
  const [scenario, ...rest] = line.replace(/#.*/, "").trim().split(/\s+/);
  if (!scenario) continue;
  mustPass.push(scenario);
  exempt.set(scenario, new Set(rest.filter((w) => w.startsWith("-")).map((w) => w.slice(1))));
}
const results = readResults(resultsDir);

// A scenario passes only on evidence: no FAILURE and at least one SUCCESS.
// One whose checks are all SKIPPED / INFO (or that has none) proved nothing:
// it is reported as EMPTY and fails the gate when it is required.
function verdict(checks) {
  const failures = checks.filter((c) => c.status === "FAILURE");
  if (failures.length) return { state: "FAIL", failures };
  if (!checks.some((c) => c.status === "SUCCESS")) return { state: "EMPTY", failures };
  return { state: "PASS", failures };
}

let scoredPassed = 0, ran = 0;
const failedRequired = [];
const staleExemptions = [];
const rows = [];
for (const [scenario, checks] of [...results.entries()].sort()) {
  ran++;
  const { state, failures } = verdict(checks);
  const isScored = scored.includes(scenario);
  if (isScored && state === "PASS") scoredPassed++;
  const exemptChecks = exempt.get(scenario) ?? new Set();
  if (mustPass.includes(scenario)) {
    const unexempted = failures.filter((f) => !exemptChecks.has(f.id));
    const evidence = checks.some((c) => c.status === "SUCCESS" && !exemptChecks.has(c.id));
    if (unexempted.length || !evidence) failedRequired.push(evidence ? scenario : `${scenario} (no passing check)`);
    // An exemption is kept only while its check still fails.
    for (const id of exemptChecks)
      if (!failures.some((f) => f.id === id)) staleExemptions.push(`${scenario} -${id}`);
  }
  const counts = ["SUCCESS", "FAILURE", "WARNING", "SKIPPED", "INFO"]
    .map((s) => [s, checks.filter((c) => c.status === s).length]).filter(([, n]) => n)
    .map(([s, n]) => `${n} ${s.toLowerCase()}`).join(", ");
  rows.push(`  ${state} ${scenario}${isScored ? "" : " (not scored)"} [${counts || "no checks"}]` +
    (state === "FAIL" ? `: ${failures.map((f) => `${f.id}: ${f.errorMessage ?? f.description}`).join("; ").slice(0, 300)}` : ""));
}
for (const s of mustPass) if (!results.has(s)) failedRequired.push(`${s} (did not run)`);

console.log(`conformance ${label}:`);
console.log(rows.join("\n"));
console.log(`conformance ${label}: scored 2026-07-28 server scenarios passed: ${scoredPassed}/${scored.length}; ` +
  `required by must_pass.txt: ${mustPass.length - failedRequired.length}/${mustPass.length}; scenarios run: ${ran}`);
if (staleExemptions.length)
  console.log(`conformance ${label}: exemptions whose check no longer fails (remove them from must_pass.txt): ` +
    staleExemptions.join(", "));
if (failedRequired.length)
  console.log(`conformance ${label}: FAILED required scenarios: ${failedRequired.join(", ")}`);
if (failedRequired.length || staleExemptions.length) process.exit(1);
