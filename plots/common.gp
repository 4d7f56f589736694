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
