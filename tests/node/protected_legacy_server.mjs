// A real OAuth-protected legacy (2025-11-25) MCP server for the passthrough
// authorization test (tests/auth/passthrough_sdk.sh): the TypeScript SDK 1.x
// Streamable HTTP transport behind its own requireBearerAuth middleware and
// mcpAuthMetadataRouter, on 127.0.0.1 with an ephemeral port.
//   node protected_legacy_server.mjs
// Tokens: "good-token-<user>" are valid (scope mcp:tools, one hour); anything
// else is invalid. The authorization server is only named in the metadata
// (https://auth.example.test/), never contacted. Prints
// "listening on 127.0.0.1:PORT" once ready, and "token <user>" for every
// request whose token it accepted.
import express from 'express';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { serveLegacySessions } from './legacy_sessions.mjs';

const app = express();
app.use(express.json());
const server = app.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const resource = new URL(`http://127.0.0.1:${port}/mcp`);
  const oauthMetadata = {
    issuer: 'https://auth.example.test/',
    authorization_endpoint: 'https://auth.example.test/authorize',
    token_endpoint: 'https://auth.example.test/token',
    response_types_supported: ['code'],
  };
  app.use(mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl: resource, scopesSupported: ['mcp:tools'],
                                  resourceName: 'protected test server' }));
  const verifier = {
    async verifyAccessToken(token) {
      const m = /^good-token-([a-z]+)$/.exec(token);
      if (!m) {
        const { InvalidTokenError } = await import('@modelcontextprotocol/sdk/server/auth/errors.js');
        throw new InvalidTokenError('Invalid token');
      }
      return { token, clientId: m[1], scopes: ['mcp:tools'], expiresAt: Math.floor(Date.now() / 1000) + 3600 };
    },
  };
  const auth = requireBearerAuth({ verifier, requiredScopes: ['mcp:tools'],
                                   resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(resource) });
  serveLegacySessions(app, auth, 'protected-legacy', (req) => console.log(`token ${req.auth.clientId}`));
  console.log(`listening on 127.0.0.1:${port}`);
});
