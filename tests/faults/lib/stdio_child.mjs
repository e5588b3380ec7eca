// A scripted legacy (2025-11-25) stdio server for the fault suite.
//   node stdio_child.mjs MODE_FILE EVENTS_FILE
// MODE_FILE (read once at start, so a test can change what the *next* child
// does): ok | exit-before-init | exit-during-init | ignore-sigterm.
// EVENTS_FILE: one JSON line per event (start, call, cancelled, ...) so the
// test sees what the bridge sent.
// Tools: echo; slow (never answers); garbage_then_answer; garbage_no_answer;
// invalid_utf8_answer; stderr_flood (8 MiB on stderr, then answers).
import fs from "node:fs";
import readline from "node:readline";

const [modeFile, eventsFile] = process.argv.slice(2);
const mode = fs.existsSync(modeFile) ? fs.readFileSync(modeFile, "utf8").trim() : "ok";
const event = (e) => fs.appendFileSync(eventsFile, JSON.stringify({ pid: process.pid, ...e }) + "\n");
event({ event: "start", mode });

if (mode === "exit-before-init") process.exit(3);
if (mode === "ignore-sigterm") {
  process.on("SIGTERM", () => event({ event: "sigterm-ignored" }));
  setInterval(() => {}, 1000);  // stay alive after stdin closes
}

const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
const text = (id, t) => send({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: t }] } });
const tools = ["echo", "slow", "garbage_then_answer", "garbage_no_answer", "invalid_utf8_answer", "stderr_flood"];

function garbage() {
  process.stdout.write("this is not JSON\n");
  process.stdout.write(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80, 0x0a]));   // binary, invalid UTF-8
  process.stdout.write("{\"jsonrpc\":\"2.0\",\"id\":\n");                    // truncated JSON
  process.stdout.write("[1, 2, 3]\n42\n\"a string\"\n{}\n");                 // JSON, but no messages
  process.stdout.write("{\"jsonrpc\":\"2.0\",\"id\":\"nobody-asked\",\"result\":{}}\n");  // unknown id
}

// `done` runs once the pipe took the last byte (the bridge is reading).
function floodStderr(bytes, done) {
  const line = Buffer.alloc(1023, "e");
  for (let n = 0; n < bytes; n += 1024) process.stderr.write(Buffer.concat([line, Buffer.from("\n")]));
  process.stderr.write(Buffer.alloc(1 << 20, "L"));                              // 1 MiB without a newline
  process.stderr.write(Buffer.from([0x0a, 0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x0a]));  // invalid UTF-8 line
  process.stderr.write("end of flood\n", done);
}

function onMessage(m) {
  if (m.method === "initialize") {
    if (mode === "exit-during-init") {
      process.stdout.write('{"jsonrpc":"2.0","id":');  // half an answer
      process.exit(4);
    }
    return send({ jsonrpc: "2.0", id: m.id, result: {
      protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: { name: "scripted-stdio", version: "1" } } });
  }
  if (m.method === "notifications/cancelled") return event({ event: "cancelled", requestId: m.params?.requestId });
  if (m.id === undefined) return;
  if (m.method === "ping") return send({ jsonrpc: "2.0", id: m.id, result: {} });
  if (m.method === "tools/list")
    return send({ jsonrpc: "2.0", id: m.id, result: { tools: tools.map((name) => ({ name, inputSchema: { type: "object" } })) } });
  if (m.method !== "tools/call")
    return send({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: `no ${m.method}` } });
  const tool = m.params?.name;
  event({ event: "call", tool, id: m.id });
  switch (tool) {
    case "slow": return;
    case "garbage_then_answer": garbage(); return text(m.id, "answer after garbage");
    case "garbage_no_answer": return garbage();
    case "invalid_utf8_answer":
      return process.stdout.write(Buffer.concat([
        Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(m.id)},"result":{"content":[{"type":"text","text":"caf`),
        Buffer.from([0xe9, 0x20, 0xff, 0xfe]), Buffer.from(' ok"}]}}\n')]));
    case "stderr_flood": return floodStderr(8 << 20, () => text(m.id, "flooded"));
    default: return text(m.id, `echo: ${JSON.stringify(m.params?.arguments ?? {})}`);
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  let m;
  try { m = JSON.parse(line); } catch { return; }
  onMessage(m);
});
rl.on("close", () => {
  event({ event: "stdin-closed" });
  if (mode !== "ignore-sigterm") process.exit(0);
});
