#!/usr/bin/env bash
# Every bad command-line input to altinj-bench gets a one-line error naming the problem and
# exit status 2, and leaves no output file behind. Usage: test_cli_bad_input.sh ALTINJ_BENCH
set -u
bench=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

expect2() {  # description, expected text in the error, args...
  local what=$1 needle=$2
  shift 2
  local out rc
  out=$("$bench" "$@" 2>&1 >/dev/null)
  rc=$?
  local lines
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [[ $rc -eq 2 && "$out" == *"$needle"* && $lines -eq 1 ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $what: exit $rc, stderr: $out" >&2
  fi
}

printf 'cpu0 garbage line\n' >"$tmp/bad.trace"
printf 'vmrun_ns=abc\n' >"$tmp/bad.costs"
expect2 "no command" "usage"
expect2 "unknown command" "unknown command" frobnicate
expect2 "unknown option" "unknown option" run --frob
expect2 "missing value" "needs a value" run --workload
expect2 "unknown strategy" "unknown strategy 'nope'" run --strategy nope
expect2 "strategy twice" "named twice" run --strategy reactive,reactive
expect2 "trailing comma" "trailing comma" run --strategy reactive,
expect2 "unknown workload kind" "workload" run --workload frob:rate=1
expect2 "malformed workload" "rate" run --workload poisson:rate=abc
expect2 "zero rate" "rate" run --workload poisson:rate=0
expect2 "rate above the clock" "rate" run --workload poisson:rate=1e12
expect2 "negative duration" "--duration" run --duration -1
expect2 "zero duration" "--duration" run --duration 0
expect2 "duration and events" "exclude" run --duration 1 --events 10
expect2 "zero events" "--events" run --events 0
expect2 "events garbage" "--events" run --events 12x
expect2 "missing trace" "trace" run --workload "trace:file=$tmp/none.txt"
expect2 "malformed trace" "bad.trace" run --workload "trace:file=$tmp/bad.trace"
expect2 "unknown cost profile file" "none.costs" run --costs "$tmp/none.costs"
expect2 "malformed cost file" "bad.costs" run --costs "$tmp/bad.costs"
expect2 "unwritable json" "cannot write" run --events 10 --json /nonexistent/dir/x.json
expect2 "json is a directory" "directory" run --events 10 --json "$tmp"
expect2 "unwritable hist" "cannot write" run --events 10 --hist /nonexistent/dir/h.txt
expect2 "extra argument" "unexpected argument" run extra
expect2 "bad seed" "--seed" run --seed -5
# --faults: the fault grammar's one line names the spec and the bad item (core/altinj_faults.h).
expect2 "faults: rate above 1" "'omit-flag=2': rate must be in [0, 1]" run --faults garbage=0.1,omit-flag=2
expect2 "faults: unknown fault" "unknown fault 'frob'" run --faults frob=0.1
expect2 "faults: empty" "empty spec" run --faults ''
expect2 "faults: duration without unit" "duration needs a unit" run --faults delay-kick=0.1:20
expect2 "faults: trailing comma" "trailing comma" run --faults omit-flag=0.5,
expect2 "faults: bad seed" "seed 'x'" run --faults seed=x
expect2 "faults: missing value" "needs a value" run --faults
expect2 "faults in sim too" "rate must be in [0, 1]" run --mode sim --faults all=1.5
# Garbage files: binary bytes, a directory, an empty file (every file input refuses them).
printf '\x7fELF\x02\x01\x01\x1b[31m\xff\xfe garbage\n' >"$tmp/binary"
mkdir "$tmp/adir"
: >"$tmp/empty"
expect2 "binary trace" "not perf script text" run --workload "trace:file=$tmp/binary"
expect2 "directory trace" "adir" run --workload "trace:file=$tmp/adir"
expect2 "empty trace" "no usable interrupt entry events" run --workload "trace:file=$tmp/empty"
expect2 "binary cost file" "not a cost profile text file" run --costs "$tmp/binary"
expect2 "directory cost file" "adir" run --costs "$tmp/adir"
expect2 "empty cost file" "missing key" run --costs "$tmp/empty"
if ls "$tmp"/*.tmp.* >/dev/null 2>&1; then
  fail=$((fail + 1))
  echo "FAIL: a temporary output file was left behind" >&2
fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
