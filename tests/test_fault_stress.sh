#!/usr/bin/env bash
# The CI-sized stress run: every fault at once, every strategy (scripts/stress is the long one).
# 4,000,000 events in a Release build (about 2 s); sanitizer builds (ALTINJ_TEST_EVENTS set by
# scripts/test) run twice ALTINJ_TEST_EVENTS. Usage: test_fault_stress.sh ALTINJ_BENCH
set -euo pipefail
tool="$(dirname "$1")/altinj-faults-table"
events=4000000
if [[ -n "${ALTINJ_TEST_EVENTS:-}" ]]; then
  events=$((ALTINJ_TEST_EVENTS * 2))
fi
"$tool" --stress --events "$events"
# The verdict line must be there (a design that loses events fails: tests/test_faults.c).
"$tool" --stress --events 4000 | grep -q '^stress: passed$'
