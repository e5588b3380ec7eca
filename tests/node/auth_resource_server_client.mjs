// Drives mcp-bridge in resource-server mode (tests/auth/resource_server_mock_as.sh):
// the bridge in front of the legacy sample through recording_proxy.mjs, tokens
// from a real authorization server (mock_authorization_server.mjs). Plain HTTP
// requests, so every status and header is asserted as sent; the upstream's
// side is read from the recording proxy's log.
//   node auth_resource_server_client.mjs BRIDGE_BASE ISSUER UPSTREAM_LOG
import assert from 'node:assert/strict';
import { callTool } from './bearer_tools_call.mjs';
import fs from 'node:fs';
import { OAuth2Server } from 'oauth2-mock-server';

const [bridge, issuer, upstreamLog] = process.argv.slice(2);
const publicUrl = `${bridge}/mcp`;
const metadataUrl = `${bridge}/.well-known/oauth-protected-resource/mcp`;
const issued = [];  // every token this test used: none may reach the upstream

const call = (token, name = 'test_simple_text', args = {}) =>
  callTool(bridge, token, name, args, 'auth-resource-server-test');

function resultOf(r) {
  const json = r.text.startsWith('{') ? r.text : r.text.split('\n').filter(l => l.startsWith('data: ')).pop().slice(6);
  return JSON.parse(json);
}

function upstreamRequests() {
  if (!fs.existsSync(upstreamLog)) return [];
  return fs.readFileSync(upstreamLog, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
}
const initializes = () => upstreamRequests().filter(r => r.body.includes('"method":"initialize"')).length;

// 1. Discovery, as a 2026-07-28 client does it: the 401, then the metadata it names.
const anonymous = await call(null);
assert.equal(anonymous.status, 401, `no token: ${anonymous.text}`);
assert.equal(anonymous.challenge, `Bearer resource_metadata="${metadataUrl}", scope="mcp:tools"`,
             'no token: the challenge names the metadata and the scope, no error code');
assert.equal(JSON.parse(anonymous.text).error.code, -32001);

for (const url of [metadataUrl, `${bridge}/.well-known/oauth-protected-resource`]) {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  assert.deepEqual(await res.json(), {
    resource: publicUrl, authorization_servers: [issuer], bearer_methods_supported: ['header'],
    scopes_supported: ['mcp:tools'] }, `${url}: the bridge's own protected resource metadata`);
}
const asMetadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
assert.equal(asMetadata.issuer, issuer, 'the AS metadata names the issuer the bridge advertises');

async function token({ user = 'alice', scope = 'mcp:tools', resource = publicUrl, claims } = {}) {
  const form = new URLSearchParams({ grant_type: 'password', username: user, scope, resource,
                                     client_id: 'test-client' });
  if (claims) form.set('test_claims', JSON.stringify(claims));
  const res = await fetch(asMetadata.token_endpoint, { method: 'POST', body: form });
  assert.equal(res.status, 200, `token endpoint: ${await res.clone().text()}`);
  const t = (await res.json()).access_token;
  issued.push(t);
  return t;
}

// 2. A valid token: the call reaches the upstream and succeeds.
const before = initializes();
const alice = await token();
const ok = await call(alice);
assert.equal(ok.status, 200, `valid token: ${ok.text}`);
assert.equal(resultOf(ok).result.content[0].text, 'This is a simple text response for testing.');
assert.equal(initializes(), before + 1, 'alice got an upstream session of her own');

// 3. Sessions follow principals: bob gets another session, alice's new token keeps hers.
const bob = await token({ user: 'bob' });
assert.equal((await call(bob)).status, 200);
assert.equal(initializes(), before + 2, 'bob does not share alice\'s session');
const aliceAgain = await token({ claims: { jti: 'refreshed' } });
assert.notEqual(aliceAgain, alice);
assert.equal((await call(aliceAgain)).status, 200);
assert.equal(initializes(), before + 2, 'a refreshed token of the same principal keeps the session');

// 4. Bad tokens: 401 invalid_token, and the upstream never hears of them.
const now = Math.floor(Date.now() / 1000);
const jwks = await (await fetch(asMetadata.jwks_uri)).json();
const rogue = new OAuth2Server();
await rogue.issuer.keys.generate('RS256');
rogue.issuer.url = issuer;
const forged = await rogue.issuer.buildToken({ scopesOrTransform: (header, payload) => {
  header.kid = jwks.keys[0].kid;  // names the AS's key, signed with another
  Object.assign(payload, { sub: 'alice', aud: publicUrl, scope: 'mcp:tools mcp:greet', client_id: 'test-client' });
} });
issued.push(forged);
const bad = {
  expired: await token({ scope: 'mcp:tools mcp:greet', claims: { exp: now - 600, iat: now - 4000, nbf: now - 4000 } }),
  forged,
  'wrong audience': await token({ scope: 'mcp:tools mcp:greet', resource: 'https://other.example.test/mcp' }),
  'wrong issuer': await token({ scope: 'mcp:tools mcp:greet', claims: { iss: 'http://127.0.0.1:1/evil' } }),
};
for (const [what, t] of Object.entries(bad)) {
  const r = await call(t, 'greet', { name: `marker-${what.replace(' ', '-')}` });
  assert.equal(r.status, 401, `${what}: ${r.text}`);
  assert.ok(r.challenge.startsWith(`Bearer resource_metadata="${metadataUrl}", scope="mcp:tools mcp:greet", ` +
                                   'error="invalid_token"'), `${what}: ${r.challenge}`);
}

// 5. Step-up: a call needing more scope is 403 insufficient_scope, then succeeds with it.
const narrow = await call(alice, 'greet', { name: 'stepper' });
assert.equal(narrow.status, 403, `insufficient scope: ${narrow.text}`);
assert.match(narrow.challenge, /^Bearer resource_metadata="[^"]+", scope="mcp:tools mcp:greet", error="insufficient_scope"/);
const wide = await token({ scope: 'mcp:tools mcp:greet' });
const stepped = await call(wide, 'greet', { name: 'stepper' });
assert.equal(stepped.status, 200, `after step-up: ${stepped.text}`);
assert.equal(resultOf(stepped).result.content[0].text, 'Hello, stepper!');

// 6. 100 bad-token requests (20 at a time) leave /healthz at 200.
for (let round = 0; round < 5; ++round) {
  const batch = [];
  for (let i = 0; i < 20; ++i) batch.push(call(`not-a-token-${round}-${i}`, 'greet', { name: 'marker-flood' }));
  for (const r of await Promise.all(batch)) assert.equal(r.status, 401, 'bad token');
}
assert.equal((await fetch(`${bridge}/healthz`)).status, 200, '/healthz after 100 bad-token requests');
assert.equal((await call(alice)).status, 200, 'a valid token still works');

// 7. The upstream's side: only the bridge's own credential, none of the clients' tokens,
// nothing from a refused request.
const seen = upstreamRequests();
assert.ok(seen.length > 0, 'the upstream saw requests');
for (const r of seen) {
  assert.equal(r.authorization, 'Bearer bridge-static-credential', `upstream Authorization: ${r.authorization}`);
  for (const t of issued) assert.ok(!r.body.includes(t) && !(r.authorization ?? '').includes(t), 'a client token went upstream');
  assert.ok(!r.body.includes('marker-'), `a refused request reached the upstream: ${r.body}`);
}
console.log(`auth resource-server: all checks passed (${seen.length} upstream requests, ${issued.length} tokens)`);
