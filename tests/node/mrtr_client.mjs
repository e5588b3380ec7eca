// The real TypeScript SDK v2 client (pinned to 2026-07-28) completes tools of
// the real third-party legacy server @modelcontextprotocol/server-everything
// that ask their client for input in the middle of tools/call
// (elicitation/create, sampling/createMessage, roots/list), through mcp-bridge.
// The bridge turns each such server request into an InputRequiredResult; the
// SDK's multi-round-trip driver runs the handlers below and retries with
// inputResponses + requestState; the bridge hands the answers to the waiting
// upstream request. Every handler answers something no other component could
// make up, and each tool result must contain it: the answer really travelled
// handler -> retry -> bridge -> upstream -> tool result.
// Then subscriptions/listen: a resource list change and a resource update
// caused by tools arrive on the listen stream, tagged with the subscription id.
//   node mrtr_client.mjs URL [CHECK...]
// CHECK: sampling | elicitation | url-elicitation | url-elicitation-error |
//        roots | listen   (default: all of these);
//        tools (only connect and tools/list, which every run does);
//        configured-roots (get-roots-list shows $MRTR_CONFIGURED_ROOT_URI, the
//        bridge's --root, which it answered outside any call: the client's
//        roots handler is not asked);
//        concurrent (three sampling calls at once; KNOWN TO FAIL, so not in
//        the default set: the bridge shares one upstream session per
//        authorization + capabilities, and a server request that carries no
//        relation to its call (stdio always; HTTP when the server sends it on
//        the GET stream, like server-everything's roots/list) can be
//        attributed only while a single call runs on that session; with
//        several running, the bridge refuses it and the tool fails).
// Exits 1 on the first wrong answer.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import assert from "node:assert/strict";

const [url, ...requested] = process.argv.slice(2);
const checks = new Set(requested.length > 0 ? requested
  : ["sampling", "elicitation", "url-elicitation", "url-elicitation-error", "roots", "listen"]);

// Answers only the handlers below know.
const SAMPLED_TEXT = "sampled-by-test-42";
const ELICITED_NAME = "elicited-by-test-7f3a";
const ROOT_URI = "file:///srv/mcp-bridge-mrtr-root-9c1e";
const ROOT_NAME = "mrtr-root-9c1e";
const SUBSCRIPTION_ID_META = "io.modelcontextprotocol/subscriptionId";

const timeout = setTimeout(() => { console.error("mrtr_client: timed out after 90 s"); process.exit(1); }, 90_000);
const client = new Client(
  { name: "mcp-bridge-mrtr", version: "1.0.0" },
  {
    versionNegotiation: { mode: { pin: "2026-07-28" } },
    capabilities: { elicitation: { form: {}, url: {} }, sampling: {}, roots: {} },
  },
);

// What each handler was asked, to check the bridge carried the upstream's request intact.
const asked = { sampling: [], elicitation: [], roots: 0 };
// The sampled text names the prompt's tag (the last word of the prompt), so a
// result that got another call's answer is caught.
client.setRequestHandler("sampling/createMessage", async (request) => {
  asked.sampling.push(request.params);
  const tag = String(request.params.messages?.at(-1)?.content?.text ?? "").split(" ").at(-1);
  return { model: "mrtr-test-model", role: "assistant", content: { type: "text", text: `${SAMPLED_TEXT}:${tag}` } };
});
client.setRequestHandler("elicitation/create", async (request) => {
  asked.elicitation.push(request.params);
  if (request.params.mode === "url") return { action: "accept" };
  return { action: "accept", content: { name: ELICITED_NAME, check: true, integer: 42 } };
});
client.setRequestHandler("roots/list", async () => {
  asked.roots++;
  return { roots: [{ uri: ROOT_URI, name: ROOT_NAME }] };
});

const textOf = (result) => (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
// Calls a tool; ROUNDS (when given) is how many InputRequiredResults the SDK's
// driver must have fulfilled (it reports each round as progress).
async function call(name, args, rounds) {
  let seen = 0;
  const result = await client.callTool({ name, arguments: args }, {
    onprogress: (p) => { if (/^Fulfilling input required/.test(p.message ?? "")) seen++; },
  });
  const text = textOf(result);
  console.log(`tools/call ${name}: ${seen} input round(s): ${text.replace(/\s+/g, " ").slice(0, 240)}`);
  assert.ok(!result.isError, `${name} succeeded`);
  if (rounds !== undefined) assert.equal(seen, rounds, `${name} took ${rounds} input round(s)`);
  return text;
}

// Resolves with the next notification of `method` (or rejects after `ms`).
function next(method, ms = 10_000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${method} within ${ms} ms`)), ms);
    client.setNotificationHandler(method, (n) => { clearTimeout(t); resolve(n); });
  });
}

try {
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  console.log(`connected: server ${JSON.stringify(client.getServerVersion())}, protocol ${client.getNegotiatedProtocolVersion?.()}`);

  // server-everything registers these only when the client's initialize
  // declared the capability: the bridge must carry ours to the upstream.
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  console.log(`tools/list: ${names.join(", ")}`);
  for (const name of ["trigger-sampling-request", "trigger-elicitation-request", "trigger-url-elicitation", "get-roots-list"]) {
    assert.ok(names.includes(name), `tool ${name} listed (needs the client's capability upstream)`);
  }

  if (checks.has("sampling")) {
    const before = asked.sampling.length;
    const text = await call("trigger-sampling-request", { prompt: "bridge-prompt-5d21", maxTokens: 17 }, 1);
    assert.equal(asked.sampling.length, before + 1, "the sampling handler ran once");
    const params = asked.sampling.at(-1);
    assert.equal(params.maxTokens, 17, "sampling request carried the tool's maxTokens");
    assert.match(JSON.stringify(params.messages), /bridge-prompt-5d21/, "sampling request carried the tool's prompt");
    assert.ok(text.includes(`${SAMPLED_TEXT}:bridge-prompt-5d21`), "the tool result contains the sampled text");
    assert.ok(text.includes("mrtr-test-model"), "the tool result contains the sampling model");
  }

  if (checks.has("elicitation")) {
    const before = asked.elicitation.length;
    const text = await call("trigger-elicitation-request", {}, 1);
    assert.equal(asked.elicitation.length, before + 1, "the elicitation handler ran once");
    assert.equal(asked.elicitation.at(-1).requestedSchema?.required?.[0], "name", "form schema carried intact");
    assert.ok(text.includes(`- Name: ${ELICITED_NAME}`), "the tool result contains the elicited name");
    assert.ok(text.includes("- Favorite Integer: 42"), "the tool result contains the elicited integer");
  }

  if (checks.has("concurrent")) {
    // Known to fail (not in the default set): several calls running at once
    // on one pooled upstream session. See the header.
    const tags = ["conc-a1", "conc-b2", "conc-c3"];
    const texts = await Promise.all(tags.map((tag) => call("trigger-sampling-request", { prompt: tag })));
    tags.forEach((tag, i) => assert.ok(texts[i].includes(`${SAMPLED_TEXT}:${tag}`), `call ${tag} got its own answer`));
  }

  if (checks.has("url-elicitation")) {
    // Request path: the upstream sends elicitation/create in URL mode.
    const before = asked.elicitation.length;
    const text = await call("trigger-url-elicitation",
      { url: "https://example.invalid/consent-3e8b", elicitationId: "url-elicit-3e8b" }, 1);
    assert.equal(asked.elicitation.length, before + 1, "the elicitation handler ran once");
    const params = asked.elicitation.at(-1);
    assert.equal(params.mode, "url");
    assert.equal(params.url, "https://example.invalid/consent-3e8b");
    // 2026-07-28 removed elicitationId from URL-mode requests (changelog item 11).
    assert.ok(text.includes("User completed the URL elicitation flow"), "the tool saw the accept");
  }

  if (checks.has("url-elicitation-error")) {
    // Error path: the upstream answers -32042 (URL elicitation required); the
    // bridge makes it URL-mode input requests, the retry runs the call again,
    // and the upstream (having seen its prerequisite issued) proceeds with
    // the request path: one more round, then the result.
    const before = asked.elicitation.length;
    const text = await call("trigger-url-elicitation",
      { url: "https://example.invalid/consent-7a41", elicitationId: "url-elicit-7a41", errorPath: true }, 2);
    const seen = asked.elicitation.slice(before);
    console.log(`  elicitations asked: ${JSON.stringify(seen.map((p) => ({ mode: p.mode, url: p.url })))}`);
    assert.equal(seen.length, 2, "prerequisite (from -32042), then the request path");
    assert.equal(seen[0].mode, "url");
    assert.equal(seen[0].url, "https://modelcontextprotocol.io", "the -32042 prerequisite URL reached the handler");
    assert.equal(seen[1].url, "https://example.invalid/consent-7a41");
    assert.ok(text.includes("Elicitation ID: url-elicit-7a41"), "the retried call completed");
  }

  if (checks.has("roots")) {
    const text = await call("get-roots-list", {}, 1);
    assert.ok(asked.roots >= 1, "the roots handler ran");
    assert.ok(text.includes(ROOT_URI), "the tool result lists the client's root URI");
    assert.ok(text.includes(ROOT_NAME), "the tool result lists the client's root name");
  }

  if (checks.has("configured-roots")) {
    const expected = process.env.MRTR_CONFIGURED_ROOT_URI;
    assert.ok(expected, "MRTR_CONFIGURED_ROOT_URI is set");
    const text = await call("get-roots-list", {}, 0);
    assert.equal(asked.roots, 0, "the client was not asked: the upstream already had the bridge's answer");
    assert.ok(text.includes(`URI: ${expected}\n`), `the tool result lists the bridge's root ${expected}`);
    assert.ok(!text.includes(ROOT_URI), "and not the client's");
  }

  if (checks.has("listen")) {
    const caps = client.getServerCapabilities() ?? {};
    assert.equal(caps.resources?.listChanged, true, "server/discover advertises resources.listChanged");
    assert.equal(caps.resources?.subscribe, true, "server/discover advertises resources.subscribe");
    const watched = (await client.listResources()).resources[0]?.uri;
    assert.ok(watched, "a resource to watch");
    let toolsSeen = 0;
    client.setNotificationHandler("notifications/tools/list_changed", () => { toolsSeen++; });
    const sub = await client.listen({ resourcesListChanged: true, resourceSubscriptions: [watched] });
    console.log(`listen acknowledged: ${JSON.stringify(sub.honoredFilter)}`);
    assert.equal(sub.honoredFilter.resourcesListChanged, true);
    assert.deepEqual(sub.honoredFilter.resourceSubscriptions, [watched]);
    // The SDK sends listen ids "listen:N" and routes tagged notifications to our handlers.
    const tagged = (n) => assert.match(String(n.params?._meta?.[SUBSCRIPTION_ID_META]), /^listen:\d+$/,
      `${n.method} tagged with the subscription id`);

    // gzip-file-as-resource registers a session resource (resources/list_changed
    // upstream). Its input is a data: URI, so nothing leaves the machine.
    const changed = next("notifications/resources/list_changed");
    const link = await client.callTool({ name: "gzip-file-as-resource",
      arguments: { name: "mrtr-5b2c.txt.gz", data: "data:text/plain;base64,aGVsbG8gYnJpZGdl", outputType: "resourceLink" } });
    assert.ok(!link.isError, "gzip-file-as-resource succeeded");
    const n = await changed;
    console.log(`notifications/resources/list_changed received: ${JSON.stringify(n.params ?? {})}`);
    tagged(n);
    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === "demo://resource/session/mrtr-5b2c.txt.gz"), "the new resource is listed");

    // toggle-subscriber-updates sends resources/updated at once (then every 5 s)
    // for the URIs its session subscribed to: the bridge's resources/subscribe.
    const updated = next("notifications/resources/updated");
    await call("toggle-subscriber-updates", {});
    const u = await updated;
    console.log(`notifications/resources/updated received: ${JSON.stringify(u.params ?? {})}`);
    assert.equal(u.params.uri, watched);
    tagged(u);
    await call("toggle-subscriber-updates", {});  // stop the 5 s updates
    assert.equal(toolsSeen, 0, "no tools/list_changed on a stream that did not ask for it");
    await sub.close();
  }

  await client.close();
  clearTimeout(timeout);
  console.log("mrtr_client: OK");
  process.exit(0);
} catch (err) {
  console.error("mrtr_client: FAILED:", err?.stack ?? err);
  process.exit(1);
}
