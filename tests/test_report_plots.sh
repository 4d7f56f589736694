#!/usr/bin/env bash
# The sweep table and every plot, from fixed result files (tests/data/report/):
#  - altinj-bench merge: one row per (point, strategy), as many cells per row as columns,
#    crossovers table present; the fault columns (faults, guest_sees, dr_prevented,
#    dr_violations): "none", the verdict's word and 0 for files from before --faults, the run's
#    own for a run with --faults, whose points stay out of the crossovers; a second CPU's VMRUN
#    stopped by EFER.SVME (dr_prevented_svme) on COCONUT's rows and by BUSY on paravisor's, no
#    double run under the hardware premise; bad inputs -> one line naming the file, exit 2, no
#    output;
#  - the columns added with the policy rows and premises (premise, softint_copy, hv_policy,
#    svsm_policy, world_switches_per_1k, eoi_exits_per_1k, coalesced, dr_prevented_svme) come
#    after the older ones, whose positions stay; the defaults and an empty policy for files
#    written before them (the fixtures), the run's own values for new files, a missing one in a
#    new file named; a "# source STRATEGY: TEXT" line per row; crossovers kept apart by premise;
#  - altinj-bench merge --micro: one row per benchmark;
#  - each plots/*.gp draws a PNG with a valid signature and IHDR of the expected size, not
#    blank, with every strategy's colour drawn where the plot has one line per strategy; and an
#    SVG that is a whole svg document; the scripts refuse bad input with status 2;
#  - scripts/plot-data on a small repeated sim sweep: marks (one row per point x strategy x
#    metric, one best per point and metric, the table's medians and intervals, differs_from_best
#    exactly where comparisons.tsv has a significant test of the pair), reps (every kept
#    percentile, lowest <= middle <= highest) and verdict (the five pairs x two metrics, the
#    tests' effects turned to a - b); the line plots draw from them (bars, hollow and filled
#    markers), verdict.gp renders a valid PNG and exits 3 where nothing was tested, and the
#    percentile and CDF plots draw the repetitions' band and a live point's noise floor.
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
grep -q $'^mode\tworkload\trate\tcosts\tvcpus\tstrategy_a\tstrategy_b\tbusy\toverhead_ns\tcheaper_below\tcheaper_above\tpremise\tsoftint_copy$' "$sweep/crossovers.tsv" && ok || bad "crossovers.tsv has no column line (or not the expected columns)"
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
# The column line: the older columns where they were, the new ones after them, in order.
hdr=$(grep -v '^#' "$sweep/sweep.tsv" | head -n1)
old_cols="point mode workload rate busy exc costs vcpus seed faults strategy events delivered lost duplicated exactly_once guest_sees dr_prevented dr_violations lat_min_us lat_p50_us lat_p90_us lat_p99_us lat_p999_us lat_p9999_us lat_max_us lat_mean_us redeliv_p50_us redeliv_p99_us redeliv_max_us exits_per_1k vmruns_per_1k failed_vmruns_per_1k svsm_entries_per_1k doorbell_writes_per_1k busy_events_per_1k hv_ns_per_exit svsm_ns_per_entry overhead_ns_per_irq elapsed_s cpus host workload_spec"
new_cols="premise softint_copy hv_policy svsm_policy world_switches_per_1k eoi_exits_per_1k coalesced dr_prevented_svme"
rep_cols="repeat reps_kept lat_p50_us_med lat_p50_us_lo lat_p50_us_hi lat_p99_us_med lat_p99_us_lo lat_p99_us_hi lat_p999_us_med lat_p999_us_lo lat_p999_us_hi overhead_ns_per_irq_med overhead_ns_per_irq_lo overhead_ns_per_irq_hi world_switches_per_1k_med world_switches_per_1k_lo world_switches_per_1k_hi noise_gaps_over_100us_per_s noise_worst_gap_us noise_lost_cpu_pct vcpu_cpu_share vcpu_nivcsw"
[[ "$(tr '\t' ' ' <<<"$hdr")" == "$old_cols $new_cols $rep_cols" ]] && ok || bad "sweep.tsv column line: $hdr"
# Files from before repetitions: one repetition, the run's own figure as its median, no interval.
[[ "$(cols "$sweep/sweep.tsv" repeat reps_kept overhead_ns_per_irq_lo overhead_ns_per_irq_hi | sort -u)" == $'1\t1\tNaN\tNaN' ]] &&
  ok || bad "fixture rows: repetition columns are not 1/1/NaN/NaN"
cols "$sweep/sweep.tsv" overhead_ns_per_irq overhead_ns_per_irq_med | awk -F'\t' '$1 != $2 { exit 1 }' &&
  ok || bad "fixture rows: overhead_ns_per_irq_med is not the run's own overhead"
# The help text once, then grep a here-string: `merge --help | grep -q` under pipefail fails
# at random when grep exits before merge has written the rest (SIGPIPE).
merge_help=$("$bench" merge --help)
for c in $new_cols $rep_cols; do
  grep -q "^  $c " <<<"$merge_help" && ok || bad "merge --help does not describe column $c"
done
# Files from before the premises (the fixtures): the defaults, no policies, world switches from
# their own counts (exits + VMRUN attempts + 2 per VMPL0 run), no strategy source lines.
[[ "$(cols "$sweep/sweep.tsv" premise softint_copy hv_policy svsm_policy eoi_exits_per_1k coalesced dr_prevented_svme | sort -u)" == $'hardware\trerun\t\t\tNaN\tNaN\t0' ]] &&
  ok || bad "fixture rows: new columns are not hardware/rerun/empty/empty/NaN/NaN/0"
cols "$sweep/sweep.tsv" world_switches_per_1k exits_per_1k vmruns_per_1k svsm_entries_per_1k |
  awk -F'\t' '{ d = $1 - ($2 + $3 + 2 * $4); if (d > 1e-6 || d < -1e-6) exit 1 }' && ok ||
  bad "fixture rows: world_switches_per_1k is not exits + vmruns + 2 x svsm_entries"
! grep -qE '^# source [^ :]+: ' "$sweep/sweep.tsv" && ok || bad "fixture table has a strategy source line (its files have none)"
# A run with --faults: its canonical spec and counters; its points make no crossovers. Under
# the hardware premise no row lets the second CPU run the VMSA: COCONUT's rows (reactive) are
# stopped by EFER.SVME too, paravisor's only by BUSY.
fdir=$tmp/faultpts
mkdir -p "$fdir"
for b in 0.05 0.3; do
  "$bench" run -q --mode sim -s paravisor,reactive -w "poisson:rate=100000,busy=$b" -n 3000 \
    --faults double-vmrun=0.2 --json "$fdir/f$b.json" && ok || bad "sim run with --faults failed"
done
if "$bench" merge --crossovers "$fdir/cross.tsv" "$fdir/m.tsv" "$fdir"/*.json; then ok; else bad "merge of fault runs failed"; fi
got=$(cols "$fdir/m.tsv" faults strategy guest_sees dr_violations | awk -F'\t' '{ print $1, $2, $3, ($4 > 0) }' | sort -u | tr '\n' ';')
[[ "$got" == "double-vmrun=0.2 paravisor nothing 0;double-vmrun=0.2 reactive nothing 0;" ]] &&
  ok || bad "fault rows: got '$got'"
cols "$fdir/m.tsv" dr_prevented | awk '$1 + 0 <= 0 { exit 1 }' && ok || bad "fault rows: dr_prevented is 0"
got=$(cols "$fdir/m.tsv" strategy dr_prevented dr_prevented_svme | awk -F'\t' '{ print $1, ($3 > 0), ($3 <= $2) }' | sort -u | tr '\n' ';')
[[ "$got" == "paravisor 0 1;reactive 1 1;" ]] && ok || bad "fault rows: dr_prevented_svme by strategy: '$got'"
[[ $(grep -v '^#' "$fdir/cross.tsv" | tail -n +2 | grep -c .) -eq 0 ]] && ok || bad "fault points made crossovers"
# New files: the premises and policies from the JSON, its own world switches, a source line per
# row; crossovers never mix premises (each premise's group carries its name).
pdir=$tmp/prempts
mkdir -p "$pdir"
for p in hardware software; do
  for b in 0.01 0.2; do
    "$bench" run -q --mode sim -s reactive,unconditional,paravisor -w "poisson:rate=50000,busy=$b,soft=0.02" -n 3000 \
      --busy-premise $p --softint-copy advance --json "$pdir/$p-$b.json" >/dev/null 2>&1
    [[ -s "$pdir/$p-$b.json" ]] && ok || bad "sim run --busy-premise $p wrote no JSON"
  done
done
if "$bench" merge --crossovers "$pdir/cross.tsv" "$pdir/m.tsv" "$pdir"/*.json; then ok; else bad "merge of premise runs failed"; fi
got=$(cols "$pdir/m.tsv" point premise softint_copy strategy hv_policy svsm_policy | awk -F'\t' '{ sub(/-[0-9.]*$/, "", $1); print }' | sort -u | tr '\t\n' ' ;')
[[ "$got" == "hardware hardware advance paravisor every-exit openhcl;hardware hardware advance reactive never coconut;hardware hardware advance unconditional exitintinfo coconut;software software advance paravisor every-exit openhcl;software software advance reactive never coconut;software software advance unconditional exitintinfo coconut;" ]] &&
  ok || bad "premise rows: point/premise/softint/strategy/policies: '$got'"
python3 - "$pdir/hardware-0.2.json" "$pdir/m.tsv" <<'PY' && ok || bad "premise rows: world_switches_per_1k, eoi_exits_per_1k, coalesced or dr_prevented_svme differ from the JSON"
import json, sys
d = json.load(open(sys.argv[1]))
lines = [l.rstrip("\n").split("\t") for l in open(sys.argv[2]) if not l.startswith("#")]
c = {n: i for i, n in enumerate(lines[0])}
rows = {r[c["strategy"]]: r for r in lines[1:] if r[c["point"]] == "hardware-0.2"}
ok = len(rows) == 3
for run in d["runs"]:
    r = rows[run["strategy"]]
    ok &= abs(float(r[c["world_switches_per_1k"]]) - run["per_1000"]["world_switches"]) < 1e-6
    ok &= abs(float(r[c["eoi_exits_per_1k"]]) - run["per_1000"]["eoi_exits"]) < 1e-6
    ok &= float(r[c["coalesced"]]) == run["counts"]["coalesced"]
    ok &= float(r[c["dr_prevented_svme"]]) == run["faults"]["double_vmrun"]["prevented_by_svme"]
sys.exit(0 if ok else 1)
PY
for s in reactive unconditional paravisor; do
  grep -qE "^# source $s: .*[0-9a-f]{8}" "$pdir/m.tsv" && ok || bad "premise table: no '# source $s:' line with a commit"
done
[[ $(grep -cE '^# source [^ :]+: ' "$pdir/m.tsv") -eq 3 ]] && ok || bad "premise table: not one source line per row"
# Crossovers never mix premises: with overheads set so that reactive and unconditional cross
# under the hardware premise (100 -> 200 against 150 -> 150 ns) and not under the software one
# (reactive 1000 -> 1000), the crossing is at busy 0.105, named hardware, and only there (mixed
# into one group, the averages would not cross at all).
mkdir -p "$pdir/x"
python3 - "$pdir" <<'PY'
import json, sys
d = sys.argv[1]
ov = {("hardware", "0.01"): {"reactive": 100, "unconditional": 150}, ("hardware", "0.2"): {"reactive": 200, "unconditional": 150},
      ("software", "0.01"): {"reactive": 1000, "unconditional": 150}, ("software", "0.2"): {"reactive": 1000, "unconditional": 150}}
for (p, b), v in ov.items():
    j = json.load(open(f"{d}/{p}-{b}.json"))
    j["runs"] = [r for r in j["runs"] if r["strategy"] in v]
    for r in j["runs"]:
        r["overhead_ns"]["total_per_interrupt"] = v[r["strategy"]]
    json.dump(j, open(f"{d}/x/{p}-{b}.json", "w"))
PY
"$bench" merge --crossovers "$pdir/x/cross.tsv" "$pdir/x/m.tsv" "$pdir"/x/*.json && ok || bad "merge of the crossing points failed"
got=$(cols "$pdir/x/cross.tsv" strategy_a strategy_b busy cheaper_below premise softint_copy | tr '\t\n' ' ;')
[[ "$got" == "reactive unconditional 0.105 reactive hardware advance;" ]] && ok || bad "crossovers by premise: '$got'"
"$bench" merge "$tmp/sim.tsv" "$tmp"/sim/points/*.json && ok || bad "merge of the sim points failed"
# Repetitions (run --repeat): every pair's test per metric goes to --comparisons, the medians
# and intervals to the table; a crossover needs a significant order on both sides. Two points
# whose overhead medians cross (reactive cheaper at busy 0.01, dearer at 0.2) make one
# crossover while the tests say significant, and none once the 0.01 point's test says no.
rdir=$tmp/reps
mkdir -p "$rdir"
for b in 0.01 0.2; do
  "$bench" run -q --mode sim -s reactive,paravisor -w "poisson:rate=100000,busy=$b" -n 3000 \
    --repeat 5 --json "$rdir/r-$b.json" || bad "run --repeat 5 at busy $b failed"
done
"$bench" merge --comparisons "$rdir/cmp.tsv" "$rdir/m.tsv" "$rdir"/r-*.json && ok || bad "merge --comparisons failed"
[[ $(grep -v '^#' "$rdir/cmp.tsv" | tail -n +2 | grep -c .) -eq 10 ]] && ok ||
  bad "comparisons.tsv: not 1 pair x 5 metrics x 2 points rows"
grep -q $'^point\tmode\tworkload\trate\tbusy\tcosts\tvcpus\tpremise\tsoftint_copy\tfaults\ta\tb\tmetric\tn_a\tn_b\tp_value\tp_holm\tsignificant\teffect\tci_lo\tci_hi$' "$rdir/cmp.tsv" &&
  ok || bad "comparisons.tsv column line"
[[ "$(cols "$rdir/m.tsv" repeat reps_kept | sort -u)" == $'5\t5' ]] && ok || bad "repeat/reps_kept not 5/5"
cols "$rdir/m.tsv" overhead_ns_per_irq_lo overhead_ns_per_irq_med overhead_ns_per_irq_hi |
  awk -F'\t' '!($1 <= $2 && $2 <= $3) { exit 1 }' && ok || bad "an interval does not hold its median"
python3 - "$rdir" <<'PY'
import json, sys
d = sys.argv[1]
for b, (re, pv), sig in (("0.01", (100, 150), True), ("0.2", (200, 150), True)):
    j = json.load(open(f"{d}/r-{b}.json"))
    for r in j["runs"]:
        r["summary"]["overhead_ns_per_irq"]["median"] = re if r["strategy"] == "reactive" else pv
    for c in j["comparisons"]:
        if c["metric"] == "overhead_ns_per_irq":
            c["significant"] = sig
    json.dump(j, open(f"{d}/s-{b}.json", "w"))
    for c in j["comparisons"]:
        if c["metric"] == "overhead_ns_per_irq":
            c["significant"] = b != "0.01"
    json.dump(j, open(f"{d}/n-{b}.json", "w"))
PY
"$bench" merge --crossovers "$rdir/xs.tsv" "$rdir/ms.tsv" "$rdir"/s-*.json && ok || bad "merge of significant points failed"
[[ $(grep -v '^#' "$rdir/xs.tsv" | tail -n +2 | grep -c .) -eq 1 ]] && ok || bad "significant on both sides: not one crossover"
"$bench" merge --crossovers "$rdir/xn.tsv" "$rdir/mn.tsv" "$rdir"/n-*.json && ok || bad "merge of the untested points failed"
[[ $(grep -v '^#' "$rdir/xn.tsv" | tail -n +2 | grep -c .) -eq 0 ]] && ok || bad "no significant order at 0.01: a crossover was still reported"

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
# A file with the premises ("model") must have every new field; older files need none.
python3 - "$pdir/software-0.2.json" "$tmp" <<'PY'
import json, sys
src, tmp = sys.argv[1], sys.argv[2]
def drop(name, path):
    d = json.load(open(src))
    o = d
    for k in path[:-1]:
        o = o[k]
    del o[path[-1]]
    json.dump(d, open(f"{tmp}/{name}.json", "w"))
drop("nopremise", ["model", "busy_premise"])
drop("nosource", ["runs", 1, "source"])
drop("nows", ["runs", 2, "per_1000", "world_switches"])
drop("nosvme", ["runs", 0, "faults", "double_vmrun", "prevented_by_svme"])
PY
merge_err "missing premise" "nopremise.json: model.busy_premise" "$tmp/err.tsv" "$tmp/nopremise.json"
merge_err "missing source" "nosource.json: runs[1].source" "$tmp/err.tsv" "$tmp/nosource.json"
merge_err "missing world switches" "nows.json: runs[2].per_1000.world_switches" "$tmp/err.tsv" "$tmp/nows.json"
merge_err "missing SVME count" "nosvme.json: runs[0].faults.double_vmrun.prevented_by_svme" "$tmp/err.tsv" "$tmp/nosvme.json"
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

# ---- plot data: medians, intervals and significance marks (scripts/plot-data) ----
pd=$root/scripts/plot-data
rs=$tmp/repsweep
# The plot scripts' temporary files (mktemp) go here, so the check at the end sees only theirs.
export TMPDIR=$tmp/tmpdir
mkdir -p "$TMPDIR"
"$root/scripts/sweep" --bin "$bench" --modes sim --vcpus 1 --rates 20000,100000 --busy 0.01,0.2 \
  --duration 0.1 --repeat 5 --no-hist --out "$rs" --quiet && ok || bad "repeated sim sweep failed"
"$pd" marks "$rs/sweep.tsv" "$rs/comparisons.tsv" --out "$rs/marks.tsv" && ok || bad "plot-data marks failed"
# Checked against the two tables directly: the rows, the best, the medians, and each mark is the
# pair's own test (either order in comparisons.tsv).
python3 - "$rs/sweep.tsv" "$rs/comparisons.tsv" "$rs/marks.tsv" <<'PY' && ok || bad "plot-data marks: rows or marks do not match sweep.tsv and comparisons.tsv"
import math, sys
def rd(p):
    l = [x.rstrip("\n").split("\t") for x in open(p) if not x.startswith("#") and x.strip()]
    return [dict(zip(l[0], r)) for r in l[1:]]
sw, cmp, mk = rd(sys.argv[1]), rd(sys.argv[2]), rd(sys.argv[3])
metrics = ["lat_p50_us", "lat_p99_us", "lat_p999_us", "overhead_ns_per_irq", "world_switches_per_1k"]
assert len(mk) == len(sw) * 5 == 80, (len(mk), len(sw))
tests = {(c["point"], c["metric"], frozenset((c["a"], c["b"]))): c for c in cmp}
row = {(r["point"], r["strategy"]): r for r in sw}
seen_diff = seen_same = 0
for (pt, m) in {(x["point"], x["metric"]) for x in mk}:
    g = [x for x in mk if x["point"] == pt and x["metric"] == m]
    assert len(g) == 4 and m in metrics
    best = [x for x in g if x["best"] == "1"]
    assert len(best) == 1, (pt, m)
    b = best[0]
    assert float(b["median"]) == min(float(x["median"]) for x in g)
    assert b["differs_from_best"] == "0" and b["tested"] == "1"
    for x in g:
        r = row[(pt, x["strategy"])]
        assert float(x["median"]) == float(r[m + "_med"]) and x["lo"] == r[m + "_lo"] and x["hi"] == r[m + "_hi"]
        assert x["vs"] == b["strategy"]
        if x is b:
            continue
        t = tests[(pt, m, frozenset((x["strategy"], b["strategy"])))]
        sig = t["significant"] == "1" and min(float(t["n_a"]), float(t["n_b"])) >= 2
        assert x["differs_from_best"] == ("1" if sig else "0"), (pt, m, x["strategy"])
        assert float(x["p_holm"]) == float(t["p_holm"])
        seen_diff += sig
        seen_same += not sig
# The sim's BUSY 0.2 points separate reactive from the rest; its hvdb-flag and unconditional
# rows tie: both kinds of mark occur.
assert seen_diff > 0 and seen_same > 0, (seen_diff, seen_same)
PY
"$pd" marks "$sweep/sweep.tsv" - --out "$tmp/marks-old.tsv" && ok || bad "plot-data marks on a table without repetitions failed"
[[ "$(cols "$tmp/marks-old.tsv" best differs_from_best tested lo | awk -F'\t' '$1 == 0 { print $2, $3, $4 }' | sort -u)" == "0 0 NaN" ]] &&
  ok || bad "plot-data marks without repetitions: not untested and without interval"
# The verdict's rows: five pairs x two metrics, each the comparisons row with a - b.
"$pd" verdict --sim "$rs/sweep.tsv" "$rs/comparisons.tsv" --rate 20000 --busy 0.2 --out "$rs/verdict.tsv" && ok || bad "plot-data verdict failed"
python3 - "$rs/comparisons.tsv" "$rs/verdict.tsv" <<'PY' && ok || bad "plot-data verdict: rows differ from comparisons.tsv"
import sys
def rd(p):
    l = [x.rstrip("\n").split("\t") for x in open(p) if not x.startswith("#") and x.strip()]
    return [dict(zip(l[0], r)) for r in l[1:]]
cmp, v = rd(sys.argv[1]), rd(sys.argv[2])
assert len(v) == 10, len(v)
pairs = ["hvdb-flag - unconditional", "reactive - unconditional", "paravisor - unconditional",
         "reactive - hvdb-flag", "paravisor - hvdb-flag"]
assert [x["pair"] for x in v[::2]] == pairs and {x["metric"] for x in v} == {"overhead", "p99"}
key = {"overhead": "overhead_ns_per_irq", "p99": "lat_p99_us"}
for x in v:
    assert x["point"] == "sim-poisson-r20000-b0.2-csnp-v1" and x["side"] == "sim" and x["tested"] == "1"
    c = [c for c in cmp if c["point"] == x["point"] and c["metric"] == key[x["metric"]]
         and {c["a"], c["b"]} == {x["a"], x["b"]}]
    assert len(c) == 1
    c = c[0]
    s = 1 if c["a"] == x["a"] else -1
    lo, hi = (c["ci_lo"], c["ci_hi"]) if s > 0 else (c["ci_hi"], c["ci_lo"])
    assert abs(float(x["effect"]) - s * float(c["effect"])) < 1e-9
    assert abs(float(x["ci_lo"]) - s * float(lo)) < 1e-9 and abs(float(x["ci_hi"]) - s * float(hi)) < 1e-9
    assert x["significant"] == c["significant"] and float(x["p_holm"]) == float(c["p_holm"])
    assert x["label"] == (f"p={float(c['p_holm']):.2g} *" if c["significant"] == "1" else f"p={float(c['p_holm']):.2g} n.s.")
PY
plot verdict.gp 1100x560 "" "in='$rs/verdict.tsv'"
# Without tests (the fixtures have one repetition): nothing to draw, exit 3.
"$pd" verdict --live "$sweep/sweep.tsv" "$sweep/comparisons.tsv" --out "$tmp/verdict-old.tsv" 2>/dev/null ||
  "$pd" verdict --live "$sweep/sweep.tsv" - --out "$tmp/verdict-old.tsv"
gnuplot -e "in='$tmp/verdict-old.tsv'; out='$tmp/x.png'" "$root/plots/verdict.gp" >/dev/null 2>&1
[[ $? -eq 3 ]] && ok || bad "verdict.gp without any test did not exit 3"
# The line plots on the repeated sweep (marks made by the scripts themselves from the
# comparisons table beside it, and given with marks=).
mv "$tmp/overhead_vs_busy.png" "$tmp/overhead_vs_busy_fixture.png"
plot overhead_vs_busy.gp 640x420 "$all_colors" "$small; in='$rs/sweep.tsv'; mode='sim'"
plot latency_vs_rate.gp 700x400 "$all_colors" "W=700; H=400; in='$rs/sweep.tsv'; marks='$rs/marks.tsv'; mode='sim'; busy=0.2"
plot world_switches.gp 640x420 "$all_colors" "$small; in='$rs/sweep.tsv'; mode='sim'"
# The titles say sim, the repetitions and the premise; the key the hollow markers.
gnuplot -e "in='$rs/sweep.tsv'; mode='sim'; out='$tmp/o.svg'" "$root/plots/overhead_vs_busy.gp" 2>/dev/null
for needle in "sim (the model" "5 repetitions per point (5 kept)" "BUSY premise hardware" "hollow: no significant difference to the best" "95 % interval"; do
  grep -qF -- "$needle" "$tmp/o.svg" && ok || bad "overhead_vs_busy.svg on repeated rows does not say '$needle'"
done
# One point's repetitions: plot-data reps, and the band / noise floor in the percentile and CDF
# plots. A live point is a sim result relabelled live with a noise probe (the drawing is the
# same; a live run here would measure this machine's load).
hp=$tmp/rp/pt
mkdir -p "$tmp/rp"
"$bench" run -q --mode sim -s all -w poisson:rate=50000,busy=0.2 -n 3000 --repeat 5 --hist "$hp.hist" --json "$hp.json" &&
  ok || bad "sim run --repeat 5 --hist failed"
"$pd" reps "$hp.json" --out "$tmp/rp/reps.tsv" && ok || bad "plot-data reps failed"
python3 - "$hp.json" "$tmp/rp/reps.tsv" <<'PY' && ok || bad "plot-data reps: rows differ from the JSON's latency_us_at"
import json, sys
d = json.load(open(sys.argv[1]))
l = [x.rstrip("\n").split("\t") for x in open(sys.argv[2]) if not x.startswith("#") and x.strip()]
rows = [dict(zip(l[0], r)) for r in l[1:]]
assert len(rows) == 4 * 10, len(rows)
for r in rows:
    run = [x for x in d["runs"] if x["strategy"] == r["strategy"]][0]
    v = sorted(x["latency_us_at"][r["pct"]] for x in run["repetitions"] if not x["disturbed"])
    assert float(r["lo"]) == v[0] and float(r["hi"]) == v[-1] and float(r["med"]) == v[len(v) // 2]
    assert int(r["n"]) == len(v) == 5
head = [x for x in open(sys.argv[2]) if x.startswith("# ")]
assert "# mode: sim\n" in head and "# noise_worst_gap_us: NaN\n" in head and "# repeat: 5\n" in head
PY
python3 - "$hp.json" "$tmp/rp/live.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["mode"] = "live"
d["noise"] = {"gaps_over_10us_per_s": 10.0, "gaps_over_100us_per_s": 1.0, "gaps_over_1ms_per_s": 0.0,
              "worst_gap_us": 250.0, "lost_cpu_pct": 0.1}
json.dump(d, open(sys.argv[2], "w"))
PY
"$pd" reps "$tmp/rp/live.json" --out "$tmp/rp/live-reps.tsv" && grep -qx '# noise_worst_gap_us: 250' "$tmp/rp/live-reps.tsv" &&
  ok || bad "plot-data reps: no noise floor from a live point's noise.worst_gap_us"
for f in percentiles cdf; do
  mv "$tmp/latency_$f.png" "$tmp/latency_${f}_fixture.png"
  plot latency_$f.gp 640x420 "$all_colors" "$small; in='$hp.hist'; json='$tmp/rp/live.json'"
  gnuplot -e "in='$hp.hist'; json='$tmp/rp/live.json'; out='$tmp/$f.svg'" "$root/plots/latency_$f.gp" 2>/dev/null
  for needle in "noise floor: worst gap beside the run (250 us)" "band: lowest to highest repetition kept" "5 repetitions, 5 kept of each"; do
    grep -qF -- "$needle" "$tmp/$f.svg" && ok || bad "latency_$f.svg with repetitions does not say '$needle'"
  done
  gnuplot -e "in='$hp.hist'; out='$tmp/$f-sim.svg'" "$root/plots/latency_$f.gp" 2>/dev/null
  ! grep -qF "noise floor" "$tmp/$f-sim.svg" && grep -qF "sim (the model" "$tmp/$f-sim.svg" && ok ||
    bad "latency_$f.svg of a sim point: a noise floor, or no 'sim (the model'"
done
# The scripts' temporary marks and reps files are gone again.
left=$(find "$TMPDIR" -type f | grep -c .)
[[ $left -eq 0 ]] && ok || bad "plot scripts left $left temporary file(s) behind: $(ls "$TMPDIR" | head -n3 | tr '\n' ' ')"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
