#!/usr/bin/env bash
# ctest entry of the fault suite: runs one group with the pinned Node 22.
#   run_faults.sh http|stdio|client BUILD_DIR SOURCE_DIR
set -euo pipefail
group=$1 build=$(cd "$2" && pwd) src=$(cd "$3" && pwd)
exec "$src/tests/node/node_modules/.bin/node" "$src/tests/faults/fault_suite.mjs" "$group" "$build"
