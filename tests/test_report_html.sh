#!/usr/bin/env bash
# scripts/report on fixed result files (tests/data/report/, --from: nothing is run):
#  - index.html and report.md exist, carry the commit, the machine, the cost profile's
#    sources and the assumptions, and show every plot;
#  - every file index.html and report.md reference exists (images, SVGs, data tables);
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
              "Who wins where" "Crossovers" "Microbenchmarks" "p99 latency vs vCPU count"; do
  grep -qF -- "$needle" "$report/index.html" && ok || bad "index.html does not mention '$needle'"
  grep -qF -- "$needle" "$report/report.md" && ok || bad "report.md does not mention '$needle'"
done

# No microbenchmarks and no sim points: the report says so and still succeeds.
if "$root/scripts/report" --no-setup --png-only --from "$tmp/sweep" --no-micro --bin "$bench" \
     --out "$tmp/report2" 2>"$tmp/report2.err"; then ok; else
  bad "scripts/report --no-micro failed: $(tail -n 5 "$tmp/report2.err")"; fi
grep -q 'microbenchmarks skipped' "$tmp/report2/index.html" && ok || bad "report2 does not say the microbenchmarks were skipped"
grep -q 'p99 vs vCPU count: not drawn' "$tmp/report2/index.html" && ok || bad "report2 does not say the vCPU plot is missing"
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
