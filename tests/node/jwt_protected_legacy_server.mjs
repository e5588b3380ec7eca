// An OAuth-protected legacy (2025-11-25) MCP server that verifies real JWTs,
// for tests/auth/upstream_client_credentials.sh: the TypeScript SDK 1.x
// Streamable HTTP transport behind requireBearerAuth, whose verifier checks the
// token's RS256 signature against the authorization server's JWK Set (jose,
// which oauth2-mock-server brings), its issuer, its audience (this server's
// URL, RFC 8707) and its expiry. On 127.0.0.1, an ephemeral port.
//   node jwt_protected_legacy_server.mjs ISSUER_URL
// Prints "listening on 127.0.0.1:PORT", then one line per request:
//   "accepted <sha256 of the token, 12 hex> client=<client_id> exp=<exp>"
//   "refused <reason>"
// (never the token itself). POST /test-revoke (no auth) revokes every token
// accepted so far: the next request carrying one gets 401, as after a revocation.
import { createHash } from 'node:crypto';
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { serveLegacySessions } from './legacy_sessions.mjs';

const issuer = process.argv[2];
if (!issuer) { console.error('usage: jwt_protected_legacy_server.mjs ISSUER_URL'); process.exit(2); }
const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
const digest = (token) => createHash('sha256').update(token).digest('hex').slice(0, 12);
const accepted = new Set();
const revoked = new Set();

const app = express();
app.use(express.json());
app.post('/test-revoke', (req, res) => {
  for (const d of accepted) revoked.add(d);
  console.log(`revoked ${revoked.size}`);
  res.json({ revoked: revoked.size });
});
const server = app.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const resource = `http://127.0.0.1:${port}/mcp`;
  const verifier = {
    async verifyAccessToken(token) {
      const d = digest(token);
      try {
        if (revoked.has(d)) throw new Error('token revoked');
        const { payload } = await jwtVerify(token, keys, { issuer, audience: resource, algorithms: ['RS256'] });
        accepted.add(d);
        console.log(`accepted ${d} client=${payload.client_id} exp=${payload.exp}`);
        const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
        return { token, clientId: String(payload.client_id), scopes, expiresAt: payload.exp,
                 resource: new URL(resource) };
      } catch (e) {
        console.log(`refused ${e.code ?? ''} ${e.message}`);
        throw new InvalidTokenError('Invalid token');
      }
    },
  };
  const auth = requireBearerAuth({ verifier, requiredScopes: ['mcp:tools'], expectedResource: new URL(resource) });
  serveLegacySessions(app, auth, 'jwt-protected-legacy');
  console.log(`listening on 127.0.0.1:${port}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
