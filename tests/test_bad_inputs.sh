#!/usr/bin/env bash
# The input surface as a table (issue 11): every case is one command with its expected exit
# status and a substring of its one-line message, and every case must leave the working folder
# exactly as it was: no file created, changed or replaced (names, types, inodes, sizes, times
# and contents are compared before and after; temporaries count as created).
# Exit statuses: 0 ok (a note may say what was cut), 1 a verdict (not used here), 2 bad input,
# 3 an output could not be written (README "Exit status and outputs").
# Usage: test_bad_inputs.sh ALTINJ_BENCH   (the other altinj-* tools are found beside it)
set -u
bench=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
bin=$(dirname "$bench")
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
w=$tmp/w
mkdir "$w"
cd "$w" || exit 1
pass=0 fail=0

# ---- fixtures ----
"$bench" run --mode sim -n 200 -q --json good.json || { echo "cannot make good.json" >&2; exit 1; }
"$bench" run --mode sim -n 200 -q -s reactive --seed 2 --json good2.json || exit 1
python3 - <<'PY' || exit 1
import json
d = json.load(open('good.json'))
def variant(name, f):
    x = json.loads(json.dumps(d)); f(x['runs'][0]); json.dump(x, open(name, 'w'))
variant('neg.json', lambda r: r.update(lost=-3))
variant('frac.json', lambda r: r.update(events=1.5))
variant('unknown.json', lambda r: r.update(strategy='frobnicate'))
variant('lie.json', lambda r: r.update(lost=3))
variant('lie_dup.json', lambda r: r.update(duplicated=2))
variant('lie_fatal.json', lambda r: r.update(fatal=True))
variant('toomany.json', lambda r: r.update(delivered=r['events'] + 1))
variant('nostrat.json', lambda r: r.pop('strategy'))
x = json.loads(json.dumps(d)); x['runs'].append(x['runs'][0]); json.dump(x, open('twice.json', 'w'))
x = json.loads(json.dumps(d)); x['runs'] = []; json.dump(x, open('noruns.json', 'w'))
open('notjson.json', 'w').write('hello\n')
open('array.json', 'w').write('[1, 2]\n')
open('looks.tsv', 'w').write('  {"tool": "altinj-bench"}\n')
ev = ' swapper     0 [003] %.6f:       irq_vectors:local_timer_entry: vector=236\n'
open('t53.txt', 'w').write(''.join(ev % (100 + i * 3.0 / 52) for i in range(53)))
open('bom.txt', 'wb').write(b'\xef\xbb\xbf' + (ev % 1.0).encode() + (ev % 1.5).encode())
open('crlf.txt', 'wb').write((ev % 1.0).replace('\n', '\r\n').encode() * 1 + (ev % 1.5).replace('\n', '\r\n').encode())
open('cr.txt', 'wb').write((ev % 1.0).replace('\n', '\r').encode() * 2)
open('nul.txt', 'wb').write((ev % 1.0).encode() + b' swapper \0\0\0 [003] 2.0: irq_vectors:x_entry: vector=236\n')
open('long.txt', 'w').write('#' + 'x' * 5000 + '\n' + ev % 1.0)
open('bigts.txt', 'w').write(ev % 1.0 + ev.replace('%.6f', '99999999999999999999.000001'))
open('garbage.txt', 'w').write(ev.replace('vector=236', 'vector=236x') % 1.0)
open('callchain.txt', 'w').write(ev % 1.0 + '\t    ffffffff8100a1b2 __sysvec_apic_timer_interrupt+0x52 ([kernel.kallsyms])\n\n' + ev % 1.5)
open('backwards.txt', 'w').write(ev % 2.0 + ev % 1.0)
open('badline.txt', 'w').write('cpu0 garbage line\n')
open('binary', 'wb').write(b'\x7fELF\x02\x01\x01\x1b[31m\xff\xfe garbage\n')
open('bad.conf', 'w').write('vmrun_ns=abc\n')
open('empty', 'w').close()
PY
cp "$here/../core/profiles/snp.conf" c.conf
cp "$here/data/kvmexit/svm_5.10_mix.txt" kx.txt
cp "$here/data/kvmexit/svm_info_5.5.txt" info55.txt
cp "$here/data/kvmexit/vmx_5.10.txt" vmx.txt
mkdir adir
ln -s nowhere dangling
ln -s good.json link.json
mkfifo fifo
long=$w/$(printf 'd%.0s' $(seq 1 120))/x.json
chmod a-w good2.json

snap() {  # everything but directory times (a writability probe may touch those)
  find . -mindepth 1 ! -type d -printf '%p %y %i %s %T@ %l\n' | sort
  find . -type d -printf '%p\n' | sort
  find . -type f -readable -exec md5sum {} + 2>/dev/null | sort
}

# t STATUS NEEDLE CMD...  (CMD: bench | record-cost | sim-bench | faults-table, then args)
t() {
  local want=$1 needle=$2 tool=$3
  shift 3
  local exe=$bench
  case $tool in
    bench) ;;
    *) exe=$bin/altinj-$tool ;;
  esac
  local before after out rc
  before=$(snap)
  out=$(timeout 60 "$exe" "$@" 2>&1 >/dev/null </dev/null)
  rc=$?
  after=$(snap)
  local lines
  lines=$(printf '%s\n' "$out" | grep -c .)
  local why=""
  [[ $rc -eq $want ]] || why="exit $rc, want $want"
  [[ "$out" == *"$needle"* ]] || why="$why; message lacks '$needle'"
  ((want == 0 || lines == 1)) || why="$why; $lines lines of message"
  [[ "$before" == "$after" ]] || why="$why; files changed: $(diff <(echo "$before") <(echo "$after") | head -4 | tr '\n' ' ')"
  if [[ -z $why ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $tool $*: $why; stderr: $out" >&2
  fi
}

S=(--mode sim -n 100 -q)
# ---- 1. outputs ----
t 2 "same file" bench run "${S[@]}" --json x --hist x
t 2 "same file" bench run "${S[@]}" --json x.reactive.hgrm --hist x
t 2 "same file" bench run "${S[@]}" --json ./x.paravisor.hgrm --hist x
t 2 "also the input trace:file=" bench run --mode sim -q -w trace:file=t53.txt --json t53.txt
t 2 "also the input trace:file=" bench run --mode sim -q -w trace:file=t53.txt --json ./adir/../t53.txt
t 2 "also the input kvmexit:file=" bench run --mode sim -q -w kvmexit:file=kx.txt --json kx.txt
t 2 "also the input kvmexit:file=" bench run --mode sim -q -w kvmexit:file=kx.txt --hist ./kx.txt
t 2 "no intr_info" bench run --mode sim -q -w kvmexit:file=info55.txt
t 2 "VMX" bench run --mode sim -q -w kvmexit:file=vmx.txt
t 2 "no kvm:kvm_exit events" bench run --mode sim -q -w kvmexit:file=empty
t 2 "busy= conflicts" bench run --mode sim -q -w kvmexit:file=kx.txt,busy=0.1
t 2 "select one" bench run -q -w kvmexit:file=kx.txt
t 2 "also the input --costs" bench run "${S[@]}" -c c.conf --json c.conf
t 2 "also the input --costs" bench run "${S[@]}" -c c.conf --hist c.conf
t 2 "is a directory" bench run "${S[@]}" --json adir
t 2 "dangling symbolic link" bench run "${S[@]}" --json dangling
t 2 "'-' is not allowed" bench run "${S[@]}" --hist -
t 2 "No such file or directory" bench run "${S[@]}" --json nodir/x.json
t 2 "cannot write /proc/version" bench run "${S[@]}" --json /proc/version
t 2 "..." bench run "${S[@]}" --json "$long"
t 3 "--hist: cannot write /dev/full: No space left on device" bench run "${S[@]}" --json new.json --hist /dev/full
t 3 "--json: cannot write /dev/full: No space left on device" bench run "${S[@]}" --json /dev/full --hist new.hist
t 3 "cannot write /dev/full" bench merge /dev/full good.json
t 3 "--crossovers: cannot write /dev/full" bench merge --crossovers /dev/full new.tsv good.json
t 3 "--comparisons: cannot write /dev/full" bench merge --comparisons /dev/full new.tsv good.json
t 3 "--json: cannot write /dev/full: No space left on device" bench compare --json /dev/full good.json good2.json
t 2 "is one of the inputs" bench compare --json good.json good.json good2.json
# ---- 2. merge ----
t 2 "looks like a JSON result" bench merge good.json good2.json
t 2 "looks like a JSON result" bench merge looks.tsv good.json
t 2 "missing OUT.tsv" bench merge
t 2 "missing input files" bench merge new.tsv
t 2 "same input" bench merge new.tsv good.json good.json
t 2 "same input" bench merge new.tsv good.json ./good.json
t 2 "same input" bench merge new.tsv good.json link.json
t 2 "OUT.tsv new.tsv and --crossovers new.tsv are the same file" bench merge --crossovers new.tsv new.tsv good.json
t 2 "given twice" bench merge --crossovers a.tsv --crossovers b.tsv new.tsv good.json
t 2 "neg.json: runs[0].lost: must be a non-negative integer" bench merge new.tsv neg.json
t 2 "frac.json: runs[0].events: must be a non-negative integer" bench merge new.tsv frac.json
t 2 "unknown strategy 'frobnicate'" bench merge new.tsv unknown.json
t 2 "exactly_once: true, but lost is not 0" bench merge new.tsv lie.json
t 2 "exactly_once: true, but duplicated is not 0" bench merge new.tsv lie_dup.json
t 2 "exactly_once: true, but fatal is true" bench merge new.tsv lie_fatal.json
t 2 "more than the" bench merge new.tsv toomany.json
t 2 "runs[0].strategy: missing" bench merge new.tsv nostrat.json
t 2 "also in runs[0]" bench merge new.tsv twice.json
t 2 "runs: empty" bench merge new.tsv noruns.json
t 2 "not valid JSON" bench merge new.tsv notjson.json
t 2 "not a JSON object" bench merge new.tsv array.json
t 2 "No such file" bench merge new.tsv missing.json
t 2 "not valid JSON" bench merge new.tsv good.json t53.txt
t 2 "apply to run results" bench merge --micro --crossovers a.tsv new.tsv good.json
# ---- 3. traces ----
t 0 "replays 35 of the trace's 53 events (18 cut" bench run --mode sim -q -w trace:file=t53.txt -d 2
t 0 "more than the trace's 53 events" bench run --mode sim -q -n 100 -w trace:file=t53.txt
t 0 "" bench run --mode sim -q -w trace:file=bom.txt
t 0 "" bench run --mode sim -q -w trace:file=crlf.txt
t 0 "" bench run --mode sim -q -w trace:file=callchain.txt
t 2 "CR without LF" bench run "${S[@]}" -w trace:file=cr.txt
t 2 "NUL byte at column 10" bench run "${S[@]}" -w trace:file=nul.txt
t 2 "line longer than 4096 bytes" bench run "${S[@]}" -w trace:file=long.txt
t 2 "timestamp too large" bench run "${S[@]}" -w trace:file=bigts.txt
t 2 "bad vector= value 'vector=236x'" bench run "${S[@]}" -w trace:file=garbage.txt
t 2 "time goes backwards" bench run "${S[@]}" -w trace:file=backwards.txt
t 2 "badline.txt:1" bench run "${S[@]}" -w trace:file=badline.txt
t 2 "/dev/zero:1: NUL byte" bench run "${S[@]}" -w trace:file=/dev/zero
t 2 "not perf script text" bench run "${S[@]}" -w trace:file=binary
t 2 "no usable interrupt entry events" bench run "${S[@]}" -w trace:file=empty
t 2 "adir" bench run "${S[@]}" -w trace:file=adir
t 2 "cannot open" bench run "${S[@]}" -w trace:file=none.txt
# ---- 4. numbers ----
t 2 "--seed: '-5'" bench run "${S[@]}" --seed -5
t 2 "'1_000' is not a valid integer" bench run --mode sim -q -n 1_000
t 2 "--vcpus: '0x' is not a valid integer" bench run "${S[@]}" --vcpus 0x
t 2 "out of range" bench run "${S[@]}" --vcpus 0x2000
t 2 "--events: '12x'" bench run --mode sim -q -n 12x
t 2 "--events" bench run --mode sim -q -n 0
t 2 "--repeat" bench run "${S[@]}" --repeat 1e3
t 2 "above the live bound of 50000000" bench run -q -w poisson:rate=2e7 -d 3
t 2 "above what the clock can schedule" bench run -q -w poisson:rate=1e9 -d 0.001
t 2 "rate" bench run -q -w poisson:rate=1e12
t 2 "rate must be > 0" bench run "${S[@]}" -w poisson:rate=0
t 2 "rate is not representable" bench run "${S[@]}" --faults omit-flag=1e-400
t 2 "rate must be in [0, 1]" bench run "${S[@]}" --faults all=1.5
t 2 "rate must be a decimal number" bench run "${S[@]}" --faults omit-flag=0x1
t 2 "--drain: 1e-9 is below the minimum of 0.1 s" bench run "${S[@]}" --drain 1e-9
t 2 "--drain" bench run "${S[@]}" --drain nan
t 2 "--duration" bench run --mode sim -q -d inf
t 2 "--duration" bench run --mode sim -q -d -1
t 2 "exclude" bench run --mode sim -q -d 1 -n 10
t 2 "non-negative integer" bench run "${S[@]}" -w poisson:rate=1000,seed=-1
t 2 "empty spec" bench run "${S[@]}" --faults ''
t 2 "duration needs a unit" bench run "${S[@]}" --faults delay-kick=0.1:20
t 2 "trailing comma" bench run "${S[@]}" --faults omit-flag=0.5,
t 2 "seed 'x'" bench run "${S[@]}" --faults seed=x
t 2 "needs a value" bench run "${S[@]}" --faults
t 2 "workload" bench run "${S[@]}" -w frob:rate=1
t 2 "rate" bench run "${S[@]}" -w poisson:rate=abc
t 2 "--duration" bench run --mode sim -q -d 0
# ---- 5. flags ----
t 2 "--seed given twice" bench run "${S[@]}" --seed 1 --seed 2
t 2 "--duration given twice" bench run --mode sim -q -d 1 --duration=2
t 2 "--json given twice" bench run "${S[@]}" --json a.json --json b.json
t 2 "--strategy given twice" bench run "${S[@]}" -s reactive -s paravisor
t 2 "--events given twice" bench run --mode sim -q -n 5 -n 6
t 2 "--json given twice" bench compare --json a.json --json b.json good.json good2.json
t 2 "--seed given twice" faults-table --seed 1 --seed 2
t 2 "--format given twice" faults-table --format md --format tsv
t 2 "--strategy given twice" sim-bench -s reactive -s paravisor
t 2 "unknown option '--frob'" bench run --frob
t 2 "unexpected argument 'extra'" bench run extra
t 2 "needs a value" bench run --workload
t 2 "unknown command" bench frobnicate
t 2 "unknown option" bench merge --frob new.tsv good.json
t 2 "unknown option" bench compare --frob good.json good2.json
t 2 "unknown strategy 'nope'" bench run -s nope
t 2 "named twice" bench run -s reactive,reactive
t 2 "trailing comma" bench run -s reactive,
t 2 "usage" bench
t 2 "missing key" bench run "${S[@]}" -c empty
t 2 "adir" bench run "${S[@]}" -c adir
t 2 "known profiles: zero, snp" bench run "${S[@]}" -c frob
t 2 "bad.conf" bench run "${S[@]}" -c bad.conf
t 2 "not a cost profile text file" bench run "${S[@]}" -c binary
t 2 "unknown fault 'frob'" bench run "${S[@]}" --faults frob=0.1
t 2 "needs --mode sim" bench run --vcpus 2
t 0 "" record-cost --help
t 2 "unknown option '--frob'" record-cost --frob
t 2 "one argument at most" record-cost 1000 2000
t 2 "samples: 'x'" record-cost x
t 0 "" sim-bench --help
t 2 "unexpected argument 'extra'" sim-bench extra
t 2 "unknown option '--frob'" sim-bench --frob
t 2 "bad vCPU count '010x'" sim-bench --vcpus-list 64,010x
t 2 "needs a value" sim-bench --strategy
t 0 "" faults-table --help
t 2 "unexpected argument 'extra'" faults-table extra
t 2 "--frob" faults-table --frob
# Integers are decimal or 0x hex: 010 is ten, 0x10 sixteen.
for pair in "010 10" "0x10 16"; do
  set -- $pair
  got=$("$bench" run --mode sim -n 10 -q --seed "$1" --json - | python3 -c 'import json,sys; print(json.load(sys.stdin)["seed"])')
  if [[ $got == "$2" ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: --seed $1 read as $got" >&2; fi
done
# ---- 6. honest outputs: shown in the table without files ----
out=$("$bench" run --mode sim -n 1000 -w poisson:rate=1000,busy=0 -s paravisor 2>/dev/null)
if [[ $(printf '%s\n' "$out" | grep -A1 'BUSY exit -> re-delivery' | tail -1) == *"n/a"* ]]; then
  pass=$((pass + 1))
else
  fail=$((fail + 1)); echo "FAIL: re-delivery without samples is not n/a" >&2
fi
if "$bench" run --mode sim -n 1000 -w poisson:rate=1000,busy=0 -s paravisor -q --json - |
   python3 -c 'import json,sys; r=json.load(sys.stdin)["runs"][0]["busy_redelivery_ns"]; sys.exit(0 if r["count"]==0 and r["p50"] is None else 1)'; then
  pass=$((pass + 1))
else
  fail=$((fail + 1)); echo "FAIL: re-delivery without samples is not null in the JSON" >&2
fi
help=$("$bench" run --help)
for s in "replays in" "loop=N" "core/profiles/snp.conf" "shared among the simulated vCPUs" "Exit status"; do
  if [[ $help == *"$s"* ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: run --help lacks '$s'" >&2; fi
done
# Good outputs through the rule: a FIFO and a character device are written through, a symlink
# keeps being a link.
( cat fifo >"$tmp/fifo.out" ) &
"$bench" run "${S[@]}" --json fifo
wait
if grep -q '"tool"' "$tmp/fifo.out" && [[ -p fifo ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: FIFO not written through" >&2; fi
"$bench" run "${S[@]}" --json /dev/null --hist /dev/null && [[ -c /dev/null ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: /dev/null" >&2; }
"$bench" run "${S[@]}" --json link.json && [[ -L link.json ]] && grep -q '"tool"' good.json && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: symlink replaced" >&2; }
if ls "$w"/*.tmp.* >/dev/null 2>&1; then fail=$((fail + 1)); echo "FAIL: a temporary file was left" >&2; fi
echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
