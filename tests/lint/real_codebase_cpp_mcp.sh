#!/usr/bin/env bash
# Lints a real third-party C++ MCP codebase, hkr04/cpp-mcp, from the snapshot
# in ../shared/corpus (never vendored into the project), with its own compile
# database, and compares the findings exactly with expected/cpp-mcp.json.
#   real_codebase_cpp_mcp.sh MCP_LINT NODE EXPECTED.json ARCHIVE
# ARCHIVE: cpp-mcp-f1117d5.tar.gz (one top folder, cpp-mcp/). FAILS when it is
# missing: the comparison is the point of the test.
# MCP_LINT_UPDATE_EXPECTED=1 rewrites EXPECTED.json from this run instead.
set -euo pipefail
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
MCP_LINT="$(abs "$1")"; NODE="$2"; EXPECTED="$(abs "$3")"
ARCHIVE="$4"  # hkr04/cpp-mcp at f1117d5286efe6477ddd14322703f034615b6c0e, the commit expected/cpp-mcp.json was reviewed against
HERE="$(cd "$(dirname "$0")" && pwd)"

if [ ! -f "$ARCHIVE" ]; then
  echo "FAIL: corpus archive missing: $ARCHIVE"
  echo "      (the snapshots of real C++ MCP code live in ../shared/corpus next to the project; see its README.md)"
  exit 1
fi
if [ -x "$NODE" ]; then NODE="$(abs "$NODE")"; else NODE=node; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$ARCHIVE" -C "$tmp" || { echo "FAIL: cannot extract $ARCHIVE"; exit 1; }
[ -d "$tmp/cpp-mcp" ] || { echo "FAIL: $ARCHIVE has no top folder cpp-mcp/"; exit 1; }
# Configure only (no build): its compile database. Tests (googletest, fetched
# from the network) stay off; SSL off. Works offline.
cmake -S "$tmp/cpp-mcp" -B "$tmp/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DMCP_BUILD_TESTS=OFF -DMCP_SSL=OFF >"$tmp/cmake.log" 2>&1 ||
  { cat "$tmp/cmake.log"; echo "FAIL: cmake configure of cpp-mcp failed"; exit 1; }
# Paths in findings are relative to the snapshot's root.
cd "$tmp/cpp-mcp"
rc=0
"$MCP_LINT" -p "$tmp/build" . --format json -o "$tmp/findings.json" --fail-on none || rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: mcp-lint exited with $rc"; exit 1; }
if [ "${MCP_LINT_UPDATE_EXPECTED:-0}" = 1 ]; then
  exec "$NODE" "$HERE/compare_findings.js" "$tmp/findings.json" "$EXPECTED" --update
fi
exec "$NODE" "$HERE/compare_findings.js" "$tmp/findings.json" "$EXPECTED"
