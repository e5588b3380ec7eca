#!/usr/bin/env bash
# Resource-server authorization end to end with real parts on loopback: a
# real authorization server (oauth2-mock-server, tests/node/mock_authorization_server.mjs),
# mcp-bridge --auth-mode resource-server validating its JWTs against its JWK
# Set, the bundled legacy sample (--http) as the upstream behind a recording
# pass-through (tests/node/recording_proxy.mjs) so the test sees what reached
# the upstream, driven by tests/node/auth_resource_server_client.mjs (plain
# HTTP, every status and header asserted) and then by the real 2026-07-28
# client doing its own OAuth flow (tests/node/auth_resource_server_sdk_client.mjs);
# then bridges validating by introspection, and with keys discovered from the
# issuer's metadata (no --auth-jwks-url, tests/node/auth_discovered_keys_client.mjs).
# The real client's authorization-code flow, over http and https:
# resource_server_auth_code.sh. All on 127.0.0.1, ephemeral ports.
#   resource_server_mock_as.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-auth-rs.XXXXXX")

mcp_start "$work/as.log" node "$src/tests/node/mock_authorization_server.mjs"
issuer="http://127.0.0.1:$(mcp_wait_port "$work/as.log")"
mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0
sample_port=$(mcp_wait_port "$work/sample.log")
mcp_start "$work/proxy.log" node "$src/tests/node/recording_proxy.mjs" "http://127.0.0.1:$sample_port" \
  "$work/upstream-requests.jsonl"
proxy_port=$(mcp_wait_port "$work/proxy.log")

mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level debug \
  --auth-mode resource-server --auth-issuer "$issuer" --auth-jwks-url "$issuer/jwks" \
  --auth-scopes mcp:tools --auth-require-scope mcp:tools --auth-require-scope tools/call:greet=mcp:greet \
  --upstream-header "Authorization: Bearer bridge-static-credential" \
  --upstream "http://127.0.0.1:$proxy_port/mcp"
port=$(mcp_wait_port "$work/bridge.log")
mcp_wait_healthy "$port"
mcp_client "$work/bridge.log" node "$src/tests/node/auth_resource_server_client.mjs" "http://127.0.0.1:$port" "$issuer" \
  "$work/upstream-requests.jsonl"
# The real 2026-07-28 client runs its own OAuth flow (client_credentials) through the bridge.
mcp_client "$work/bridge.log" node "$src/tests/node/auth_resource_server_sdk_client.mjs" "http://127.0.0.1:$port" "$issuer"
# Opaque tokens: a second bridge validating by RFC 7662 introspection only.
MCP_BRIDGE_INTROSPECTION_SECRET=bridge-secret mcp_start "$work/bridge-introspection.log" "$build/proxy/mcp-bridge" \
  --listen 127.0.0.1:0 --log-level debug --auth-mode resource-server --auth-issuer "$issuer" \
  --auth-introspection-url "$issuer/introspect-opaque" --auth-introspection-client-id bridge \
  --auth-require-scope mcp:tools --upstream-header "Authorization: Bearer bridge-static-credential" \
  --upstream "http://127.0.0.1:$proxy_port/mcp"
iport=$(mcp_wait_port "$work/bridge-introspection.log")
mcp_wait_healthy "$iport"
mcp_client "$work/bridge-introspection.log" node "$src/tests/node/auth_introspection_client.mjs" "http://127.0.0.1:$iport" "$issuer" \
  "$work/upstream-requests.jsonl"
if grep -n "opaque-\|bridge-secret" "$work/bridge-introspection.log"; then echo "a token or secret was logged" >&2; exit 1; fi
# No --auth-jwks-url: a third bridge finds the jwks_uri in the issuer's metadata
# (the mock serves only /.well-known/openid-configuration, the second URL tried).
mcp_start "$work/bridge-discovery.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level debug \
  --auth-mode resource-server --auth-issuer "$issuer" --auth-require-scope mcp:tools \
  --upstream-header "Authorization: Bearer bridge-static-credential" --upstream "http://127.0.0.1:$proxy_port/mcp"
dport=$(mcp_wait_port "$work/bridge-discovery.log")
mcp_wait_healthy "$dport"
mcp_client "$work/bridge-discovery.log" node "$src/tests/node/auth_discovered_keys_client.mjs" "http://127.0.0.1:$dport" "$issuer"
grep -q "jwks_uri $issuer/jwks discovered from $issuer/.well-known/openid-configuration" \
  "$work/bridge-discovery.log" || { echo "no discovery logged" >&2; exit 1; }
if grep -n "eyJ" "$work/bridge-discovery.log"; then echo "a token was logged" >&2; exit 1; fi
# No JWT (the SDK client's included) ever reached the upstream.
if grep -n "eyJ" "$work/upstream-requests.jsonl"; then echo "a client token reached the upstream" >&2; exit 1; fi
# Tokens never reach the bridge's log, even at debug level (JWTs start with eyJ).
if grep -n "eyJ\|not-a-token" "$work/bridge.log"; then echo "a token was logged" >&2; exit 1; fi
grep -q "auth: 1 signing key(s) from $issuer/jwks" "$work/bridge.log" || { echo "no key fetch logged" >&2; exit 1; }
echo "resource server with oauth2-mock-server: ok"
rm -rf "$work"
