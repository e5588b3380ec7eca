// Fault cases: the bridge in front of a misbehaving legacy Streamable HTTP
// server. The handshake is always correct; the case's tools/call misbehaves.
// Each case asserts what a 2026-07-28 client sees (HTTP status, JSON-RPC
// error, a message naming the cause, valid UTF-8), an upper bound on how long
// it took, and that the bridge then serves the next good request and stops
// cleanly. "Prompt" cases run the bridge with a 20 s upstream timeout and
// require the error within 3 s: it must come from the fault, not the timer.
import { BridgeProcess } from "./lib/bridge_process.mjs";
import { callTool } from "./lib/client.mjs";
import { check, expectError, expectResult, expectStillServing, waitFor } from "./lib/harness.mjs";
import { ScriptedHttpUpstream } from "./lib/scripted_http_upstream.mjs";
import http from "node:http";
import path from "node:path";

const GATEWAY = [502, 504];
const SHORT_TIMEOUT_MS = 500;   // cases where the upstream goes silent
const LONG_TIMEOUT_MS = 20000;  // cases where the fault itself must end the call
const BOUND_MS = 3000;

async function withBridge(ctx, env, tools, { timeoutMs = LONG_TIMEOUT_MS, upstreamOptions = {}, healthy = true } = {}) {
  const upstream = await new ScriptedHttpUpstream(tools, upstreamOptions).listen();
  ctx.defer(() => upstream.close());
  const bridge = await BridgeProcess.start(env.bridgePath, [
    "--upstream", upstream.url, "--upstream-timeout-ms", String(timeoutMs), "--drain-timeout-ms", "2000", "--threads", "2",
  ], { logFile: path.join(env.work, `${ctx.name}.bridge.log`) });
  ctx.bridge = bridge;
  ctx.defer(() => bridge.kill());
  if (healthy) await bridge.waitHealthy();
  return { upstream, bridge };
}

async function stopsCleanly(bridge) {
  const r = await bridge.stop(10000);
  check(!r.timedOut && r.code === 0, () => `the bridge did not exit 0 on SIGTERM: ${JSON.stringify(r)}`);
}

// Raw HTTP/1.1 response bytes (status line and headers as given).
function rawHead(statusLine, headers) {
  return Buffer.from(`HTTP/1.1 ${statusLine}\r\n${headers.map((h) => h + "\r\n").join("")}\r\n`, "latin1");
}

// Streams `total` bytes of `fill` to `out` (a socket: raw bytes; a response:
// chunked) in 1 MiB writes, respecting backpressure; stops when the peer goes
// away. Resolves the bytes written.
async function pump(out, total, fill = "x") {
  const chunk = Buffer.alloc(1 << 20, fill);
  let written = 0;
  const gone = new Promise((r) => out.once("close", r));
  while (written < total && !out.destroyed) {
    const ok = out.write(chunk);
    written += chunk.length;
    if (!ok) await Promise.race([new Promise((r) => out.once("drain", r)), gone]);
  }
  return written;
}

// A fault that must end the call quickly with an error naming `cause`.
// `setup(ctx)` runs first (e.g. another listener), `extra` after the call.
function promptCase(name, tool, cause, { statuses = GATEWAY, setup, extra } = {}) {
  return {
    name,
    run: async (ctx, env) => {
      if (setup) await setup(ctx);
      const { upstream, bridge } = await withBridge(ctx, env, { fault: tool });
      const before = bridge.memory();
      const r = await callTool(bridge.port, "fault", {}, { timeoutMs: 10000 });
      expectError(r, { statuses, cause, withinMs: BOUND_MS });
      ctx.note(`HTTP ${r.status} in ${r.ms} ms: "${r.json.error.message.slice(0, 140)}"`);
      if (extra) await extra({ ctx, upstream, bridge, before, r });
      await expectStillServing(bridge);
      await stopsCleanly(bridge);
    },
  };
}

// The upstream goes silent: the bridge's timeout (500 ms) must end the call,
// and the upstream is told the request was cancelled.
function silentCase(name, tool) {
  return {
    name,
    run: async (ctx, env) => {
      const { upstream, bridge } = await withBridge(ctx, env, { fault: tool }, { timeoutMs: SHORT_TIMEOUT_MS });
      const r = await callTool(bridge.port, "fault", {}, { timeoutMs: 10000 });
      expectError(r, { statuses: GATEWAY, cause: /time[ds]? ?out|no response within/i, withinMs: BOUND_MS });
      ctx.note(`HTTP ${r.status} in ${r.ms} ms (timeout ${SHORT_TIMEOUT_MS} ms): "${r.json.error.message.slice(0, 120)}"`);
      const upstreamId = upstream.calls("fault")[0]?.id;
      await waitFor(() => upstream.cancelled.includes(upstreamId),
                    { limitMs: BOUND_MS, what: `notifications/cancelled for upstream request ${upstreamId} ` +
                                             `(the upstream saw: ${upstream.requests.map((q) => q.method)})` });
      await expectStillServing(bridge);
      await stopsCleanly(bridge);
    },
  };
}

// A redirect is not followed, to anywhere: the trap it points to counts connections.
function redirectCase() {
  let trap;
  let trapConnections = 0;
  return promptCase("redirect_302_not_followed", ({ res }) => {
    res.writeHead(302, { Location: `http://127.0.0.1:${trap.address().port}/elsewhere`, "Content-Length": 0 });
    res.end();
  }, /HTTP 302/, {
    setup: async (ctx) => {
      trap = http.createServer((req, res) => res.end());
      trap.on("connection", () => { ++trapConnections; });
      await new Promise((r) => trap.listen(0, "127.0.0.1", r));
      ctx.defer(() => new Promise((r) => trap.close(r)));
    },
    extra: async () => {
      await new Promise((r) => setTimeout(r, 200));
      check(trapConnections === 0, () => `the bridge followed the redirect (${trapConnections} connections)`);
    },
  });
}

// The upstream fails its handshake: never healthy (/healthz 503), and a
// request fails at once naming the cause; the bridge keeps running.
function initializeFaultCase(name, initialize, cause) {
  return {
    name,
    run: async (ctx, env) => {
      const { bridge } = await withBridge(ctx, env, {}, { upstreamOptions: { initialize }, healthy: false });
      const r = await callTool(bridge.port, "echo", {}, { timeoutMs: 10000 });
      expectError(r, { statuses: GATEWAY, cause, withinMs: BOUND_MS });
      const health = await fetch(`http://127.0.0.1:${bridge.port}/healthz`);
      check(health.status === 503, () => `/healthz answered ${health.status} while initialize fails`);
      ctx.note(`HTTP ${r.status} in ${r.ms} ms: "${r.json.error.message.slice(0, 140)}"; /healthz 503`);
      check(bridge.alive(), "the bridge exited");
      await stopsCleanly(bridge);
    },
  };
}

export function httpUpstreamCases() {
  return [
    silentCase("never_answers", () => {}),
    silentCase("headers_then_stall", ({ res }) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "1000" });
      res.flushHeaders();
    }),
    silentCase("sse_headers_then_stall", ({ res }) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.write(": the answer is coming, really\n\n");
    }),
    promptCase("closes_mid_body", ({ socket }) => {
      socket.write(rawHead("200 OK", ["Content-Type: application/json", "Content-Length: 200"]));
      socket.end('{"jsonrpc":"2.0","id":');
    }, /closed the connection before its response was complete/),
    promptCase("closes_mid_sse_stream", ({ socket, id }) => {
      socket.write(rawHead("200 OK", ["Content-Type: text/event-stream", "Transfer-Encoding: chunked"]));
      const partial = `event: message\ndata: {"jsonrpc":"2.0","id":${id},"res`;
      socket.end(`${partial.length.toString(16)}\r\n${partial}\r\n`);
    }, /SSE stream.*closed the connection before its response was complete/),
    promptCase("connection_reset", ({ socket }) => socket.resetAndDestroy(), /reset by peer/i),
    promptCase("html_with_200", ({ res }) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html><body><h1>Welcome to nginx!</h1></body></html>");
    }, /HTTP 200.*(text\/html|no JSON-RPC response)/i),
    promptCase("garbage_instead_of_http", ({ socket }) => {
      socket.write(Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, ...Buffer.from("NOT HTTP AT ALL\r\n\r\n")]));
    }, /malformed HTTP response/),
    promptCase("garbage_json_body", ({ res }) => {
      const body = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x7b, 0xc3]);
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length });
      res.end(body);
    }, /malformed JSON|not valid JSON|parse/i),
    {
      // JSON whose strings hold invalid UTF-8: the client still receives
      // valid UTF-8 (the answer with U+FFFD in place of the bad bytes).
      name: "invalid_utf8_in_json",
      run: async (ctx, env) => {
        const { bridge } = await withBridge(ctx, env, {
          fault: ({ res, id }) => {
            const body = Buffer.concat([
              Buffer.from(`{"jsonrpc":"2.0","id":${id},"result":{"content":[{"type":"text","text":"caf`),
              Buffer.from([0xe9, 0x20, 0xff, 0xfe, 0x20, 0xed, 0xa0, 0x80]),  // latin-1, junk, a surrogate
              Buffer.from(` ok"}]}}`),
            ]);
            res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length });
            res.end(body);
          },
        });
        const r = await callTool(bridge.port, "fault", {}, { timeoutMs: 10000 });
        expectResult(r, { text: /^caf\uFFFD \uFFFD+ \uFFFD+ ok$/, withinMs: BOUND_MS });
        ctx.note(`HTTP ${r.status} in ${r.ms} ms, text ${JSON.stringify(r.json.result.content[0].text)}`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    // An answer nested 100000 deep: refused at parse time (nlohmann copies
    // and serialises recursively; such a value would overflow a stack).
    promptCase("deeply_nested_json_answer", ({ res, id }) => {
      const body = `{"jsonrpc":"2.0","id":${id},"result":{"content":${"[".repeat(100000)}${"]".repeat(100000)}}}`;
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": body.length });
      res.end(body);
    }, /nested deeper than \d+ levels/),
    promptCase("invalid_utf8_in_status_and_body_of_500", ({ socket }) => {
      const body = Buffer.from([0x6f, 0x6f, 0x70, 0x73, 0x20, 0xff, 0xc0, 0xaf, 0x20, 0xe2, 0x82]);
      socket.write(Buffer.concat([
        Buffer.from("HTTP/1.1 500 Sch\xe9\xff\r\nContent-Type: text/plain\r\n", "latin1"),
        Buffer.from(`Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]));
      socket.end();
    }, /HTTP 500/),
    promptCase("huge_body_announced", ({ socket }) => {
      socket.write(rawHead("200 OK", ["Content-Type: application/json", "Content-Length: 1073741824"]));
      pump(socket, 64 << 20).catch(() => {});
    }, /exceeds \d+ bytes/),
    {
      // No length announced: the bridge must stop reading at its bound
      // (16 MiB), not buffer what the upstream offers (256 MiB).
      name: "huge_body_chunked",
      run: async (ctx, env) => {
        let offered;
        const { bridge } = await withBridge(ctx, env, {
          fault: ({ res }) => {
            res.writeHead(200, { "Content-Type": "application/json" });  // chunked
            res.write('{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"');
            offered = pump(res, 256 << 20);
          },
        });
        const before = bridge.memory();
        const r = await callTool(bridge.port, "fault", {}, { timeoutMs: 15000 });
        expectError(r, { statuses: GATEWAY, cause: /exceeds \d+ bytes/, withinMs: 5000 });
        const after = bridge.memory();
        const growthMb = (after.peakKb - before.rssKb) / 1024;
        ctx.note(`HTTP ${r.status} in ${r.ms} ms: "${r.json.error.message}"; peak RSS +${growthMb.toFixed(1)} MiB ` +
                 `(${(before.rssKb / 1024).toFixed(1)} -> peak ${(after.peakKb / 1024).toFixed(1)} MiB)`);
        // The proof of a bounded read: the bridge closed the connection, so
        // the upstream could not hand over what it offered. (The RSS bound is
        // loose: ASan's quarantine keeps freed blocks, +123 MiB measured.)
        const written = await Promise.race([offered, new Promise((r) => setTimeout(() => r(Infinity), 5000))]);
        check(written < 64 << 20, () => `the upstream wrote ${written} bytes: the bridge kept reading past its bound`);
        check(growthMb < 200, () => `bridge peak RSS grew by ${growthMb.toFixed(1)} MiB reading a huge body`);
        ctx.note(`the upstream got ${(written / (1 << 20)).toFixed(0)} of 256 MiB out before the bridge closed`);
        await expectStillServing(bridge);
        await stopsCleanly(bridge);
      },
    },
    promptCase("huge_sse_event", ({ res }) => {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      res.write("event: message\ndata: ");
      pump(res, 256 << 20).catch(() => {});
    }, /exceed|too large|larger than/i),
    // Chunked framing whose chunk-size line never ends: the bridge must not
    // buffer it without bound (Beast waits for the line's end).
    promptCase("endless_chunk_size_line", ({ socket }) => {
      socket.write(rawHead("200 OK", ["Content-Type: application/json", "Transfer-Encoding: chunked"]));
      pump(socket, 256 << 20, "0").catch(() => {});
    }, /malformed HTTP response \(a header or chunk-size line longer than/, {
      extra: async ({ ctx, bridge, before }) => {
        const growthMb = (bridge.memory().peakKb - before.rssKb) / 1024;
        ctx.note(`peak RSS +${growthMb.toFixed(1)} MiB`);
        check(growthMb < 100, () => `bridge peak RSS grew by ${growthMb.toFixed(1)} MiB on an endless chunk-size line`);
      },
    }),
    promptCase("status_500", ({ res }) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("database on fire");
    }, /HTTP 500.*database on fire/),
    promptCase("status_503", ({ res }) => {
      res.writeHead(503, { "Content-Type": "text/plain", "Retry-After": "30" });
      res.end("overloaded");
    }, /HTTP 503/),
    redirectCase(),
    initializeFaultCase("initialize_answered_with_500", ({ res }) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("starting up");
    }, /HTTP 500/),
    initializeFaultCase("initialize_answered_with_html", ({ res }) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end("<html>login</html>");
    }, /initialize with HTTP 200 \(Content-Type 'text\/html'\)/),
    initializeFaultCase("initialize_closes_mid_body", ({ socket }) => {
      socket.write(rawHead("200 OK", ["Content-Type: application/json", "Content-Length: 300"]));
      socket.end('{"jsonrpc":"2.0","id":"bridge-init-1","result":{"protocolVersion":');
    }, /closed the connection before its response was complete/),
  ];
}

