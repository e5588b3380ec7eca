// A real OAuth 2 authorization server for the resource-server tests
// (tests/auth/resource_server_mock_as.sh): oauth2-mock-server (pinned in
// package.json), RS256 tokens from a key generated at start, its JWK Set at
// /jwks, OpenID discovery, a token endpoint. Prints "listening on URL".
// Two additions, both in the token-signing hook:
//   - RFC 8707: `resource` of the token request becomes `aud`, and the
//     client's id (form field or client_secret_basic) becomes `client_id`,
//     as a real AS does (the mock ignores both);
//   - for tests only, form field `test_claims` (JSON) is merged into the
//     claims, so expired or wrong-issuer tokens carry the AS's real signature.
//   node mock_authorization_server.mjs
import { randomUUID } from 'node:crypto';
import { OAuth2Server, Events } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on(Events.BeforeTokenSigning, (token, req) => {
  const body = req.body ?? {};
  if (typeof body.resource === 'string') token.payload.aud = body.resource;
  if (typeof body.client_id === 'string') token.payload.client_id = body.client_id;
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');  // client_secret_basic
  if (basic) token.payload.client_id = decodeURIComponent(Buffer.from(basic[1], 'base64').toString().split(':')[0]);
  if (typeof body.test_claims === 'string') Object.assign(token.payload, JSON.parse(body.test_claims));
});
// Opaque tokens (RFC 7662): form field `test_opaque` makes the token endpoint
// answer a random string instead of the JWT and remember the JWT's claims;
// POST /introspect-opaque (client_secret_basic as bridge:bridge-secret) answers
// {active: true, ...claims} for such a token while it has not expired, else
// {active: false}. (The mock's own /introspect answers active for anything.)
const opaque = new Map();
server.service.on(Events.BeforeResponse, (response, req) => {
  if (req.body?.test_opaque === undefined || !response.body.access_token) return;
  const claims = JSON.parse(Buffer.from(response.body.access_token.split('.')[1], 'base64url').toString());
  const handle = `opaque-${randomUUID()}`;
  opaque.set(handle, claims);
  response.body.access_token = handle;
});
server.service.addRoute('POST', '/introspect-opaque', (req, res) => {
  const expected = `Basic ${Buffer.from('bridge:bridge-secret').toString('base64')}`;
  res.setHeader('content-type', 'application/json');
  if (req.headers.authorization !== expected) { res.statusCode = 401; res.end('{"error":"invalid_client"}'); return; }
  introspections.push(req.body?.token);
  const claims = opaque.get(req.body?.token);
  const active = claims !== undefined && claims.exp > Date.now() / 1000;
  res.end(JSON.stringify(active ? { active: true, ...claims } : { active: false }));
});
const introspections = [];
server.service.addRoute('GET', '/test-introspections', (req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(introspections));
});
await server.start(0, '127.0.0.1');
server.issuer.url = `http://127.0.0.1:${server.address().port}`;  // the mock says "localhost"
console.log(`listening on ${server.issuer.url}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await server.stop(); process.exit(0); });
