# World switches per 1000 interrupts, one stacked bar per strategy, grouped by BUSY fraction:
# successful VMRUNs, failed VMRUNs (VMEXIT_BUSY), SVSM (VMPL0) entries and #HV doorbell page
# writes. From a merged sweep table (altinj-bench merge; scripts/sweep writes DIR/sweep.tsv).
# The segments are disjoint: the table's vmruns_per_1k counts failed VMRUNs too, so the
# successful segment is vmruns - failed; the bar height is the total of the four (pooled over
# every repetition). Over each bar, a marker in the strategy's colour: the table's world-switch
# figure (world_switches_per_1k: exits + VMRUN attempts + 2 per VMPL0 run), with repetitions
# (run --repeat) its median over them with the bootstrap 95 % interval as an error bar; hollow
# where the test against the group's best (fewest world switches) is not significant
# (Holm-corrected Mann-Whitney U, from the comparisons table), filled for the best and for a
# significant difference. Tables without repetitions: the pooled figure, no bar.
#
# usage: gnuplot -e "in='results/sweep/sweep.tsv'; out='switches.png'" plots/world_switches.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   optional slice (default: live, poisson, snp, the lowest rate, 1 vCPU, or the first value
#   present): mode='live'; workload='poisson'; costs='snp'; rate=20000; vcpus=1
#   cmp=TSV                              the comparisons table (altinj-bench merge --comparisons;
#                                        default: in's name with sweep -> comparisons, beside it)
#   marks=TSV                            scripts/plot-data marks output (default: made from in
#                                        and cmp; marks='' draws no significance marks)
#   W=1100; H=650                        size in pixels
if (!exists("W")) W = 1100
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='TSV' (a merged table: altinj-bench merge)") }
if (!exists("cmp")) cmp = cmp_beside(in)
C = "1"
if (!exists("mode")) mode = pick_s(in, C, "mode", "live")
C = C." && ".eqs("mode", mode)
if (!exists("workload")) workload = pick_s(in, C, "workload", "poisson")
C = C." && ".eqs("workload", workload)
if (!exists("costs")) costs = pick_s(in, C, "costs", "snp")
C = C." && ".eqs("costs", costs)
if (!exists("rate")) rate = word(values(in, C, "rate"), 1) + 0
C = C." && ".eqn("rate", rate)
if (!exists("vcpus")) vcpus = pick_n(in, C, "vcpus", 1)
C = C." && ".eqn("vcpus", vcpus)
if (count_rows(in, C) == 0) { eval die(sprintf("%s: no rows for mode %s, workload %s, costs %s, rate %g, vcpus %g", in, mode, workload, costs, rate, vcpus)) }
strategies = strategies_in(in, C)
# (After the checks above, so a refusal leaves no temporary marks file.)
marks_tmp = !exists("marks")
if (marks_tmp) marks = make_marks(in, cmp)
busys = values(in, C, "busy")
ns = words(strategies)
nb = words(busys)

# Bar position: groups of ns bars (one per strategy, in strategies order), a gap between groups.
bidx(b) = sum [k=1:nb] (abs((word(busys, k) + 0) - b) < 1e-12 ? k : 0)
sidx_in(s) = sum [k=1:ns] (word(strategies, k) eq s ? k : 0)
xpos(s, b) = (bidx(b) - 1) * (ns + 1) + sidx_in(s)

set datafile separator "\t"
set datafile columnheaders
metric = "world_switches_per_1k"
has_med = has_col(in, metric."_med")
has_bars = has_med && count_valid(in, C, metric."_lo") > 0
sigmode = count_tested(marks, C." && ".eqs("metric", metric)) > 0
S(i) = rows_m(in, marks, metric, C." && ".eqs("strategy", word(strategies, i)), "busy")
X(i) = xpos(word(strategies, i), column("busy"))
set title sprintf("World switches per 1000 interrupts: %s %s at %g/s, costs %s, %g vCPU\n%s", mode, workload, rate, costs, vcpus, slice_note(in, C)) noenhanced
set ylabel "events per 1000 delivered interrupts"
set xrange [0.3:nb * (ns + 1) - 0.3]
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
set xtics rotate by -30 left scale 0 font ",9" noenhanced
set grid noxtics ytics
set boxwidth 0.8
set style fill solid 1.0 border lc rgb "#ffffff"
set key outside right top vertical samplen 1.5 reverse Left font ",9" width key_width(9, maxlen2(sig_key_len(has_bars, sigmode, has_med), 50))
set errorbars 0.4
set bmargin 7
set tmargin 6.5
eval footnote(tsv_note1(in), tsv_note2(in, costs))
do for [k=1:nb] {
  eval sprintf('set label %d "BUSY fraction %s" at first %g, graph 1.025 center font ",10"', 100 + k, word(busys, k), (k - 1) * (ns + 1) + (ns + 1) / 2.0)
}
ok(r) = column("vmruns_per_1k") - column("failed_vmruns_per_1k")
fl(r) = column("failed_vmruns_per_1k")
sv(r) = column("svsm_entries_per_1k")
db(r) = column("doorbell_writes_per_1k")
R = rows(in, C, "busy")
sig_wkey = "keyentry with points pt 7 ps 1.2 lc rgb '#555555' title 'marker: world switches (exits + VMRUNs + 2 x VMPL0)'"
K = sig_wkey.sig_marks_of(has_bars, sigmode, has_med)
# Tallest (cumulative) first, so each shorter stack overdraws the one below it; the strategy
# name under each bar is in the strategy's colour. Then the world-switch markers over the bars.
plot R using (xpos(strcol("strategy"), column("busy"))):(ok(0) + fl(0) + sv(0) + db(0)):xtic(strcol("strategy")) with boxes lc rgb "#9ecae1" title "#HV doorbell writes", \
     R using (xpos(strcol("strategy"), column("busy"))):(ok(0) + fl(0) + sv(0)) with boxes lc rgb "#6a6a6a" title "SVSM entries", \
     R using (xpos(strcol("strategy"), column("busy"))):(ok(0) + fl(0)) with boxes lc rgb "#000000" title "failed VMRUNs (VMEXIT\\_BUSY)", \
     R using (xpos(strcol("strategy"), column("busy"))):(ok(0)) with boxes lc rgb "#d9d9d9" title "successful VMRUNs", \
     R using (xpos(strcol("strategy"), column("busy"))):(ok(0) + fl(0) + sv(0) + db(0)):(sprintf("%.0f", ok(0) + fl(0) + sv(0) + db(0))):(sci(strcol("strategy"))) with labels offset 0,0.7 font ",9" tc rgb variable notitle, \
     R using (xpos(strcol("strategy"), column("busy"))):(0):(sci(strcol("strategy"))) with points pt 5 ps 1.6 lc rgb variable notitle, \
     @sig_bars, @sig_points, @K
eval marks_done
