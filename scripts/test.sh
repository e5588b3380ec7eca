#!/usr/bin/env bash
# Quick start, command 2: install, build and run the whole test suite
# (unit, integration, conformance, lint) through ctest, then the hardening
# suites that fit CI's budget: bounded fuzz runs and the bridge side under
# ASan+UBSan. The TSan suite (~10 more minutes) is run by hand:
# scripts/test-hardening.sh tsan (README "Reliability").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@")
# fuzz first: it builds the shared half of the ASan tree the asan suite reuses.
scripts/test-hardening.sh fuzz asan
