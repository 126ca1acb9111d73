#!/usr/bin/env bash
# The whole test suite: unit tests (C, no EAL), spp-ctl tests against fake
# processes, and system tests with real processes and packets. Sets up what
# it needs first (packages, hugepages, build). Extra arguments go to pytest,
# e.g. tools/test.sh tests/system -k ping
# Ends with the line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

bash tools/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

results=build/test-results.xml
rm -f "$results"
/usr/bin/python3 -m pytest -p no:cacheprovider -q --junitxml="$results" \
	"${@:-tests}"
rc=$?
/usr/bin/python3 tools/summary.py "$results"
sum=$?
[ $rc -eq 0 ] && [ $sum -eq 0 ] || exit 1
