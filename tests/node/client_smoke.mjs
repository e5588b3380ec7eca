// Drives mcp-bridge with the real TypeScript SDK v2 client pinned to
// 2026-07-28 (no legacy fallback): discover, then every list and a call of
// each kind the server offers. Fails (exit 1) on the first wrong answer.
//   node client_smoke.mjs http URL PLAN_JSON
//   node client_smoke.mjs stdio "CMD ARG..." PLAN_JSON     (bridge --stdio as the command)
// PLAN_JSON: {"tool": {"name", "arguments", "expectText"}, "expectTools": [...],
//             "expectResources": bool, "expectPrompts": bool}
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import assert from "node:assert/strict";

const [mode, target, planJson] = process.argv.slice(2);
const plan = JSON.parse(planJson);

const client = new Client(
  { name: "mcp-bridge-integration", version: "1.0.0" },
  { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: {} },
);
const transport = mode === "http"
  ? new StreamableHTTPClientTransport(new URL(target))
  : new StdioClientTransport({ command: target.split(" ")[0], args: target.split(" ").slice(1), stderr: "inherit" });

const timeout = setTimeout(() => { console.error("client_smoke: timed out after 60 s"); process.exit(1); }, 60_000);
try {
  await client.connect(transport);
  const version = client.getNegotiatedProtocolVersion?.() ?? "(unknown)";
  console.log(`connected: server ${JSON.stringify(client.getServerVersion())}, protocol ${version}`);
  const caps = client.getServerCapabilities() ?? {};

  const { tools } = await client.listTools();
  console.log(`tools/list: ${tools.length} tools: ${tools.map((t) => t.name).join(", ")}`);
  for (const name of plan.expectTools ?? []) assert.ok(tools.some((t) => t.name === name), `tool ${name} listed`);

  if (plan.tool) {
    const result = await client.callTool({ name: plan.tool.name, arguments: plan.tool.arguments ?? {} });
    const text = (result.content ?? []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
    console.log(`tools/call ${plan.tool.name}: ${text.slice(0, 200)}`);
    assert.ok(!result.isError, `tool ${plan.tool.name} succeeded`);
    if (plan.tool.expectText) assert.ok(text.includes(plan.tool.expectText), `result contains ${plan.tool.expectText}`);
  }

  if (plan.expectResources) {
    assert.ok(caps.resources, "resources capability advertised");
    const { resources } = await client.listResources();
    console.log(`resources/list: ${resources.length} resources`);
    assert.ok(resources.length > 0, "at least one resource");
    const read = await client.readResource({ uri: resources[0].uri });
    assert.ok(read.contents.length > 0, "resources/read returned contents");
    const { resourceTemplates } = await client.listResourceTemplates();
    console.log(`resources/templates/list: ${resourceTemplates.length} templates`);
  }

  if (plan.expectPrompts) {
    assert.ok(caps.prompts, "prompts capability advertised");
    const { prompts } = await client.listPrompts();
    console.log(`prompts/list: ${prompts.length} prompts`);
    const simple = prompts.find((p) => !(p.arguments ?? []).some((a) => a.required));
    if (simple) {
      const got = await client.getPrompt({ name: simple.name, arguments: {} });
      assert.ok(got.messages.length > 0, `prompts/get ${simple.name} returned messages`);
    }
  }
  await client.close();
  console.log("client_smoke: OK");
  clearTimeout(timeout);
  process.exit(0);
} catch (err) {
  console.error("client_smoke: FAILED:", err?.stack ?? err);
  process.exit(1);
}
