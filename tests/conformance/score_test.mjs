// The conformance gate must be able to fail: score.mjs on hand-made results
// directories, one case per way a required scenario can prove nothing.
//   node score_test.mjs   (exit 0 when every case scores as expected)
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const score = join(dirname(fileURLToPath(import.meta.url)), "score.mjs");
const check = (id, status) => ({ id, status, description: id });

// [name, must_pass.txt, {scenario: checks | undefined (missing)}, expected exit, expected text]
const cases = [
  ["passing scenario", "a\n", { a: [check("x", "SUCCESS")] }, 0, "PASS a"],
  ["failure", "a\n", { a: [check("x", "SUCCESS"), check("y", "FAILURE")] }, 1, "FAILED required scenarios: a"],
  ["missing scenario", "a\n", {}, 1, "a (did not run)"],
  ["no checks at all", "a\n", { a: [] }, 1, "a (no passing check)"],
  ["only skipped checks", "a\n", { a: [check("x", "SKIPPED"), check("y", "INFO")] }, 1, "a (no passing check)"],
  ["exempt failure", "a -y\n", { a: [check("x", "SUCCESS"), check("y", "FAILURE")] }, 0, "FAIL a"],
  ["only the exempt check ran", "a -y\n", { a: [check("y", "FAILURE")] }, 1, "a (no passing check)"],
  ["stale exemption", "a -y\n", { a: [check("x", "SUCCESS"), check("y", "SUCCESS")] }, 1, "a -y"],
  ["unlisted empty scenario is reported, not required", "a\n", { a: [check("x", "SUCCESS")], b: [] }, 0, "EMPTY b"],
];

let failed = 0;
for (const [name, mustPass, scenarios, wantExit, wantText] of cases) {
  const dir = mkdtempSync(join(tmpdir(), "score-test-"));
  const results = join(dir, "results");
  mkdirSync(results);
  for (const [scenario, checks] of Object.entries(scenarios)) {
    const run = join(results, `server-${scenario}-2026-11-30T00-00-00-000Z`);
    mkdirSync(run);
    writeFileSync(join(run, "checks.json"), JSON.stringify(checks));
  }
  writeFileSync(join(dir, "must_pass.txt"), mustPass);
  writeFileSync(join(dir, "requirements.yaml"), "server:\n  - a\n");
  const r = spawnSync(process.execPath, [score, results, join(dir, "must_pass.txt"), join(dir, "requirements.yaml"), "t"],
    { encoding: "utf8" });
  const ok = r.status === wantExit && r.stdout.includes(wantText);
  if (!ok) failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name} (exit ${r.status}, want ${wantExit} and "${wantText}")`);
  if (!ok) console.log(r.stdout + r.stderr);
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
