// The real TypeScript SDK v2 client (pinned to 2026-07-28) receives change
// notifications through mcp-bridge's subscriptions/listen, from the bundled
// legacy sample: tools list_changed and resources/updated on one listen
// stream, nothing it did not ask for, and a graceful end on close.
//   node listen_smoke.mjs URL
// Exits 1 on the first wrong answer.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import assert from "node:assert/strict";

const [url] = process.argv.slice(2);
const timeout = setTimeout(() => { console.error("listen_smoke: timed out after 60 s"); process.exit(1); }, 60_000);
const client = new Client(
  { name: "mcp-bridge-listen", version: "1.0.0" },
  { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: {} },
);

// Resolves with the next notification of `method` (or rejects after 10 s).
function next(method) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${method} within 10 s`)), 10_000);
    client.setNotificationHandler(method, (n) => { clearTimeout(t); resolve(n); });
  });
}

try {
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const caps = client.getServerCapabilities() ?? {};
  assert.equal(caps.tools?.listChanged, true, "server/discover advertises tools.listChanged");
  assert.equal(caps.resources?.subscribe, true, "server/discover advertises resources.subscribe");

  let promptsSeen = 0;
  client.setNotificationHandler("notifications/prompts/list_changed", () => { promptsSeen++; });
  const sub = await client.listen({ toolsListChanged: true, resourceSubscriptions: ["test://watched-resource"] });
  console.log(`listen acknowledged: ${JSON.stringify(sub.honoredFilter)}`);
  assert.equal(sub.honoredFilter.toolsListChanged, true);
  assert.deepEqual(sub.honoredFilter.resourceSubscriptions, ["test://watched-resource"]);

  const toolsChanged = next("notifications/tools/list_changed");
  await client.callTool({ name: "test_trigger_tool_change", arguments: {} });
  await toolsChanged;
  console.log("notifications/tools/list_changed received");

  const updated = next("notifications/resources/updated");
  await client.callTool({ name: "test_trigger_resource_update", arguments: {} });
  const u = await updated;
  assert.equal(u.params.uri, "test://watched-resource");
  console.log("notifications/resources/updated received");

  // Not asked for: prompts list_changed must not arrive on the stream.
  await client.callTool({ name: "test_trigger_prompt_change", arguments: {} });
  const again = next("notifications/tools/list_changed");
  await client.callTool({ name: "test_trigger_tool_change", arguments: {} });
  await again;  // a later notification on the same stream: the prompt one would have come first
  assert.equal(promptsSeen, 0, "no prompts/list_changed on a stream that did not ask for it");

  await sub.close();
  assert.equal(await sub.closed, "local");
  console.log("listen_smoke: ok");
  await client.close();
  clearTimeout(timeout);
} catch (e) {
  console.error(`listen_smoke: FAILED: ${e?.stack ?? e}`);
  process.exit(1);
}
