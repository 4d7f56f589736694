#!/usr/bin/env bash
# scripts/sweep on a tiny grid: one JSON (+ histogram files) per point, a merged table with one
# row per point x strategy, the crossovers table and the definition file; sim points over vCPU
# counts (when altinj-bench has `run --vcpus`) through GNU parallel; a --faults dimension (';'
# separated, repeatable; "none" is the fault-free point under its old name); --premises and
# --softint-copy passed to every point, a non-default premise or copy in the point names (the
# defaults keep the old names), the merged premise columns; bad flags are one line and exit 2.
# Usage: test_sweep.sh ALTINJ_BENCH
set -uo pipefail
bench=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
rows_of() { grep -v '^#' "$1" | tail -n +2 | grep -c .; }

sweep=$root/scripts/sweep
out=$tmp/live
# Two strategies, 2 rates x 2 BUSY fractions, 50 ms each: 4 points, 8 rows.
if "$sweep" --bin "$bench" --strategies reactive,paravisor --rates 2000,4000 --busy 0.02,0.3 \
     --duration 0.05 --out "$out" --quiet 2>"$tmp/sweep.err"; then ok; else
  bad "sweep failed: $(tail -n 3 "$tmp/sweep.err")"; fi
n=$(ls "$out"/points/*.json 2>/dev/null | wc -l)
[[ $n -eq 4 ]] && ok || bad "$n point JSON files, expected 4"
[[ -s "$out/points/live-poisson-r2000-b0.02-csnp.hist.reactive.hgrm" ]] && ok || bad "no .hgrm beside a point's hist"
[[ -s "$out/sweep.tsv" && $(rows_of "$out/sweep.tsv") -eq 8 ]] && ok || bad "sweep.tsv does not have 8 rows (4 points x 2 strategies)"
grep -q $'^mode\tworkload\trate' "$out/crossovers.tsv" && ok || bad "no crossovers.tsv"
grep -q '^command: scripts/sweep' "$out/sweep.txt" && ok || bad "sweep.txt lacks the command"

# A second sweep into the same directory replaces its points: nothing stale is merged.
"$sweep" --bin "$bench" --strategies unconditional --rates 3000 --busy 0.1 --duration 0.05 \
  --out "$out" --quiet --no-hist 2>/dev/null
[[ $(ls "$out"/points | wc -l) -eq 1 && $(rows_of "$out/sweep.tsv") -eq 1 ]] && ok ||
  bad "a re-run kept stale points: $(ls "$out"/points | tr '\n' ' ')"

# The grid as commands, without running.
lines=$("$sweep" --bin "$bench" --dry-run --workloads poisson,timer,burst:on=20+off=80,ipi \
  --rates 1000 --busy 0.1 --costs zero,snp | grep -vc '^note:')
[[ $lines -eq 8 ]] && ok || bad "--dry-run listed $lines points, expected 8 (4 workloads x 2 cost profiles)"
"$sweep" --bin "$bench" --dry-run --workloads burst:on=20+off=80 --rates 1000 --busy 0.1 |
  grep -q 'burst:rate=1000,on=20,off=80,busy=0.1' && ok || bad "--dry-run: burst parameters not passed"

# Sim points over vCPU counts, when this altinj-bench has them.
# Not `| grep -q`: grep may exit before the help is written, and pipefail would see SIGPIPE.
run_help=$("$bench" run --help)
if grep -q -- --vcpus <<<"$run_help"; then
  if "$sweep" --bin "$bench" --modes sim --vcpus 1,2 --rates 5000 --busy 0.05,0.2 \
       --duration 0.05 --no-hist --out "$tmp/sim" --quiet 2>"$tmp/sim.err"; then ok; else
    bad "sim sweep failed: $(tail -n 3 "$tmp/sim.err")"; fi
  [[ $(rows_of "$tmp/sim/sweep.tsv") -eq 16 ]] && ok || bad "sim table does not have 16 rows (4 points x 4 strategies)"
  awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next }
    $(c["mode"]) != "sim" { exit 1 } { v[$(c["vcpus"])] = 1 } END { exit !(1 in v && 2 in v) }' "$tmp/sim/sweep.tsv" &&
    ok || bad "sim table: mode is not sim or the vCPU counts are not 1 and 2"
else
  "$sweep" --bin "$bench" --modes sim --dry-run --rates 1000 --busy 0.1 | grep -q '^note: sim points skipped' &&
    ok || bad "no note that sim points are skipped"
  echo "SKIP: altinj-bench has no run --vcpus: sim sweep not run"
fi

# Hostile-hypervisor faults as a dimension: 3 specs (two in one --faults, one more repeated).
if grep -q -- --faults <<<"$run_help"; then
  if "$sweep" --bin "$bench" --modes sim --vcpus 1 --rates 20000 --busy 0.2 --duration 0.05 \
       --no-hist --out "$tmp/faults" --quiet --faults 'none;omit-flag=0.5' \
       --faults double-vmrun=0.1,delay-kick=0.1:5us 2>"$tmp/faults.err"; then ok; else
    bad "faults sweep failed: $(tail -n 3 "$tmp/faults.err")"; fi
  names=$(ls "$tmp/faults/points" | tr '\n' ' ')
  [[ "$names" == "sim-poisson-r20000-b0.2-csnp-v1-fdouble-vmrun0.1+delay-kick0.1_5us.json sim-poisson-r20000-b0.2-csnp-v1-fomit-flag0.5.json sim-poisson-r20000-b0.2-csnp-v1.json " ]] &&
    ok || bad "faults sweep point names: $names"
  [[ $(rows_of "$tmp/faults/sweep.tsv") -eq 12 ]] && ok || bad "faults table does not have 12 rows (3 points x 4 strategies)"
  specs=$(awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } { print $(c["faults"]) }' \
    "$tmp/faults/sweep.tsv" | sort -u | tr '\n' ' ')
  [[ "$specs" == "double-vmrun=0.1,delay-kick=0.1:5000ns none omit-flag=0.5 " ]] && ok || bad "faults column: $specs"
  grep -q '^faults=none;omit-flag=0.5;double-vmrun=0.1,delay-kick=0.1:5us$' "$tmp/faults/sweep.txt" &&
    ok || bad "sweep.txt does not record the fault specs"
  "$sweep" --bin "$bench" --dry-run --rates 1000 --busy 0.1 --faults none | grep -q -- '--faults' &&
    bad "--faults none passed a --faults flag" || ok
else
  echo "SKIP: altinj-bench has no run --faults: faults sweep not run"
fi

# A bad flag: one line, exit 2.
expect2() {  # what, args...
  local what=$1 msg rc
  shift
  msg=$("$sweep" --bin "$bench" "$@" 2>&1 >/dev/null)
  rc=$?
  [[ $rc -eq 2 && $(grep -c . <<<"$msg") -eq 1 ]] && ok || bad "$what: exit $rc, output: $msg"
}

# Model premises as a dimension, and the software-event copy for every point.
if grep -q -- --busy-premise <<<"$run_help"; then
  if "$sweep" --bin "$bench" --modes sim --vcpus 1 --rates 20000 --busy 0.1 --duration 0.02 \
       --no-hist --out "$tmp/prem" --quiet --premises hardware,software --softint-copy advance \
       --workloads poisson:soft=0.02 --strategies paravisor,unconditional 2>"$tmp/prem.err"; then ok; else
    bad "premises sweep failed: $(tail -n 3 "$tmp/prem.err")"; fi
  names=$(ls "$tmp/prem/points" | tr '\n' ' ')
  [[ "$names" == "sim-poisson_soft_0.02-r20000-b0.1-csnp-v1-psoftware-sadvance.json sim-poisson_soft_0.02-r20000-b0.1-csnp-v1-sadvance.json " ]] &&
    ok || bad "premises sweep point names: $names"
  got=$(awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next }
    { print $(c["point"]) " " $(c["premise"]) " " $(c["softint_copy"]) " " $(c["strategy"]) }' "$tmp/prem/sweep.tsv" | sort | tr '\n' ';')
  [[ "$got" == "sim-poisson_soft_0.02-r20000-b0.1-csnp-v1-psoftware-sadvance software advance paravisor;sim-poisson_soft_0.02-r20000-b0.1-csnp-v1-psoftware-sadvance software advance unconditional;sim-poisson_soft_0.02-r20000-b0.1-csnp-v1-sadvance hardware advance paravisor;sim-poisson_soft_0.02-r20000-b0.1-csnp-v1-sadvance hardware advance unconditional;" ]] &&
    ok || bad "premises sweep rows (point premise softint_copy strategy): $got"
  grep -q '^premises=hardware,software softint_copy=advance$' "$tmp/prem/sweep.txt" && ok || bad "sweep.txt does not record the premises"
  grep -q -- '--busy-premise hardware --softint-copy rerun' <<<"$("$sweep" --bin "$bench" --dry-run --rates 1000 --busy 0.1)" &&
    ok || bad "--dry-run: the default premises are not passed to the points"
  [[ $("$sweep" --bin "$bench" --dry-run --rates 1000 --busy 0.1 | cut -f1) == live-poisson-r1000-b0.1-csnp ]] &&
    ok || bad "the default premises changed a point's name"
  expect2 "premises: unknown premise" --premises hardware,firmware
  expect2 "premises: the same one twice" --premises software,software
  expect2 "softint-copy: unknown" --softint-copy skip
else
  echo "SKIP: altinj-bench has no run --busy-premise: premises sweep not run"
fi

# Bad flags: one line, exit 2.
expect2 "unknown flag" --frob
expect2 "missing value" --rates
expect2 "bad rate" --rates 10,abc
expect2 "busy above 1" --busy 1.5
expect2 "empty list entry" --busy 0.1,,0.2
expect2 "unknown workload" --workloads frob
expect2 "unknown mode" --modes turbo
expect2 "faults: empty entry" --faults 'none;;omit-flag=0.5'
expect2 "faults: trailing ;" --faults 'omit-flag=0.5;'
expect2 "faults: characters outside the grammar" --faults 'omit-flag=0.5 $(reboot)'
expect2 "faults: the same spec twice" --faults 'omit-flag=0.5' --faults 'omit-flag=0.5'
expect2 "bad strategy (from altinj-bench)" --strategies nope --rates 1000 --busy 0.1 --duration 0.01 --out "$tmp/bad"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
