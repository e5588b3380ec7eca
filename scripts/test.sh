#!/usr/bin/env bash
# Quick start, command 2: install, build and run the whole test suite
# (unit, integration, conformance, lint) through ctest, then the hardening
# suites: bounded fuzz runs, the bridge side under ASan+UBSan and its
# multi-threaded parts under TSan (costs: README "Reliability").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# One slot more than cores: the two long lint measurements run one parser
# thread each from the start (tests/lint/CMakeLists.txt), the extra slot the
# rest beside them (this ctest 968 -> 920 s on 2 cores, README "Quick start").
(cd build && ctest --output-on-failure --timeout 900 -j "$(( $(nproc) + 1 ))" "$@")
# fuzz first: it builds the shared half of the ASan tree the asan suite reuses.
scripts/test-hardening.sh fuzz asan tsan
