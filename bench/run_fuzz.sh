#!/usr/bin/env bash
# Long fuzzing runs (CI runs each target for 20 s; this is the documented longer run).
#   bench/run_fuzz.sh [SECONDS_PER_TARGET=600] [TARGET...]
# Builds build-fuzz/ (clang-19, ASan+UBSan, libFuzzer) like scripts/test-hardening.sh,
# runs each target from its seed corpus (tests/fuzz/corpus/<target>) into
# build-fuzz/tests/fuzz/found-<target>, and prints executions per target.
# A crash leaves crash-* in build-fuzz/tests/fuzz/ and makes the script fail;
# add the input to the target's seed corpus once it is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}; shift || true
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" \
  -DCMAKE_CXX_COMPILER=clang++-19 -DMCP_FUZZ=ON -DMCP_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz --target fuzz_all --parallel "$(nproc)"
cd build-fuzz/tests/fuzz
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls ../../../tests/fuzz/corpus))
status=0
for t in "${targets[@]}"; do
  mkdir -p "found-$t"
  if ./"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       "found-$t" "../../../tests/fuzz/corpus/$t" >"$t.log" 2>&1; then
    echo "$t: $(grep -m1 '^stat::number_of_executed_units' "$t.log" | awk '{print $2}') executions in ${seconds} s, no crash"
  else
    echo "$t: FAILED (see build-fuzz/tests/fuzz/$t.log)"; status=1
  fi
done
exit $status
