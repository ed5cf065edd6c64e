#!/usr/bin/env bash
# The whole suite again, under a clock a year ahead that crosses midnight UTC a minute into the run
# (libfaketime, from Debian's faketime package, fakes the clock for node and every program the
# tests start). A test that depends on today's date, or on the day not changing while it runs,
# fails here on the day it is written instead of on some later day in everyone's CI.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "faketime is missing: apt-get install -y faketime" >&2; exit 1; }
[ -d dist/test ] || npm run build
day=$(date -u -d '+1 year' +%Y-%m-%d)
echo "far clock: the suite starts at ${day} 23:59:00 UTC"
TZ=UTC exec faketime -f "@${day} 23:59:00" node --test --test-reporter=./scripts/tap-with-failures.reporter.mjs --test-concurrency=2 --test-timeout=300000 dist/test/
