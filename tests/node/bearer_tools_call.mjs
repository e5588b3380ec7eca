// A 2026-07-28 `tools/call` over HTTP with an optional bearer token, as the
// authorization tests send it: status, challenge and body come back untouched
// so each test asserts on exactly what a client would see.
let nextId = 1;

// callTool(bridge, token, name, args, clientName) -> { id, status, challenge, text }
export async function callTool(bridge, token, name, args, clientName) {
  const id = nextId++;
  const body = {
    jsonrpc: '2.0', id, method: 'tools/call',
    params: { name, arguments: args, _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: clientName, version: '1' } } },
  };
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream',
                    'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${bridge}/mcp`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { id, status: res.status, challenge: res.headers.get('www-authenticate'), text };
}
