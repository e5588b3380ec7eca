// Fault cases: the bridge in front of a misbehaving legacy stdio child
// (lib/stdio_child.mjs). The child reads its mode from a file at start, so a
// case can let the health probe's child start normally and make the *next*
// child fail; a fresh Authorization value gives a request its own session,
// hence its own child.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BridgeProcess } from "./lib/bridge_process.mjs";
import http from "node:http";
import { callTool, modernHeaders, modernRequest } from "./lib/client.mjs";
import { check, expectError, expectResult, expectStillServing, saw, waitFor } from "./lib/harness.mjs";

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "lib", "stdio_child.mjs");
const GATEWAY = [502, 504];
const BOUND_MS = 3000;

async function withChild(ctx, env, { mode = "ok", timeoutMs = 20000, healthy = true } = {}) {
  const modeFile = path.join(env.work, `${ctx.name}.mode`);
  const eventsFile = path.join(env.work, `${ctx.name}.events`);
  fs.writeFileSync(modeFile, mode);
  fs.writeFileSync(eventsFile, "");
  const bridge = await BridgeProcess.start(env.bridgePath, [
    "--upstream-timeout-ms", String(timeoutMs), "--drain-timeout-ms", "2000", "--threads", "2",
    "--", env.nodePath, CHILD, modeFile, eventsFile,
  ], { logFile: path.join(env.work, `${ctx.name}.bridge.log`) });
  const events = () => fs.readFileSync(eventsFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  ctx.bridge = bridge;
  ctx.defer(() => bridge.kill());
  ctx.defer(() => {  // no scripted child outlives its case
    for (const e of events()) if (e.event === "start") try { process.kill(e.pid, "SIGKILL"); } catch {}
  });
  if (healthy) await bridge.waitHealthy();
  return { bridge, setMode: (m) => fs.writeFileSync(modeFile, m), events };
}

async function stopsCleanly(bridge, limitMs = 10000) {
  const r = await bridge.stop(limitMs);
  check(!r.timedOut && r.code === 0, () => `the bridge did not exit 0 within ${limitMs} ms of SIGTERM: ${JSON.stringify(r)}`);
  return r;
}

const isAlive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
let session = 0;
const ownSession = () => ({ headers: { Authorization: `Bearer fault-session-${++session}` } });

// A new session's child dies before it answers initialize: the client gets
// the exit status within 1 s, not a start timeout; the next session starts.
function dyingChildCase(name, mode, status) {
  return {
    name,
    run: async (ctx, env) => {
      const { bridge, setMode } = await withChild(ctx, env);
      setMode(mode);
      const r = await callTool(bridge.port, "echo", {}, { timeoutMs: 10000, ...ownSession() });
      expectError(r, { statuses: GATEWAY, cause: new RegExp(`exited with status ${status}`), withinMs: 1000 });
      ctx.note(`HTTP ${r.status} in ${r.ms} ms: "${r.json.error.message}"`);
      setMode("ok");
      const next = await expectStillServing(bridge, { opts: ownSession() });
      ctx.note(`next session's request answered in ${next.ms} ms (restart backoff included)`);
      await stopsCleanly(bridge);
    },
  };
}

export function stdioUpstreamCases() {
  return [
    dyingChildCase("exits_before_initialize", "exit-before-init", 3),
    dyingChildCase("exits_during_initialize", "exit-during-init", 4),
    {
      // Every child dies at once: never healthy, and each request fails with
      // the exit status within the restart backoff, never a start timeout.
      name: "always_exits_before_initialize",
      run: async (ctx, env) => {
        const { bridge } = await withChild(ctx, env, { mode: "exit-before-init", healthy: false });
        const r = await callTool(bridge.port, "echo", {}, { timeoutMs: 10000 });
        expectError(r, { statuses: GATEWAY, cause: /exited with status 3/, withinMs: BOUND_MS });
        const health = await fetch(`http://127.0.0.1:${bridge.port}/healthz`);
        check(health.status === 503, () => `/healthz answered ${health.status} with every child dying`);
        ctx.note(`HTTP ${r.status} in ${r.ms} ms: "${r.json.error.message}"; /healthz 503`);
        await stopsCleanly(bridge);
      },
    },
    {
      name: "garbage_on_stdout_skipped",
      run: async (ctx, env) => {
        const { bridge } = await withChild(ctx, env);
        const r = await callTool(bridge.port, "garbage_then_answer", {}, { timeoutMs: 10000 });
        expectResult(r, { text: /answer after garbage/, withinMs: BOUND_MS });
        ctx.note(`result in ${r.ms} ms`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      // Garbage and no answer: the bridge's timeout (500 ms) ends the call
      // and the child is told it was cancelled.
      name: "garbage_on_stdout_without_answer",
      run: async (ctx, env) => {
        const { bridge, events } = await withChild(ctx, env, { timeoutMs: 500 });
        const r = await callTool(bridge.port, "garbage_no_answer", {}, { timeoutMs: 10000 });
        expectError(r, { statuses: GATEWAY, cause: /time[ds]? ?out|no response within/i, withinMs: BOUND_MS });
        const id = events().find((e) => e.event === "call" && e.tool === "garbage_no_answer")?.id;
        await waitFor(() => events().some((e) => e.event === "cancelled" && e.requestId === id),
                      { limitMs: BOUND_MS, what: `notifications/cancelled for request ${id} on the child's stdin` });
        ctx.note(`HTTP ${r.status} in ${r.ms} ms (timeout 500 ms), child got notifications/cancelled`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      name: "invalid_utf8_answer",
      run: async (ctx, env) => {
        const { bridge } = await withChild(ctx, env);
        const r = await callTool(bridge.port, "invalid_utf8_answer", {}, { timeoutMs: 10000 });
        expectResult(r, { text: /^caf\uFFFD \uFFFD+ ok$/, withinMs: BOUND_MS });
        ctx.note(`result in ${r.ms} ms: ${JSON.stringify(r.json.result.content[0].text)}`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      // 8 MiB of stderr (plus a 1 MiB line without newline and invalid
      // UTF-8) while other calls run: they keep being answered.
      name: "floods_stderr",
      run: async (ctx, env) => {
        const { bridge } = await withChild(ctx, env);
        const flood = callTool(bridge.port, "stderr_flood", {}, { timeoutMs: 15000 });
        let slowest = 0;
        for (let i = 0; i < 10; ++i) {
          const r = await callTool(bridge.port, "echo", { i }, { timeoutMs: 5000 });
          expectResult(r, { text: /echo/, withinMs: BOUND_MS });
          slowest = Math.max(slowest, r.ms);
        }
        const f = await flood;
        expectResult(f, { text: /flooded/, withinMs: 10000 });
        const mem = bridge.memory();
        ctx.note(`flood call answered in ${f.ms} ms, 10 echo calls meanwhile (slowest ${slowest} ms), ` +
                 `bridge peak RSS ${(mem.peakKb / 1024).toFixed(1)} MiB`);
        check(mem.peakKb < 200 * 1024, () => `bridge peak RSS ${mem.peakKb} kB after a stderr flood`);
        await waitFor(() => /end of flood/.test(bridge.log()), { limitMs: 5000, what: "the end of the flood in the bridge log" });
        check(/line truncated/.test(bridge.log()), "the 1 MiB stderr line was not logged as truncated");
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      // Shutdown: stdin closed, SIGTERM ignored, then SIGKILL; the bridge
      // still exits 0 within its bound (2 s + 2 s grace + drain).
      name: "ignores_sigterm",
      run: async (ctx, env) => {
        const { bridge, events } = await withChild(ctx, env, { mode: "ignore-sigterm" });
        await expectStillServing(bridge);
        const pids = events().filter((e) => e.event === "start").map((e) => e.pid);
        const r = await stopsCleanly(bridge, 12000);
        check(events().some((e) => e.event === "sigterm-ignored"), "the child never got SIGTERM");
        check(/ignored SIGTERM; sending SIGKILL/.test(bridge.log()), "the bridge did not log the SIGKILL escalation");
        const left = pids.filter(isAlive);
        check(left.length === 0, () => `child process(es) ${left} still running after the bridge exited`);
        ctx.note(`bridge exited 0 ${r.ms} ms after SIGTERM, child SIGKILLed`);
      },
    },
    {
      // 10 clients drop their connections while the child works on their
      // calls: the child gets notifications/cancelled for each on its stdin.
      name: "clients_dropping_mid_call",
      run: async (ctx, env) => {
        const { bridge, events } = await withChild(ctx, env);
        const requests = Array.from({ length: 10 }, (_, i) => {
          const message = modernRequest("tools/call", { name: "slow", arguments: { i } });
          const body = JSON.stringify(message);
          const req = http.request({ host: "127.0.0.1", port: bridge.port, path: "/mcp", method: "POST",
                                     headers: modernHeaders(message, body), agent: false });
          req.on("error", () => {});
          req.end(body);
          return req;
        });
        ctx.defer(() => requests.forEach((r) => r.destroy()));
        const calls = await waitFor(() => {
          const c = events().filter((e) => e.event === "call" && e.tool === "slow");
          return c.length === 10 && c;
        }, { limitMs: BOUND_MS, what: "ten slow calls at the child" });
        const droppedAt = Date.now();
        requests.forEach((r) => r.destroy());
        await waitFor(() => calls.every((c) => events().some((e) => e.event === "cancelled" && e.requestId === c.id)),
                      { limitMs: BOUND_MS, what: "notifications/cancelled for each of the ten calls on the child's stdin" });
        ctx.note(`10 drops, each cancelled at the child within ${Date.now() - droppedAt} ms`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      // Three calls in flight when the child is SIGKILLed: each is answered
      // with the exit status; the next request starts a new child.
      name: "killed_mid_call",
      run: async (ctx, env) => {
        const { bridge, events } = await withChild(ctx, env);
        const inflight = [1, 2, 3].map((i) => callTool(bridge.port, "slow", { i }, { timeoutMs: 10000 }));
        const calls = await waitFor(() => {
          const c = events().filter((e) => e.event === "call" && e.tool === "slow");
          return c.length === 3 && c;
        }, { limitMs: BOUND_MS, what: "three slow calls at the child" });
        const pid = calls[0].pid;
        const killedAt = Date.now();
        process.kill(pid, "SIGKILL");
        const answers = await Promise.all(inflight);
        const sinceKill = Date.now() - killedAt;
        for (const a of answers) expectError(a, { statuses: GATEWAY, cause: /exited with status 137/, withinMs: 10000 });
        check(sinceKill <= 1500, () => `in-flight calls answered ${sinceKill} ms after the kill: ${answers.map(saw)}`);
        const next = await expectStillServing(bridge);
        const restarted = events().filter((e) => e.event === "start" && e.pid !== pid);
        check(restarted.length >= 1, "no new child was started");
        ctx.note(`3 in-flight calls answered within ${sinceKill} ms of SIGKILL ("${answers[0].json.error.message}"); ` +
                 `next call on a new child in ${next.ms} ms`);
        await stopsCleanly(bridge);
      },
    },
  ];
}
