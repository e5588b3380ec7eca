#!/usr/bin/env bash
# Three mcp-bridge replicas behind nginx (plain round robin, no affinity), in
# front of the bundled legacy sample, run through the official conformance
# suite with one MRTR strategy (issue 7 item 3):
#   replicas.sh park|replay http|stdio BUILD_DIR SOURCE_DIR
# park:   exchanges stay on the replica that started them; retries landing on
#         another replica are forwarded to the owner (bridge/mrtr_forward.hpp).
#         Also checks that a retry whose owner is gone gets a clear error.
# replay: requestState carries the answers; any replica re-runs the request.
# http:  one sample on --http 127.0.0.1:0 shared by the replicas; stdio: each
#        replica runs its own sample child.
# Everything listens on 127.0.0.1 (ephemeral ports); every process is stopped
# on exit. Scored like tests/conformance/run_conformance.sh (score.mjs, must_pass.txt),
# plus evidence that retries crossed replicas, so the run cannot pass vacuously.
set -euo pipefail
strategy=$1 mode=$2 build=$(cd "$3" && pwd) src=$(cd "$4" && pwd)
source "$src/tests/lib/processes.sh"
export PATH="$src/tests/node/node_modules/.bin:$PATH"
PATH="$PATH:/usr/sbin:/sbin"  # Debian installs nginx in /usr/sbin, not on every user's PATH
command -v nginx >/dev/null || { echo "nginx is not installed (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/mcp-replicas-$strategy-$mode.XXXXXX")
chmod 755 "$work"
echo "replicas ($strategy, $mode upstream): logs and results in $work"

# One signing key shared by the replicas (never logged), via --state-key-env.
MCP_REPLICAS_STATE_KEYS="replicas:$(head -c 32 /dev/urandom | base64 -w0)"
export MCP_REPLICAS_STATE_KEYS

mcp_sample_upstream "$mode" "$build" "$work"
upstream_args=("${MCP_UPSTREAM_ARGS[@]}")

ports=()
replica_pids=()
for i in 1 2 3; do
  mcp_start "$work/bridge$i.log" "$build/proxy/mcp-bridge" --listen 127.0.0.1:0 --log-level info \
    --state-key-env MCP_REPLICAS_STATE_KEYS --mrtr-strategy "$strategy" "${upstream_args[@]}"
  replica_pids+=("${MCP_TEST_PIDS[-1]}")
  ports+=("$(mcp_wait_port "$work/bridge$i.log")")
done
for p in "${ports[@]}"; do mcp_wait_healthy "$p"; done

# nginx, unprivileged, everything in the work dir. Ephemeral port: ask the
# kernel for a free one (node), then let nginx bind it.
ngx="$work/nginx"
mkdir -p "$ngx/tmp"
ngport=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')
cat >"$ngx/nginx.conf" <<CONF
worker_processes 1;
pid $ngx/nginx.pid;
error_log $ngx/error.log info;
events { worker_connections 512; }
http {
  log_format replicas '\$request_method \$status upstream=\$upstream_addr';
  access_log $ngx/access.log replicas;
  client_body_temp_path $ngx/tmp/body;
  proxy_temp_path $ngx/tmp/proxy;
  fastcgi_temp_path $ngx/tmp/fastcgi;
  uwsgi_temp_path $ngx/tmp/uwsgi;
  scgi_temp_path $ngx/tmp/scgi;
  upstream bridges {
    server 127.0.0.1:${ports[0]};
    server 127.0.0.1:${ports[1]};
    server 127.0.0.1:${ports[2]};
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$ngport;
    location / {
      proxy_pass http://bridges;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_next_upstream off;
      proxy_read_timeout 120s;
    }
  }
}
CONF
nginx_cmd=(nginx -p "$ngx" -c "$ngx/nginx.conf" -g 'daemon off;')
if [ "$(id -u)" = 0 ]; then
  # Never run the test's nginx as root: drop to nobody for the whole process.
  chown -R nobody "$ngx"
  nginx_cmd=(setpriv --reuid=nobody --regid=nogroup --clear-groups "${nginx_cmd[@]}")
fi
mcp_start "$work/nginx.out" "${nginx_cmd[@]}"
mcp_wait_healthy "$ngport"
echo "replicas on ${ports[*]}, nginx on 127.0.0.1:$ngport"

timeout 600 conformance server --url "http://127.0.0.1:$ngport/mcp" --requirements 2026-07-28 \
  -o "$work/results" --timeout 20000 >"$work/conformance.log" 2>&1 || true

status=0
node "$src/tests/conformance/score.mjs" "$work/results" "$src/tests/conformance/must_pass.txt" \
  "$src/tests/node/node_modules/@modelcontextprotocol/conformance/requirements/2026-07-28.yaml" \
  "replicas-$strategy-$mode" || status=$?

# Evidence that the replicas shared the work and retries crossed them.
fail() { echo "FAIL: $*"; status=1; }
count() { grep -c -- "$1" "$2" || true; }
used=$(grep -oE 'upstream=127\.0\.0\.1:[0-9]+' "$ngx/access.log" | sort -u | wc -l)
echo "nginx spread requests over $used replica(s)"
[ "$used" = 3 ] || fail "nginx did not use all three replicas"
forwarded=0 replayed=0 replaying_replicas=0
for i in 1 2 3; do
  f=$(count "mrtr: forwarded retry to owner replica" "$work/bridge$i.log")
  r=$(count "mrtr: replaying" "$work/bridge$i.log")
  echo "replica $i (port ${ports[$((i-1))]}): $f retries forwarded to their owner, $r replayed"
  forwarded=$((forwarded + f)) replayed=$((replayed + r))
  [ "$r" -gt 0 ] && replaying_replicas=$((replaying_replicas + 1))
  if grep -q "is unreachable" "$work/bridge$i.log"; then fail "replica $i could not reach an owner"; fi
done
if [ "$strategy" = park ]; then
  [ "$forwarded" -ge 1 ] || fail "no retry was forwarded between replicas (park)"
  [ "$replayed" = 0 ] || fail "park replayed requests"
else
  [ "$replayed" -ge 2 ] || fail "fewer than 2 retries were replayed (replay)"
  [ "$replaying_replicas" -ge 2 ] || fail "replay retries ran on fewer than 2 replicas"
  [ "$forwarded" = 0 ] || fail "replay forwarded requests"
fi

# park: an owner that is gone. Start an exchange on replica 1 directly, stop
# replica 1, retry on replica 2: a JSON-RPC error saying the exchange is lost,
# within the bounded connect time (no hang).
if [ "$strategy" = park ] && [ "$status" = 0 ]; then
  lost=$(node "$src/tests/integration/owner_gone.mjs" "http://127.0.0.1:${ports[0]}/mcp" \
    "http://127.0.0.1:${ports[1]}/mcp" "${replica_pids[0]}") || fail "owner-gone check: $lost"
  echo "owner gone: $lost"
fi

if [ "$status" != 0 ]; then
  echo "--- conformance output (tail) ---"; tail -n 40 "$work/conformance.log"
  for i in 1 2 3; do echo "--- bridge $i log (tail) ---"; tail -n 15 "$work/bridge$i.log"; done
  echo "--- nginx error log (tail) ---"; tail -n 15 "$ngx/error.log" 2>/dev/null || true
fi
exit "$status"
