// Runs named fault cases one after another, each under a hard time limit,
// with its own cleanups; prints PASS/FAIL per case with what the client saw
// and the measured time, and exits 1 if any case failed.
//   FAULT_CASES=regex  runs only the matching cases (for debugging).
import { callTool } from "./client.mjs";

export class CaseFailure extends Error {}

export function check(condition, message) {
  if (!condition) throw new CaseFailure(typeof message === "function" ? message() : message);
}

// One line about an answer, for failure messages.
export function saw(r) {
  if (r.error) return `no HTTP answer (${r.error}) after ${r.ms} ms`;
  return `HTTP ${r.status} after ${r.ms} ms: ${(r.text ?? r.body ?? "").slice(0, 400)}`;
}

// The client got a JSON-RPC error `code` whose message matches `cause`, in
// valid UTF-8, with an HTTP status from `statuses`, within `withinMs`.
export function expectError(r, { statuses, code = -32603, cause, withinMs }) {
  check(!r.error, () => `expected a JSON-RPC error, the client saw ${saw(r)}`);
  check(r.utf8 !== false, () => `the answer is not valid UTF-8: ${saw(r)}`);
  check(statuses.includes(r.status), () => `expected HTTP ${statuses.join(" or ")}, the client saw ${saw(r)}`);
  check(r.json?.error?.code === code, () => `expected JSON-RPC error ${code}, the client saw ${saw(r)}`);
  check(cause.test(r.json.error.message), () => `the error message does not name the cause (${cause}): ${saw(r)}`);
  check(r.ms <= withinMs, () => `the error came after ${r.ms} ms, more than ${withinMs} ms: ${saw(r)}`);
}

export function expectResult(r, { text, withinMs }) {
  check(!r.error && r.status === 200 && r.json?.result, () => `expected a result, the client saw ${saw(r)}`);
  check(r.utf8 !== false, () => `the answer is not valid UTF-8: ${saw(r)}`);
  const got = (r.json.result.content ?? []).map((c) => c.text).join("");
  check(!text || text.test(got), () => `the result text does not match ${text}: ${saw(r)}`);
  check(r.ms <= withinMs, () => `the result came after ${r.ms} ms, more than ${withinMs} ms`);
}

// The bridge process is still running and answers the next good request.
export async function expectStillServing(bridge, { tool = "echo", withinMs = 3000, opts = {} } = {}) {
  check(bridge.alive(), () => `the bridge exited: ${JSON.stringify(bridge.exitInfo)}`);
  const r = await callTool(bridge.port, tool, { after: "fault" }, { timeoutMs: withinMs + 2000, ...opts });
  check(!r.error && r.status === 200 && r.json?.result && !r.json.result.isError,
        () => `the next good request failed: the client saw ${saw(r)}`);
  check(r.ms <= withinMs, () => `the next good request took ${r.ms} ms, more than ${withinMs} ms`);
  return r;
}

export async function waitFor(predicate, { limitMs, what }) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new CaseFailure(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// cases: [{name, limitMs?, run(ctx, env)}]; ctx.defer(fn) registers a cleanup,
// ctx.note(text) adds a measured figure to the PASS line, ctx.bridge (set by
// the case) gives the log tail on failure.
export async function runCases(suite, cases, env) {
  const only = process.env.FAULT_CASES ? new RegExp(process.env.FAULT_CASES) : null;
  const results = [];
  const suiteStart = Date.now();
  for (const c of cases) {
    const name = `${suite}.${c.name}`;
    if (only && !only.test(name)) continue;
    const cleanups = [];
    const notes = [];
    const ctx = { name: c.name, defer: (fn) => cleanups.push(fn), note: (t) => notes.push(t), bridge: null };
    const limitMs = c.limitMs ?? 20000;
    const t0 = Date.now();
    let failure = null;
    let timer;
    try {
      await Promise.race([
        c.run(ctx, env),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new CaseFailure(`case did not finish within ${limitMs} ms`)), limitMs);
        }),
      ]);
    } catch (e) {
      failure = e instanceof CaseFailure ? e.message : `${e.stack ?? e}`;
    } finally {
      clearTimeout(timer);
    }
    for (const fn of cleanups.reverse()) {
      try { await fn(); } catch (e) { console.log(`  (cleanup of ${name}: ${e.message})`); }
    }
    // Under a sanitizer build a report in the bridge's log fails the case
    // even when the client saw nothing wrong.
    const report = ctx.bridge?.log().match(/^.*(ERROR: AddressSanitizer|WARNING: ThreadSanitizer|ERROR: LeakSanitizer|runtime error:).*$/m);
    if (report && !failure) failure = `sanitizer report in the bridge's log: ${report[0]}`;
    const tail = failure && ctx.bridge ? ctx.bridge.tail(30) : "";
    const secs = ((Date.now() - t0) / 1000).toFixed(2);
    if (failure) {
      console.log(`FAIL ${name} (${secs} s): ${failure}`);
      if (tail) console.log(`  --- bridge log (tail) ---\n${tail.replace(/^/gm, "  | ")}`);
    } else {
      console.log(`PASS ${name} (${secs} s)${notes.length ? ": " + notes.join("; ") : ""}`);
    }
    results.push({ name, failure });
  }
  const failed = results.filter((r) => r.failure);
  console.log(`${suite}: ${results.length - failed.length} of ${results.length} cases passed in ` +
              `${((Date.now() - suiteStart) / 1000).toFixed(1)} s`);
  for (const f of failed) console.log(`  failed: ${f.name}`);
  if (results.length === 0) {
    console.log("no case ran (FAULT_CASES matched nothing?)");
    return 1;
  }
  return failed.length ? 1 : 0;
}
