// Fault cases on the client side: misbehaving 2026-07-28 clients in front of
// the bridge (a well-behaved scripted legacy HTTP upstream behind it). Each
// case asserts what the clients see and that the bridge keeps serving.
import net from "node:net";
import path from "node:path";
import { BridgeProcess } from "./lib/bridge_process.mjs";
import { callTool, modernRequest, post, rawExchange, rawPost } from "./lib/client.mjs";
import { check, expectError, expectResult, expectStillServing, saw, waitFor } from "./lib/harness.mjs";
import { ScriptedHttpUpstream } from "./lib/scripted_http_upstream.mjs";

const BOUND_MS = 3000;

async function withBridge(ctx, env, bridgeArgs = [], { tools = {}, upstreamOptions = {} } = {}) {
  const upstream = await new ScriptedHttpUpstream(tools, upstreamOptions).listen();
  ctx.defer(() => upstream.close());
  const bridge = await BridgeProcess.start(env.bridgePath, [
    "--upstream", upstream.url, "--upstream-timeout-ms", "20000", "--drain-timeout-ms", "2000", "--threads", "2",
    ...bridgeArgs,
  ], { logFile: path.join(env.work, `${ctx.name}.bridge.log`) });
  ctx.bridge = bridge;
  ctx.defer(() => bridge.kill());
  await bridge.waitHealthy();
  return { upstream, bridge };
}

async function stopsCleanly(bridge) {
  const r = await bridge.stop(10000);
  check(!r.timedOut && r.code === 0, () => `the bridge did not exit 0 on SIGTERM: ${JSON.stringify(r)}`);
}

// A connection that stays open until the case ends; `closed` resolves with
// what the bridge sent on it and when.
function openConnection(ctx, port, onConnect = () => {}) {
  const s = net.connect({ host: "127.0.0.1", port }, () => onConnect(s));
  const t0 = Date.now();
  const chunks = [];
  s.on("data", (c) => chunks.push(c));
  s.on("error", () => {});
  const closed = new Promise((r) => s.on("close", () => r({ text: Buffer.concat(chunks).toString("latin1"), ms: Date.now() - t0 })));
  ctx.defer(() => s.destroy());
  return { socket: s, closed };
}

// The smallest valid echo call, padded with trailing whitespace (valid JSON)
// to exactly `size` bytes.
function paddedEcho(size) {
  const message = modernRequest("tools/call", { name: "echo", arguments: {} });
  const json = JSON.stringify(message);
  check(json.length <= size, `an echo call is longer than ${size} bytes`);
  return { message, body: json + " ".repeat(size - json.length) };
}

// Raw request bytes for `message` whose header section (request line to the
// blank line, inclusive) is exactly `size` bytes, padded with an X-Pad header.
function requestWithHeaderSize(message, size) {
  const base = rawPost(message, ["X-Pad: "]);
  const headerLen = base.indexOf("\r\n\r\n") + 4;
  const pad = size - headerLen;
  check(pad >= 0, `headers are already ${headerLen} bytes`);
  return rawPost(message, ["X-Pad: " + "p".repeat(pad)]);
}

function jsonOf(raw) {
  try { return JSON.parse(raw.body); } catch { return undefined; }
}

export function clientCases() {
  return [
    {
      // 10 idle, 10 slowloris (a header byte every 100 ms) and 10 half-open
      // connections (partial body, then FIN) do not delay normal clients; the
      // slow ones get 408 after --request-timeout-ms, the idle ones are closed.
      name: "slow_and_half_open_connections_do_not_starve",
      run: async (ctx, env) => {
        const { bridge } = await withBridge(ctx, env, ["--request-timeout-ms", "2000", "--idle-timeout-ms", "2000"]);
        const idle = Array.from({ length: 10 }, () => openConnection(ctx, bridge.port));
        const slow = Array.from({ length: 10 }, () => openConnection(ctx, bridge.port, (s) => {
          s.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n");
          const drip = setInterval(() => (s.destroyed ? clearInterval(drip) : s.write("X")), 100);
          ctx.defer(() => clearInterval(drip));
        }));
        const halfOpen = Array.from({ length: 10 }, () => openConnection(ctx, bridge.port, (s) => {
          s.end("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"");
        }));
        await new Promise((r) => setTimeout(r, 300));
        let slowest = 0;
        for (let i = 0; i < 20; ++i) {
          const r = await callTool(bridge.port, "echo", { i }, { timeoutMs: 5000 });
          expectResult(r, { text: /echo/, withinMs: 1500 });
          slowest = Math.max(slowest, r.ms);
        }
        const bound = 2000 + BOUND_MS;
        const race = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r({ open: true }), bound))]);
        const ends = await Promise.all(slow.map((c) => race(c.closed)));
        for (const e of ends) {
          check(!e.open, `a slow connection was still open ${bound} ms later`);
          check(/^HTTP\/1\.1 408/.test(e.text), () => `a slow connection ended without 408: ${JSON.stringify(e.text.slice(0, 200))}`);
        }
        // Half-open: the request can never complete; closed (answered or not), not kept.
        const halfEnds = await Promise.all(halfOpen.map((c) => race(c.closed)));
        check(halfEnds.every((e) => !e.open), `a half-open connection was still open ${bound} ms later`);
        const idleEnds = await Promise.all(idle.map((c) => race(c.closed)));
        check(idleEnds.every((e) => !e.open), `an idle connection was still open ${bound} ms later`);
        ctx.note(`20 normal calls meanwhile (slowest ${slowest} ms); 10 slowloris got 408 within ` +
                 `${Math.max(...ends.map((e) => e.ms))} ms; 10 half-open closed within ${Math.max(...halfEnds.map((e) => e.ms))} ms; ` +
                 `10 idle closed within ${Math.max(...idleEnds.map((e) => e.ms))} ms`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      name: "body_at_limit_accepted_one_over_rejected",
      run: async (ctx, env) => {
        const { bridge } = await withBridge(ctx, env, ["--max-body-bytes", "2048"]);
        const at = paddedEcho(2048);
        const ok = await post(bridge.port, at.message, { body: at.body });
        expectResult(ok, { text: /echo/, withinMs: BOUND_MS });
        const over = paddedEcho(2049);
        const r = await post(bridge.port, over.message, { body: over.body });
        check(r.status === 413, () => `a 2049-byte body: expected 413, the client saw ${saw(r)}`);
        ctx.note(`2048 bytes: HTTP ${ok.status}; 2049 bytes: HTTP ${r.status}`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      name: "headers_at_limit_accepted_one_over_rejected",
      run: async (ctx, env) => {
        const { bridge } = await withBridge(ctx, env, ["--max-header-bytes", "1024"]);
        const message = modernRequest("tools/call", { name: "echo", arguments: {} });
        const ok = await rawExchange(bridge.port, requestWithHeaderSize(message, 1024));
        check(ok.status === 200 && jsonOf(ok)?.result, () => `1024 bytes of headers: expected 200, got ${saw(ok)}`);
        const over = await rawExchange(bridge.port, requestWithHeaderSize(message, 1025));
        check(over.status === 431, () => `1025 bytes of headers: expected 431, got ${saw(over)}`);
        ctx.note(`1024 bytes: HTTP ${ok.status}; 1025 bytes: HTTP ${over.status}`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      // A chunked body whose chunk-size line never ends (256 MiB offered):
      // rejected once the bridge's read buffer bound is reached, memory flat.
      name: "endless_chunk_size_line",
      run: async (ctx, env) => {
        const { bridge } = await withBridge(ctx, env, ["--max-body-bytes", "65536"]);
        const before = bridge.memory();
        const message = modernRequest("tools/call", { name: "echo", arguments: {} });
        const head = rawPost(message, [], "").toString("latin1")
          .replace(/Content-Length: \d+\r\n/, "Transfer-Encoding: chunked\r\n");
        const conn = openConnection(ctx, bridge.port, (s) => {
          s.write(head);
          const chunk = Buffer.alloc(1 << 20, "0");
          let sent = 0;
          const more = () => {
            while (sent < 256 << 20 && !s.destroyed) {
              sent += chunk.length;
              if (!s.write(chunk)) return s.once("drain", more);
            }
          };
          more();
        });
        const end = await Promise.race([conn.closed, new Promise((r) => setTimeout(() => r({ open: true }), 5000))]);
        check(!end.open, "the connection was still open after 5 s");
        const growthMb = (bridge.memory().peakKb - before.rssKb) / 1024;
        check(/^HTTP\/1\.1 4\d\d/.test(end.text), () => `expected a 4xx, got ${JSON.stringify(end.text.slice(0, 200))}`);
        check(growthMb < 50, () => `bridge peak RSS grew by ${growthMb.toFixed(1)} MiB`);
        ctx.note(`${end.text.slice(0, 12)} after ${end.ms} ms, peak RSS +${growthMb.toFixed(1)} MiB`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      name: "invalid_and_deeply_nested_json",
      run: async (ctx, env) => {
        const { upstream, bridge } = await withBridge(ctx, env);
        const send = (body, message = { method: "tools/call", params: { name: "echo" } }) =>
          post(bridge.port, message, { body, timeoutMs: 10000 });
        const invalid = await send('{"jsonrpc":"2.0","id":1,"method":"tools/call",');
        expectError(invalid, { statuses: [400], code: -32700, cause: /parse|JSON/i, withinMs: BOUND_MS });
        const deep = 100000;
        const unclosed = await send("[".repeat(deep));
        expectError(unclosed, { statuses: [400], code: -32700, cause: /parse|JSON|nest|deep/i, withinMs: BOUND_MS });
        const closed = await send("[".repeat(deep) + "]".repeat(deep));
        expectError(closed, { statuses: [400], code: -32700, cause: /nested deeper than \d+ levels/, withinMs: BOUND_MS });
        // Deep nesting inside a real call: in the arguments, and in the
        // client capabilities (which key the upstream session).
        const nested = JSON.parse(JSON.stringify(modernRequest("tools/call", { name: "echo", arguments: {} })));
        const deepBody = (where) => JSON.stringify(nested).replace(where, (m) => m.replace("{}", "[".repeat(deep) + "]".repeat(deep)));
        const inArgs = await send(deepBody(/"arguments":\{\}/), nested);
        expectError(inArgs, { statuses: [400], code: -32700, cause: /nested deeper than \d+ levels/, withinMs: BOUND_MS });
        const inCaps = await send(deepBody(/"io\.modelcontextprotocol\/clientCapabilities":\{\}/), nested);
        expectError(inCaps, { statuses: [400], code: -32700, cause: /nested deeper than \d+ levels/, withinMs: BOUND_MS });
        ctx.note(`truncated body, ${deep} '[', ${deep} nested arrays, nested arguments, nested capabilities: all ` +
                 `400/-32700 ("${inArgs.json.error.message}")`);
        check(upstream.calls().length === 0, "a nested request reached the upstream");
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      // CR, LF and NUL smuggled into header values: rejected, or at least
      // never turned into a header line upstream.
      name: "header_injection_rejected",
      run: async (ctx, env) => {
        const { upstream, bridge } = await withBridge(ctx, env);
        const message = modernRequest("tools/call", { name: "echo", arguments: {} });
        const trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        const attempts = {
          "bare CR in Mcp-Param-*": [`Mcp-Param-Region: eu\rX-Injected: cr`],
          "NUL in traceparent": [`traceparent: ${trace}\0X-Injected: nul`],
          "NUL in Authorization": [`Authorization: Bearer a\0X-Injected: nul`],
          "obs-fold in traceparent": [`traceparent: ${trace}`, ` X-Injected: fold`],
          "obs-fold in Authorization": [`Authorization: Bearer abc`, ` X-Injected: fold`],
          "bare LF in baggage": [`baggage: k=v\nX-Injected: lf`],
          "CR LF in tracestate value": [`tracestate: a=b\r\nX-Injected: crlf`],
        };
        const outcomes = [];
        for (const [what, lines] of Object.entries(attempts)) {
          const before = upstream.requests.length;
          const r = await rawExchange(bridge.port, rawPost(message, lines));
          check(!r.error && r.status, () => `${what}: no HTTP answer (${r.error})`);
          check(r.status === 400 || r.status === 200, () => `${what}: unexpected ${saw(r)}`);
          for (const req of upstream.requests.slice(before)) {
            check(!req.headers["x-injected"], () => `${what}: the upstream received header X-Injected: ${req.headers["x-injected"]}`);
            for (const [name, values] of Object.entries(req.headers))
              for (const v of values)
                check(!/[\r\n\0]/.test(v), () => `${what}: upstream header ${name} carries CR/LF/NUL: ${JSON.stringify(v)}`);
          }
          outcomes.push(`${what}: ${r.status}`);
        }
        ctx.note(outcomes.join(", "));
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    {
      // 20 clients drop their connections while their calls run upstream:
      // the upstream gets notifications/cancelled for each, and the bridge's
      // open descriptors return to their level before the load.
      name: "clients_dropping_mid_call",
      run: async (ctx, env) => {
        const { upstream, bridge } = await withBridge(ctx, env, [], {
          tools: { slow: () => {} }, upstreamOptions: { connectionClose: true },
        });
        await expectStillServing(bridge);
        const stableFds = async () => {
          let last = -1;
          return waitFor(() => {
            const n = bridge.fdCount();
            const stable = n === last;
            last = n;
            return stable && n;
          }, { limitMs: 3000, what: "a stable descriptor count" });
        };
        const baseline = await stableFds();
        const N = 20;
        const clients = Array.from({ length: N }, (_, i) => openConnection(ctx, bridge.port, (sock) =>
          sock.write(rawPost(modernRequest("tools/call", { name: "slow", arguments: { i } })))));
        await waitFor(() => upstream.calls("slow").length === N, { limitMs: BOUND_MS, what: `${N} slow calls upstream` });
        const peak = bridge.fdCount();
        const dropAt = Date.now();
        for (const c of clients) c.socket.destroy();
        const ids = upstream.calls("slow").map((c) => c.id);
        await waitFor(() => ids.every((id) => upstream.cancelled.includes(id)),
                      { limitMs: BOUND_MS, what: `notifications/cancelled for all ${N} upstream calls` });
        const cancelledIn = Date.now() - dropAt;
        const fds = await waitFor(() => { const n = bridge.fdCount(); return n <= baseline && n; },
                                  { limitMs: 5000, what: `the bridge's descriptors back to ${baseline}` });
        ctx.note(`${N} drops: all cancelled upstream within ${cancelledIn} ms; fds ${baseline} -> ${peak} -> ${fds}`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
  ];
}
