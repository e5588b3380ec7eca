// Opaque tokens through mcp-bridge's RFC 7662 introspection
// (tests/auth/resource_server_mock_as.sh): tokens from the real authorization
// server's token endpoint as opaque handles (mock_authorization_server.mjs,
// test_opaque), checked by the bridge at its /introspect-opaque endpoint.
//   node auth_introspection_client.mjs BRIDGE_BASE ISSUER UPSTREAM_LOG
import assert from 'node:assert/strict';
import { callTool } from './bearer_tools_call.mjs';
import fs from 'node:fs';

const [bridge, issuer, upstreamLog] = process.argv.slice(2);
const publicUrl = `${bridge}/mcp`;
const call = (token, name = 'test_simple_text', args = {}) =>
  callTool(bridge, token, name, args, 'auth-introspection-test');
async function opaqueToken(claims) {
  const form = new URLSearchParams({ grant_type: 'password', username: 'carol', scope: 'mcp:tools',
                                     resource: publicUrl, client_id: 'test-client', test_opaque: '1' });
  if (claims) form.set('test_claims', JSON.stringify(claims));
  const t = (await (await fetch(`${issuer}/token`, { method: 'POST', body: form })).json()).access_token;
  assert.match(t, /^opaque-/, 'an opaque token');
  return t;
}
const introspected = async () => (await (await fetch(`${issuer}/test-introspections`)).json());

const good = await opaqueToken();
const ok = await call(good);
assert.equal(ok.status, 200, `active opaque token: ${ok.text}`);
assert.equal((await call(good)).status, 200);
assert.equal((await introspected()).filter(t => t === good).length, 1, 'introspected once, then cached');

const expired = await opaqueToken({ exp: Math.floor(Date.now() / 1000) - 600 });
const unknown = 'opaque-made-up';
for (const [what, t] of [['expired', expired], ['unknown', unknown]]) {
  const r = await call(t, 'greet', { name: `marker-${what}` });
  assert.equal(r.status, 401, `${what}: ${r.text}`);
  assert.match(r.challenge, /error="invalid_token"/, `${what}: ${r.challenge}`);
}
const wrongAud = await (async () => {
  const form = new URLSearchParams({ grant_type: 'password', username: 'carol', scope: 'mcp:tools mcp:greet',
                                     resource: 'https://other.example.test/mcp', test_opaque: '1' });
  return (await (await fetch(`${issuer}/token`, { method: 'POST', body: form })).json()).access_token;
})();
assert.equal((await call(wrongAud, 'greet', { name: 'marker-aud' })).status, 401, 'wrong audience (introspected)');

const seen = fs.readFileSync(upstreamLog, 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l));
for (const r of seen) {
  for (const t of [good, expired, unknown, wrongAud])
    assert.ok(!r.body.includes(t) && !(r.authorization ?? '').includes(t), 'an opaque token reached the upstream');
  assert.ok(!r.body.includes('marker-'), `a refused request reached the upstream: ${r.body}`);
}
console.log('auth introspection: all checks passed');
