#!/usr/bin/env bash
# The real 2026-07-28 client (@modelcontextprotocol/client) running the
# authorization-code flow with PKCE (tests/node/auth_authorization_code_sdk_client.mjs:
# 401, the bridge's protected resource metadata, an authorization request and a
# token request with `resource` and an S256 challenge, calls, then a 403 step-up
# through a second authorization) against mcp-bridge --auth-mode resource-server
# in front of mcp-legacy-sample --http, with oauth2-mock-server as the
# authorization server (tests/node/mock_authorization_server.mjs, approving at
# once). Twice: the bridge on plain http, then on https with a certificate
# made here by a throwaway CA that only the client process trusts
# (NODE_EXTRA_CA_CERTS); the authorization server stays on http loopback.
# All on 127.0.0.1, ephemeral ports.
#   resource_server_auth_code.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-auth-code.XXXXXX")

# make_certificates DIR: DIR/ca.pem (a CA made for this run) and DIR/server.pem,
# DIR/server.key (127.0.0.1 and localhost in subjectAltName, signed by the CA).
make_certificates() {
  local dir=$1 ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 1 -subj "/CN=mcp-bridge test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -new "${ec[@]}" -keyout "$dir/server.key" -out "$dir/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
  printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$dir/server.ext"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial 1 -days 1 \
    -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
}

# start_bridge LOG [ARGS...]: a resource-server bridge in front of the sample
# (called in this shell, not in $(...), so mcp_start's cleanup knows its pid).
start_bridge() {
  local log=$1; shift
  mcp_start "$log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level debug "$@" \
    --auth-mode resource-server --auth-issuer "$issuer" --auth-jwks-url "$issuer/jwks" \
    --auth-scopes mcp:tools --auth-require-scope mcp:tools --auth-require-scope tools/call:greet=mcp:greet \
    --upstream "http://127.0.0.1:$sample_port/mcp"
}

mcp_start "$work/as.log" node "$src/tests/node/mock_authorization_server.mjs"
issuer="http://127.0.0.1:$(mcp_wait_port "$work/as.log")"
mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0
sample_port=$(mcp_wait_port "$work/sample.log")

# Plain http.
start_bridge "$work/bridge.log"
port=$(mcp_wait_port "$work/bridge.log")
mcp_wait_healthy "$port"
mcp_client "$work/bridge.log" node "$src/tests/node/auth_authorization_code_sdk_client.mjs" \
  "http://127.0.0.1:$port" "$issuer"

# https: the public URL (hence the metadata's `resource` and the tokens' audience)
# is https://127.0.0.1:PORT/mcp, the default once TLS is on.
make_certificates "$work"
start_bridge "$work/bridge-tls.log" --tls-cert "$work/server.pem" --tls-key "$work/server.key"
tport=$(mcp_wait_port "$work/bridge-tls.log")
mcp_wait_healthy "$tport" "$work/ca.pem"
grep -q "audience https://127.0.0.1:$tport/mcp" "$work/bridge-tls.log" || { echo "public URL is not https" >&2; exit 1; }
# Not trusted without the test's CA: the client below really verifies the certificate.
if curl -fsS -o /dev/null --max-time 5 "https://127.0.0.1:$tport/healthz" 2>/dev/null; then
  echo "the bridge's certificate was trusted without the test CA" >&2; exit 1
fi
mcp_client "$work/bridge-tls.log" \
  env NODE_EXTRA_CA_CERTS="$work/ca.pem" node "$src/tests/node/auth_authorization_code_sdk_client.mjs" "https://127.0.0.1:$tport" "$issuer"

# Tokens never reach the bridges' logs, even at debug level (JWTs start with eyJ).
if grep -n "eyJ" "$work/bridge.log" "$work/bridge-tls.log"; then echo "a token was logged" >&2; exit 1; fi
echo "resource server, authorization code with PKCE, http and https: ok"
rm -rf "$work"
