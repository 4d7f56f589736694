# plots/common.gp: what every altinj-bench plot shares. Loaded by each plots/*.gp after it
# has set its defaults; not meant to be run by itself.
#
# Provides:
#   - the strategy colours and point types (one definition, so reactive is the same colour in
#     every plot): scolor(s) ("#RRGGBB"), sci(s) (integer, for `lc rgb variable`), spt(s),
#     slw(s), sdt(s), sps(s) (width, dash type, point size), strategies_all
#   - the output terminal from the file name `out`: *.svg -> svg, anything else -> pngcairo,
#     size W x H pixels (set W, H before loading; defaults 1000 x 650)
#   - rows(file, cond, key): a gnuplot data source ("< awk ...") with the column-name line and
#     those rows of a merged table (altinj-bench merge) for which the awk condition holds,
#     sorted numerically by the column named key; conditions are built with eqs()/eqn()
#   - meta(file, tag): the text after "# tag: " in a merged table's header comments
#   - footnote(l1, l2): the two small grey lines at the bottom (machine; cost profile and
#     which point or slice is shown): eval footnote(...) after `set bmargin 6`
#   - die(msg): print msg and exit with status 2
#
# Colours: the Okabe-Ito palette (readable with the common colour-vision deficiencies); the
# point types differ too, so a grey-scale print still tells the strategies apart.

if (!exists("W")) W = 1000
if (!exists("H")) H = 650
if (!exists("out")) { print "missing out='FILE.png' or out='FILE.svg' (see the header of the script)"; exit status 2 }

strategies_all = "reactive hvdb-flag unconditional paravisor"
sci(s) = s eq "reactive" ? 0xD55E00 : s eq "hvdb-flag" ? 0x0072B2 : \
         s eq "unconditional" ? 0x009E73 : s eq "paravisor" ? 0xCC79A7 : 0x666666
scolor(s) = sprintf("#%06X", sci(s))
# The strategy a name mentions ("CrossCpu/hvdb-flag/signal"), "" when none.
strategy_in(name) = strstrt(name, "hvdb-flag") ? "hvdb-flag" : strstrt(name, "unconditional") ? "unconditional" : \
                    strstrt(name, "paravisor") ? "paravisor" : strstrt(name, "reactive") ? "reactive" : ""
spt(s) = s eq "reactive" ? 7 : s eq "hvdb-flag" ? 5 : s eq "unconditional" ? 9 : \
         s eq "paravisor" ? 13 : 1
# Line style per strategy. Where two strategies give the same numbers (the sim's hvdb-flag and
# unconditional often do), the later one is dashed or thinner, so the earlier one's colour
# shows through its gaps and both stay visible.
slw(s) = s eq "reactive" ? 3.0 : s eq "hvdb-flag" ? 3.0 : s eq "unconditional" ? 2.2 : s eq "paravisor" ? 2.2 : 1.5
sdt(s) = s eq "unconditional" ? 2 : s eq "paravisor" ? 4 : 1
sps(s) = sidx(s) ? 1.7 - 0.25 * (sidx(s) - 1) : 1.0
# index of s in strategies_all (1-based), 0 when unknown
sidx(s) = (_sidx_p = strstrt(" ".strategies_all." ", " ".s." ")) ? words(strategies_all[1:_sidx_p]) : 0

is_svg = strlen(out) > 4 && out[strlen(out)-3:] eq ".svg"
if (is_svg) {
  set terminal svg size W,H dynamic enhanced font "DejaVu Sans,13" background "white"
} else {
  set terminal pngcairo size W,H enhanced font "DejaVu Sans,11" background "white" linewidth 1.2
}
set output out

set datafile commentschars "#"
set grid xtics ytics mxtics mytics lc rgb "#dddddd" lw 1, lc rgb "#eeeeee" lw 0.5
set border 3 lc rgb "#444444"
set tics nomirror out
set key box lc rgb "#bbbbbb" opaque samplen 4 spacing 1.15

# Data selection on merged tables, by column name. The awk program maps names to column
# numbers from the header line, keeps it, and prints "sortkey<TAB>row" for matching rows;
# sort + cut leave the rows in key order (lines between points need sorted x).
col(name) = sprintf('$c["%s"]', name)
eqs(name, v) = sprintf('%s == "%s"', col(name), v)
eqn(name, v) = sprintf('(%s + 0) == (%.10g)', col(name), v)
rows(file, cond, key) = sprintf("< awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; print \"-1e308\t\" $0; next } %s { print %s \"\t\" $0 }' '%s' | sort -s -g -k1,1 | cut -f2-", cond, col(key), file)
# Distinct values of a column among matching rows, space-separated, in numeric order.
values(file, cond, name) = system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { print %s }' '%s' | sort -g -u | tr '\\n' ' '", cond, col(name), file))
# Distinct strategies among matching rows, in strategies_all order (unknown ones last).
strategies_in(file, cond) = system(sprintf("awk -F'\t' -v order='%s' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { seen[%s] = 1 } END { n = split(order, o, \" \"); for (i = 1; i <= n; i++) if (o[i] in seen) { printf \"%%s \", o[i]; delete seen[o[i]] } for (s in seen) printf \"%%s \", s }' '%s'", strategies_all, cond, col("strategy"), file))
meta(file, tag) = system(sprintf("awk -v t='# %s: ' 'index($0, t) == 1 { sub(t, \"\"); gsub(/\"/, \"\\047\"); if (n++) printf \"; \"; printf \"%%s\", $0 }' '%s'", tag, file))
# The cost-profile line without its per-figure list when that would not fit.
costs_of(file) = system(sprintf("awk '/^# costs / { sub(/^# costs /, \"\"); gsub(/\"/, \"\\047\"); if (n++) printf \"; \"; printf \"%%s\", $0 }' '%s'", file))
footnote(l1, l2) = sprintf('set label 900 "%s" at screen 0.01, character 2.2 left font ",8" tc rgb "#555555" noenhanced; set label 901 "%s" at screen 0.01, character 1 left font ",8" tc rgb "#555555" noenhanced', l1, l2)
die(msg) = sprintf('print "%s"; exit status 2', msg)
fmt_pct(q) = q >= 0.9999 ? "99.99%" : q >= 0.999 ? "99.9%" : q >= 0.99 ? "99%" : q >= 0.9 ? "90%" : q >= 0.5 ? "50%" : "0%"
# "NAME: vmrun=... ns ..." for one cost profile named in a merged table's header.
cost_line(file, name) = system(sprintf("awk -v t='# costs %s:' 'index($0, t) == 1 { sub(/^# costs /, \"\"); gsub(/\"/, \"\\047\"); print; exit }' '%s'", name, file))
basename(f) = system(sprintf("basename '%s'", f))
# The strategies that have a FILE.<strategy>.hgrm next to a --hist FILE, known ones first.
hgrm_strategies(prefix) = system(sprintf("for s in %s; do [ -r '%s'.$s.hgrm ] && printf '%%s ' $s; done; for f in '%s'.*.hgrm; do [ -r \"$f\" ] || continue; s=${f#'%s'.}; s=${s%%.hgrm}; case ' %s ' in *\" $s \"*) ;; *) printf '%%s ' \"$s\";; esac; done", strategies_all, prefix, prefix, prefix, strategies_all))
# Footnote lines for plots of one point's histogram files: from meta=TSV (a merged table
# holding that point) when given, else note=TEXT, else a hint.
point_note1(prefix) = exists("meta") ? "machine: ".meta(meta, "machine") : exists("note") ? note : "machine and cost profile: pass meta='merged.tsv' (altinj-bench merge) or note='...'"
point_name(prefix) = system(sprintf("basename '%s' .hist", prefix))
point_note2(prefix) = exists("meta") ? "costs ".cost_line(meta, values_s(meta, eqs("point", point_name(prefix)), "costs")) : ""
# The title's second line: the point's name, and its mode and workload when meta= is given.
point_desc(prefix) = exists("meta") ? point_desc_c(prefix, eqs("point", point_name(prefix))) : point_name(prefix)
point_desc_c(prefix, C) = sprintf("%s: %s, %s", point_name(prefix), values_s(meta, C, "mode"), values_s(meta, C, "workload_spec"))
# Like values(), for a string column (first match only).
values_s(file, cond, name) = system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { print %s; exit }' '%s'", cond, col(name), file))
# The column names of a cyclictest-style --hist FILE, in the run's order: from meta= (the
# merged table lists a point's strategies in run order), else from the .hgrm files present
# (right for `--strategy all`, whose order is strategies_all).
hist_strategies(prefix) = exists("meta") ? system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } $c[\"point\"] == \"%s\" { printf \"%%s \", $c[\"strategy\"] }' '%s'", point_name(prefix), meta)) : hgrm_strategies(prefix)
# The cyclictest footer: the i-th number of the "# TAG:" line (Total, Max Latencies, ...).
# (awk prints them as plain decimals: gnuplot would read cyclictest's "00120" as octal.)
hist_footer(prefix, tag) = system(sprintf("awk -v t='# %s:' 'index($0, t) == 1 { sub(/^# [^:]*: */, \"\"); for (i = 1; i <= NF; i++) printf \"%%d \", $i + 0; exit }' '%s'", tag, prefix))
hist_columns(prefix) = int(system(sprintf("awk '!/^#/ && NF { print NF - 1; exit }' '%s'", prefix)))
# Distinct values of a string column among matching rows, space-separated, sorted.
distinct(file, cond, name) = system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { print %s }' '%s' | sort -u | tr '\\n' ' '", cond, col(name), file))
has_word(list, w) = strstrt(" ".list." ", " ".w." ") > 0
# A slice coordinate nobody chose: pref when the rows have it, else the first value there is.
pick_s(file, cond, name, pref) = has_word(distinct(file, cond, name), pref) ? pref : word(distinct(file, cond, name), 1)
pick_n(file, cond, name, pref) = has_word(values(file, cond, name), sprintf("%g", pref)) ? pref : word(values(file, cond, name), 1) + 0
count_rows(file, cond) = int(system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { n++ } END { print n + 0 }' '%s'", cond, file)))
# Footnote line 1 for merged tables: the machine(s) that ran the rows.
# Sim rows are not measured on a machine (their "machine" is the virtual clock): say that
# once instead of listing one virtual machine per vCPU count.
tsv_note1(file) = tsv_note1m(system(sprintf("awk '/^# machine: / && !/host simulation$/ { sub(/^# machine: /, \"\"); gsub(/\"/, \"\\047\"); if (n++) printf \"; \"; printf \"%%s\", $0 }' '%s'", file)), system(sprintf("grep -c '^# machine: .*host simulation$' '%s'", file)) + 0)
tsv_note1m(live, nsim) = (strlen(live) ? "machine: ".live : "").(nsim > 0 ? (strlen(live) ? "; " : "")."sim rows: deterministic simulation (virtual clock), no machine measured" : "")
tsv_note2(file, costs) = "costs ".cost_line(file, costs)
# Like rows(), in file order (no sort).
rows_in_order(file, cond) = sprintf("< awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; print; next } %s' '%s'", cond, file)

# ---- repetitions and significance (run --repeat; scripts/plot-data) ----
# has_col(file, name): 1 when a merged table has that column (tables from before repetitions
# have no <metric>_med/_lo/_hi: the plots then draw the pooled figure without bars).
has_col(file, name) = int(system(sprintf("awk -F'\t' -v n='%s' '/^#/ { next } { for (i = 1; i <= NF; i++) if ($i == n) { print 1; exit } print 0; exit }' '%s'", name, file)))
# The median over the repetitions of column c (c_med), else the pooled figure when c_med is NaN
# or absent (old tables, or no repetition kept); the interval's ends, NaN when there is none.
# Set has_med = has_col(in, "<metric>_med") first.
# (strcol first: gnuplot drops a row whose using expression reads a NaN cell with column().)
isnum(c) = (_sv = strcol(c)) ne "NaN" && _sv ne "" && _sv ne "nan" && _sv ne "-nan"
med_or(c) = has_med && isnum(c."_med") ? column(c."_med") : column(c)
lo_of(c) = has_med ? column(c."_lo") : NaN
hi_of(c) = has_med ? column(c."_hi") : NaN
# Significance marks: a marks table (scripts/plot-data marks SWEEP CMP) joined to rows():
# rows_m(file, marks, metric, cond, key) is rows() with three columns appended from the marks
# rows of that metric: _best (1: the point's lowest median), _differs (1: its Holm-corrected
# test against the best is significant), _tested (0: no test compares it with the best); -1
# each where marks is "" or has no such row.
rows_m(file, marks, metric, cond, key) = sprintf("< awk -F'\t' -v mf='%s' -v m='%s' 'BEGIN { if (mf != \"\") while ((getline l < mf) > 0) { if (l ~ /^#/) continue; n = split(l, f, \"\t\"); if (!mh) { mh = 1; for (i = 1; i <= n; i++) mc[f[i]] = i; continue } if (f[mc[\"metric\"]] != m) continue; k = f[mc[\"point\"]] \"/\" f[mc[\"strategy\"]]; B[k] = f[mc[\"best\"]]; D[k] = f[mc[\"differs_from_best\"]]; T[k] = f[mc[\"tested\"]] } } /^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; print \"-1e308\t\" $0 \"\t_best\t_differs\t_tested\"; next } %s { k = $c[\"point\"] \"/\" $c[\"strategy\"]; print %s \"\t\" $0 \"\t\" (k in B ? B[k] : -1) \"\t\" (k in D ? D[k] : -1) \"\t\" (k in T ? T[k] : -1) }' '%s' | sort -s -g -k1,1 | cut -f2-", marks, metric, cond, col(key), file)
# Filled marker: the best at its x, or significantly different from it (or no marks at all:
# nothing to say); hollow: a test says the difference to the best is not significant, or no
# test could compare them (one repetition, or under two kept on a side).
filled(d) = sigmode == 0 || column("_best") > 0 || column("_differs") > 0
# The hollow point type of a filled one (gnuplot's filled types are the open type + 1).
spt_open(s) = spt(s) - 1
# marks=FILE when given; else made here from the comparisons table (cmp=, default: the name of
# in with "sweep" replaced by "comparisons", beside it: sweep.tsv -> comparisons.tsv,
# sweep-sim.tsv -> comparisons-sim.tsv) by scripts/plot-data, into a temporary file that
# marks_done removes; "" when there is none (no marks drawn).
plot_data = here."/../scripts/plot-data"
cmp_beside(file) = system(sprintf("d=$(dirname '%s'); b=$(basename '%s'); case $b in sweep*) echo \"$d/comparisons${b#sweep}\";; *) echo \"$d/comparisons.tsv\";; esac", file, file))
readable(f) = strlen(f) > 0 && int(system(sprintf("[ -r '%s' ] && echo 1 || echo 0", f)))
make_marks(file, cmpf) = readable(cmpf) ? system(sprintf("t=$(mktemp) && '%s' marks '%s' '%s' --out \"$t\" 2>/dev/null && echo \"$t\" || { rm -f \"$t\"; echo ''; }", plot_data, file, cmpf)) : ""
marks_done = 'if (exists("marks_tmp") && marks_tmp) { system(sprintf("rm -f ''%s''", marks)) }'
# sigmode: 1 when the marks of this slice hold at least one test (else the markers are all filled
# and the key says there are no tests).
count_tested(mk, cond) = strlen(mk) ? count_rows(mk, cond." && ".eqn("tested", 1)." && ".eqn("best", 0)) : 0
# Item "what the figure is": sim or live, the repetitions, the BUSY premise, for a title line.
# "live (this machine) | 5 repetitions per point (2-5 kept) | BUSY premise hardware"
slice_note(file, cond) = system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { m[$c[\"mode\"]] = 1; r = (\"repeat\" in c) ? $c[\"repeat\"] + 0 : 1; k = (\"reps_kept\" in c) ? $c[\"reps_kept\"] + 0 : r; if (!n++ || r < rlo) rlo = r; if (r > rhi) rhi = r; if (n == 1 || k < klo) klo = k; if (k > khi) khi = k; p[(\"premise\" in c) && $c[\"premise\"] != \"\" ? $c[\"premise\"] : \"hardware\"] = 1 } END { s = \"\"; for (x in m) s = s (s == \"\" ? \"\" : \" + \") (x == \"sim\" ? \"sim (the model: deterministic simulation)\" : x == \"live\" ? \"live (this machine)\" : x); rr = (rlo == rhi ? rlo : rlo \"-\" rhi); s = s \" | \" rr (rhi == 1 ? \" repetition per point: no intervals, no tests\" : \" repetitions per point (\" (klo == khi ? klo : klo \"-\" khi) \" kept\" (klo == 0 ? \"; none kept: pooled figure, no bar\" : \"\") \")\"); pp = \"\"; for (x in p) pp = pp (pp == \"\" ? \"\" : \", \") x; printf \"%%s | BUSY premise %%s\", s, pp }' '%s'", cond, file))
# Key entries explaining the markers (after `plot`: keyentry clauses, gnuplot 5.4).
sig_key_filled = "filled: the best here, or differs from it (Holm p < 0.05)"
sig_key_open = "hollow: no significant difference to the best (or no test)"
sig_key_none = "no tests here (under 2 repetitions kept): all filled"
# The plot clauses that draw each strategy's medians with their intervals and significance
# markers, for `K = sig_keys_of(...); plot @sig_bars, @sig_line, @sig_points, @K, ...` (macros). The
# script defines: strategies, ns (their count), metric (the column), has_med, sigmode, S(i)
# (strategy i's rows: rows_m(...)) and X(i) (its x, from the current row).
sig_bars = "for [i=1:ns] S(i) using (X(i)):(med_or(metric)):(lo_of(metric)):(hi_of(metric)) with yerrorbars lw 1.2 pt 0 ps 0 lc rgb scolor(word(strategies, i)) notitle"
sig_line = "for [i=1:ns] S(i) using (X(i)):(med_or(metric)) with lines lw slw(word(strategies, i)) dt sdt(word(strategies, i)) lc rgb scolor(word(strategies, i)) notitle"
# Filled markers; hollow ones over a white disc (so the line does not run through them).
sig_points = "for [i=1:ns] S(i) using (X(i)):(filled(0) ? med_or(metric) : NaN) with points pt spt(word(strategies, i)) ps sps(word(strategies, i)) lc rgb scolor(word(strategies, i)) notitle, for [i=1:ns] S(i) using (X(i)):(filled(0) ? NaN : med_or(metric)) with points pt 7 ps 0.8 * sps(word(strategies, i)) lc rgb '#ffffff' notitle, for [i=1:ns] S(i) using (X(i)):(filled(0) ? NaN : med_or(metric)) with points pt spt_open(word(strategies, i)) ps sps(word(strategies, i)) lw 1.5 lc rgb scolor(word(strategies, i)) notitle"
sig_key_strategies = "for [i=1:ns] keyentry with linespoints lw slw(word(strategies, i)) dt sdt(word(strategies, i)) pt spt(word(strategies, i)) ps sps(word(strategies, i)) lc rgb scolor(word(strategies, i)) title word(strategies, i)"
sig_kb = "keyentry with yerrorbars lw 1.2 pt 0 ps 0 lc rgb '#555555' title sig_key_bar"
sig_kf = "keyentry with points pt 7 ps 1.2 lc rgb '#555555' title sig_key_filled"
sig_ko = "keyentry with points pt 6 ps 1.2 lw 1.5 lc rgb '#555555' title sig_key_open"
sig_kn = "keyentry with points pt 7 ps 1.2 lc rgb '#555555' title sig_key_none"
# The key's clauses: the strategies, then only the explanations that apply (a clause iterated
# zero times would still take a blank line in the key). For `K = sig_keys_of(...)`, `plot ..., @K`.
sig_marks_of(b, sg, m) = (b ? ", ".sig_kb : "").(sg ? ", ".sig_kf.", ".sig_ko : "").(!sg && m ? ", ".sig_kn : "")
sig_keys_of(b, sg, m) = sig_key_strategies.sig_marks_of(b, sg, m)
sig_key_bar = "median of the repetitions, bar: 95 % interval"
# Rows matching cond whose column name holds a number (not NaN, not empty, not absent).
count_valid(file, cond, name) = int(system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s && (\"%s\" in c) && %s != \"\" && tolower(%s) !~ /nan/ { n++ } END { print n + 0 }' '%s'", cond, name, col(name), col(name), file)))
# ---- one point's repetitions (scripts/plot-data reps POINT.json) ----
# For the plots of one run's --hist FILE: json= (default FILE without .hist, plus .json) and
# reps= (scripts/plot-data reps output; default: made from json into a temporary file that
# reps_done removes; "" without a JSON or repetitions).
json_of(prefix) = system(sprintf("f='%s'; echo \"${f%%.hist}.json\"", prefix))
make_reps(jf) = readable(jf) ? system(sprintf("t=$(mktemp) && '%s' reps '%s' --out \"$t\" 2>/dev/null && echo \"$t\" || { rm -f \"$t\"; echo ''; }", plot_data, jf)) : ""
reps_done = 'if (exists("reps_tmp") && reps_tmp && strlen(reps)) { system(sprintf("rm -f ''%s''", reps)) }'
# "# tag: value" of a reps table ("" when absent), and a number from it (NaN when not one).
reps_tag(f, tag) = strlen(f) ? system(sprintf("awk -v t='# %s: ' 'index($0, t) == 1 { sub(t, \"\"); print; exit }' '%s'", tag, f)) : ""
reps_num(f, tag) = (_rt = reps_tag(f, tag), _rt eq "" || _rt eq "NaN" ? NaN : real(_rt))
# The title line: sim or live, the repetitions (kept per strategy), the BUSY premise, the costs.
reps_note(f) = system(sprintf("awk '/^# mode: / { m = $3 } /^# repeat: / { r = $3 } /^# premise: / { p = $3 } /^# costs: / { c = $3 } /^# reps_kept / { s = $3; sub(/:$/, \"\", s); split($4, q, \"/\"); k = k (k == \"\" ? \"\" : \", \") s \" \" q[1]; if (n++ && q[1] != k1) d = 1; k1 = q[1] } END { printf \"%%s | %%s repetition%%s, %%s | BUSY premise %%s | costs %%s\", (m == \"sim\" ? \"sim (the model: deterministic simulation)\" : \"live (this machine)\"), r, (r == 1 ? \"\" : \"s\"), (d ? \"kept: \" k : k1 \" kept of each\"), p, c }' '%s'", f))
# The band's key text: the kept repetitions, or every one for a strategy with none kept.
reps_band_key(f) = count_rows(f, eqn("all_disturbed", 1)) > 0 ? "band: lowest to highest repetition kept (all where none was)" : "band: lowest to highest repetition kept"
# The key's `width` adjustment for a key in a smaller font than the terminal's: gnuplot sizes
# the box by the default font, so it is this many characters too wide for the longest entry.
maxlen2(a, b) = a > b ? a : b
words_maxlen(l) = (_wm = 0, sum [_k=1:words(l)] ((_wm = maxlen2(_wm, strlen(word(l, _k)))) * 0), _wm)
sig_key_len(b, sg, m) = maxlen2(maxlen2(words_maxlen(strategies), b ? strlen(sig_key_bar) : 0), maxlen2(sg ? maxlen2(strlen(sig_key_filled), strlen(sig_key_open)) : 0, !sg && m ? strlen(sig_key_none) : 0))
key_width(fontsize, longest) = -int(longest * (1 - fontsize / 11.0) + 0.5)
