#!/usr/bin/env bash
# The sweep table and every plot, from fixed result files (tests/data/report/):
#  - altinj-bench merge: one row per (point, strategy), as many cells per row as columns,
#    crossovers table present; the fault columns (faults, guest_sees, dr_prevented,
#    dr_violations): "none", the verdict's word and 0 for files from before --faults, the run's
#    own for a run with --faults, whose points stay out of the crossovers; bad inputs -> one line
#    naming the file, exit 2, no output;
#  - altinj-bench merge --micro: one row per benchmark;
#  - each plots/*.gp draws a PNG with a valid signature and IHDR of the expected size, not
#    blank, with every strategy's colour drawn where the plot has one line per strategy; and an
#    SVG that is a whole svg document; the scripts refuse bad input with status 2.
# Usage: test_report_plots.sh ALTINJ_BENCH
set -uo pipefail
bench=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
for tool in gnuplot python3 awk; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup)" >&2; exit 1; }
done

cp -r "$here/data/report/." "$tmp/"
gunzip "$tmp"/sweep/points/*.hist.gz
sweep=$tmp/sweep
focus=$sweep/points/live-poisson-r5000-b0.05-csnp.hist

# ---- merge ----
if "$bench" merge --crossovers "$sweep/crossovers.tsv" "$sweep/sweep.tsv" "$sweep"/points/*.json; then ok; else bad "merge failed"; fi
expected=$(python3 - "$sweep"/points/*.json <<'PY'
import json, sys
print(sum(len(json.load(open(f))["runs"]) for f in sys.argv[1:]))
PY
)
rows=$(grep -v '^#' "$sweep/sweep.tsv" | tail -n +2 | grep -c .)
pairs=$(awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } { print $(c["point"]) "/" $(c["strategy"]) }' "$sweep/sweep.tsv" | sort -u | grep -c .)
if [[ $rows -eq $expected && $pairs -eq $expected && $expected -eq 24 ]]; then ok; else
  bad "merged table: $rows rows, $pairs distinct point/strategy pairs, expected $expected (6 points x 4)"; fi
widths=$(grep -v '^#' "$sweep/sweep.tsv" | awk -F'\t' '{ print NF }' | sort -u | tr '\n' ' ')
[[ "$widths" =~ ^[0-9]+\ $ ]] && ok || bad "rows have different cell counts: $widths"
grep -q $'^mode\tworkload\trate\tcosts\tvcpus\tstrategy_a' "$sweep/crossovers.tsv" && ok || bad "crossovers.tsv has no column line"
for tag in machine costs assumption; do
  grep -q "^# $tag" "$sweep/sweep.tsv" && ok || bad "sweep.tsv has no '# $tag' header line"
done
cols() {  # table, column names...: prints those cells of every row, tab-separated
  local t=$1
  shift
  awk -F'\t' -v want="$*" '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; n = split(want, w, " "); next }
    { for (i = 1; i <= n; i++) printf "%s%s", (w[i] in c ? $(c[w[i]]) : "MISSING"), (i < n ? "\t" : "\n") }' "$t"
}
# The fixtures predate --faults: fault-free rows, guest_sees from the verdict.
[[ "$(cols "$sweep/sweep.tsv" faults guest_sees dr_prevented dr_violations | sort -u)" == $'none\tnothing\t0\t0' ]] &&
  ok || bad "fixture rows: faults/guest_sees/dr columns are not none/nothing/0/0"
# A run with --faults: its canonical spec and counters; its points make no crossovers.
fdir=$tmp/faultpts
mkdir -p "$fdir"
for b in 0.05 0.3; do
  "$bench" run -q --mode sim -s paravisor,reactive -w "poisson:rate=100000,busy=$b" -n 3000 \
    --faults double-vmrun=0.2 --json "$fdir/f$b.json" && ok || bad "sim run with --faults failed"
done
if "$bench" merge --crossovers "$fdir/cross.tsv" "$fdir/m.tsv" "$fdir"/*.json; then ok; else bad "merge of fault runs failed"; fi
got=$(cols "$fdir/m.tsv" faults strategy guest_sees dr_violations | awk -F'\t' '{ print $1, $2, $3, ($4 > 0) }' | sort -u | tr '\n' ';')
[[ "$got" == "double-vmrun=0.2 paravisor nothing 0;double-vmrun=0.2 reactive double-run 1;" ]] &&
  ok || bad "fault rows: got '$got'"
cols "$fdir/m.tsv" dr_prevented | awk '$1 + 0 <= 0 { exit 1 }' && ok || bad "fault rows: dr_prevented is 0"
[[ $(grep -v '^#' "$fdir/cross.tsv" | tail -n +2 | grep -c .) -eq 0 ]] && ok || bad "fault points made crossovers"
"$bench" merge "$tmp/sim.tsv" "$tmp"/sim/points/*.json && ok || bad "merge of the sim points failed"
"$bench" merge --micro "$tmp/micro.tsv" "$tmp/micro.json" && ok || bad "merge --micro failed"
mrows=$(grep -v '^#' "$tmp/micro.tsv" | tail -n +2 | grep -c .)
mexp=$(python3 - "$tmp/micro.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"]
print(len({x.get("run_name", x["name"]) for x in b if not x.get("error_occurred")}))
PY
)
[[ $mrows -eq $mexp ]] && ok || bad "micro table: $mrows rows, expected $mexp"
awk -F'\t' '$2 == "Latency/busy_path/reactive" && $5 != "NaN" { f = 1 } END { exit !f }' "$tmp/micro.tsv" &&
  ok || bad "micro table: Latency/busy_path/reactive has no limit (its family's /limit/ benchmark)"

# Bad inputs: exit 2, one line naming the file, and no output file left behind.
printf '{"tool": "altinj-bench", "runs": [' >"$tmp/trunc.json"
python3 - "$sweep/points/live-poisson-r5000-b0.01-csnp.json" "$tmp/nolat.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["runs"][1]["latency_ns"]
json.dump(d, open(sys.argv[2], "w"))
PY
merge_err() {  # description, needle, args...
  local what=$1 needle=$2 out rc lines
  shift 2
  rm -f "$tmp/err.tsv"
  out=$("$bench" merge "$@" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [[ $rc -eq 2 && $lines -eq 1 && "$out" == *"$needle"* && ! -e "$tmp/err.tsv" ]]; then ok; else
    bad "merge $what: exit $rc, output: $out"; fi
}
merge_err "missing file" "$tmp/none.json" "$tmp/err.tsv" "$sweep/points/live-poisson-r5000-b0.01-csnp.json" "$tmp/none.json"
merge_err "truncated JSON" "trunc.json" "$tmp/err.tsv" "$tmp/trunc.json"
merge_err "missing field" "nolat.json: runs[1].latency_ns" "$tmp/err.tsv" "$tmp/nolat.json"
merge_err "micro: not gbench" "benchmarks" --micro "$tmp/err.tsv" "$sweep/points/live-poisson-r5000-b0.01-csnp.json"
merge_err "no inputs" "missing" "$tmp/err.tsv"
merge_err "unknown option" "unknown option" --frob "$tmp/err.tsv" "$tmp/micro.json"

# ---- plots ----
all_colors=D55E00,0072B2,009E73,CC79A7
plot() {  # script, expected WxH, colours to find ("" none), gnuplot assignments
  local script=$1 size=$2 colors=$3 vars=$4 name fmt out
  name=$(basename "$script" .gp)
  for fmt in png svg; do
    out=$tmp/$name.$fmt
    if ! gnuplot -e "$vars; out='$out'" "$root/plots/$script" 2>"$tmp/gp.err"; then
      bad "$script ($fmt): gnuplot failed: $(head -n3 "$tmp/gp.err")"
      return
    fi
  done
  if python3 "$here/png_check.py" "$tmp/$name.png" --size "$size" ${colors:+--colors "$colors"} >"$tmp/png.out"; then ok; else
    bad "$script: $(cat "$tmp/png.out")"; fi
  if head -c 200 "$tmp/$name.svg" | grep -q '<svg' && tail -c 50 "$tmp/$name.svg" | grep -q '</svg>'; then ok; else
    bad "$script: $tmp/$name.svg is not a whole SVG document"; fi
}
small="W=640; H=420"
plot latency_percentiles.gp 1000x650 "$all_colors" "in='$focus'; meta='$sweep/sweep.tsv'"
plot latency_cdf.gp 640x420 "$all_colors" "$small; in='$focus'; meta='$sweep/sweep.tsv'"
plot latency_hist.gp 640x420 "$all_colors" "$small; in='$focus'; meta='$sweep/sweep.tsv'"
plot latency_vs_rate.gp 700x400 "$all_colors" "W=700; H=400; in='$sweep/sweep.tsv'"
plot overhead_vs_busy.gp 640x420 "$all_colors" "$small; in='$sweep/sweep.tsv'"
plot world_switches.gp 640x420 "$all_colors" "$small; in='$sweep/sweep.tsv'"
plot micro_bars.gp 800x450 "$all_colors" "W=800; H=450; in='$tmp/micro.tsv'"
plot p99_vs_vcpus.gp 640x420 "$all_colors" "$small; in='$tmp/sim.tsv'"
# By hand, without a merged table: the strategies come from the .hgrm files beside the hist.
mv "$tmp/latency_hist.png" "$tmp/latency_hist_meta.png"
plot latency_hist.gp 640x420 "$all_colors" "$small; in='$focus'; logx=1"

# Refusals: a missing input is exit 2; the vCPU plot without sim rows is exit 3 (nothing to draw).
gnuplot -e "out='$tmp/x.png'" "$root/plots/latency_vs_rate.gp" 2>/dev/null
[[ $? -eq 2 ]] && ok || bad "latency_vs_rate.gp without in= did not exit 2"
gnuplot -e "in='$sweep/sweep.tsv'; out='$tmp/x.png'" "$root/plots/p99_vs_vcpus.gp" 2>/dev/null
[[ $? -eq 3 ]] && ok || bad "p99_vs_vcpus.gp on a table without sim rows did not exit 3"
gnuplot -e "in='$tmp/none.hist'; out='$tmp/x.png'" "$root/plots/latency_percentiles.gp" 2>/dev/null
[[ $? -eq 2 ]] && ok || bad "latency_percentiles.gp on a missing hist did not exit 2"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
