#!/usr/bin/env bash
# scripts/report on fixed result files (tests/data/report/, --from: nothing is run):
#  - index.html and report.md exist, carry the commit, the machine, the cost profile's
#    sources and the assumptions, and show every plot;
#  - every file index.html and report.md reference exists (images, SVGs, data tables);
#  - the "Hostile hypervisor" section (simulated even with --from): one row per strategy, one
#    column per fault plus the fault-free one, in both pages, its data table linked;
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
              "Hostile hypervisor" "double-run"; do
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
tail -n +3 <<<"$md_table" | awk -F' [|] ' '{ for (i = 2; i <= NF; i++) if ($i !~ /^(nothing|delay|stall|panic|lost|duplicated|double-run): [0-9]+\/[0-9]+, lost [0-9]+, dup [0-9]+, DR [0-9]+\/[0-9]+/) exit 1 }' &&
  ok || bad "report.md: a hostile-hypervisor cell lacks guest-sees, delivered, lost, dup or DR"
# paravisor's BUSY hold keeps a second CPU out: no double run there, one for the others.
awk -F' [|] ' '/^[|] paravisor / { exit !($7 ~ /^nothing: .*DR [1-9][0-9]*\/0$/) }' <<<"$md_table" &&
  ok || bad "report.md: paravisor under double-vmrun is not 'nothing' with prevented > 0 and 0 violations"
awk -F' [|] ' '/^[|] reactive / { exit !($7 ~ /^double-run:/) }' <<<"$md_table" &&
  ok || bad "report.md: reactive under double-vmrun is not a double-run"
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
refs_exist "$tmp/report2/index.html" html
refs_exist "$tmp/report2/report.md" md
! ls "$tmp"/report2/*.svg >/dev/null 2>&1 && ok || bad "--png-only wrote SVG files"

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
