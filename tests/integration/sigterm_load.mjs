// One round of "load, then SIGTERM" against mcp-bridge (sigterm_under_load.sh).
//   node sigterm_load.mjs PORT BRIDGE_PID during|after
// Three kinds of client on 127.0.0.1:PORT, all bounded in count and time:
//   slow     tools/call test_tool_with_progress (100 ms, progress streamed
//            over SSE), one connection each; SIGTERM is sent once every one of
//            them has its first progress event, i.e. the bridge is answering
//            them: each must still get its complete result (the drain).
//   steady   keep-alive loops of tools/call test_simple_text: every answer
//            before SIGTERM must be a result.
//   droppers send tools/call and abort the connection a few ms later, so the
//            bridge cancels requests at every stage (pool acquire included).
// during: SIGTERM while all three run; after: right after the load stopped
// (then the slow calls start after it).
// Prints one JSON summary line; exits 1 when an assertion fails.
import http from "node:http";
import net from "node:net";
import assert from "node:assert/strict";

const [port, bridgePid, when] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
assert.ok(port > 0 && bridgePid > 0 && (when === "during" || when === "after"), "usage: PORT BRIDGE_PID during|after");

const SLOW = 6, STEADY = 12, DROPPERS = 16;
const LOAD_MS = 700;             // load before the slow calls and SIGTERM
const DROP_MS = LOAD_MS + 500;   // the droppers stop at SIGTERM or by then
const MAX_REQUESTS = 20000;      // bound on steady + dropped requests in one round
const ROUND_LIMIT_MS = 20000;    // the whole round, whatever happens
setTimeout(() => { console.error("sigterm_load: round timed out"); process.exit(1); }, ROUND_LIMIT_MS).unref();

let nextId = 1, issued = 0;
function toolCall(name, args, progressToken) {
  const body = JSON.stringify({
    jsonrpc: "2.0", id: nextId++, method: "tools/call",
    params: {
      name, arguments: args,
      _meta: {
        ...(progressToken ? { progressToken } : {}),
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": { name: "sigterm-load", version: "1" },
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    },
  });
  const headers = {
    "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": name,
    "Content-Length": Buffer.byteLength(body),
  };
  return { body, headers };
}

// Resolves {status, json} or {error}; never rejects.
function post(agent, name, args) {
  const { body, headers } = toolCall(name, args);
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => { text += c; });
      res.on("end", () => {
        try { resolve({ status: res.statusCode, json: JSON.parse(text) }); }
        catch { resolve({ status: res.statusCode, error: `unparsable body: ${text.slice(0, 200)}` }); }
      });
      res.on("error", (e) => resolve({ error: e.message }));
    });
    req.on("error", (e) => resolve({ error: e.code || e.message }));
    req.end(body);
  });
}

const isResult = (r) => r.status === 200 && r.json?.result && !r.json.result.isError;

let sigtermAt = 0;         // ms timestamp of the SIGTERM, 0 before
let stopLoad = false;
const start = Date.now();

// A streamed call: resolves `started` at its first progress event, `done`
// with {result} (the final JSON-RPC response) or {error}, and when it ended.
function progressCall(token) {
  const { body, headers } = toolCall("test_tool_with_progress", {}, token);
  let started;
  const startedP = new Promise((r) => { started = r; });
  const done = new Promise((resolve) => {
    const finish = (outcome) => { started(); resolve({ ...outcome, at: Date.now() }); };
    const req = http.request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        text += c;
        if (text.includes("notifications/progress")) started();
      });
      res.on("end", () => {
        const events = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
        const last = events.at(-1);
        if (res.statusCode === 200 && last?.result) finish({ result: last.result });
        else finish({ error: `HTTP ${res.statusCode}: ${text.slice(-300)}` });
      });
      res.on("error", (e) => finish({ error: e.message }));
    });
    req.on("error", (e) => finish({ error: e.code || e.message }));
    req.end(body);
  });
  return { started: startedP, done };
}

// Steady clients: every request answered before SIGTERM must be a result.
// One sent right around SIGTERM may instead meet a closed connection: the
// bridge closes idle keep-alive connections at once, and a request still on
// the wire was never read. (The slow calls are the in-flight check.)
const steady = { ok: 0, beforeSigterm: 0, failedBeforeSigterm: [], closedAtSigterm: 0 };
async function steadyClient() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (!stopLoad && issued < MAX_REQUESTS) {
    ++issued;
    const r = await post(agent, "test_simple_text", {});
    const beforeSigterm = sigtermAt === 0;
    if (isResult(r)) ++steady.ok;
    else if (beforeSigterm) steady.failedBeforeSigterm.push(r.error ?? `HTTP ${r.status}`);
    else ++steady.closedAtSigterm;
    if (beforeSigterm) ++steady.beforeSigterm;
    else break;  // one request across SIGTERM is enough
  }
  agent.destroy();
}

const drops = { sent: 0 };
async function dropper() {
  const { body, headers } = toolCall("test_simple_text", {});
  const head = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
    Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\r\n") + "\r\n\r\n";
  // Until SIGTERM, but no longer than DROP_MS: on a slow (sanitizer) build an
  // endless churn would keep the slow calls from starting at all.
  while (!stopLoad && sigtermAt === 0 && Date.now() - start < DROP_MS && issued < MAX_REQUESTS) {
    ++issued;
    await new Promise((resolve) => {
      const s = net.connect({ host: "127.0.0.1", port }, () => {
        s.write(head + body);
        ++drops.sent;
        setTimeout(() => { s.destroy(); resolve(); }, Math.random() * 5);
      });
      s.on("error", () => { s.destroy(); resolve(); });
    });
  }
}

const loads = [...Array.from({ length: STEADY }, steadyClient), ...Array.from({ length: DROPPERS }, dropper)];

function sigterm() {
  sigtermAt = Date.now();
  try {
    process.kill(bridgePid, "SIGTERM");
  } catch (e) {
    console.error(`sigterm_load: the bridge was gone before SIGTERM (${e.code}): it crashed under load`);
    process.exit(1);
  }
}

await new Promise((r) => setTimeout(r, LOAD_MS));
if (when === "after") {
  stopLoad = true;
  await Promise.all(loads);
}
const slowCalls = Array.from({ length: SLOW }, (_, i) => progressCall(`sigterm-${i}`));
await Promise.all(slowCalls.map((c) => c.started));
sigterm();
await Promise.all(loads);
const slow = await Promise.all(slowCalls.map((c) => c.done));
const slowOk = (r) => (r.result?.content ?? []).some((c) => c.type === "text" && c.text.includes("Progress tool completed"));

const summary = {
  when, ms: Date.now() - start, slow: SLOW, slow_ok: slow.filter(slowOk).length,
  slow_answered_after_sigterm: slow.filter((r) => slowOk(r) && r.at > sigtermAt).length,
  steady_ok: steady.ok, steady_before_sigterm: steady.beforeSigterm,
  steady_failed_before_sigterm: steady.failedBeforeSigterm.length, steady_closed_at_sigterm: steady.closedAtSigterm,
  dropped: drops.sent,
};
console.log(JSON.stringify(summary));
const failedSlow = slow.filter((r) => !slowOk(r));
assert.equal(failedSlow.length, 0, `calls in flight at SIGTERM not answered: ${JSON.stringify(failedSlow)}`);
// Usually the last calls to start are still running at SIGTERM (the drain is
// tested); a loaded machine can deliver a call's first event and its result
// together. sigterm_under_load.sh requires it in at least half the rounds.
assert.deepEqual(steady.failedBeforeSigterm, [], "requests before SIGTERM failed");
assert.ok(steady.ok > 0, "the steady clients got answers before SIGTERM");
assert.ok(drops.sent > 0, "the droppers sent requests");
