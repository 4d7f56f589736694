#!/usr/bin/env bash
# altinj-bench merge --micro over several processes, from hand-written results
# (tests/data/micro/, whose README gives each benchmark's expected row):
#  - medians over processes of time, limit and vs_limit, and the spread (max - min) / median;
#  - each benchmark's own figure and limit pair (median_ns with limit_ns, p50_ns with
#    limit_p50_ns, never a decoy limit_ns beside a p50), a process's median aggregate over its
#    iteration entries;
#  - the flags: broken-limit under 0.95, spread>5%, below-resolution (a stamped p50 under the
#    benchmark's valid_from_ns, or left out by the benchmark) and below-resolution:K/N;
#  - three single-process files and one combined file (altinj_process tags) give the same rows;
#  - error entries are skipped and listed; a bad altinj_process tag is a one-line error, exit 2;
#  - the merged table draws with plots/micro_bars.gp;
#  - when altinj-micro is built beside altinj-bench: scripts/micro-runs runs 2 processes and its
#    combined file merges with processes = 2, and altinj-micro's context has the clock step.
# Usage: test_micro_merge.sh ALTINJ_BENCH
set -uo pipefail
bench=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
data=$here/data/micro
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# cell TABLE LABEL COLUMN: one cell, by the row's label and the column's name.
cell() {
  awk -F'\t' -v r="$2" -v k="$3" '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next }
    $(c["label"]) == r { print (k in c) ? $(c[k]) : "NO-COLUMN"; exit }' "$1"
}
expect() {  # table, label, column, expected value (compared as numbers when both are)
  local got
  got=$(cell "$1" "$2" "$3")
  if awk -v a="$got" -v b="$4" 'BEGIN { if (a == b) exit 0; if (a + 0 == a && b + 0 == b && (a - b < 1e-6 && b - a < 1e-6)) exit 0; exit 1 }'; then ok; else
    bad "$(basename "$1"): $2 $3 = '$got', expected '$4'"; fi
}

if "$bench" merge --micro "$tmp/three.tsv" "$data"/proc-1.json "$data"/proc-2.json "$data"/proc-3.json 2>"$tmp/err"; then ok; else
  bad "merge of three process files failed: $(cat "$tmp/err")"; fi
if "$bench" merge --micro "$tmp/comb.tsv" "$data/combined.json" 2>"$tmp/err"; then ok; else
  bad "merge of the combined file failed: $(cat "$tmp/err")"; fi

for t in "$tmp/three.tsv" "$tmp/comb.tsv"; do
  grep -q '^# 3 process(es)$' "$t" && ok || bad "$(basename "$t"): no '# 3 process(es)' line"
  grep -q '^# clock: step 10 ns' "$t" && ok || bad "$(basename "$t"): no clock line with the step"
  # A/row: medians 1.0 (0.9, 1.0, 1.1), range 20 %; limit 0.5; vs_limit 2.0, its range 20 %.
  expect "$t" A/row time_ns 1
  expect "$t" A/row time_spread_pct 20
  expect "$t" A/row time_min_ns 0.9
  expect "$t" A/row time_max_ns 1.1
  expect "$t" A/row limit_ns 0.5
  expect "$t" A/row limit_spread_pct 0
  expect "$t" A/row vs_limit 2
  expect "$t" A/row vs_limit_spread_pct 20
  expect "$t" A/row processes 3
  expect "$t" A/row time_from median_ns
  expect "$t" A/row flags 'spread>5%'
  # B/row: vs_limit 0.91 < 0.95: a broken limit, and nothing else (spreads about 2 %).
  expect "$t" B/row vs_limit 0.91
  expect "$t" B/row flags broken-limit
  # C/p50: the p50 pair; the decoy limit_ns 999 is not its limit.
  expect "$t" C/p50 time_ns 200
  expect "$t" C/p50 limit_ns 110
  expect "$t" C/p50 time_from p50_ns
  expect "$t" C/p50 flags ''
  # Lat/x: under valid_from_ns in two processes, left out by the third: no number at all.
  expect "$t" Lat/x time_ns NaN
  expect "$t" Lat/x samples 0
  expect "$t" Lat/x processes 3
  expect "$t" Lat/x flags below-resolution
  # Lat/y: valid in two of three processes: their median, flagged 1/3.
  expect "$t" Lat/y time_ns 151
  expect "$t" Lat/y samples 2
  expect "$t" Lat/y flags below-resolution:1/3
  # D/reps: process 1's median aggregate (5), not the mean of its repetitions' entries.
  expect "$t" D/reps time_ns 5
  expect "$t" D/reps time_spread_pct 0
  # E/error: no row, one skipped line per process.
  [[ -z $(cell "$t" E/error time_ns) ]] && ok || bad "$(basename "$t"): E/error has a row"
  [[ $(grep -c '^# skipped (error): E/error' "$t") -eq 3 ]] && ok || bad "$(basename "$t"): E/error not listed as skipped 3 times"
  widths=$(grep -v '^#' "$t" | awk -F'\t' '{ print NF }' | sort -u | tr '\n' ' ')
  [[ "$widths" =~ ^[0-9]+\ $ ]] && ok || bad "$(basename "$t"): rows have different cell counts: $widths"
done
diff <(grep -v '^#' "$tmp/three.tsv") <(grep -v '^#' "$tmp/comb.tsv") >/dev/null && ok ||
  bad "three process files and the combined file give different rows"

# One process: no spread (NaN), still a row.
"$bench" merge --micro "$tmp/one.tsv" "$data/proc-2.json" && ok || bad "merge of one process failed"
expect "$tmp/one.tsv" A/row time_ns 1.1
expect "$tmp/one.tsv" A/row time_spread_pct NaN
expect "$tmp/one.tsv" A/row processes 1

# A bad process tag: one line naming the file, exit 2, no output file.
python3 - "$data/combined.json" "$tmp/badtag.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["benchmarks"][0]["altinj_process"] = "one"
json.dump(d, open(sys.argv[2], "w"))
PY
out=$("$bench" merge --micro "$tmp/bad.tsv" "$tmp/badtag.json" 2>&1 >/dev/null)
rc=$?
if [[ $rc -eq 2 && $(grep -c . <<<"$out") -eq 1 && "$out" == *"badtag.json"*"altinj_process"* && ! -e "$tmp/bad.tsv" ]]; then ok; else
  bad "bad altinj_process: exit $rc, output: $out"; fi

# The plot draws the merged table (rows below resolution have no bar, and must not break it).
if command -v gnuplot >/dev/null; then
  if gnuplot -e "in='$tmp/three.tsv'; out='$tmp/m.png'; W=640; H=420" "$root/plots/micro_bars.gp" 2>"$tmp/gp.err" &&
     python3 "$here/png_check.py" "$tmp/m.png" --size 640x420 >/dev/null; then ok; else
    bad "micro_bars.gp on the merged table: $(head -n 3 "$tmp/gp.err")"; fi
fi

# scripts/micro-runs with the real altinj-micro, when it is built (Debian's libbenchmark is not
# in every build: sanitizer builds leave it out).
micro=$(dirname "$bench")/altinj-micro
if [[ -x "$micro" ]]; then
  if "$root/scripts/micro-runs" --micro "$micro" --processes 2 --out "$tmp/runs.json" --keep "$tmp/runs" -- \
       --benchmark_filter='^PreEntry/(empty_loop|hvdb-flag/row)/manual_time$' --benchmark_min_time=0.001 2>"$tmp/runs.err"; then ok; else
    bad "scripts/micro-runs failed: $(tail -n 3 "$tmp/runs.err")"; fi
  [[ -s "$tmp/runs/proc-1.json" && -s "$tmp/runs/proc-2.json" ]] && ok || bad "micro-runs --keep kept no process files"
  python3 - "$tmp/runs.json" <<'PY' && ok || bad "micro-runs: the combined file lacks its tags or the clock step"
import json, sys
d = json.load(open(sys.argv[1]))
ctx = d["context"]
assert ctx["altinj_processes"] == "2"
assert float(ctx["altinj_clock_step_ns"]) > 0 and float(ctx["altinj_clock_step_min_ns"]) > 0
assert float(ctx["altinj_clock_step_ns"]) >= float(ctx["altinj_clock_step_min_ns"])
assert {b["altinj_process"] for b in d["benchmarks"]} == {1, 2}
PY
  if "$bench" merge --micro "$tmp/runs.tsv" "$tmp/runs.json"; then ok; else bad "merge of micro-runs output failed"; fi
  expect "$tmp/runs.tsv" PreEntry/hvdb-flag/row processes 2
  v=$(cell "$tmp/runs.tsv" PreEntry/hvdb-flag/row vs_limit)
  awk -v v="$v" 'BEGIN { exit !(v + 0 > 0) }' && ok || bad "micro-runs: PreEntry/hvdb-flag/row has no vs_limit ($v)"
else
  echo "test_micro_merge: $micro is not built: scripts/micro-runs not exercised" >&2
fi

echo "test_micro_merge: $pass passed, $fail failed"
((fail == 0))
