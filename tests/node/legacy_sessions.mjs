// The session plumbing of a 2025-11-25 Streamable HTTP server (TypeScript SDK
// 1.x) behind an authorization middleware, shared by the protected legacy
// servers of the authorization tests: one transport per Mcp-Session-Id, a new
// one (with its own McpServer) on a POST without a session, 404 for anything
// else without a known session. The server has one tool, `whoami`, answering
// "<greeting> <the token's client id>".
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

// serveLegacySessions(app, middleware, name, onRequest?): routes /mcp.
export function serveLegacySessions(app, middleware, name, onRequest = () => {}) {
  const transports = new Map();
  app.all('/mcp', middleware, async (req, res) => {
    onRequest(req);
    const sid = req.headers['mcp-session-id'];
    let transport = sid ? transports.get(sid) : undefined;
    if (!transport) {
      if (sid || req.method !== 'POST') return res.status(404).json({ error: 'unknown session' });
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => transports.set(id, transport),
      });
      transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
      const mcp = new McpServer({ name, version: '1.0.0' });
      mcp.registerTool('whoami', { description: 'Whose token the request carried', inputSchema: { greeting: z.string() } },
                       async ({ greeting }, extra) => ({
                         content: [{ type: 'text', text: `${greeting} ${extra.authInfo?.clientId ?? 'nobody'}` }],
                       }));
      await mcp.connect(transport);
    }
    await transport.handleRequest(req, res, req.body);
  });
}
