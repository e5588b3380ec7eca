#!/usr/bin/env bash
# mcp-lint throughput: translation units per second over a corpus, and the
# ratio to `clang -fsyntax-only` over the SAME units with the SAME flags,
# serial (-j1) and parallel (-j$(nproc)), measured side by side in one run.
#
#   bench/run_lint_bench.sh BUILD_DIR COMPILE_DB_DIR [PATH...]
#
# BUILD_DIR holds lint/mcp-lint (use a Release build). COMPILE_DB_DIR holds
# the corpus's compile_commands.json; PATHs (default: every unit of the
# database) restrict the units as for `mcp-lint -p COMPILE_DB_DIR PATH...`.
# The units and their arguments come from `mcp-lint --print-units`: exactly
# the arguments mcp-lint hands libclang (the database's flags, minus -c/-o and
# dependency-file flags, plus -resource-dir, -w, -ferror-limit=0), so clang
# parses the same files with the same flags; it adds only -fsyntax-only.
# Example (hkr04/cpp-mcp snapshot, configured with CMAKE_EXPORT_COMPILE_COMMANDS):
#   bench/run_lint_bench.sh build-lint-rel /tmp/cpp-mcp-build /tmp/cpp-mcp
# CLANG selects the compiler (default clang++-19: the same LLVM as libclang).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
db=$(cd "$2" && pwd)
shift 2
lint="$build/lint/mcp-lint"
clang=${CLANG:-clang++-19}
jobs=$(nproc)
command -v "$clang" >/dev/null || { echo "no $clang on PATH (set CLANG=...)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$lint" -p "$db" --print-units "$@" > "$tmp/units"
n=$(wc -l < "$tmp/units")
[ "$n" -gt 0 ] || { echo "no units in $db/compile_commands.json under ${*:-(all)}" >&2; exit 2; }
# One clang command per unit: the file, then mcp-lint's arguments.
while IFS= read -r line; do
  eval "unit=($line)"
  printf '%q ' "$clang" -fsyntax-only "${unit[@]:1}" "${unit[0]}"
  printf '\n'
done < "$tmp/units" > "$tmp/clang_cmds"

now() { date +%s.%N; }
measure() { local t0 t1; t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now); echo "$t1 - $t0" | bc -l; }
lint_run() { "$lint" -p "$db" -j "$1" --format json -o "$tmp/lint.json" --fail-on none -q "${@:2}"; }

echo "corpus: $n units from $db/compile_commands.json ${*:+under $*}; cores: $jobs; $(date -u '+%F %H:%M UTC')"
echo "mcp-lint: $lint ($("$lint" --version 2>/dev/null | head -1)); clang: $($clang --version | head -1)"
# Warm the page cache so neither side pays for the first read of headers.
bash "$tmp/clang_cmds" >/dev/null 2>&1 || true
lint1=$(measure lint_run 1 "$@")
units_linted=$(grep -o '"units": *[0-9]*' "$tmp/lint.json" | grep -o '[0-9]*$')
clang1=$(measure bash "$tmp/clang_cmds")
lintN=$(measure lint_run "$jobs" "$@")
clangN=$(measure xargs -d '\n' -P "$jobs" -I{} bash -c '{}' < "$tmp/clang_cmds")
[ "$units_linted" = "$n" ] || echo "WARNING: mcp-lint parsed $units_linted units, clang $n" >&2
printf '%-8s %6s %10s %10s %12s %14s %14s\n' mode units lint_s clang_s lint/clang "lint units/s" "clang units/s"
row() { printf '%-8s %6d %10.2f %10.2f %12.2f %14.3f %14.3f\n' "$1" "$n" "$2" "$3" "$(echo "$2 / $3" | bc -l)" \
          "$(echo "$n / $2" | bc -l)" "$(echo "$n / $3" | bc -l)"; }
row serial "$lint1" "$clang1"
row "-j$jobs" "$lintN" "$clangN"
