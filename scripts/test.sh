#!/usr/bin/env bash
# Quick start, command 2: install, build and run the whole test suite
# (unit, integration, conformance, lint) through ctest, then the bounded fuzz
# runs (scripts/test-hardening.sh fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure --timeout 900 -j "$(nproc)" "$@")
# Bounded fuzzing of every parser of untrusted bytes (README "Reliability").
scripts/test-hardening.sh fuzz
