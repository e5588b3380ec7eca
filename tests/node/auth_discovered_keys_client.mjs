// One valid-token call through a resource-server bridge started WITHOUT
// --auth-jwks-url (tests/auth/resource_server_mock_as.sh): the bridge must
// find the issuer's jwks_uri in its authorization server metadata itself, so
// a token signed by the real authorization server is accepted; a token
// signed by another key with the same claims is still refused.
//   node auth_discovered_keys_client.mjs BRIDGE_BASE ISSUER
import assert from 'node:assert/strict';
import { callTool } from './bearer_tools_call.mjs';
import { OAuth2Server } from 'oauth2-mock-server';

const [bridge, issuer] = process.argv.slice(2);
const asMetadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
const form = new URLSearchParams({ grant_type: 'password', username: 'carol', scope: 'mcp:tools',
                                   resource: `${bridge}/mcp`, client_id: 'test-client' });
const res = await fetch(asMetadata.token_endpoint, { method: 'POST', body: form });
assert.equal(res.status, 200, 'token endpoint');
const token = (await res.json()).access_token;

const ok = await callTool(bridge, token, 'test_simple_text', {}, 'auth-discovered-keys-test');
assert.equal(ok.status, 200, `valid token, keys discovered: ${ok.text}`);
assert.match(ok.text, /This is a simple text response for testing\./);

// Same claims, another key: the discovered keys really are what verifies.
const rogue = new OAuth2Server();
await rogue.issuer.keys.generate('RS256');
rogue.issuer.url = issuer;
const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const kid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid;
const forged = await rogue.issuer.buildToken({ scopesOrTransform: (header, payload) => {
  header.kid = kid;  // names the AS's key, signed with another
  Object.assign(payload, claims);
} });
const refused = await callTool(bridge, forged, 'test_simple_text', {}, 'auth-discovered-keys-test');
assert.equal(refused.status, 401, `forged token: ${refused.text}`);
console.log('discovered keys: ok');
