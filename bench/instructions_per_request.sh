#!/usr/bin/env bash
# bench/instructions_per_request.sh BRIDGE BUILD_DIR [REQUESTS] [CONCURRENCY]: user-space instructions
# (valgrind callgrind's Ir) per tools/call in the bridge; repeatable for the same binary and inputs, where CPU
# time on a shared machine is not. Needs valgrind (callgrind_control). Sample upstream over HTTP, loopback.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "$1") build=$(cd "$2" && pwd) n=${3:-1000} c=${4:-1}
source "$src/tests/lib/processes.sh"
work=$(mktemp -d /tmp/mcp-instr.XXXXXX)
mcp_start "$work/sample.log" "$build/samples/mcp-legacy-sample" --http 127.0.0.1:0 --log-level warn
upstream="http://127.0.0.1:$(mcp_wait_port "$work/sample.log")/mcp"
mcp_start "$work/bridge.log" valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" "$bin" --listen 127.0.0.1:0 --upstream "$upstream"
vpid=${MCP_TEST_PIDS[-1]}
port=$(mcp_wait_port "$work/bridge.log")
mcp_wait_healthy "$port"
lg() { "$build/bench/mcp-loadgen" --url "http://127.0.0.1:$port/mcp" --mode modern --concurrency "$c" --tool test_simple_text --requests "$1"; }
lg 100 >/dev/null
callgrind_control -z "$vpid" >/dev/null
res=$(lg "$n"); echo "$res" >&2
callgrind_control -d "$vpid" >/dev/null
sleep 1
ok=$(echo "$res" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ok))')
f=$(ls -t "$work"/cg.* | head -1)
ir=$(grep -h "^summary:\|^totals:" "$work"/cg.*.[0-9]* 2>/dev/null | awk '{print $2}' | sort -n | tail -1)
[ -n "$ir" ] || ir=$(grep -h "^summary:\|^totals:" $f | awk '{print $2}' | tail -1)
echo "$(basename "$bin"): $((ir / ok)) instructions per request ($ok requests, concurrency $c; $work)"
