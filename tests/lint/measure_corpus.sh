#!/usr/bin/env bash
# Measures mcp-lint's precision and recall on roots/sampling/logging against
# hand labels (tests/lint/labels/<codebase>.tsv), with and without the SDK
# packs, and fails below the floors in tests/lint/labels/floors.tsv.
#   measure_corpus.sh MCP_LINT NODE SOURCE_DIR CODEBASE LABELS.tsv FLOORS.tsv ARCHIVE|- [EXPECTED.json]
# ARCHIVE: a snapshot from ../shared/corpus (one top folder), extracted into a
# temporary directory and linted from its top folder with inferred flags (no
# compile database), as a new user would run `mcp-lint .`. "-" lints samples/
# from SOURCE_DIR instead (label paths are then relative to SOURCE_DIR), and
# every unit must parse cleanly (a finding lost to a parse error would go
# unnoticed).
# EXPECTED.json: the run with every pack must also match it exactly (rule,
# file, line; tests/lint/compare_findings.js), so one lint run serves both the
# measurement and the exact pin. MCP_LINT_UPDATE_EXPECTED=1 rewrites it instead.
# A missing archive or labels file is a FAILURE, not a skip: the measurement
# is the point of the test.
set -euo pipefail
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
[ $# -eq 7 ] || [ $# -eq 8 ] || { echo "usage: $0 MCP_LINT NODE SOURCE_DIR CODEBASE LABELS.tsv FLOORS.tsv ARCHIVE|- [EXPECTED.json]"; exit 2; }
MCP_LINT="$(abs "$1")"; NODE="$2"; SRC="$(abs "$3")"; CODEBASE="$4"; LABELS="$5"; FLOORS="$6"; ARCHIVE="$7"
EXPECTED="${8:-}"
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ -x "$NODE" ]; then NODE="$(abs "$NODE")"; else NODE=node; fi

[ -f "$LABELS" ] || { echo "FAIL: no hand labels for $CODEBASE: $LABELS is missing"; exit 1; }
[ -f "$FLOORS" ] || { echo "FAIL: no floors file: $FLOORS is missing"; exit 1; }
LABELS="$(abs "$LABELS")"; FLOORS="$(abs "$FLOORS")"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ "$ARCHIVE" = - ]; then
  root="$SRC"
  targets=(samples)
else
  if [ ! -f "$ARCHIVE" ]; then
    echo "FAIL: corpus archive missing: $ARCHIVE"
    echo "      (the snapshots of real C++ MCP code live in ../shared/corpus next to the project; see its README.md)"
    exit 1
  fi
  mkdir "$tmp/corpus"
  tar -xzf "$ARCHIVE" -C "$tmp/corpus" || { echo "FAIL: cannot extract $ARCHIVE"; exit 1; }
  tops=("$tmp"/corpus/*)
  [ ${#tops[@]} -eq 1 ] && [ -d "${tops[0]}" ] || { echo "FAIL: $ARCHIVE must hold exactly one top folder"; exit 1; }
  root="${tops[0]}"
  targets=(.)
fi

# Without SDK packs: the SDK-independent packs only (every pack but sdk-*),
# plus the feature catalog. Symlinks, so the rules stay in one place.
mkdir "$tmp/rules-nopacks"
for f in "$SRC"/rules/*.yaml; do
  case "$(basename "$f")" in sdk-*) ;; *) ln -s "$f" "$tmp/rules-nopacks/" ;; esac
done

# One parse serves both runs: the run with every pack fills a result cache
# whose entries hold every pack's hits and the units' index facts, and the run
# without the SDK packs takes its units from there (an entry serves any run
# whose packs it holds; tests/lint/cache_test.cpp shows such a run prints what
# an uncached one does).
# MCP_LINT_JOBS: parser threads (default: mcp-lint's, every core).
jobs=()
[ -z "${MCP_LINT_JOBS:-}" ] || jobs=(--jobs "$MCP_LINT_JOBS")
lint() {  # lint MODE RULES_DIR
  local start=$SECONDS rc=0
  (cd "$root" && "$MCP_LINT" "${targets[@]}" --rules "$2" --cache-dir "$tmp/cache" --cache-max-mb 0 \
     "${jobs[@]}" --format json -o "$tmp/$1.json" --fail-on none) || rc=$?
  [ "$rc" -eq 0 ] || { echo "FAIL: mcp-lint ($1) exited with $rc"; exit 1; }
  echo "mcp-lint $1: $((SECONDS - start)) s"
}
lint packs "$SRC/rules"
lint nopacks "$tmp/rules-nopacks"

if [ "$ARCHIVE" = - ] && ! grep -q '"units_with_errors": *0' "$tmp/packs.json"; then
  echo "FAIL: $CODEBASE parsed with errors:"; grep -A20 unit_problems "$tmp/packs.json"; exit 1
fi
if [ -n "$EXPECTED" ]; then
  if [ "${MCP_LINT_UPDATE_EXPECTED:-0}" = 1 ]; then
    "$NODE" "$HERE/compare_findings.js" "$tmp/packs.json" "$EXPECTED" --update
  else
    echo "== exact findings with every pack vs $(basename "$EXPECTED")"
    "$NODE" "$HERE/compare_findings.js" "$tmp/packs.json" "$EXPECTED" || { echo "FAIL: findings differ from $EXPECTED"; exit 1; }
  fi
fi

exec "$NODE" "$HERE/measure_corpus.js" --codebase "$CODEBASE" --root "$root" --labels "$LABELS" --floors "$FLOORS" \
  --nopacks "$tmp/nopacks.json" --packs "$tmp/packs.json"
