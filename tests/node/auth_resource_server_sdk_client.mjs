// The real 2026-07-28 client (@modelcontextprotocol/client, pinned) running
// its own OAuth flow against mcp-bridge in resource-server mode
// (tests/auth/resource_server_mock_as.sh): the 401, the bridge's protected
// resource metadata, the authorization server's metadata, a
// client_credentials token requested with `resource` = the bridge's URL, then
// MCP calls with it; a call needing more scope gets 403 insufficient_scope.
//   node auth_resource_server_sdk_client.mjs BRIDGE_BASE ISSUER
import assert from 'node:assert/strict';
import { Client, ClientCredentialsProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [bridge, issuer] = process.argv.slice(2);
const timeout = setTimeout(() => { console.error('sdk client: timed out after 60 s'); process.exit(1); }, 60_000);

const requests = [];  // what the client sent where, to assert the flow it took
const recordingFetch = async (url, init) => {
  const res = await fetch(url, init);
  requests.push(`${init?.method ?? 'GET'} ${new URL(url).pathname} ${res.status}`);
  return res;
};
const provider = new ClientCredentialsProvider({
  clientId: 'sdk-client', clientSecret: 'sdk-secret', scope: 'mcp:tools', expectedIssuer: issuer });
const client = new Client({ name: 'auth-rs-sdk-test', version: '1.0.0' },
                          { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: {} });
const transport = new StreamableHTTPClientTransport(new URL(`${bridge}/mcp`),
                                                    { authProvider: provider, fetch: recordingFetch });
await client.connect(transport);
const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
assert.equal(result.content[0].text, 'This is a simple text response for testing.');
console.log(`sdk client flow: ${requests.join(' -> ')}`);
assert.deepEqual(requests.slice(0, 2), ['POST /mcp 401', 'GET /.well-known/oauth-protected-resource/mcp 200'],
                 'discovery from the 401 through the bridge\'s metadata');
assert.ok(requests.includes('POST /token 200'), 'asked the authorization server for a token');
const token = provider.tokens()?.access_token;
assert.ok(token, 'the client holds a token');
const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
assert.equal(claims.aud, `${bridge}/mcp`, 'the token is bound to the bridge (RFC 8707 resource)');
assert.equal(claims.iss, issuer);

// A tool needing mcp:greet: 403 insufficient_scope, then the client steps up
// (a new token with the union of scopes) and the call succeeds.
const seen = requests.length;
const stepped = await client.callTool({ name: 'greet', arguments: { name: 'sdk' } });
assert.equal(stepped.content[0].text, 'Hello, sdk!');
const stepUp = requests.slice(seen);
console.log(`sdk client step-up: ${stepUp.join(' -> ')}`);
assert.equal(stepUp[0], 'POST /mcp 403', 'the call without the scope is refused with 403');
assert.ok(stepUp.includes('POST /token 200'), 'the client asked for a new token');
assert.equal(stepUp[stepUp.length - 1], 'POST /mcp 200');
const wider = JSON.parse(Buffer.from(provider.tokens().access_token.split('.')[1], 'base64url').toString());
assert.deepEqual(wider.scope.split(' ').sort(), ['mcp:greet', 'mcp:tools'], 'the new token holds both scopes');
await client.close();
clearTimeout(timeout);
console.log('auth resource-server sdk client: ok');
