#!/usr/bin/env bash
# `altinj-bench compare A B` on hand-written result files (tests/data/compare/README.md): the
# verdicts Holm's correction allows, disturbed repetitions left out, an older file's single
# repetition, folder pairing, mismatched inputs, the JSON output, and every bad input (one
# line naming the file and the field, exit status 2, never a crash).
# Usage: test_compare_cli.sh ALTINJ_BENCH
set -u
bench=$1
data=$(cd "$(dirname "$0")/data/compare" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

expect2() {  # description, expected text in the error, args...
  local what=$1 needle=$2
  shift 2
  local out rc lines
  out=$("$bench" compare "$@" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [[ $rc -eq 2 && "$out" == *"$needle"* && $lines -eq 1 ]]; then ok
  else bad "$what: exit $rc, stderr: $out"; fi
}

# run_ok NAME ARGS...: exit 0, stdout in $tmp/NAME.out, stderr in $tmp/NAME.err.
run_ok() {
  local name=$1
  shift
  "$bench" compare "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
  local rc=$?
  if ((rc == 0)); then ok; else bad "$name: exit $rc: $(cat "$tmp/$name.err")"; fi
}

# row FILE STRATEGY METRIC: the table line of that row (two files: no point column).
row() { awk -v s="$2" -v m="$3" '$1 == s && $2 == m' "$1"; }
# has NAME FILE STRATEGY METRIC TEXT: that row contains TEXT.
has() {
  local line
  line=$(row "$2" "$3" "$4")
  if [[ -n $line && $line == *"$5"* ]]; then ok; else bad "$1: want '$5' in: ${line:-no such row}"; fi
}
contains() {  # NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then ok; else bad "$1: no '$3' in $(cat "$2")"; fi
}
lacks() {  # NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then bad "$1: '$3' in $(cat "$2")"; else ok; fi
}

# ---- help ----
"$bench" compare --help >"$tmp/help" 2>&1 && ok || bad "compare --help exit $?"
for w in --json --metrics --force "1 repetition: no test possible" Holm disturbed sweep/points \
         "B lower" "B higher" "no significant difference" lat_p999_us vcpu_cpu_share; do
  contains "help mentions $w" "$tmp/help" "$w"
done
"$bench" --help | grep -q '^  compare' && ok || bad "altinj-bench --help lists no compare"

# ---- fully separated: 5 vs 5, exact p = 2/252; six tests: Holm's smallest step is 6 p ----
three=lat_p50_us,lat_p99_us,overhead_ns_per_irq
run_ok sep --metrics "$three" "$data/sep_a.json" "$data/sep_b.json"
for m in lat_p50_us lat_p99_us overhead_ns_per_irq; do
  has "reactive $m lower" "$tmp/sep.out" reactive $m "B lower"
  has "reactive $m p" "$tmp/sep.out" reactive $m " 0.0476 "
done
has "paravisor overhead higher" "$tmp/sep.out" paravisor overhead_ns_per_irq "B higher"
has "paravisor overhead change" "$tmp/sep.out" paravisor overhead_ns_per_irq "+1.7%"
has "paravisor p50 overlaps" "$tmp/sep.out" paravisor lat_p50_us "no significant difference"
has "reactive p50 change" "$tmp/sep.out" reactive lat_p50_us "-16.0%"
has "reactive p50 A interval" "$tmp/sep.out" reactive lat_p50_us "3.120 [3.100, 3.160]"
contains "family of six" "$tmp/sep.out" "Holm-adjusted over the 6 tests"
contains "modes said" "$tmp/sep.out" "A: $data/sep_a.json: live, 5 repetitions per strategy"
contains "same setup once" "$tmp/sep.out" "both: workload poisson:rate=50000"
# The disturbed 6th repetition of B's reactive would break the separation: it is left out.
has "disturbed left out of n" "$tmp/sep.out" reactive lat_p50_us " 5/5 "
contains "disturbed said" "$tmp/sep.out" "disturbed repetitions left out: A: none; B: reactive 1"
# Columns line up: every row's verdict starts where the header's does.
col=$(awk '/^strategy /{print index($0, "verdict")}' "$tmp/sep.out")
misaligned=$(awk -v c="$col" 'NR > 4 && NF > 6 && !/^strategy |^p:|^median|^disturbed/ &&
  substr($0, c, 1) !~ /[Bn]/' "$tmp/sep.out")
[[ -n $col && -z $misaligned ]] && ok || bad "columns not aligned: $misaligned"

# The default five metrics make ten tests: 10 x 2/252 > 0.05, nothing survives Holm.
run_ok sep10 "$data/sep_a.json" "$data/sep_b.json"
contains "family of ten" "$tmp/sep10.out" "Holm-adjusted over the 10 tests"
has "ten tests: p50 not significant" "$tmp/sep10.out" reactive lat_p50_us "no significant difference"
has "ten tests: p" "$tmp/sep10.out" reactive lat_p50_us " 0.0794 "
lacks "ten tests: no verdict" "$tmp/sep10.out" "B lower"

# Same bytes for the same inputs (fixed bootstrap seed).
run_ok sep_again --metrics "$three" "$data/sep_a.json" "$data/sep_b.json"
cmp -s "$tmp/sep.out" "$tmp/sep_again.out" && ok || bad "two runs differ"

# ---- overlapping values ----
run_ok overlap "$data/overlap_a.json" "$data/overlap_b.json"
lacks "overlap: no lower" "$tmp/overlap.out" "B lower"
lacks "overlap: no higher" "$tmp/overlap.out" "B higher"
has "overlap p50" "$tmp/overlap.out" unconditional lat_p50_us "no significant difference"
contains "overlap is sim" "$tmp/overlap.out" "overlap_b.json: sim"
# vCPU figures are null in sim: no values, no test, not an error.
run_ok overlap_vcpu --metrics vcpu_cpu_share,lat_p50_us "$data/overlap_a.json" "$data/overlap_b.json"
has "sim vcpu share" "$tmp/overlap_vcpu.out" unconditional vcpu_cpu_share "no values in A"
contains "one test" "$tmp/overlap_vcpu.out" "over the 1 test above"

# ---- an older file: one repetition, no test ----
run_ok old "$data/old.json" "$data/sep_a.json"
n=$(grep -c "1 repetition: no test possible" "$tmp/old.out")
((n == 10)) && ok || bad "old: $n rows say no test, want 10"
has "old: ns into us" "$tmp/old.out" reactive lat_p50_us "3.000 "
has "old: no p" "$tmp/old.out" reactive lat_p50_us " - "
contains "old: says so" "$tmp/old.out" "older result format without repetitions"
contains "old: no test at all" "$tmp/old.out" "p: no test possible"

# ---- JSON ----
run_ok json --json "$tmp/c.json" --metrics "$three" "$data/sep_a.json" "$data/sep_b.json"
cmp -s "$tmp/json.out" "$tmp/sep.out" && ok || bad "--json FILE changed the text"
run_ok json_stdout --json - --metrics "$three" "$data/sep_a.json" "$data/sep_b.json"
cmp -s "$tmp/json_stdout.out" "$tmp/c.json" && ok || bad "--json - differs from --json FILE"
if command -v python3 >/dev/null; then
  python3 - "$tmp/c.json" <<'EOF' && ok || bad "JSON content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["a"].endswith("sep_a.json") and d["b"].endswith("sep_b.json"), d["a"]
assert d["tests"] == 6 and d["inputs"]["a"]["modes"] == ["live"]
rows = {(r["strategy"], r["metric"]): r for r in d["rows"]}
assert len(rows) == 6
r = rows[("reactive", "lat_p50_us")]
want = {"point", "strategy", "metric", "a", "b", "change_pct", "p_value", "p_holm",
        "significant", "direction"}
assert want <= set(r), set(r)
assert r["point"] is None and r["significant"] and r["direction"] == "lower"
assert abs(r["p_value"] - 2 / 252) < 1e-9 and abs(r["p_holm"] - 12 / 252) < 1e-9
assert r["a"]["median"] == 3.12 and r["a"]["n"] == 5 and len(r["a"]["ci95"]) == 2
assert r["b"]["n"] == 5 and r["b"]["disturbed"] == 1
assert abs(r["change_pct"] - (2.62 - 3.12) / 3.12 * 100) < 1e-6
p = rows[("paravisor", "overhead_ns_per_irq")]
assert p["significant"] and p["direction"] == "higher"
q = rows[("paravisor", "lat_p50_us")]
assert not q["significant"] and q["direction"] == "none"
EOF
  "$bench" compare --json - "$data/old.json" "$data/sep_a.json" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["tests"] == 0
assert all(r["p_value"] is None and r["p_holm"] is None and not r["significant"] and
           r["verdict"] == "1 repetition: no test possible" for r in d["rows"])
' && ok || bad "old-format JSON rows"
fi

# ---- folders: a sweep folder against a report folder, paired by point name ----
run_ok folders --metrics lat_p50_us,overhead_ns_per_irq "$data/sweep_a" "$data/report_b"
line=$(awk '$1 == "p1" && $2 == "reactive" && $3 == "lat_p50_us"' "$tmp/folders.out")
[[ $line == *"B lower"* ]] && ok || bad "folder p1 reactive: $line"
contains "only in A" "$tmp/folders.out" "only in A: point p2"
contains "only in B" "$tmp/folders.out" "only in B: point p3"
contains "report folder" "$tmp/folders.out" "report_b/sweep/points"
contains "disturbed by point" "$tmp/folders.out" "B: p1/reactive 1"
lacks "unpaired point has no rows" "$tmp/folders.out" "p2  "

# ---- inputs that measured different things ----
expect2 "other workload" "differ in workload" "$data/sep_a.json" "$data/timer_b.json"
expect2 "other mode" "differ in mode (A 'sim', B 'live')" "$data/overlap_a.json" "$data/mode_live.json"
run_ok forced --force "$data/sep_a.json" "$data/timer_b.json"
contains "forced: warning" "$tmp/forced.err" "warning:"
contains "forced: names it" "$tmp/forced.err" "differ in workload"
contains "forced: both setups" "$tmp/forced.out" "B: workload timer:hz=10000"

# ---- the real thing: two `run --repeat` results, so the schema cannot drift apart ----
for seed in 1 100; do
  "$bench" run --mode sim -s reactive,paravisor -w poisson:rate=50000,busy=0.05 -n 2000 \
    --repeat 3 --seed $seed -q --json "$tmp/run$seed.json" >/dev/null 2>"$tmp/run.err" ||
    bad "run --repeat 3 --seed $seed: $(cat "$tmp/run.err")"
done
run_ok real "$tmp/run1.json" "$tmp/run100.json"
n=$(grep -cE '^(reactive|paravisor) ' "$tmp/real.out")
((n == 10)) && ok || bad "real: $n rows, want 10: $(cat "$tmp/real.out")"
contains "real: repetitions" "$tmp/real.out" "sim, 3 repetitions per strategy"
contains "real: family" "$tmp/real.out" "over the 10 tests above"
run_ok disjoint --force "$data/sep_a.json" "$data/overlap_b.json"
contains "disjoint: mode warning" "$tmp/disjoint.err" "differ in mode (A 'live', B 'sim')"
contains "disjoint: nothing to compare" "$tmp/disjoint.out" "no strategy is in both A and B"
contains "disjoint: only in A" "$tmp/disjoint.out" "only in A: strategy paravisor"
contains "disjoint: only in B" "$tmp/disjoint.out" "only in B: strategy unconditional"
contains "disjoint: setup once" "$tmp/disjoint.out" "both: workload"

# ---- bad input: one line naming the file and the field, exit 2 ----
expect2 "no arguments" "expected two inputs" 
expect2 "one argument" "expected two inputs, A and B, got 1" "$data/sep_a.json"
expect2 "three arguments" "got 3" "$data/sep_a.json" "$data/sep_b.json" "$data/old.json"
expect2 "missing file" "$tmp/nope.json: No such file" "$tmp/nope.json" "$data/sep_a.json"
expect2 "not JSON" "not_json.txt: not valid JSON" "$data/not_json.txt" "$data/sep_a.json"
expect2 "not altinj-bench" "not_altinj.json: not an altinj-bench result" "$data/not_altinj.json" "$data/sep_a.json"
expect2 "no strategy" "no_strategy.json: runs[1].strategy: missing" "$data/sep_a.json" "$data/no_strategy.json"
expect2 "non-numeric repetition" "bad_repetition.json: runs[0].repetitions[2].lat_p99_us: missing or not a number" "$data/bad_repetition.json" "$data/overlap_b.json"
sed 's/"vcpu_cpu_share": null/"vcpu_cpu_share": "most"/' "$data/overlap_a.json" >"$tmp/share.json"
expect2 "non-numeric nullable" "share.json: runs[0].repetitions[0].vcpu_cpu_share: not a number or null" "$tmp/share.json" "$data/overlap_b.json"
sed 's/"disturbed": false/"disturbed": 0/' "$data/overlap_a.json" >"$tmp/dist.json"
expect2 "disturbed not boolean" "dist.json: runs[0].repetitions[0].disturbed: missing or not a boolean" "$tmp/dist.json" "$data/overlap_b.json"
printf '{"tool": "altinj-bench", "mode": "sim", "workload": "w", "costs": {"name": "snp"}, "runs": []}\n' >"$tmp/empty.json"
expect2 "no runs" "empty.json: runs: empty" "$tmp/empty.json" "$data/overlap_b.json"
printf '{"tool": "altinj-bench", "mode": "sim", "workload": "w", "runs": []}\n' >"$tmp/nocosts.json"
expect2 "no costs" "nocosts.json: costs: missing" "$tmp/nocosts.json" "$data/overlap_b.json"
printf '[1, 2]\n' >"$tmp/array.json"
expect2 "top-level array" "array.json: not a JSON object" "$tmp/array.json" "$data/overlap_b.json"
: >"$tmp/zero.json"
expect2 "empty file" "zero.json: not valid JSON" "$tmp/zero.json" "$data/overlap_b.json"
sed 's/"repetitions": \[/"repetitions": 5, "x": [/' "$data/overlap_a.json" >"$tmp/reps.json"
expect2 "repetitions not an array" "reps.json: runs[0].repetitions: not an array" "$tmp/reps.json" "$data/overlap_b.json"
expect2 "file against folder" "compare two result files or two folders" "$data/sep_a.json" "$data/sweep_a"
mkdir -p "$tmp/plain" "$tmp/nopoints/points"
expect2 "folder without points" "a folder without points/ or sweep/points/" "$tmp/plain" "$data/sweep_a"
expect2 "points without json" "no *.json result files" "$tmp/nopoints" "$data/sweep_a"
expect2 "unknown metric" "--metrics: 'lat_p42_us' is not a metric" --metrics lat_p42_us "$data/sep_a.json" "$data/sep_b.json"
expect2 "metric twice" "listed twice" --metrics lat_p50_us,lat_p50_us "$data/sep_a.json" "$data/sep_b.json"
expect2 "unknown option" "unknown option '--frob'" --frob "$data/sep_a.json" "$data/sep_b.json"
expect2 "json needs a value" "--json needs a value" --json

# ---- the output is never an input, and appears whole or not at all ----
cp "$data/sep_b.json" "$tmp/b.json"
expect2 "output is an input" "is one of the inputs" --json "$tmp/b.json" "$data/sep_a.json" "$tmp/b.json"
expect2 "output is an input, other spelling" "is one of the inputs" --json "$tmp/plain/../b.json" "$data/sep_a.json" "$tmp/b.json"
cmp -s "$tmp/b.json" "$data/sep_b.json" && ok || bad "an input was overwritten"
expect2 "output is a folder's point" "is one of the inputs" --json "$data/sweep_a/points/p1.json" "$data/sweep_a" "$data/report_b"
expect2 "unwritable output" "cannot write" --json "$tmp/none/c.json" "$data/sep_a.json" "$data/sep_b.json"
[[ ! -e "$tmp/none" ]] && ok || bad "unwritable output left something behind"
ls "$tmp"/c.json.tmp.* >/dev/null 2>&1 && bad "temporary file left behind" || ok

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
