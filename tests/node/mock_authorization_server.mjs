// A real OAuth 2 authorization server for the resource-server tests
// (tests/auth/resource_server_mock_as.sh, resource_server_auth_code.sh):
// oauth2-mock-server (pinned in package.json), RS256 tokens from a key
// generated at start, its JWK Set at /jwks, OpenID discovery, a token endpoint,
// an authorization endpoint. Prints "listening on URL".
// Additions, in the token-signing hook:
//   - RFC 8707: `resource` of the token request becomes `aud`, and the
//     client's id (form field or client_secret_basic) becomes `client_id`,
//     as a real AS does (the mock ignores both);
//   - for tests only, form field `test_claims` (JSON) is merged into the
//     claims, so expired or wrong-issuer tokens carry the AS's real signature;
// and around /authorize (which auto-approves: a 302 to redirect_uri with a
// code) the checks the mock leaves out, as a real AS makes them: a code is
// redeemed once, by the client it was issued to, with the same redirect_uri
// and `resource`, and with a PKCE code_verifier when a challenge was given
// (the mock itself checks the verifier against the challenge); the token
// carries the scope that was authorized (the mock grants "dummy"). Both
// halves are logged for the tests at GET /test-authorization-code.
//   node mock_authorization_server.mjs
import { randomUUID } from 'node:crypto';
import { OAuth2Server, Events } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
// The client's id: client_secret_basic, else the form field (public clients).
const clientIdOf = (req) => {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) return decodeURIComponent(Buffer.from(basic[1], 'base64').toString().split(':')[0]);
  return typeof req.body?.client_id === 'string' ? req.body.client_id : undefined;
};
// Authorization code grant: what /authorize approved, by code (single use).
const codes = new Map();
server.service.on(Events.BeforeTokenSigning, (token, req) => {
  const body = req.body ?? {};
  if (typeof body.resource === 'string') token.payload.aud = body.resource;
  const clientId = clientIdOf(req);
  if (clientId !== undefined) token.payload.client_id = clientId;
  if (body.grant_type === 'authorization_code' && codes.has(body.code)) token.payload.scope = codes.get(body.code).scope;
  if (typeof body.test_claims === 'string') Object.assign(token.payload, JSON.parse(body.test_claims));
});

const authorizationCodeLog = { authorizations: [], exchanges: [] };
server.service.on(Events.BeforeAuthorizeRedirect, (redirect, req) => {
  authorizationCodeLog.authorizations.push(req.query);
  const code = redirect.url.searchParams.get('code');
  if (code) codes.set(code, { ...req.query });
});
server.service.on(Events.BeforeResponse, (response, req) => {
  const body = req.body ?? {};
  if (body.grant_type !== 'authorization_code') return;
  const grant = codes.get(body.code);
  codes.delete(body.code);
  const problem = !grant ? 'unknown or already redeemed code'
    : grant.client_id !== clientIdOf(req) ? 'code issued to another client'
    : grant.redirect_uri !== body.redirect_uri ? 'redirect_uri differs from the authorization request'
    : grant.resource !== body.resource ? 'resource differs from the authorization request (RFC 8707)'
    : grant.code_challenge !== undefined && body.code_verifier === undefined ? 'PKCE code_verifier missing'
    : undefined;
  authorizationCodeLog.exchanges.push({ ...body, refused: problem });
  if (problem) {
    response.statusCode = 400;
    response.body = { error: 'invalid_grant', error_description: problem };
    return;
  }
  response.body.scope = grant.scope;
});
server.service.addRoute('GET', '/test-authorization-code', (req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(authorizationCodeLog));
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
