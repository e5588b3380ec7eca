// A 2026-07-28 client as the fault suite needs it: every request stateless
// (per-request _meta, MCP-Protocol-Version, Mcp-Method, Mcp-Name), one
// connection per request, a hard time limit, and the answer kept as raw bytes
// so a case can check that what reached the client is valid UTF-8.
import http from "node:http";
import net from "node:net";

export const MODERN = "2026-07-28";
let nextId = 1;

// The JSON-RPC request body of a 2026-07-28 call.
export function modernRequest(method, params = {}, { id = `c${nextId++}`, capabilities = {} } = {}) {
  return {
    jsonrpc: "2.0", id, method,
    params: {
      ...params,
      _meta: {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": { name: "fault-suite", version: "1" },
        "io.modelcontextprotocol/clientCapabilities": capabilities,
      },
    },
  };
}

// The headers that go with `message` (SEP-2663 routing headers).
export function modernHeaders(message, body) {
  const h = {
    "Content-Type": "application/json", Accept: "application/json, text/event-stream",
    "MCP-Protocol-Version": MODERN, "Mcp-Method": message.method,
    "Content-Length": Buffer.byteLength(body),
  };
  const name = message.params?.name ?? message.params?.uri;
  if (typeof name === "string") h["Mcp-Name"] = name;
  return h;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
export function isValidUtf8(buf) {
  try { strictUtf8.decode(buf); return true; } catch { return false; }
}

// What the client saw: {status, raw, utf8, json (the JSON-RPC response: the
// body, or the last SSE event), ms} or {error, ms}. Never rejects.
export function post(port, message, { timeoutMs = 10000, headers = {}, body } = {}) {
  body ??= JSON.stringify(message);
  const allHeaders = { ...modernHeaders(message, body), ...headers };
  const t0 = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r) => { if (!settled) { settled = true; clearTimeout(timer); resolve({ ...r, ms: Date.now() - t0 }); } };
    const req = http.request({ host: "127.0.0.1", port, path: "/mcp", method: "POST", headers: allHeaders, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const text = raw.toString("utf8");
        let json;
        const sse = (res.headers["content-type"] ?? "").startsWith("text/event-stream");
        try {
          if (sse) {
            const events = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)));
            json = events.at(-1);
          } else if (text.length) json = JSON.parse(text);
        } catch {}
        finish({ status: res.statusCode, raw, text, json, utf8: isValidUtf8(raw) });
      });
      res.on("error", (e) => finish({ error: e.code || e.message }));
    });
    const timer = setTimeout(() => { finish({ error: `no answer within ${timeoutMs} ms` }); req.destroy(); }, timeoutMs);
    req.on("error", (e) => finish({ error: e.code || e.message }));
    req.end(body);
  });
}

export function callTool(port, name, args = {}, opts = {}) {
  return post(port, modernRequest("tools/call", { name, arguments: args }, opts), opts);
}

// Raw bytes to the bridge on one connection (for what node:http refuses to
// send: CR, LF or NUL in header values, exact header sizes). Resolves the raw
// answer {status, head, body, ms} once the bridge closes the connection or
// `timeoutMs` passes ({error}).
export function rawExchange(port, bytes, { timeoutMs = 5000 } = {}) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    const finish = (extra = {}) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const raw = Buffer.concat(chunks);
      const text = raw.toString("latin1");
      const m = text.match(/^HTTP\/1\.[01] (\d{3})/);
      const split = text.indexOf("\r\n\r\n");
      resolve({
        status: m ? Number(m[1]) : undefined, head: split >= 0 ? text.slice(0, split) : text,
        body: split >= 0 ? raw.subarray(split + 4).toString("utf8") : "", ms: Date.now() - t0, ...extra,
      });
    };
    const s = net.connect({ host: "127.0.0.1", port }, () => s.write(bytes));
    s.on("data", (c) => chunks.push(c));
    s.on("end", () => finish());
    s.on("close", () => finish());
    s.on("error", (e) => finish(chunks.length ? {} : { error: e.code || e.message }));
    const timer = setTimeout(() => finish({ error: `connection still open after ${timeoutMs} ms` }), timeoutMs);
  });
}

// A complete raw POST /mcp for `message` with extra raw header lines
// (each without CRLF; they may contain anything) and Connection: close.
export function rawPost(message, extraHeaderLines = [], body = JSON.stringify(message)) {
  const h = modernHeaders(message, body);
  const lines = [`POST /mcp HTTP/1.1`, `Host: 127.0.0.1`, ...Object.entries(h).map(([k, v]) => `${k}: ${v}`),
                 "Connection: close", ...extraHeaderLines];
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), Buffer.from(body)]);
}
