#!/usr/bin/env bash
# `altinj-bench trace-stats` on the kvm_exit fixtures of tests/data/kvmexit/ (README.md there
# has the figures by hand): the text and JSON figures, the no-intr_info formats (exit 0 and the
# message), every bad input (exit 2, one line naming file and line), and
# scripts/record-host-trace's refusal on a machine without kvm tracepoints (exit non-zero, the
# reason, no files left).
# Usage: test_trace_stats_cli.sh ALTINJ_BENCH
set -u
bench=$1
here=$(cd "$(dirname "$0")" && pwd)
data=$here/data/kvmexit
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
contains() {  # NAME FILE TEXT
  if grep -qF -- "$3" "$2"; then ok; else bad "$1: no '$3' in: $(cat "$2")"; fi
}
expect2() {  # NAME NEEDLE ARGS...
  local what=$1 needle=$2 out rc lines
  shift 2
  out=$("$bench" trace-stats "$@" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  if [[ $rc -eq 2 && "$out" == *"$needle"* && $lines -eq 1 ]]; then ok
  else bad "$what: exit $rc, stderr: $out"; fi
}
jq_eq() {  # NAME FILE PYTHON-EXPR EXPECTED
  local got
  got=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(($3))" "$2" 2>&1)
  if [[ $got == "$4" ]]; then ok; else bad "$1: $3 = '$got', want '$4'"; fi
}

# ---- help and registration ----
"$bench" trace-stats --help >"$tmp/help" 2>&1 && ok || bad "trace-stats --help exit $?"
for w in --json intr_info "kernel before 5.10" busy= VMX "Interrupt traces"; do
  contains "help mentions $w" "$tmp/help" "$w"
done

# ---- the 5.10 fixture: 16 exits in 1 s, 5 with V=1 ----
f=$data/svm_5.10.txt
"$bench" trace-stats --json "$tmp/s.json" "$f" >"$tmp/s.txt" 2>"$tmp/s.err" && ok ||
  bad "svm_5.10 exit $?: $(cat "$tmp/s.err")"
contains "total" "$tmp/s.txt" "exits: 16 over 1.000000 s (100.000000 to 101.000000), 16.0 exits/s, 2 vCPUs"
contains "busy" "$tmp/s.txt" "BUSY fraction (exits with EXITINTINFO.V=1): 5 of 16 = 0.3125"
if grep -Eq '^npf +6 +6\.0 +4 +0\.6667$' "$tmp/s.txt"; then ok; else bad "npf row: $(grep ^npf "$tmp/s.txt")"; fi
if grep -Eq '^interrupt +2 +2\.0 +1 +0\.5000$' "$tmp/s.txt"; then ok; else bad "interrupt row"; fi
if grep -Eq '^PF excp +1 +1\.0 +0 +0\.0000$' "$tmp/s.txt"; then ok; else bad "PF excp row"; fi
if grep -Eq '^0 +0 +8 +8\.0 +3 +0\.3750$' "$tmp/s.txt"; then ok; else bad "vcpu 0 row"; fi
if grep -Eq '^intr +0x30 +0 +2$' "$tmp/s.txt"; then ok; else bad "cut intr row"; fi
if grep -Eq '^exception +0xe +1 +1$' "$tmp/s.txt"; then ok; else bad "cut #PF row"; fi
jq_eq "json exits" "$tmp/s.json" 'd["exits"]' 16
jq_eq "json busy" "$tmp/s.json" 'd["busy_exits"], d["busy_fraction"]' "(5, 0.3125)"
jq_eq "json span" "$tmp/s.json" 'd["span_s"], d["exits_per_s"]' "(1.0, 16.0)"
jq_eq "json first reason" "$tmp/s.json" 'd["reasons"][0]' \
  "{'reason': 'npf', 'exits': 6, 'per_s': 6.0, 'busy': 4, 'busy_share': 0.666666666667}"
jq_eq "json reasons" "$tmp/s.json" 'len(d["reasons"]), sum(r["exits"] for r in d["reasons"])' "(10, 16)"
jq_eq "json vcpus" "$tmp/s.json" '[(v["id"], v["exits"], v["busy"]) for v in d["vcpus"]]' "[(0, 8, 3), (1, 8, 2)]"
jq_eq "json cuts" "$tmp/s.json" '[(c["type"], c["vector"], c["error_code_valid"], c["count"]) for c in d["cut_events"]]' \
  "[('intr', 48, False, 2), ('nmi', 2, False, 1), ('exception', 14, True, 1), ('softint', 128, False, 1)]"
"$bench" trace-stats --json - "$f" >"$tmp/stdout.json" 2>/dev/null && ok || bad "--json - exit $?"
jq_eq "json on stdout" "$tmp/stdout.json" 'd["format"], d["vcpus_from"]' "('intr_info', 'vcpu_id')"

# ---- no intr_info: the mix, the message, exit 0 ----
for g in svm_info_5.5 svm_info_4.x svm_rip_only_2.6; do
  "$bench" trace-stats --json "$tmp/$g.json" "$data/$g.txt" >"$tmp/$g.txt" 2>&1 && ok || bad "$g exit $?"
  contains "$g message" "$tmp/$g.txt" "no intr_info in this trace (kernel before 5.10): BUSY fraction unknown; use busy="
  jq_eq "$g json" "$tmp/$g.json" 'd["has_intr_info"], d["busy_fraction"]' "(False, None)"
done
contains "tid vcpus" "$tmp/svm_info_4.x.txt" "vCPUs from thread ids (first appearance)"
if grep -Eq '^1 +7011 +2 +6\.7$' "$tmp/svm_info_4.x.txt"; then ok; else bad "tid 7011 row: $(cat "$tmp/svm_info_4.x.txt")"; fi
"$bench" trace-stats "$data/svm_requests_crlf.txt" >"$tmp/r.txt" 2>&1 && ok || bad "crlf exit $?"
contains "crlf busy" "$tmp/r.txt" "2 of 4 = 0.5000"
"$bench" trace-stats "$data/vmx_5.10.txt" >"$tmp/v.txt" 2>&1 && ok || bad "vmx exit $?"
contains "vmx warning" "$tmp/v.txt" "warning: the reasons are Intel VMX names"

# ---- bad input: exit 2, one line ----
printf 'x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason npf rip 0x1 info1 0xQ info2 0x0 intr_info 0x0 error_code 0x0\n' >"$tmp/hex.txt"
expect2 "bad hex" "$tmp/hex.txt:1: bad info1 value '0xQ'" "$tmp/hex.txt"
printf 'x 1 [000] 1.0: kvm:kvm_exit: vcpu 0 reason np\0f rip 0x1\n' >"$tmp/nul.txt"
expect2 "NUL" "$tmp/nul.txt:1: NUL byte at column 46" "$tmp/nul.txt"
printf 'x 1 [000] 1.0: kvm:kvm_entry: vcpu 0\n' >"$tmp/none.txt"
expect2 "no exits" "$tmp/none.txt: no kvm:kvm_exit events in 1 lines" "$tmp/none.txt"
expect2 "missing file" "$tmp/nope.txt: cannot open" "$tmp/nope.txt"
# An irq trace is perf script text without kvm_exit lines: refused, not counted as 0 exits.
expect2 "irq trace" "perf_irq_good.txt: no kvm:kvm_exit events" "$here/data/perf_irq_good.txt"
expect2 "no FILE" "missing FILE"
expect2 "two FILEs" "one FILE only" "$f" "$f"
expect2 "unknown option" "unknown option '--bogus'" --bogus "$f"
expect2 "json no value" "--json needs a value" "$f" --json
expect2 "json is input" "OUT is the input trace" --json "$f" "$f"
expect2 "json unwritable" "cannot write" --json "$tmp/no/such/dir/x.json" "$f"
[[ ! -e $tmp/no ]] && ok || bad "unwritable --json left files"
"$bench" --help >/dev/null 2>&1; ok

# ---- record-host-trace on this machine: no kvm tracepoints, so a refusal ----
rht=$here/../scripts/record-host-trace
"$rht" --help >"$tmp/rhelp" 2>&1 && ok || bad "record-host-trace --help exit $?"
contains "rht help" "$tmp/rhelp" "--duration S"
if [[ -d /sys/kernel/tracing/events/kvm/kvm_exit || -d /sys/kernel/debug/tracing/events/kvm/kvm_exit ]]; then
  echo "note: this machine has kvm_exit tracepoints; the refusal check is skipped" >&2
else
  ALTINJ_BENCH=$bench "$rht" --duration 1 --out "$tmp/host" >"$tmp/rht.out" 2>"$tmp/rht.err"
  rc=$?
  if [[ $rc -ne 0 ]]; then ok; else bad "record-host-trace exit 0 without tracepoints"; fi
  contains "rht says why" "$tmp/rht.err" "record-host-trace: "
  if grep -Eq 'perf is not installed|not root|no tracefs|no kvm:kvm_exit tracepoint' "$tmp/rht.err"; then ok
  else bad "rht reason: $(cat "$tmp/rht.err")"; fi
  [[ ! -e $tmp/host ]] && ok || bad "record-host-trace left $tmp/host"
  [[ -z $(find "$tmp" -maxdepth 1 -name '.record-host-trace.*') ]] && ok || bad "temporary folder left"
fi
ALTINJ_BENCH=$bench "$rht" --duration abc --out "$tmp/h2" >/dev/null 2>&1
[[ $? -eq 2 && ! -e $tmp/h2 ]] && ok || bad "record-host-trace --duration abc"

echo "trace_stats_cli: $pass passed, $fail failed"
((fail == 0))
