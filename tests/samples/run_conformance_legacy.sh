#!/usr/bin/env bash
# Runs the official MCP conformance suite (2025-11-25 server scenarios, all
# suites including pending ones) directly against mcp-legacy-sample over
# Streamable HTTP on an ephemeral loopback port.
# Usage: run_conformance_legacy.sh REPO_ROOT SAMPLE_BINARY
set -euo pipefail

repo_root=${1:?usage: run_conformance_legacy.sh REPO_ROOT SAMPLE_BINARY}
sample=${2:?usage: run_conformance_legacy.sh REPO_ROOT SAMPLE_BINARY}
node_bin="$repo_root/tests/node/node_modules/.bin"
if [[ ! -x "$node_bin/node" || ! -e "$node_bin/conformance" ]]; then
  echo "error: $node_bin has no node/conformance; install the test dependencies first" >&2
  exit 1
fi
export PATH="$node_bin:$PATH"

work=$(mktemp -d)
sample_pid=""
cleanup() {
  if [[ -n "$sample_pid" ]] && kill -0 "$sample_pid" 2>/dev/null; then
    kill "$sample_pid" 2>/dev/null || true
    wait "$sample_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The file exists before the sample starts: the background job opens it for
# its redirection in its own time, and reading a file not yet created failed
# the test under set -e (seen once in a full ctest run).
: >"$work/port.txt"
"$sample" --http 127.0.0.1:0 --log-level warn >"$work/port.txt" 2>"$work/sample.log" &
sample_pid=$!

port=""
for _ in $(seq 1 100); do  # up to 10 s for the port line
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/port.txt")
  [[ -n "$port" ]] && break
  kill -0 "$sample_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -z "$port" ]]; then
  echo "error: mcp-legacy-sample did not report its port" >&2
  cat "$work/sample.log" >&2
  exit 1
fi
url="http://127.0.0.1:$port/mcp"
echo "mcp-legacy-sample listening at $url"

status=0
timeout 540 conformance server --url "$url" --spec-version 2025-11-25 --suite all >"$work/conformance.log" 2>&1 || status=$?

# The per-scenario table and totals; the full log only when something failed.
sed -n '/=== SUMMARY ===/,$p' "$work/conformance.log"
total_line=$(grep -E '^Total: [0-9]+ passed, [0-9]+ failed' "$work/conformance.log" | tail -1 || true)
failed=$(sed -n 's/^Total: [0-9]* passed, \([0-9]*\) failed.*/\1/p' <<<"$total_line")
if [[ -z "$total_line" || "$status" -ne 0 || "${failed:-1}" -ne 0 ]]; then
  echo "conformance run failed (exit $status): full log follows" >&2
  cat "$work/conformance.log" >&2
  echo "--- sample log ---" >&2
  tail -50 "$work/sample.log" >&2
  exit 1
fi
echo "legacy sample conformance (2025-11-25): $total_line"
