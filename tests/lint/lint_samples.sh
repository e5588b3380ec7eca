#!/usr/bin/env bash
# Lints the project's samples/ (the legacy 2025-11-25 server) with inferred
# flags (no compile database needed: it works in any fresh build) and compares
# the findings exactly with expected/samples.json (rule, file, line).
#   lint_samples.sh MCP_LINT NODE SOURCE_DIR EXPECTED.json
# MCP_LINT_UPDATE_EXPECTED=1 rewrites EXPECTED.json from this run instead.
set -euo pipefail
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
MCP_LINT="$(abs "$1")"; NODE="$2"; SRC="$3"; EXPECTED="$(abs "$4")"
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ -x "$NODE" ]; then NODE="$(abs "$NODE")"; else NODE=node; fi
[ -d "$SRC/samples" ] || { echo "FAIL: no samples/ under $SRC"; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# Paths in findings are relative to the source root (samples/legacy_server/...).
cd "$SRC"
rc=0
"$MCP_LINT" samples --format json -o "$tmp/findings.json" --fail-on none || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: mcp-lint exited with $rc"; exit 1; }
# Every unit must parse cleanly: a finding missed because of a parse error
# would otherwise go unnoticed.
grep -q '"units_with_errors": *0' "$tmp/findings.json" || { echo "FAIL: samples parsed with errors:"; grep -A20 unit_problems "$tmp/findings.json"; exit 1; }
if [ "${MCP_LINT_UPDATE_EXPECTED:-0}" = 1 ]; then
  exec "$NODE" "$HERE/compare_findings.js" "$tmp/findings.json" "$EXPECTED" --update
fi
exec "$NODE" "$HERE/compare_findings.js" "$tmp/findings.json" "$EXPECTED"
