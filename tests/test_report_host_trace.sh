#!/usr/bin/env bash
# scripts/report --host-trace (a host's kvm:kvm_exit trace), on fixed result files (--from
# tests/data/report/, nothing measured; the host-trace section's sim runs take milliseconds):
#  - "Measured on a host: the kvm_exit trace" in report.md and index.html, naming the trace
#    and its sha256, with the BUSY fraction trace-stats reports for the fixture, and the
#    fixture's V=1 count checked by hand; every reason's row as trace-stats counts it;
#  - the strategies on the replay: one row per strategy, every figure labelled sim (model),
#    delivered/posted as the run's JSON has them, p50/p99 with their intervals, paravisor's
#    VMPL0 passes on every exit and no other row's;
#  - the README's hand-counted svm_5.10.txt (tests/data/kvmexit/README.md): 5 of 16, 0.3125,
#    npf 6 with 4 V=1;
#  - a trace without intr_info: "BUSY fraction unknown", and the replay's busy=0.05 said;
#  - a bad --host-trace (missing, not kvm_exit, not perf script text, VMX, nothing to
#    replay): exit 2, one line naming the file and the problem, nothing run, no output
#    directory left, and an existing report directory left as it was;
#  - scripts/sweep --workloads kvmexit:file=PATH (the same traces, in the same scripts): one
#    point per other axis (no rate=, no --vcpus; --busy only without intr_info), the path
#    made absolute for the points run inside --out, a merged row per strategy; a path with the
#    list's separators, a missing file or a VMX trace refused (exit 2) before any point runs.
# Usage: test_report_host_trace.sh ALTINJ_BENCH
set -uo pipefail
bench=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")  # absolute: one sweep runs elsewhere
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
kx=$here/data/kvmexit
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
for tool in gnuplot python3 awk sha256sum; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is not installed (scripts/setup)" >&2; exit 1; }
done
cp -r "$here/data/report/." "$tmp/"
gunzip "$tmp"/sweep/points/*.hist.gz

report() {  # out dir, trace: the fastest report (--from, no microbenchmarks, no fault sweep)
  "$root/scripts/report" --no-setup --png-only --from "$tmp/sweep" --no-micro --no-faults \
    --bin "$bench" --out "$1" --host-trace "$2"
}
# The section of a page: report.md from its heading to the next "## ", index.html from its
# id to the next <h2>.
md_sec() { awk '/^## Measured on a host: the kvm_exit trace$/ { s = 1; print; next } /^## / { s = 0 } s' "$1/report.md"; }
html_sec() { python3 -c 'import sys; p = open(sys.argv[1]).read(); i = p.find("id=\"host-trace\"")
print(p[i:].split("<h2", 1)[0] if i >= 0 else "")' "$1/index.html"; }
# A cell of a Markdown table in the section: the row whose first cell is $2, column $3.
md_cell() { awk -F' [|] ' -v r="$2" -v c="$3" '/^\|/ { f = $1; sub(/^[|] /, "", f); sub(/ [|]$/, "", $NF); if (f == r) { print $c; exit } }' <<<"$1"; }
stats() {  # trace, python expression over d (the trace-stats JSON)
  "$bench" trace-stats --json - "$1" | python3 -c "import json, sys; d = json.load(sys.stdin); print($2)"
}

# ---- svm_5.10_mix.txt: the section, against trace-stats and the run's JSON ----
mix=$kx/svm_5.10_mix.txt
r1=$tmp/r-mix
if report "$r1" "$mix" 2>"$tmp/r1.err"; then ok; else bad "report --host-trace svm_5.10_mix.txt failed: $(tail -n 3 "$tmp/r1.err")"; fi
sec=$(md_sec "$r1")
hsec=$(html_sec "$r1")
[[ -n "$sec" ]] && ok || bad "report.md has no 'Measured on a host: the kvm_exit trace' section"
[[ "$hsec" == *"Measured on a host: the kvm_exit trace</h2>"* ]] && ok || bad "index.html has no host-trace section"
# The BUSY fraction as trace-stats measures it (four significant digits in the pages).
bf=$(stats "$mix" 'format(d["busy_fraction"], ".4g")')
be=$(stats "$mix" 'd["busy_exits"]')
ne=$(stats "$mix" 'd["exits"]')
want="BUSY fraction (V=1 exits / all exits): $bf ($be of $ne)"
grep -qF -- "$want" <<<"$sec" && ok || bad "report.md: no '$want'"
grep -qF -- "$want" <<<"$hsec" && ok || bad "index.html: no '$want'"
[[ "$(md_cell "$sec" "all (BUSY fraction: V=1 exits / all exits)" 5)" == "$bf" ]] && ok ||
  bad "report.md: the mix table's all row does not carry the BUSY fraction $bf"
# By hand: the fixture's kvm_exit lines with intr_info bit 31 set are npf 0x80000041,
# interrupt 0x800000ec, npf 0x80000b1d, npf 0x80000202, npf 0x80000303 and npf 0x80000141:
# 6 of its 14 exits, 0.4286; and 3 interrupt exits (one V=1).
[[ "$be/$ne/$bf" == "6/14/0.4286" ]] && ok || bad "trace-stats: svm_5.10_mix.txt BUSY exits $be of $ne ($bf), by hand 6 of 14 (0.4286)"
grep -qF 'BUSY fraction (V=1 exits / all exits): 0.4286 (6 of 14)' <<<"$sec" && ok || bad "report.md: not 6 of 14 (0.4286)"
[[ "$(md_cell "$sec" interrupt 2)/$(md_cell "$sec" interrupt 4)" == "3/1" ]] && ok ||
  bad "report.md: interrupt row is not 3 exits, 1 V=1: $(md_cell "$sec" interrupt 2)/$(md_cell "$sec" interrupt 4)"
# Every reason trace-stats counts has its row with the same exits and V=1 exits.
while IFS=$'\t' read -r reason n b; do
  [[ "$(md_cell "$sec" "$reason" 2)/$(md_cell "$sec" "$reason" 4)" == "$n/$b" ]] && ok ||
    bad "report.md: reason '$reason' is not $n exits, $b V=1"
done < <(stats "$mix" '"\n".join("%s\t%s\t%s" % (r["reason"], r["exits"], r["busy"]) for r in d["reasons"])')
# The trace named with its sha256, in both pages and the Run table.
sha=$(sha256sum "$mix" | cut -d' ' -f1)
for page in report.md index.html; do
  grep -qF "$sha" "$r1/$page" && grep -qF "$mix" "$r1/$page" && ok || bad "$page does not name the trace and its sha256 $sha"
done
grep -qE "^\| host trace \| \`$mix\` \(sha256 \`$sha\`" "$r1/report.md" && ok || bad "report.md: the Run table has no host trace row"

# The strategies: one row each, every column but the first labelled sim (model).
strat=$(awk '/^### The strategies on this trace, sim \(model\)/ { s = 1; next } s && /^\|/' <<<"$sec")
hdr=$(head -n1 <<<"$strat")
python3 - "$hdr" <<'PY' && ok || bad "report.md: a strategies column is not labelled sim (model): $hdr"
import sys
cells = [c.strip() for c in sys.argv[1].strip("|").split("|")]
sys.exit(0 if cells[0] == "strategy" and len(cells) == 9 and all(c.endswith("sim (model)") for c in cells[1:]) else 1)
PY
rows=$(tail -n +3 <<<"$strat" | awk -F' [|] ' '{ sub(/^[|] /, "", $1); print $1 }' | tr '\n' ' ')
[[ "$rows" == "reactive hvdb-flag unconditional paravisor " ]] && ok || bad "report.md: strategies rows are '$rows'"
json=$r1/data/host-trace-run.json
[[ -s "$json" && -s "$r1/data/host-trace-stats.json" ]] && ok || bad "report has no data/host-trace-run.json or data/host-trace-stats.json"
# Each row's delivered/posted, verdict and p50 with its interval, as the run wrote them.
python3 - "$json" "$strat" <<'PY' && ok || bad "report.md: a strategies row differs from data/host-trace-run.json"
import json, re, sys
d = json.load(open(sys.argv[1]))
rows = {}
for l in sys.argv[2].splitlines()[2:]:
    c = [x.strip() for x in l.strip().strip("|").split("|")]
    rows[c[0]] = c
assert "kvmexit:file=" in d["workload"] and d["repeat"] == 5, d["workload"]
for r in d["runs"]:
    c = rows[r["strategy"]]
    assert c[1] == f"{r['delivered']}/{r['events']}", (c[1], r["delivered"], r["events"])
    assert (c[2] == "yes") == bool(r["exactly_once"]), c[2]
    s = r["summary"]["lat_p50_us"]
    m = re.fullmatch(r"([0-9.e+-]+) \[([0-9.e+-]+), ([0-9.e+-]+)\]", c[7])
    assert m, c[7]
    med, lo, hi = map(float, m.groups())
    assert abs(med - s["median"]) <= 0.01 * s["median"] and lo <= med <= hi, (c[7], s)
    ev = r["counts"]["svsm_entries_by_reason"]["every-exit"]
    assert (f"every-exit={ev}" in c[5]) == (ev > 0), c[5]
PY
grep -qE '^paravisor enters VMPL0 after every guest exit: [1-9][0-9]* every-exit passes' <<<"$sec" && ok ||
  bad "report.md: the section does not count paravisor's VMPL0 passes"
grep -qF 'sim (model): the model' <<<"$sec" && ok || bad "report.md: the section does not say its comparison is the model"
python3 - "$r1" <<'PY' && ok || bad "a page references a file that does not exist"
import os, re, sys
d = sys.argv[1]
for page, pat in (("index.html", r'(?:src|href)="([^"#:]+)"'), ("report.md", r"\]\(([^)#:]+)\)")):
    for ref in re.findall(pat, open(os.path.join(d, page)).read()):
        assert os.path.exists(os.path.join(d, ref)), (page, ref)
PY

# ---- svm_5.10.txt by hand (tests/data/kvmexit/README.md) ----
r2=$tmp/r-510
if report "$r2" "$kx/svm_5.10.txt" 2>"$tmp/r2.err"; then ok; else bad "report --host-trace svm_5.10.txt failed: $(tail -n 3 "$tmp/r2.err")"; fi
sec2=$(md_sec "$r2")
grep -qF 'BUSY fraction (V=1 exits / all exits): 0.3125 (5 of 16)' <<<"$sec2" && ok ||
  bad "report.md: svm_5.10.txt is not 5 of 16 V=1 (0.3125) as tests/data/kvmexit/README.md counts"
[[ "$(md_cell "$sec2" npf 2)/$(md_cell "$sec2" npf 4)" == "6/4" ]] && ok ||
  bad "report.md: svm_5.10.txt npf is not 6 exits with 4 V=1 (README): $(md_cell "$sec2" npf 2)/$(md_cell "$sec2" npf 4)"
grep -qF 'span 1 s (100.0 s to 101.0 s)' <<<"$sec2" && ok || bad "report.md: svm_5.10.txt span is not 1 s, 100 to 101 s (README)"

# ---- no intr_info: BUSY fraction unknown, busy=0.05 said ----
r3=$tmp/r-4x
if report "$r3" "$kx/svm_info_4.x.txt" 2>"$tmp/r3.err"; then ok; else bad "report --host-trace svm_info_4.x.txt failed: $(tail -n 3 "$tmp/r3.err")"; fi
sec3=$(md_sec "$r3")
grep -qF 'BUSY fraction unknown' <<<"$sec3" && ok || bad "report.md: a trace without intr_info does not say 'BUSY fraction unknown'"
grep -qF 'the replay uses busy=0.05' <<<"$sec3" && grep -qF -- "-w kvmexit:file=$kx/svm_info_4.x.txt,busy=0.05 " <<<"$sec3" && ok ||
  bad "report.md: a trace without intr_info does not say the replay used busy=0.05"
[[ "$(md_cell "$sec3" "all (BUSY fraction: V=1 exits / all exits)" 5)" == unknown ]] && ok || bad "report.md: no-intr_info mix shows a BUSY fraction"

# ---- bad --host-trace: exit 2 at once, one line, no output directory ----
printf 'x\n' >"$tmp/not-perf.txt"
bad_trace() {  # trace, what the line must say
  local out=$tmp/bad-out/report rc=0 err
  rm -rf "$tmp/bad-out"
  "$root/scripts/report" --no-setup --png-only --from "$tmp/sweep" --no-micro --no-faults \
    --bin "$bench" --out "$out" --host-trace "$1" 2>"$tmp/bad.err" >/dev/null || rc=$?
  err=$(cat "$tmp/bad.err")
  ((rc == 2)) && ok || bad "--host-trace $1: exit $rc, expected 2"
  [[ $(grep -c . <<<"$err") -eq 1 && "$err" == "report: --host-trace "*"$(basename "$1")"*"$2"* ]] && ok ||
    bad "--host-trace $1: not one line naming the file and '$2': $err"
  [[ ! -e "$tmp/bad-out" ]] && ok || bad "--host-trace $1: left $(find "$tmp/bad-out" | head -n 3 | tr '\n' ' ')"
}
bad_trace "$tmp/missing.txt" "no such file"
bad_trace "$here/data/perf_irq_good.txt" "no kvm:kvm_exit line"
bad_trace "$kx/vmx_5.10.txt" "VMX (Intel) names"
bad_trace "$kx/svm_info_5.5.txt" "cannot be replayed"
# A file with a kvm_exit line that is not perf script text: trace-stats' FILE:LINE: problem.
{ echo "kvm:kvm_exit: from a log"; cat "$mix"; } >"$tmp/log.txt"
bad_trace "$tmp/log.txt" ":1: missing CPU field"
# An existing report stays as it was.
sum=$(cat "$r1/index.html" "$r1/report.md" | sha256sum)
"$root/scripts/report" --no-setup --png-only --from "$tmp/sweep" --no-micro --no-faults \
  --bin "$bench" --out "$r1" --host-trace "$kx/vmx_5.10.txt" 2>/dev/null
rc=$?
((rc == 2)) && [[ "$(cat "$r1/index.html" "$r1/report.md" | sha256sum)" == "$sum" ]] && ok ||
  bad "a bad --host-trace changed an existing report (exit $rc)"

# ---- scripts/sweep over kvmexit entries ----
sweep=$root/scripts/sweep
rel=$(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1]))' "$mix")
dry=$("$sweep" --bin "$bench" --dry-run --modes sim --rates 1000,2000 --busy 0.1,0.2 --vcpus 1,2 \
  --workloads "kvmexit:file=$rel,kvmexit:file=$kx/svm_info_4.x.txt+speed=2" 2>"$tmp/dry.err")
[[ $? -eq 0 ]] && ok || bad "sweep --dry-run over kvmexit failed: $(head -n1 "$tmp/dry.err")"
names=$(cut -f1 <<<"$dry" | tr '\n' ' ')
[[ "$names" == "sim-kvmexit_file_svm_5.10_mix.txt-csnp sim-kvmexit_file_svm_info_4.x.txt_speed_2-b0.1-csnp sim-kvmexit_file_svm_info_4.x.txt_speed_2-b0.2-csnp " ]] &&
  ok || bad "sweep over kvmexit: points are '$names' (expected one for the intr_info trace, one per --busy for the other)"
grep -qF -- "-w kvmexit:file=$mix -c snp --seed 1 --mode sim" <<<"$dry" && ok || bad "sweep: the mix point's spec is not the absolute path alone: $(head -n1 <<<"$dry")"
grep -qF -- "-w kvmexit:file=$kx/svm_info_4.x.txt,speed=2,busy=0.2 " <<<"$dry" && ok || bad "sweep: the no-intr_info point has no busy= from --busy"
! grep -qE -- '--vcpus|--duration|rate=' <<<"$dry" && ok || bad "sweep: a kvmexit point got --vcpus, --duration or rate="
# Run from another directory, through parallel where installed (it runs inside --out).
(cd "$tmp" && "$sweep" --bin "$bench" --modes sim --workloads "kvmexit:file=$mix" --repeat 2 --no-hist \
  --out "$tmp/ksweep" --quiet 2>"$tmp/ksweep.err")
rc=$?
((rc <= 1)) && [[ $(grep -v '^#' "$tmp/ksweep/sweep.tsv" | tail -n +2 | cut -f1 | sort -u) == sim-kvmexit_file_svm_5.10_mix.txt-csnp ]] &&
  [[ $(grep -v '^#' "$tmp/ksweep/sweep.tsv" | tail -n +2 | grep -c .) -eq 4 ]] && ok ||
  bad "sweep over kvmexit: exit $rc, not one point with 4 rows: $(head -n1 "$tmp/ksweep.err")"
mkdir -p "$tmp/a+b" && cp "$mix" "$tmp/a+b/t.txt"
for w in "kvmexit:file=$tmp/a+b/t.txt" "kvmexit:file=$tmp/missing.txt" "kvmexit:file=$kx/vmx_5.10.txt" "kvmexit:file=$mix+rate=5"; do
  "$sweep" --bin "$bench" --modes sim --workloads "$w" --out "$tmp/kbad" --quiet >/dev/null 2>"$tmp/kbad.err"
  rc=$?
  ((rc == 2)) && [[ ! -e "$tmp/kbad" && $(grep -c . "$tmp/kbad.err") -eq 1 ]] && ok ||
    bad "sweep --workloads '$w': exit $rc (expected 2, one line, nothing written): $(cat "$tmp/kbad.err")"
done

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
