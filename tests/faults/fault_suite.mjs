// The bridge's fault suite (issue 9, "A fault suite in ctest"): the real
// mcp-bridge in front of scripted misbehaving upstreams, and misbehaving
// clients in front of it.
//   node fault_suite.mjs http|stdio|client BUILD_DIR
// Prints one PASS/FAIL line per case (what the client saw, how long it took)
// and exits 1 when a case failed. FAULT_CASES=regex runs a subset.
import fs from "node:fs";
import path from "node:path";
import { workDir } from "./lib/bridge_process.mjs";
import { runCases } from "./lib/harness.mjs";
import { httpUpstreamCases } from "./http_upstream_cases.mjs";
import { stdioUpstreamCases } from "./stdio_upstream_cases.mjs";
import { clientCases } from "./client_cases.mjs";

const [group, buildDir] = process.argv.slice(2);
const groups = { http: httpUpstreamCases, stdio: stdioUpstreamCases, client: clientCases };
if (!groups[group] || !buildDir) {
  console.error("usage: node fault_suite.mjs http|stdio|client BUILD_DIR");
  process.exit(2);
}
const bridgePath = path.resolve(buildDir, "proxy/mcp-bridge");
if (!fs.existsSync(bridgePath)) {
  console.error(`no bridge at ${bridgePath} (build the mcp-bridge target)`);
  process.exit(2);
}
const work = workDir(group);
console.log(`fault suite '${group}': bridge ${bridgePath}, logs in ${work}`);
const status = await runCases(group, groups[group](), { bridgePath, work, nodePath: process.execPath });
if (status === 0) fs.rmSync(work, { recursive: true, force: true });  // logs are kept when a case failed
else console.log(`logs kept in ${work}`);
// Every case has cleaned up its processes; sockets a case left to the peer to
// close (stalled upstream answers, dropped clients) need not be waited for.
process.exit(status);
