// Compares an mcp-lint JSON output with an expected-findings file, exactly, on
// (rule, file, line). Prints every missing and unexpected finding.
//   node compare_findings.js ACTUAL.json EXPECTED.json [--update]
// --update rewrites EXPECTED.json's "findings" from ACTUAL.json (keeps the
// other fields of EXPECTED.json, e.g. the corpus description).
"use strict";
const fs = require("fs");
const [actualPath, expectedPath, mode] = process.argv.slice(2);
const read = (p) => JSON.parse(fs.readFileSync(p, "utf8"));
const key = (f) => `${f.file}:${f.line}: ${f.rule}`;
const actual = read(actualPath).findings.map((f) => ({ rule: f.rule, file: f.file, line: f.line }));
actual.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : 1)));
if (mode === "--update") {
  const doc = fs.existsSync(expectedPath) ? read(expectedPath) : {};
  doc.findings = actual;
  fs.writeFileSync(expectedPath, JSON.stringify(doc, null, 2) + "\n");
  console.log(`wrote ${actual.length} findings to ${expectedPath}`);
  process.exit(0);
}
const expected = read(expectedPath).findings;
const count = (list) => list.reduce((m, f) => m.set(key(f), (m.get(key(f)) || 0) + 1), new Map());
const a = count(actual), e = count(expected);
const missing = [...e].filter(([k, n]) => (a.get(k) || 0) < n).map(([k]) => k);
const extra = [...a].filter(([k, n]) => (e.get(k) || 0) < n).map(([k]) => k);
for (const k of missing) console.log(`MISSING    ${k}`);
for (const k of extra) console.log(`UNEXPECTED ${k}`);
console.log(`${actual.length} findings, ${expected.length} expected: ${missing.length} missing, ${extra.length} unexpected`);
process.exit(missing.length || extra.length ? 1 : 0);
