// The park strategy when a parked exchange's owner replica is gone
// (tests/integration/replicas.sh): start an exchange on OWNER_URL, stop the
// owner (SIGTERM to OWNER_PID, then wait until it no longer answers), send
// the retry to OTHER_URL. Expected: a JSON-RPC error (never a result) saying
// the exchange is lost, within a few seconds (bounded connect, no hang).
//   node owner_gone.mjs OWNER_URL OTHER_URL OWNER_PID
// Prints a one-line summary; exits non-zero with the reason on failure.
const [ownerUrl, otherUrl, ownerPid] = process.argv.slice(2);
const tool = "test_input_required_result_elicitation";
const meta = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "owner-gone-check", version: "1.0.0" },
  "io.modelcontextprotocol/clientCapabilities": { elicitation: {} },
};

async function call(url, id, extra) {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json, text/event-stream",
      "MCP-Protocol-Version": "2026-07-28",
      "Mcp-Method": "tools/call",
      "Mcp-Name": tool,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call",
                           params: { name: tool, arguments: {}, _meta: meta, ...extra } }),
    signal: AbortSignal.timeout(15000),
  });
  const text = await res.text();
  // JSON, or SSE whose last data line is the response.
  const data = res.headers.get("content-type")?.startsWith("text/event-stream")
    ? text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).pop()
    : text;
  return { status: res.status, body: JSON.parse(data) };
}

function die(why) {
  console.log(why);
  process.exit(1);
}

const first = await call(ownerUrl, 1, {});
const state = first.body?.result?.requestState;
if (first.body?.result?.resultType !== "input_required" || !state) die(`no input_required: ${JSON.stringify(first.body)}`);

process.kill(Number(ownerPid), "SIGTERM");
for (let i = 0; ; i++) {
  try {
    await fetch(ownerUrl.replace(/\/mcp$/, "/healthz"), { signal: AbortSignal.timeout(500) });
  } catch {
    break;  // refused: the owner is gone
  }
  if (i > 100) die("the owner replica did not stop");
  await new Promise((r) => setTimeout(r, 100));
}

const started = Date.now();
const retry = await call(otherUrl, 2, {
  inputResponses: { user_name: { action: "accept", content: { name: "Ada" } } },
  requestState: state,
});
const ms = Date.now() - started;
const error = retry.body?.error;
if (!error || retry.body.result !== undefined) die(`expected an error, got ${JSON.stringify(retry.body)}`);
if (error.code !== -32602 || error.data?.reason !== "exchange_lost" || !/lost/.test(error.message))
  die(`unexpected error: ${JSON.stringify(error)}`);
if (ms > 10000) die(`the error took ${ms} ms`);
console.log(`HTTP ${retry.status}, error ${error.code} (${error.data.reason}) after ${ms} ms`);
