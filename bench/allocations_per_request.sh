#!/usr/bin/env bash
# bench/allocations_per_request.sh BRIDGE BUILD_DIR [REQUESTS] [CONCURRENCY]: allocations
# (malloc/calloc/realloc calls) per tools/call in the bridge, counted by bench/malloc_count.c
# (LD_PRELOAD, compiled here with cc); a count, so unlike CPU time it does not depend on the machine's
# load. BRIDGE must use glibc's allocator (configure with -DMCP_ALLOCATOR=system): jemalloc's calls
# do not pass through the counter. Sample upstream over HTTP, mcp-loadgen from BUILD_DIR, loopback only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
bin=$(realpath "$1") build=$(cd "$2" && pwd) n=${3:-2000} c=${4:-1}
if ldd "$bin" | grep jemalloc >/dev/null; then  # (not -q: with pipefail, ldd's SIGPIPE would hide the match)
  echo "error: $bin is linked with jemalloc: its allocations bypass the counter (and mixing the two crashes it);" >&2
  echo "       build it with -DMCP_ALLOCATOR=system" >&2
  exit 2
fi
source "$src/tests/lib/processes.sh"
work=$(mktemp -d /tmp/mcp-allocs.XXXXXX)
cc -shared -fPIC -O2 -o "$work/malloc_count.so" "$here/malloc_count.c"
mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0 --log-level warn
upstream="http://127.0.0.1:$(mcp_wait_port "$work/sample.log")/mcp"
MALLOC_COUNT_FILE=$work/count LD_PRELOAD=$work/malloc_count.so \
  mcp_start "$work/bridge.log" "$bin" --listen 127.0.0.1:0 --upstream "$upstream" ${AB_ARGS:-}
pid=${MCP_TEST_PIDS[-1]}
port=$(mcp_wait_port "$work/bridge.log")
mcp_wait_healthy "$port"
lg() { "$build/bench/mcp-loadgen" --url "http://127.0.0.1:$port/mcp" --mode modern --concurrency "$c" --tool "${AB_TOOL:-test_simple_text}" --requests "$1"; }
lg 200 >/dev/null
kill -USR2 "$pid"; sleep 0.3
res=$(lg "$n")
kill -USR2 "$pid"; sleep 0.3
ok=$(echo "$res" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ok))')
mapfile -t counts <"$work/count"
echo "$(basename "$bin"): $(( (counts[1] - counts[0]) / ok )) allocations per request ($ok requests, concurrency $c)"
