// The real 2026-07-28 client (@modelcontextprotocol/client, pinned) running
// the authorization-code flow with PKCE against mcp-bridge in resource-server
// mode (tests/auth/resource_server_auth_code.sh), over http or https (for
// https the script is started with NODE_EXTRA_CA_CERTS naming the test's CA):
//   1. the first call gets 401 from the bridge; the SDK reads the bridge's
//      protected resource metadata and the AS metadata, then asks the
//      provider to send the user to the authorization URL (UnauthorizedError);
//   2. the "browser": this script follows that URL without following the
//      redirect (oauth2-mock-server approves at once and answers 302 to the
//      redirect URI with a code), checks `state`, and hands the callback's
//      query to transport.finishAuth, which redeems the code;
//   3. tools/list and tools/call succeed with the token;
//   4. a tool needing mcp:greet: 403 insufficient_scope; the SDK starts a
//      second authorization with the union of scopes, the browser step
//      repeats, and the retried call succeeds.
// What reached the AS is read back from its log (/test-authorization-code):
// `resource` = the bridge's public URL and an S256 code_challenge matching the
// code_verifier of the token request, for both authorizations.
//   node auth_authorization_code_sdk_client.mjs BRIDGE_BASE ISSUER
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';

const [bridge, issuer] = process.argv.slice(2);
const resource = `${bridge}/mcp`;  // the bridge's public URL (its default, from the bound address)
const timeout = setTimeout(() => { console.error('auth-code client: timed out after 60 s'); process.exit(1); }, 60_000);

// A pre-registered public client: the mock AS offers no dynamic registration
// (no registration_endpoint) and token_endpoint_auth_methods_supported ["none"];
// its id is stamped with the issuer it was registered at (SEP-2352).
// The redirect URI is never contacted: the browser step below stops at the 302.
class AuthorizationCodeProvider {
  redirectUrl = 'http://127.0.0.1/callback';
  clientMetadata = { client_name: 'auth-code-sdk-test', redirect_uris: [this.redirectUrl],
                     grant_types: ['authorization_code'], response_types: ['code'],
                     token_endpoint_auth_method: 'none' };
  #client = { client_id: 'sdk-auth-code-client', issuer };
  #tokens; #verifier; #discovery; #state;
  authorizationUrls = [];  // every redirect the SDK asked for, in order
  state() { this.#state = randomUUID(); return this.#state; }
  expectedState() { return this.#state; }
  clientInformation() { return this.#client; }
  saveClientInformation(info) { this.#client = info; }
  tokens() { return this.#tokens; }
  saveTokens(tokens) { this.#tokens = tokens; }
  redirectToAuthorization(url) { this.authorizationUrls.push(new URL(url)); }
  saveCodeVerifier(verifier) { this.#verifier = verifier; }
  codeVerifier() { return this.#verifier; }
  discoveryState() { return this.#discovery; }
  saveDiscoveryState(state) { this.#discovery = state; }
}

const requests = [];  // what the client sent where, to assert the flow it took
const challenges = [];  // WWW-Authenticate of every 401/403 from the bridge
const recordingFetch = async (url, init) => {
  const res = await fetch(url, init);
  requests.push(`${init?.method ?? 'GET'} ${new URL(url).pathname} ${res.status}`);
  if (res.status === 401 || res.status === 403) challenges.push(res.headers.get('www-authenticate'));
  return res;
};
const provider = new AuthorizationCodeProvider();
const newTransport = () => new StreamableHTTPClientTransport(new URL(resource),
                                                             { authProvider: provider, fetch: recordingFetch });

// The user agent: GET the authorization URL, stop at the AS's redirect, return the callback's query.
async function browser(authorizationUrl) {
  assert.equal(authorizationUrl.origin, issuer, 'the authorization request goes to the bridge\'s authorization server');
  const res = await fetch(authorizationUrl, { redirect: 'manual' });
  requests.push(`GET ${authorizationUrl.pathname} ${res.status} (browser)`);
  assert.equal(res.status, 302, 'the AS approves and redirects');
  const callback = new URL(res.headers.get('location'));
  assert.equal(`${callback.origin}${callback.pathname}`, provider.redirectUrl);
  assert.equal(callback.searchParams.get('state'), provider.expectedState(), 'state comes back unchanged');
  assert.ok(callback.searchParams.get('code'), 'the callback carries a code');
  return callback.searchParams;
}
const asLog = async () => (await fetch(`${issuer}/test-authorization-code`)).json();
const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const s256 = (verifier) => createHash('sha256').update(verifier).digest('base64url');

// 1. No token: 401, discovery, then a redirect to the AS instead of a token.
const logBefore = await asLog();  // the AS may have served earlier phases
const client = new Client({ name: 'auth-code-sdk-test', version: '1.0.0' },
                          { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: {} });
let transport = newTransport();
await assert.rejects(client.connect(transport), UnauthorizedError, 'connect waits for the user');
assert.deepEqual(requests.slice(0, 2), ['POST /mcp 401', 'GET /.well-known/oauth-protected-resource/mcp 200'],
                 'discovery from the 401 through the bridge\'s metadata');
assert.match(challenges[0], new RegExp(`^Bearer resource_metadata="${bridge}/\\.well-known/oauth-protected-resource/mcp"`));
assert.ok(!requests.some((r) => r.startsWith('POST /token')), 'no token request before the user approved');
assert.equal(provider.authorizationUrls.length, 1, 'one authorization request');
const first = provider.authorizationUrls[0];
assert.equal(first.searchParams.get('resource'), resource, 'authorization request: resource = the bridge (RFC 8707)');
assert.equal(first.searchParams.get('code_challenge_method'), 'S256');
assert.equal(first.searchParams.get('scope'), 'mcp:tools', 'the scope of the bridge\'s challenge');

// 2. The browser step, then the code is redeemed (token request with code_verifier and resource).
await transport.finishAuth(await browser(first));
assert.ok(requests.includes('POST /token 200'), 'the code was exchanged for a token');
const token = provider.tokens()?.access_token;
assert.ok(token, 'the client holds a token');
const claims = claimsOf(token);
assert.equal(claims.aud, resource, 'the token is bound to the bridge (RFC 8707 resource)');
assert.equal(claims.iss, issuer);
assert.equal(claims.scope, 'mcp:tools');

// 3. Connected again with the token (a fresh transport, as after a real redirect): calls succeed.
await transport.close();
const seen = requests.length;
transport = newTransport();
await client.connect(transport);
const tools = await client.listTools();
assert.ok(tools.tools.some((t) => t.name === 'greet'), 'tools/list through the bridge');
const result = await client.callTool({ name: 'test_simple_text', arguments: {} });
assert.equal(result.content[0].text, 'This is a simple text response for testing.');
assert.ok(requests.slice(seen).every((r) => r.endsWith(' 200')), `no refusal with the token: ${requests.slice(seen)}`);
console.log(`auth-code flow: ${requests.join(' -> ')}`);

// 4. Step-up: 403 insufficient_scope, a second authorization with the wider scope, then success.
const beforeStepUp = requests.length;
await assert.rejects(client.callTool({ name: 'greet', arguments: { name: 'sdk' } }), UnauthorizedError,
                     'the step-up needs the user again');
assert.equal(requests[beforeStepUp], 'POST /mcp 403', 'the call without the scope is refused with 403');
assert.match(challenges.at(-1), /error="insufficient_scope"/);
assert.equal(provider.authorizationUrls.length, 2, 'a second authorization request');
const second = provider.authorizationUrls[1];
assert.deepEqual(second.searchParams.get('scope').split(' ').sort(), ['mcp:greet', 'mcp:tools'],
                 'the second authorization asks for the union of scopes');
assert.equal(second.searchParams.get('resource'), resource);
assert.equal(second.searchParams.get('code_challenge_method'), 'S256');
assert.notEqual(second.searchParams.get('code_challenge'), first.searchParams.get('code_challenge'), 'a fresh PKCE pair');
await transport.finishAuth(await browser(second));
const wider = claimsOf(provider.tokens().access_token);
assert.deepEqual(wider.scope.split(' ').sort(), ['mcp:greet', 'mcp:tools'], 'the new token holds both scopes');
assert.equal(wider.aud, resource);
const afterAuth = requests.length;
const stepped = await client.callTool({ name: 'greet', arguments: { name: 'sdk' } });
assert.equal(stepped.content[0].text, 'Hello, sdk!');
assert.deepEqual(requests.slice(afterAuth), ['POST /mcp 200'], 'the retried call succeeds at once');
console.log(`auth-code step-up: ${requests.slice(beforeStepUp).join(' -> ')}`);
await client.close();

// What the authorization server saw: both authorizations with resource and an
// S256 challenge, both codes redeemed with the matching verifier and resource.
const asSaw = await asLog();
const log = { authorizations: asSaw.authorizations.slice(logBefore.authorizations.length),
              exchanges: asSaw.exchanges.slice(logBefore.exchanges.length) };
assert.equal(log.authorizations.length, 2, 'two authorization requests reached the AS');
assert.equal(log.exchanges.length, 2, 'two code exchanges reached the AS');
for (const [i, authz] of log.authorizations.entries()) {
  const exchange = log.exchanges[i];
  assert.equal(authz.client_id, 'sdk-auth-code-client');
  assert.equal(authz.response_type, 'code');
  assert.equal(authz.resource, resource, `authorization ${i + 1}: resource`);
  assert.equal(authz.code_challenge_method, 'S256', `authorization ${i + 1}: PKCE S256`);
  assert.equal(exchange.refused, undefined, `exchange ${i + 1} accepted`);
  assert.equal(exchange.resource, resource, `token request ${i + 1}: resource`);
  assert.equal(s256(exchange.code_verifier), authz.code_challenge, `token request ${i + 1}: verifier matches challenge`);
}
clearTimeout(timeout);
console.log(`auth resource-server authorization-code sdk client (${new URL(bridge).protocol.slice(0, -1)}): ok`);
