// A legacy (2025-11-25) Streamable HTTP server on 127.0.0.1:0 whose handshake
// is correct (initialize with Mcp-Session-Id, notifications/initialized,
// tools/list, ping, 405 for the GET stream, DELETE) and whose tools/call does
// whatever the case scripts: `tools` maps a tool name to a handler that gets
// {req, res, socket, id, message, upstream} and may answer properly, write raw
// bytes to the socket, stall or close. Unknown tools answer like `echo`.
// `initialize`, if given, answers initialize instead (same arguments).
// Records every request (method, id, headers) and every notifications/cancelled.
import http from "node:http";

export const LEGACY = "2025-11-25";

export class ScriptedHttpUpstream {
  constructor(tools = {}, { connectionClose = false, initialize } = {}) {
    this.tools = tools;
    this.initialize = initialize;
    this.connectionClose = connectionClose;
    this.requests = [];   // {method, id, headers (lower-case name -> [values]), tool}
    this.cancelled = [];  // requestId of each notifications/cancelled
    this.sockets = new Set();
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.server.on("connection", (s) => { this.sockets.add(s); s.on("close", () => this.sockets.delete(s)); });
  }

  async listen() {
    await new Promise((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = this.server.address().port;
    this.url = `http://127.0.0.1:${this.port}/mcp`;
    return this;
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }

  calls(tool) { return this.requests.filter((r) => r.method === "tools/call" && (!tool || r.tool === tool)); }

  sendJson(res, status, message, extraHeaders = {}) {
    const body = JSON.stringify(message);
    res.writeHead(status, {
      "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body),
      ...(this.connectionClose ? { Connection: "close" } : {}), ...extraHeaders,
    });
    res.end(body);
  }

  onRequest(req, res) {
    if (req.method === "GET") { res.writeHead(405, { Allow: "POST, DELETE" }); res.end(); return; }
    if (req.method === "DELETE") { res.writeHead(200); res.end(); return; }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let message;
      try { message = JSON.parse(Buffer.concat(chunks).toString("utf8")); } catch {
        res.writeHead(400); res.end(); return;
      }
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        (headers[req.rawHeaders[i].toLowerCase()] ??= []).push(req.rawHeaders[i + 1]);
      const tool = message.method === "tools/call" ? message.params?.name : undefined;
      this.requests.push({ method: message.method, id: message.id, headers, tool });
      this.dispatch(req, res, message, tool);
    });
  }

  dispatch(req, res, message, tool) {
    const { id, method } = message;
    const result = (r) => this.sendJson(res, 200, { jsonrpc: "2.0", id, result: r });
    if (id === undefined) {  // a notification
      if (method === "notifications/cancelled") this.cancelled.push(message.params?.requestId);
      res.writeHead(202, this.connectionClose ? { Connection: "close" } : {});
      res.end();
      return;
    }
    switch (method) {
      case "initialize":
        if (this.initialize) return this.initialize({ req, res, socket: req.socket, id, message, upstream: this });
        return this.sendJson(res, 200, {
          jsonrpc: "2.0", id,
          result: { protocolVersion: LEGACY, capabilities: { tools: {} }, serverInfo: { name: "scripted-http", version: "1" } },
        }, { "Mcp-Session-Id": "scripted-session-1" });
      case "ping":
        return result({});
      case "tools/list":
        return result({ tools: ["echo", ...Object.keys(this.tools)].map((name) => ({ name, inputSchema: { type: "object" } })) });
      case "tools/call": {
        const handler = this.tools[tool];
        if (handler) return handler({ req, res, socket: req.socket, id, message, upstream: this });
        return result({ content: [{ type: "text", text: `echo: ${JSON.stringify(message.params?.arguments ?? {})}` }] });
      }
      default:
        return this.sendJson(res, 200, { jsonrpc: "2.0", id, error: { code: -32601, message: `no ${method}` } });
    }
  }
}

// The JSON-RPC result of an echo-like call, for handlers that answer late.
export function textResult(id, text) {
  return { jsonrpc: "2.0", id, result: { content: [{ type: "text", text }] } };
}
