#!/usr/bin/env bash
# The bridge's own upstream access token, end to end (--upstream-token-url,
# auth/upstream_token_source.hpp), with real processes on 127.0.0.1 and
# ephemeral ports:
#   - the upstream's authorization server: oauth2-mock-server checking the
#     client's secret, tokens with expires_in 6 s
#     (tests/node/upstream_authorization_server.mjs);
#   - the protected legacy upstream: the TypeScript SDK 1.x with
#     requireBearerAuth verifying those JWTs (signature, issuer, audience = its
#     URL, expiry, scope; tests/node/jwt_protected_legacy_server.mjs);
#   - mcp-bridge with --upstream-token-url, and a 2026-07-28 client without any
#     token (tests/node/upstream_credentials_client.mjs).
# Asserts: the health probe and every call carry an AS-issued token the
# upstream accepts; tokens are refreshed before they expire (several distinct
# tokens, no refused request, no failed call); a revoked token (upstream 401)
# is replaced and the call retried; no token or secret in the bridge's log;
# a wrong client secret gives clients a clear 502 and nothing reaches the
# upstream (/healthz 503: the upstream was never reached); a client refused
# at runtime (secret rotated at the AS) gives 502s but /healthz stays 200
# (the bridge's credential problem is not an upstream failure), and the
# bridge recovers by itself once the AS accepts it again.
#   upstream_client_credentials.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-upstream-cc.XXXXXX")
node_dir="$src/tests/node"
secret='s3cret+with/odd=chars'

fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -n 40 "$f" >&2; done; exit 1; }
healthz() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$1/healthz"; }
client() { node "$node_dir/upstream_credentials_client.mjs" "$@" || fail "client $*"; }
accepted_tokens() { grep -oE '^accepted [0-9a-f]{12}' "$work/upstream.log" | sort -u | wc -l; }

mcp_start "$work/as.log" node "$node_dir/upstream_authorization_server.mjs" bridge-client "$secret" 6
as="http://127.0.0.1:$(mcp_wait_port "$work/as.log")"
mcp_start "$work/upstream.log" node "$node_dir/jwt_protected_legacy_server.mjs" "$as"
upstream_origin="http://127.0.0.1:$(mcp_wait_port "$work/upstream.log")"
upstream="$upstream_origin/mcp"

# 1. The bridge gets its token; the health probe's session carries it.
MCP_BRIDGE_UPSTREAM_CLIENT_SECRET="$secret" mcp_start "$work/bridge.log" "$build/proxy/mcp-bridge" \
  --listen 127.0.0.1:0 --log-level debug --upstream "$upstream" \
  --upstream-token-url "$as/token" --upstream-client-id bridge-client --upstream-scope mcp:tools
port=$(mcp_wait_port "$work/bridge.log")
mcp_wait_healthy "$port" || fail "bridge never healthy"
grep -q '^accepted .* client=bridge-client' "$work/upstream.log" || fail "the upstream never saw the bridge's token"
bridge="http://127.0.0.1:$port"

# 2. Calls over 13 s (two refreshes at 5.4 s): every one succeeds and the
# upstream names the bridge's client; several tokens, none refused.
client "$bridge" calls 27 500 "hi bridge-client"
n=$(accepted_tokens)
[ "$n" -ge 3 ] || fail "expected >= 3 distinct tokens upstream over 13 s of 6 s tokens, saw $n"
if grep -q '^refused' "$work/upstream.log"; then fail "the upstream refused a request: refresh came too late"; fi
grep -q 'refused the bridge' "$work/bridge.log" && fail "a 401 retry happened without a revocation"
requests=$(curl -s --max-time 5 "$as/test-token-requests")
node -e '
  const [reqs, upstream, tokens] = [JSON.parse(process.argv[1]), process.argv[2], Number(process.argv[3])];
  // One request per token the upstream saw (single flight), plus at most the refresh in flight at the end.
  if (reqs.length < tokens || reqs.length > tokens + 1) throw new Error(`${reqs.length} token requests, ${tokens} tokens`);
  for (const r of reqs) {
    if (r.grant_type !== "client_credentials" || r.resource !== upstream || r.scope !== "mcp:tools" ||
        r.client !== "bridge-client" || !r.accepted) throw new Error(`bad token request ${JSON.stringify(r)}`);
  }' "$requests" "$upstream" "$n" || fail "token requests: $requests"
echo "refresh: ok ($n tokens, $(node -e 'console.log(JSON.parse(process.argv[1]).length)' "$requests") token requests)"

# 3. The upstream revokes every token so far: the next call gets 401 upstream,
# the bridge drops its token, gets a new one and retries once.
curl -s -X POST --max-time 5 "$upstream_origin/test-revoke" -o /dev/null || fail "revoke"
before=$(accepted_tokens)
client "$bridge" calls 1 0 "hi bridge-client"
grep -q '^refused .*token revoked' "$work/upstream.log" || fail "the revoked token was not presented"
grep -q 'refused the bridge.s access token' "$work/bridge.log" || fail "no 401 renewal in the bridge log"
[ "$(accepted_tokens)" -gt "$before" ] || fail "no new token after the revocation"
echo "revocation: ok"

# 4. Neither the secret nor any token reached the bridge's log (debug level).
grep -qF -- "$secret" "$work/bridge.log" && fail "the client secret was logged"
for token in $(curl -s --max-time 5 "$as/test-issued" | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).join("\n")))'); do
  grep -qF -- "$token" "$work/bridge.log" && fail "an access token was logged"
  grep -qF -- "${token:0:40}" "$work/bridge.log" && fail "part of an access token was logged"
done
echo "no secrets in the log: ok"

# 5. A wrong secret: clients get 502 saying why; nothing reaches the upstream;
# /healthz 503 (the bridge never reached the upstream), not a crash or a hang.
upstream_lines=$(wc -l < "$work/upstream.log")
MCP_BRIDGE_UPSTREAM_CLIENT_SECRET=wrong mcp_start "$work/bridge-wrong.log" "$build/proxy/mcp-bridge" \
  --listen 127.0.0.1:0 --log-level debug --upstream "$upstream" \
  --upstream-token-url "$as/token" --upstream-client-id bridge-client
wrong_port=$(mcp_wait_port "$work/bridge-wrong.log")
for _ in $(seq 1 100); do grep -q 'cannot obtain the upstream access token' "$work/bridge-wrong.log" && break; sleep 0.1; done
grep -q "invalid_client" "$work/bridge-wrong.log" || fail "the wrong secret's refusal was not logged"
client "http://127.0.0.1:$wrong_port" refused 3
[ "$(healthz "$wrong_port")" = 503 ] || fail "/healthz of the bridge with a wrong secret is not 503"
new_lines=$(tail -n +"$((upstream_lines + 1))" "$work/upstream.log")
echo "$new_lines" | grep -qE '^(accepted|refused)' && fail "a request without a token reached the upstream: $new_lines"
echo "wrong secret: ok"

# 6. The AS stops accepting the first bridge (secret rotated): once its token
# expires, calls get 502, yet /healthz stays 200 (new sessions fail to start on
# the bridge's credential, never counted as upstream failures); when the AS
# accepts it again, the bridge recovers by itself (backoff-bounded).
curl -s -X POST --max-time 5 "$as/test-reject?on=1" -o /dev/null
sleep 7  # the current token (6 s) expires; refreshes fail meanwhile
client "$bridge" refused 4
[ "$(healthz "$port")" = 200 ] || fail "/healthz turned $(healthz "$port") on the bridge's credential problem"
curl -s -X POST --max-time 5 "$as/test-reject?on=0" -o /dev/null
recovered=""
for _ in $(seq 1 40); do  # backoff after ~6 failures in a row is at most 32 s; poll for 40 s
  if node "$node_dir/upstream_credentials_client.mjs" "$bridge" calls 1 0 "hi bridge-client" >/dev/null 2>&1; then
    recovered=yes; break
  fi
  sleep 1
done
[ -n "$recovered" ] || fail "the bridge did not recover after the AS accepted it again"
[ "$(healthz "$port")" = 200 ] || fail "/healthz not 200 after recovery"
echo "rotated secret: ok"
[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
