#!/usr/bin/env bash
# Quick start, command 2: install, build and run the whole test suite
# (unit, integration, conformance, lint) through ctest, then the hardening
# suites: bounded fuzz runs, the bridge side under ASan+UBSan and its
# multi-threaded parts under TSan (costs: README "Reliability").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@")
# fuzz first: it builds the shared half of the ASan tree the asan suite reuses.
scripts/test-hardening.sh fuzz asan tsan
