#!/usr/bin/env bash
# The long lint measurements: precision and recall of mcp-lint on every
# labelled corpus (tests/lint/labels/*.tsv), including fastmcpp and gopher-mcp
# (CI runs them too, in the whole suite; this runs only them, verbosely).
# Configures BUILD_DIR with -DMCP_LINT_LONG_CORPUS=ON (a tree configured with
# it OFF gets them back), builds mcp-lint and runs the lint_corpus_* tests.
#   bench/run_lint_corpus.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake -S . -B "$build" -G Ninja -DMCP_LINT_LONG_CORPUS=ON >/dev/null
cmake --build "$build" --target mcp-lint
cd "$build"
ctest -R '^lint_corpus_' -V --timeout 18000
