#!/usr/bin/env bash
# The sim options of `altinj-bench run` (--mode, --vcpus, --route, --explore): every bad input
# gets a one-line error naming the problem and exit status 2; good input runs and writes sim
# JSON. Usage: test_sim_cli.sh ALTINJ_BENCH
set -u
bench=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

expect2() {  # description, expected text in the error, args...
  local what=$1 needle=$2
  shift 2
  local out rc lines
  out=$("$bench" "$@" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [[ $rc -eq 2 && "$out" == *"$needle"* && $lines -eq 1 ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $what: exit $rc, stderr: $out" >&2
  fi
}

expect0() {  # description, args...
  local what=$1
  shift
  if "$bench" "$@" >/dev/null 2>"$tmp/err"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $what: exit $?, stderr: $(cat "$tmp/err")" >&2
  fi
}

expect2 "vcpus without sim" "--vcpus 2 needs --mode sim" run --vcpus 2
expect2 "vcpus without sim, explicit live" "needs --mode sim" run --mode live --vcpus 64
expect2 "unknown mode" "--mode: 'simulate'" run --mode simulate
expect2 "zero vcpus" "--vcpus" run --mode sim --vcpus 0
expect2 "too many vcpus" "--vcpus" run --mode sim --vcpus 5000
expect2 "vcpus garbage" "--vcpus" run --mode sim --vcpus 8x
expect2 "route in live mode" "--route needs --mode sim" run --route all
expect2 "explore in live mode" "--explore needs --mode sim" run --explore off
expect2 "bad explore" "--explore: 'maybe'" run --mode sim --explore maybe
expect2 "route past the vcpus" "--route: '4'" run --mode sim --vcpus 4 --route 4
expect2 "bad route" "--route: 'some'" run --mode sim --route some
expect2 "ipi senders need vcpus" "senders=4 needs at least 5" run --mode sim --vcpus 4 -w ipi:senders=4,rate=1000
expect2 "live events cap" "in live mode" run --events 60000000
expect2 "sim events cap" "--events" run --mode sim --events 3000000000
expect2 "no event in the duration" "no event" run --mode sim -w poisson:rate=1 -d 0.0001
expect2 "sim json unwritable" "cannot write" run --mode sim --events 10 --json /nonexistent/x.json

expect0 "sim run" run --mode sim --vcpus 8 --route rr -w ipi:senders=4,rate=100000 -d 0.01 -q --json "$tmp/s.json" --hist "$tmp/s.hist"
if grep -q '"mode": "sim"' "$tmp/s.json" && grep -q '"clock_hz": 1000000000' "$tmp/s.json" &&
   [[ -s "$tmp/s.hist.reactive.hgrm" ]]; then
  pass=$((pass + 1))
else
  fail=$((fail + 1))
  echo "FAIL: sim JSON/hist content" >&2
fi
expect0 "one vcpu is fine live" run --vcpus 1 -n 200 -c zero -s reactive -q
expect0 "explore off, route by number" run --mode sim --vcpus 3 --route 2 --explore off -n 500 -q

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
