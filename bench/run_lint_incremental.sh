#!/usr/bin/env bash
# Incremental mcp-lint runs (issue 8, item 6) on a real codebase from
# ../shared/corpus, linted as a new user would (inferred flags, default packs):
#   full       a first run with an empty --cache-dir (parses every unit, writes the cache)
#   uncached   the same run without a cache (the baseline every ratio is taken against)
#   unchanged  a re-run on unchanged code (every unit from the cache)
#   one-file   a re-run after one source file changed (that unit is parsed again)
#   header     a re-run after a header many units include changed
#   changed    --changed-since HEAD after the one-file change (reports that unit only)
# Each warm figure is the median of RUNS runs; every run's JSON output is compared
# with the uncached run's (the cache must not change a byte). UNCACHED=0 skips
# the uncached run (long corpora): the full run is then the baseline.
#
#   bench/run_lint_incremental.sh MCP_LINT ARCHIVE [RUNS] [SOURCE] [HEADER]
#   e.g. bench/run_lint_incremental.sh build/lint/mcp-lint ../shared/corpus/cpp-mcp-f1117d5.tar.gz 5
# SOURCE and HEADER (paths inside the archive's folder) default to the first
# .cpp under src/ and the header most units include.
set -euo pipefail
mcp_lint=$(realpath "$1")
archive=$(realpath "$2")
runs=${3:-5}
source_rel=${4:-}
header_rel=${5:-}
jobs=${JOBS:-$(nproc)}

work=$(mktemp -d /tmp/lint-incremental-XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work"
top=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -1)
cache="$work/cache"
cd "$top"
git init -q && git add -A && git -c user.name=bench -c user.email=bench@example.invalid commit -qm snapshot

# One timed run: prints "wall cpu" (seconds; cpu = user + sys of mcp-lint and its threads).
timed() {
  local out=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$mcp_lint" . --format json -o "$out" -q -j "$jobs" "$@" || [ $? -eq 1 ]
  # The last line: GNU time writes "Command exited with non-zero status 1" first when findings exist.
  tail -n 1 "$work/time" | awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
same_output() {
  if ! cmp -s "$1" "$work/uncached.json"; then
    echo "FAIL: $2 output differs from the uncached run" >&2
    diff <(head -c 2000 "$1") <(head -c 2000 "$work/uncached.json") >&2 || true
    exit 1
  fi
}
# Runs RUNS times after `prepare` (a function run before each), prints the two medians.
repeat() {
  local name=$1 prepare=$2; shift 2
  : >"$work/walls"; : >"$work/cpus"
  for i in $(seq "$runs"); do
    $prepare "$i"
    read -r wall cpu < <(timed "$work/$name.json" "$@")
    echo "$wall" >>"$work/walls"; echo "$cpu" >>"$work/cpus"
  done
  echo "$(median <"$work/walls") $(median <"$work/cpus")"
}

[ -n "$source_rel" ] || source_rel=$(git ls-files '*.cpp' '*.cc' | grep -m1 '^src/' || git ls-files '*.cpp' | head -1)
if [ -z "$header_rel" ]; then
  # The project header named in the most #include lines.
  header_rel=$(git ls-files '*.hpp' '*.h' | while read -r h; do
    printf '%s %s\n' "$(git grep -l "#include.*[\"/<]$(basename "$h")[\">]" -- '*.cpp' '*.cc' | wc -l)" "$h"
  done | sort -rn | head -1 | cut -d' ' -f2)
fi

echo "corpus: $(basename "$archive"), mcp-lint: $mcp_lint, -j $jobs, $runs runs per warm figure"
echo "one-file change: $source_rel; header change: $header_rel"
read -r full_wall full_cpu < <(timed "$work/full.json" --cache-dir "$cache")
if [ "${UNCACHED:-1}" = 1 ]; then
  read -r uncached_wall uncached_cpu < <(timed "$work/uncached.json")
  same_output "$work/full.json" full
else  # long corpora: the full run with an empty cache is the baseline
  cp "$work/full.json" "$work/uncached.json"
  uncached_wall=$full_wall uncached_cpu=$full_cpu
fi
cache_mb=$(du -sm "$cache" | cut -f1)

noop() { :; }
read -r unchanged_wall unchanged_cpu < <(repeat unchanged noop --cache-dir "$cache")
same_output "$work/unchanged.json" unchanged

# A new comment each time: a new main-file content, so one unit misses per run.
edit_source() { printf '\n// incremental bench edit %s\n' "$1" >>"$source_rel"; }
read -r onefile_wall onefile_cpu < <(repeat onefile edit_source --cache-dir "$cache")
read -r changed_wall changed_cpu < <(repeat changed edit_source --cache-dir "$cache" --changed-since HEAD)
git checkout -q -- "$source_rel"

edit_header() { printf '\n// incremental bench edit %s\n' "$1" >>"$header_rel"; }
read -r header_wall header_cpu < <(repeat header edit_header --cache-dir "$cache")
git checkout -q -- "$header_rel"
header_units=$(git grep -l "#include.*[\"/<]$(basename "$header_rel")[\">]" -- '*.cpp' '*.cc' | wc -l)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", 100 * a / b }'; }
printf '%-34s %9s %9s %10s %10s\n' run wall_s cpu_s wall/uncached cpu/uncached
row() { printf '%-34s %9s %9s %10s %10s\n' "$1" "$2" "$3" "$(ratio "$2" "$uncached_wall")" "$(ratio "$3" "$uncached_cpu")"; }
row "uncached (no --cache-dir)" "$uncached_wall" "$uncached_cpu"
row "full (empty cache, writes it)" "$full_wall" "$full_cpu"
row "unchanged re-run" "$unchanged_wall" "$unchanged_cpu"
row "one-file change" "$onefile_wall" "$onefile_cpu"
row "one-file change, --changed-since" "$changed_wall" "$changed_cpu"
row "header change (~$header_units includers)" "$header_wall" "$header_cpu"
echo "cache size after the full run: ${cache_mb} MiB; outputs of full and unchanged runs byte-identical to the uncached run"
