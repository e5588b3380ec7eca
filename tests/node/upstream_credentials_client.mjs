// The 2026-07-28 client of tests/auth/upstream_client_credentials.sh. The
// client itself holds no token: the bridge brings its own to the upstream.
//   node upstream_credentials_client.mjs BRIDGE calls N INTERVAL_MS EXPECT_TEXT
//     The real TypeScript SDK v2 client pinned to 2026-07-28 calls the
//     upstream's `whoami` tool N times, INTERVAL_MS apart; every call must
//     succeed with exactly EXPECT_TEXT (the upstream names the client of the
//     token it verified). Prints "calls ok N".
//   node upstream_credentials_client.mjs BRIDGE refused N
//     N raw tools/call POSTs, each with other clientCapabilities (so each needs
//     a new upstream session); each must be answered HTTP 502 with a JSON-RPC
//     error saying the bridge cannot obtain its access token, and why. Prints
//     "refused ok N" and the first message.
// Exit 1 on the first wrong answer; bounded by a 60 s timer.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import assert from 'node:assert/strict';

const [bridge, mode, countText, intervalText, expectText] = process.argv.slice(2);
const count = Number(countText);
const timer = setTimeout(() => { console.error('upstream_credentials_client: timed out after 60 s'); process.exit(1); }, 60_000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (mode === 'calls') {
  const client = new Client({ name: 'upstream-credentials-test', version: '1.0.0' },
                            { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: {} });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${bridge}/mcp`)));
  for (let i = 0; i < count; ++i) {
    const result = await client.callTool({ name: 'whoami', arguments: { greeting: 'hi' } });
    const text = (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
    assert.ok(!result.isError, `call ${i}: ${text}`);
    assert.equal(text, expectText, `call ${i}`);
    if (i + 1 < count) await sleep(Number(intervalText));
  }
  await client.close();
  console.log(`calls ok ${count}`);
} else if (mode === 'refused') {
  let first;
  for (let i = 0; i < count; ++i) {
    const body = {
      jsonrpc: '2.0', id: i + 1, method: 'tools/call',
      params: { name: 'whoami', arguments: { greeting: 'hi' }, _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': { experimental: { [`test-${i}`]: {} } },
        'io.modelcontextprotocol/clientInfo': { name: 'upstream-credentials-test', version: '1' } } },
    };
    const res = await fetch(`${bridge}/mcp`, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream',
                 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'whoami' } });
    const text = await res.text();
    assert.equal(res.status, 502, `call ${i}: HTTP ${res.status} ${text}`);
    const message = JSON.parse(text).error?.message ?? '';
    assert.match(message, /cannot obtain its access token/, `call ${i}: ${message}`);
    assert.match(message, /invalid_client|next attempt/, `call ${i}: ${message}`);
    first ??= message;
  }
  console.log(`refused ok ${count}: ${first}`);
} else {
  console.error('usage: see the header comment');
  process.exit(2);
}
clearTimeout(timer);
