// The upstream's own OAuth authorization server for
// tests/auth/upstream_client_credentials.sh: oauth2-mock-server (pinned in
// package.json), RS256 JWTs, its JWK Set at /jwks, a token endpoint that, unlike
// the bare mock, authenticates the client:
//   - client_secret_basic must name CLIENT_ID and CLIENT_SECRET, else 401
//     {"error":"invalid_client"} (RFC 6749 §5.2);
//   - `resource` (RFC 8707) becomes `aud`, the client id `client_id`;
//   - `expires_in` is EXPIRES_IN seconds while the JWT's own `exp` allows 30 s,
//     so a client that refreshes on `expires_in` never presents an expired JWT.
// Test routes (no auth): GET /test-token-requests (every token request: grant
// type, resource, scope, client, accepted), GET /test-issued (every issued
// token, so the test can check none reached a log), POST /test-reject?on=1|0
// (refuse every client, as after its secret was rotated, or stop refusing).
//   node upstream_authorization_server.mjs CLIENT_ID CLIENT_SECRET EXPIRES_IN
// Prints "listening on http://127.0.0.1:PORT".
import { OAuth2Server, Events } from 'oauth2-mock-server';

const [clientId, clientSecret, expiresInText] = process.argv.slice(2);
const expiresIn = Number(expiresInText);
if (!clientId || !clientSecret || !(expiresIn > 0)) {
  console.error('usage: upstream_authorization_server.mjs CLIENT_ID CLIENT_SECRET EXPIRES_IN');
  process.exit(2);
}
const kJwtLifetime = 30;

// client_secret_basic (RFC 6749 §2.3.1): id and secret form-encoded, then Basic.
function basicClient(req) {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString();
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
  return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
}

let rejecting = false;
const requests = [];
const issued = [];
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on(Events.BeforeTokenSigning, (token, req) => {
  const body = req.body ?? {};
  if (typeof body.resource === 'string') token.payload.aud = body.resource;
  const client = basicClient(req);
  if (client) token.payload.client_id = token.payload.sub = client.id;
  token.payload.exp = token.payload.iat + kJwtLifetime;
});
server.service.on(Events.BeforeResponse, (response, req) => {
  const client = basicClient(req);
  const accepted = !rejecting && client !== null && client.id === clientId && client.secret === clientSecret;
  requests.push({ grant_type: req.body?.grant_type ?? null, resource: req.body?.resource ?? null,
                  scope: req.body?.scope ?? null, client: client?.id ?? null, accepted });
  console.log(`token request from ${client?.id ?? '(no client)'}: ${accepted ? 'issued' : 'invalid_client'}`);
  if (!accepted) {
    response.statusCode = 401;
    response.body = { error: 'invalid_client', error_description: 'Client authentication failed' };
    return;
  }
  response.body.expires_in = expiresIn;
  issued.push(response.body.access_token);
});
const json = (res, value) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(value)); };
server.service.addRoute('GET', '/test-token-requests', (req, res) => json(res, requests));
server.service.addRoute('GET', '/test-issued', (req, res) => json(res, issued));
server.service.addRoute('POST', '/test-reject', (req, res) => {
  rejecting = req.query?.on === '1';
  console.log(`rejecting every client: ${rejecting}`);
  json(res, { rejecting });
});
await server.start(0, '127.0.0.1');
server.issuer.url = `http://127.0.0.1:${server.address().port}`;  // the mock says "localhost"
console.log(`listening on ${server.issuer.url}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await server.stop(); process.exit(0); });
