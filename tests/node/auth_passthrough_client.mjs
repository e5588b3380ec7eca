// Drives mcp-bridge in passthrough authorization mode in front of
// protected_legacy_server.mjs (tests/auth/passthrough_sdk.sh), with plain
// HTTP requests so every status and header is asserted as sent.
//   node auth_passthrough_client.mjs BRIDGE_BASE PUBLIC_URL UPSTREAM_BASE
// BRIDGE_BASE: http://127.0.0.1:PORT; PUBLIC_URL: the bridge's canonical URL
// (--public-url, or the default http://127.0.0.1:PORT/mcp).
import assert from 'node:assert/strict';
import { callTool } from './bearer_tools_call.mjs';

const [bridge, publicUrl, upstream] = process.argv.slice(2);
const publicMetadataUrl = (() => {
  const u = new URL(publicUrl);
  return `${u.origin}/.well-known/oauth-protected-resource${u.pathname.replace(/\/$/, '')}`;
})();

const call = (token, name = 'whoami', args = { greeting: 'hello' }) =>
  callTool(bridge, token, name, args, 'auth-passthrough-test');

function expectChallenge(r, what) {
  assert.equal(r.status, 401, `${what}: HTTP status (body ${r.text})`);
  assert.ok(r.challenge, `${what}: a WWW-Authenticate header`);
  assert.match(r.challenge, /^Bearer /, `${what}: Bearer challenge: ${r.challenge}`);
  assert.ok(r.challenge.includes(`resource_metadata="${publicMetadataUrl}"`),
            `${what}: resource_metadata names the bridge (${publicMetadataUrl}): ${r.challenge}`);
  assert.ok(!r.challenge.includes(upstream), `${what}: the upstream's URL is gone: ${r.challenge}`);
  assert.match(r.challenge, /error="invalid_token"/, `${what}: the upstream's error kept: ${r.challenge}`);
  assert.match(r.challenge, /scope="mcp:tools"/, `${what}: the upstream's scope kept: ${r.challenge}`);
  const body = JSON.parse(r.text);
  assert.equal(body.id, r.id, `${what}: JSON-RPC error carries the request id`);
  assert.equal(body.error.code, -32001, `${what}: JSON-RPC error code`);
}

async function healthz() { return (await fetch(`${bridge}/healthz`)).status; }

// 1. No token: the upstream's 401, its challenge pointing at the bridge.
expectChallenge(await call(null), 'no token');

// 2. The bridge's metadata, both well-known forms: resource = the bridge's
// public URL, authorization_servers = the upstream's.
const upstreamDoc = await (await fetch(`${upstream}/.well-known/oauth-protected-resource/mcp`)).json();
for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
  const res = await fetch(`${bridge}${path}`);
  assert.equal(res.status, 200, `GET ${path}`);
  const doc = await res.json();
  assert.equal(doc.resource, publicUrl, `${path}: resource`);
  assert.deepEqual(doc.authorization_servers, upstreamDoc.authorization_servers, `${path}: authorization_servers`);
  assert.deepEqual(doc.authorization_servers, ['https://auth.example.test/']);
  assert.deepEqual(doc.scopes_supported, ['mcp:tools'], `${path}: scopes_supported`);
}
const notAllowed = await fetch(`${bridge}/.well-known/oauth-protected-resource`, { method: 'POST' });
assert.equal(notAllowed.status, 405, 'POST to the metadata URL');

// 3. A valid token: the call reaches the upstream with it and succeeds.
for (const user of ['alice', 'bob']) {
  const ok = await call(`good-token-${user}`);
  assert.equal(ok.status, 200, `valid token (${user}): ${ok.text}`);
  const result = JSON.parse(ok.text.startsWith('{') ? ok.text : ok.text.split('\n').find(l => l.startsWith('data: ')).slice(6));
  assert.equal(result.result.content[0].text, `hello ${user}`, `the upstream saw ${user}'s token`);
}

// 4. An invalid token: 401 again, and many of them leave /healthz at 200.
expectChallenge(await call('forged-token'), 'invalid token');
const bad = [];
for (let i = 0; i < 30; ++i) bad.push(call(`bad-token-${i}`));
for (const r of await Promise.all(bad)) assert.equal(r.status, 401, 'bad token');
assert.equal(await healthz(), 200, '/healthz after 31 bad-token requests');

// 5. A valid token still works after all that (its session was never shared).
const again = await call('good-token-alice');
assert.equal(again.status, 200, `valid token after bad ones: ${again.text}`);
console.log('auth passthrough: all checks passed');
