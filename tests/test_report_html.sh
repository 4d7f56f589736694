#!/usr/bin/env bash
# scripts/report on fixed result files (tests/data/report/, --from: nothing is run):
#  - index.html and report.md exist, carry the commit, the machine, the cost profile's
#    sources and the assumptions, and show every plot;
#  - every file index.html and report.md reference exists (images, SVGs, data tables);
#  - the "Hostile hypervisor" section (simulated even with --from): one row per strategy, one
#    column per fault plus the fault-free one, in both pages, its data table linked; every cell
#    with its SVME count; no double run under the hardware premise (COCONUT's rows held off by
#    EFER.SVME, paravisor's by BUSY); hvdb-flag losing events under omit-flag; the forced
#    software-event cuts adding duplicates to COCONUT's rows and none to paravisor;
#  - the "Premises" section (simulated even with --from): one row per named strategy, one column
#    per --busy-premise x --softint-copy; paravisor exactly once in all four, reactive not
#    under the software premise, COCONUT's rows duplicating only under rerun; its findings;
#  - "The strategy rows and their sources": each row's policies and the commit it follows;
#  - without microbenchmarks or sim points it says so instead of failing;
#  - with chromium installed, scripts/screenshot-report renders the page to a PNG of the
#    window size (skipped, with a message, when chromium is not installed).
# Usage: test_report_html.sh ALTINJ_BENCH
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

# Every relative reference of a page exists (src= and href= in HTML, ](x) in Markdown).
refs_exist() {  # page, kind (html|md)
  local page=$1 dir missing=0 r
  dir=$(dirname "$page")
  if [[ $2 == html ]]; then
    refs=$(grep -o -E '(src|href)="[^"]*"' "$page" | sed -E 's/^(src|href)="//; s/"$//')
  else
    refs=$(grep -o -E '\]\([^)]*\)' "$page" | sed -E 's/^\]\(//; s/\)$//')
  fi
  [[ -n "$refs" ]] || { bad "$page references nothing"; return; }
  while IFS= read -r r; do
    case "$r" in http:*|https:*|mailto:*|\#*) continue ;; esac
    [[ -e "$dir/${r%%#*}" ]] || { bad "$page references $r, which does not exist"; missing=1; }
  done <<<"$refs"
  ((missing)) || ok
}

report="$tmp/report"
if "$root/scripts/report" --no-setup --from "$tmp/sweep" --sim-from "$tmp/sim" \
     --micro-json "$tmp/micro.json" --bin "$bench" --out "$report" 2>"$tmp/report.err"; then ok; else
  bad "scripts/report failed: $(tail -n 5 "$tmp/report.err")"; fi
for f in index.html report.md data/sweep.tsv; do
  [[ -s "$report/$f" ]] && ok || bad "report has no $f"
done
refs_exist "$report/index.html" html
refs_exist "$report/report.md" md
n=$(grep -c '<img src="[a-z_0-9]*\.png"' "$report/index.html")
[[ $n -eq 10 ]] && ok || bad "index.html shows $n plots, expected 10"
for png in "$report"/*.png; do
  python3 "$here/png_check.py" "$png" --header-only >/dev/null && ok || bad "$png is not a valid PNG"
done
commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
for needle in "$commit" "AMD EPYC" "kvm-unit-tests svm latency" "hvdb-flag encoding is a proposal" \
              "Who wins where" "Crossovers" "Microbenchmarks" "p99 latency vs vCPU count" \
              "Hostile hypervisor" "double-run" "Premises: who sets BUSY, and what a copied software event does" \
              "The strategy rows and their sources" "busy-premise=software" "softint-copy=rerun" \
              "Exactly once under the hardware premise" "EFER.SVME"; do
  grep -qF -- "$needle" "$report/index.html" && ok || bad "index.html does not mention '$needle'"
  grep -qF -- "$needle" "$report/report.md" && ok || bad "report.md does not mention '$needle'"
done

# Hostile hypervisor: strategies x faults. The report's fault list: 7 faults + the fault-free column.
faults="flag-no-busy omit-flag garbage stale-flag double-vmrun softint-exitintinfo delay-kick"
strategies="reactive hvdb-flag unconditional paravisor"
[[ -s "$report/data/faults.tsv" ]] && ok || bad "report has no data/faults.tsv"
md_table=$(awk '/^## Hostile hypervisor/ { s = 1; next } /^## / { s = 0 } s && /^\|/' "$report/report.md")
hdr=$(head -n1 <<<"$md_table")
ncol=$(awk -F' [|] ' '{ print NF }' <<<"$hdr")
[[ $ncol -eq 9 ]] && ok || bad "report.md: hostile-hypervisor table has $ncol columns, expected 9 (strategy, none, 7 faults): $hdr"
[[ "$hdr" == "| strategy | none (no fault) |"* ]] && ok || bad "report.md: hostile-hypervisor header: $hdr"
for f in $faults; do
  [[ "$hdr" == *" $f="* ]] && ok || bad "report.md: no column for fault $f"
done
rows=$(tail -n +3 <<<"$md_table" | awk -F' [|] ' '{ sub(/^[|] /, "", $1); print $1 }' | tr '\n' ' ')
[[ "$rows" == "$strategies " ]] && ok || bad "report.md: hostile-hypervisor rows are '$rows', expected one per strategy"
tail -n +3 <<<"$md_table" | awk -F' [|] ' '{ sub(/ [|]$/, "", $NF); for (i = 2; i <= NF; i++) if ($i !~ /^(nothing|delay|stall|panic|lost|duplicated|double-run): [0-9]+\/[0-9]+, lost [0-9]+, dup [0-9]+, DR [0-9]+\/[0-9]+ \([0-9]+ by SVME\)$/) exit 1 }' &&
  ok || bad "report.md: a hostile-hypervisor cell lacks guest-sees, delivered, lost, dup, DR or the SVME count"
# Cells by strategy and fault name (the header gives each column's fault).
hcell() {  # strategy, fault kind: that cell of the report.md table
  awk -F' [|] ' -v s="$1" -v f="$2" 'NR == 1 { for (i = 2; i <= NF; i++) { k = $i; sub(/[= ].*/, "", k); col[k] = i }; next }
    NR > 2 { r = $1; sub(/^[|] /, "", r); sub(/ [|]$/, "", $NF); if (r == s) print $(col[f]) }' <<<"$md_table"
}
num_of() { sed -E "s/.*$1 ([0-9]+).*/\1/" <<<"$2"; }  # the number after a word in a cell
# Under the hardware premise no row lets a second CPU run the VMSA: no double-run cell.
! tail -n +3 <<<"$md_table" | grep -q 'double-run:' && ok || bad "report.md: a hostile-hypervisor cell is a double-run under the hardware premise"
# paravisor: every second-CPU VMRUN failed on BUSY (none on SVME); COCONUT's rows: mostly on SVME.
c=$(hcell paravisor double-vmrun)
[[ "$c" =~ ^nothing:\ .*DR\ [1-9][0-9]*/0\ \(0\ by\ SVME\)$ ]] && ok ||
  bad "report.md: paravisor under double-vmrun is not 'nothing' with prevented > 0, 0 violations, 0 by SVME: $c"
for s in reactive hvdb-flag unconditional; do
  c=$(hcell "$s" double-vmrun)
  [[ "$c" =~ DR\ ([0-9]+)/0\ \(([0-9]+)\ by\ SVME\)$ ]] && ((BASH_REMATCH[2] > 0 && BASH_REMATCH[2] <= BASH_REMATCH[1])) &&
    ok || bad "report.md: $s under double-vmrun: no VMRUN prevented by EFER.SVME, or a violation: $c"
done
# hvdb-flag loses events under omit-flag (a flag-only SVSM); unconditional and paravisor do not.
c=$(hcell hvdb-flag omit-flag)
(( $(num_of lost "$c") > 0 )) && ok || bad "report.md: hvdb-flag under omit-flag lost nothing: $c"
for s in unconditional paravisor; do
  c=$(hcell "$s" omit-flag)
  (( $(num_of lost "$c") == 0 )) && ok || bad "report.md: $s under omit-flag lost events: $c"
done
# softint-exitintinfo's forced cuts of guest software events: more duplicates than without
# faults on COCONUT's rows, none on paravisor's.
for s in reactive hvdb-flag unconditional; do
  a=$(num_of dup "$(hcell "$s" softint-exitintinfo)") b=$(num_of dup "$(hcell "$s" none)")
  ((a > b)) && ok || bad "report.md: $s: softint-exitintinfo does not add duplicates ($a vs $b without faults)"
done
(( $(num_of dup "$(hcell paravisor softint-exitintinfo)") == 0 )) && ok || bad "report.md: paravisor duplicated under softint-exitintinfo"
hsec=$(awk '/^## Hostile hypervisor/ { s = 1; next } /^## / { s = 0 } s' "$report/report.md")
grep -q 'double-run) under the hardware premise: none\.' <<<"$hsec" && ok || bad "report.md: the hostile findings do not say there was no double run"
grep -qE 'hvdb-flag under omit-flag=0\.5 \(of [0-9]+ events: (stall, )?lost [1-9]' <<<"$hsec" && ok || bad "report.md: the hostile findings do not name hvdb-flag's losses under omit-flag"
grep -q 'on EFER.SVME)' <<<"$hsec" && ok || bad "report.md: the hostile findings do not count the VMRUNs EFER.SVME stopped"

# Premises: strategies x (busy premise x softint copy), simulated even with --from.
[[ -s "$report/data/premises.tsv" ]] && ok || bad "report has no data/premises.tsv"
psec=$(awk '/^## Premises: / { s = 1; next } /^## / { s = 0 } s' "$report/report.md")
ptable=$(grep '^|' <<<"$psec")
phdr=$(head -n1 <<<"$ptable")
[[ "$phdr" == "| strategy | BUSY hardware, softint rerun (defaults) | BUSY hardware, softint advance | BUSY software, softint rerun | BUSY software, softint advance |" ]] &&
  ok || bad "report.md: premises table header: $phdr"
prows=$(tail -n +3 <<<"$ptable" | awk -F' [|] ' '{ sub(/^[|] /, "", $1); print $1 }' | tr '\n' ' ')
[[ "$prows" == "$strategies " ]] && ok || bad "report.md: premises rows are '$prows', expected one per strategy"
tail -n +3 <<<"$ptable" | awk -F' [|] ' '{ sub(/ [|]$/, "", $NF); if (NF != 5) exit 1; for (i = 2; i <= NF; i++) if ($i !~ /^(exactly once|((stall|panic)(, )?)?(lost [0-9]+)?(, )?(duplicated [0-9]+)?)$/ || $i == "") exit 1 }' &&
  ok || bad "report.md: a premises cell is not 'exactly once' or stall/panic, lost N, duplicated N"
pcell() {  # strategy, column (2..5)
  awk -F' [|] ' -v s="$1" -v i="$2" 'NR > 2 { r = $1; sub(/^[|] /, "", r); sub(/ [|]$/, "", $NF); if (r == s) print $i }' <<<"$ptable"
}
for i in 2 3 4 5; do
  [[ "$(pcell paravisor $i)" == "exactly once" ]] && ok || bad "report.md: paravisor is not exactly once in premises column $i: $(pcell paravisor $i)"
done
for i in 4 5; do
  [[ "$(pcell reactive $i)" != "exactly once" ]] && ok || bad "report.md: reactive is exactly once under the software premise (column $i)"
done
for s in reactive hvdb-flag unconditional; do
  [[ "$(pcell "$s" 2)" == duplicated* && "$(pcell "$s" 3)" == "exactly once" ]] && ok ||
    bad "report.md: $s under the hardware premise is not duplicated with rerun and exactly once with advance: $(pcell "$s" 2) / $(pcell "$s" 3)"
done
grep -q '^Exactly once under the hardware premise: with rerun: paravisor; with advance: reactive, hvdb-flag, unconditional, paravisor\.' <<<"$psec" &&
  ok || bad "report.md: the premises findings do not list the rows that stay exactly once"
grep -q '^- busy-premise=hardware: ' <<<"$psec" && grep -q '^- softint-copy=advance: ' <<<"$psec" &&
  ok || bad "report.md: the premises section does not state the premises"
python3 - "$report/index.html" <<'PY' && ok || bad "index.html: premises table is not 4 rows x 5 columns"
import re, sys
page = open(sys.argv[1]).read()
sec = page.split('id="premises"', 1)[1].split("<h2", 1)[0]
table = sec.split("<table>", 1)[1].split("</table>", 1)[0]
head, body = table.split("</thead>", 1)
rows = re.findall(r"<tr>(.*?)</tr>", body)
ok = head.count("<th>") == 5 and len(rows) == 4 and all(r.count("<td>") == 5 for r in rows)
sys.exit(0 if ok else 1)
PY

# The cancelled switch: COCONUT's shipped rows beside the proposed fix, simulated even with --from.
csec=$(awk '/^## The cancelled switch: / { s = 1; next } /^## / { s = 0 } s' "$report/report.md")
ctable=$(grep '^|' <<<"$csec")
[[ "$(head -n1 <<<"$ctable")" == "| strategy | one vector (sim) | guest masked 20 % (sim) | garbage=0.05 (random vectors) (sim) |" ]] &&
  ok || bad "report.md: cancelled-switch table header: $(head -n1 <<<"$ctable")"
ccell() {  # strategy, column (2..4)
  awk -F' [|] ' -v s="$1" -v i="$2" 'NR > 2 { r = $1; sub(/^[|] /, "", r); sub(/ [|]$/, "", $NF); if (r == s) print $i }' <<<"$ctable"
}
for s in never+coconut-clear-eii exitintinfo+coconut-clear-eii; do
  for i in 2 3 4; do
    [[ "$(ccell "$s" $i)" =~ ^exactly\ once\;\ cancelled\ [0-9.]+\ /\ 1k,\ stale\ copies\ 0\.0\ /\ 1k$ ]] && ok ||
      bad "report.md: $s is not exactly once with no stale copy in cancelled-switch column $i: $(ccell "$s" $i)"
  done
done
for s in reactive unconditional; do
  [[ "$(ccell "$s" 2)" =~ ^exactly\ once\;.*stale\ copies\ [1-9] ]] && ok ||
    bad "report.md: $s on one vector is not exactly once with stale copies: $(ccell "$s" 2)"
  [[ "$(ccell "$s" 3)" == duplicated* ]] && ok || bad "report.md: $s with the guest masked does not duplicate: $(ccell "$s" 3)"
done
for s in reactive unconditional; do
  [[ "$(ccell "$s" 4)" == panic* ]] && ok || bad "report.md: $s under garbage does not panic: $(ccell "$s" 4)"
done
grep -q '^Exactly once in every column, sim (model): never+coconut-clear-eii, exitintinfo+coconut-clear-eii; not: reactive, unconditional\.' <<<"$csec" &&
  ok || bad "report.md: the cancelled-switch findings do not name the rows"
grep -q 'id="cancelled-switch"' "$report/index.html" && ok || bad "index.html: no cancelled-switch section"

# The rows' sources: policies and the commit each follows.
stable=$(awk '/^## The strategy rows and their sources/ { s = 1; next } /^## / { s = 0 } s && /^\|/' "$report/report.md")
srow() { awk -F' [|] ' -v s="$1" '{ r = $1; sub(/^[|] /, "", r); if (r == s) print }' <<<"$stable"; }
[[ "$(head -n1 <<<"$stable")" == "| strategy | hypervisor policy | SVSM policy | source |" ]] && ok || bad "report.md: sources table header: $(head -n1 <<<"$stable")"
[[ "$(srow unconditional)" =~ ^\|\ unconditional\ \|\ exitintinfo\ \|\ coconut\ \|\ .*coconut-svsm/svsm\ [0-9a-f]{7,} ]] && ok ||
  bad "report.md: sources: unconditional is not exitintinfo + coconut with a coconut-svsm commit: $(srow unconditional)"
[[ "$(srow paravisor)" =~ ^\|\ paravisor\ \|\ every-exit\ \|\ openhcl\ \|\ .*openvmm\ [0-9a-f]{7,} ]] && ok ||
  bad "report.md: sources: paravisor is not every-exit + openhcl with an openvmm commit: $(srow paravisor)"
[[ $(tail -n +3 <<<"$stable" | grep -c .) -eq 4 ]] && ok || bad "report.md: sources table does not have one row per strategy"
# The cost sources stay apart from the rows' sources.
! grep -qE '^\| (reactive|hvdb-flag|unconditional|paravisor)[:|]' <<<"$(awk '/^## Cost profile and sources/ { s = 1; next } /^## / { s = 0 } s && /^\|/' "$report/report.md")" &&
  ok || bad "report.md: a strategy's source line ended up in the cost profile table"
python3 - "$report/index.html" <<'PY' && ok || bad "index.html: hostile-hypervisor table is not 4 rows x 9 columns"
import re, sys
page = open(sys.argv[1]).read()
sec = page.split('id="hostile"', 1)[1].split("<h2", 1)[0]
table = sec.split("<table>", 1)[1].split("</table>", 1)[0]
head, body = table.split("</thead>", 1)
rows = re.findall(r"<tr>(.*?)</tr>", body)
ok = head.count("<th>") == 9 and len(rows) == 4 and all(r.count("<td>") == 9 for r in rows)
sys.exit(0 if ok else 1)
PY

# No microbenchmarks and no sim points: the report says so and still succeeds.
if "$root/scripts/report" --no-setup --png-only --from "$tmp/sweep" --no-micro --no-faults --bin "$bench" \
     --out "$tmp/report2" 2>"$tmp/report2.err"; then ok; else
  bad "scripts/report --no-micro failed: $(tail -n 5 "$tmp/report2.err")"; fi
grep -q 'microbenchmarks skipped' "$tmp/report2/index.html" && ok || bad "report2 does not say the microbenchmarks were skipped"
grep -q 'p99 vs vCPU count: not drawn' "$tmp/report2/index.html" && ok || bad "report2 does not say the vCPU plot is missing"
grep -q 'hostile-hypervisor table skipped' "$tmp/report2/index.html" && ok || bad "report2 does not say the hostile-hypervisor table was skipped"
# Re-rendered from the first report's fault sweep: the same table.
if "$root/scripts/report" --no-setup --png-only --from "$tmp/sweep" --no-micro --bin "$bench" \
     --faults-from "$report/sweep-faults" --out "$tmp/report3" 2>"$tmp/report3.err"; then ok; else
  bad "scripts/report --faults-from failed: $(tail -n 5 "$tmp/report3.err")"; fi
cmp -s "$report/data/tables/faults.tsv" "$tmp/report3/data/tables/faults.tsv" && ok ||
  bad "--faults-from did not give the same hostile-hypervisor table"
# The premises table is deterministic: the same in every report, --no-faults or not.
cmp -s "$report/data/tables/premises.tsv" "$tmp/report3/data/tables/premises.tsv" &&
  cmp -s "$report/data/tables/premises.tsv" "$tmp/report2/data/tables/premises.tsv" && ok ||
  bad "the premises table differs between two reports"
refs_exist "$tmp/report2/index.html" html
refs_exist "$tmp/report2/report.md" md
! ls "$tmp"/report2/*.svg >/dev/null 2>&1 && ok || bad "--png-only wrote SVG files"

# Fixtures from before repetitions: no winner is named from one run.
grep -q '1 repetition: untested' "$report/report.md" && ok || bad "one-repetition points are not marked untested"
grep -q '^## Verdict' "$report/report.md" && grep -q 'id="verdict"' "$report/index.html" && ok ||
  bad "the report has no Verdict section"

# With repetitions (a small sim sweep, --repeat 5): a winner only where every test of it is
# significant, the verdict first with intervals and p-values.
"$root/scripts/sweep" --bin "$bench" --out "$tmp/rsweep" --modes sim --vcpus 1 --rates 20000,100000 \
  --busy 0.01,0.2 --duration 0.1 --repeat 5 --no-hist --quiet 2>"$tmp/rsweep.err" && ok ||
  bad "sweep --repeat 5 failed: $(tail -n 3 "$tmp/rsweep.err")"
if "$root/scripts/report" --no-setup --png-only --from "$tmp/rsweep" --no-micro --no-faults --bin "$bench" \
     --out "$tmp/report4" 2>"$tmp/report4.err"; then ok; else
  bad "scripts/report on a repeated sweep failed: $(tail -n 5 "$tmp/report4.err")"; fi
python3 - "$tmp/report4/data/tables/winners.tsv" "$tmp/report4/data/comparisons.tsv" <<'PY' && ok || bad "a winner is named that a test does not support"
import sys
def rows(p):
    ls = [l.rstrip("\n").split("\t") for l in open(p) if not l.startswith("#")]
    return [dict(zip(ls[0], r)) for r in ls[1:]]
w, c = rows(sys.argv[1]), rows(sys.argv[2])
named = 0
for r in w:
    for col, metric in (("lowest p99", "lat_p99_us"), ("lowest overhead", "overhead_ns_per_irq")):
        v = r[col]
        assert "untested" not in v, v
        if v.startswith("no significant difference"):
            continue
        named += 1
        tests = [t for t in c if t["rate"] == r["rate /s"] and t["busy"] == r["BUSY"] and t["metric"] == metric
                 and v in (t["a"], t["b"])]
        assert len(tests) == 3 and all(t["significant"] == "1" for t in tests), (v, tests)
print(named, "winners named, each significant against every other strategy")
PY
sed -n '/^## Verdict/,/^Strategy rows/p' "$tmp/report4/report.md" | grep -c 'p=' | grep -qv '^0$' && ok ||
  bad "the verdict has no p-values"
grep -q 'hvdb-flag minus unconditional, overhead per interrupt: sim ' "$tmp/report4/report.md" && ok ||
  bad "the verdict does not answer hvdb-flag against unconditional"
sed -n '/^## Verdict/,/^Strategy rows/p' "$report/report.md" |
  grep -q "^- COCONUT's cancelled switch (a stale EXITINTINFO copied again, sim): not exactly once: reactive (.*panic.*), unconditional (.*panic.*); exactly once throughout: never+coconut-clear-eii, exitintinfo+coconut-clear-eii\.$" &&
  ok || bad "the verdict does not state the cancelled switch's finding"

# Bad usage.
"$root/scripts/report" --frob >/dev/null 2>&1
[[ $? -eq 2 ]] && ok || bad "scripts/report --frob did not exit 2"

# What a reader sees: headless Chromium.
if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then
  if "$root/scripts/screenshot-report" "$report" --out "$tmp/shot.png" --width 1000 --height 1400 >/dev/null 2>"$tmp/shot.err"; then
    python3 "$here/png_check.py" "$tmp/shot.png" --size 1000x1400 --min-colors 50 --sample 4 >/dev/null &&
      ok || bad "the screenshot is not a valid, non-blank 1000x1400 PNG"
  else
    bad "screenshot-report failed: $(tail -n 3 "$tmp/shot.err")"
  fi
else
  echo "SKIP: chromium is not installed (scripts/setup report): no screenshot check"
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
