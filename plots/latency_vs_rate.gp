# Latency vs interrupt rate: p50, p99 and p99.9 (three panels, same latency axis) per strategy,
# from a merged sweep table (altinj-bench merge; scripts/sweep writes DIR/sweep.tsv).
# One slice of the sweep: one mode, workload, cost profile, BUSY fraction and vCPU count.
# With repetitions (run --repeat): each point is the median over the repetitions
# (lat_p50_us_med, ...) with its bootstrap 95 % interval as an error bar; a hollow marker is a
# strategy whose test against the best (lowest median) at that rate is not significant
# (Holm-corrected Mann-Whitney U, from the comparisons table); filled: the best, or
# significantly different from it. Tables without repetitions: the pooled figures, no bars.
#
# usage: gnuplot -e "in='results/sweep/sweep.tsv'; out='lat_rate.png'" plots/latency_vs_rate.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   optional slice (default: live, poisson, snp, busy 0.05, 1 vCPU, or the first value present):
#   mode='live'; workload='poisson'; costs='snp'; busy=0.05; vcpus=1
#   cmp=TSV                              the comparisons table (altinj-bench merge --comparisons;
#                                        default: in's name with sweep -> comparisons, beside it)
#   marks=TSV                            scripts/plot-data marks output (default: made from in
#                                        and cmp; marks='' draws no significance marks)
#   W=1200; H=560                        size in pixels
if (!exists("W")) W = 1200
if (!exists("H")) H = 560
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
if (!exists("busy")) busy = pick_n(in, C, "busy", 0.05)
C = C." && ".eqn("busy", busy)
if (!exists("vcpus")) vcpus = pick_n(in, C, "vcpus", 1)
C = C." && ".eqn("vcpus", vcpus)
if (count_rows(in, C) == 0) { eval die(sprintf("%s: no rows for mode %s, workload %s, costs %s, busy %g, vcpus %g", in, mode, workload, costs, busy, vcpus)) }
strategies = strategies_in(in, C)
# (After the checks above, so a refusal leaves no temporary marks file.)
marks_tmp = !exists("marks")
if (marks_tmp) marks = make_marks(in, cmp)
ns = words(strategies)
rates = values(in, C, "rate")
pcts = "lat_p50_us lat_p99_us lat_p999_us"
names = "p50 p99 p99.9"
has_med = has_col(in, "lat_p50_us_med")

set datafile separator "\t"
set datafile columnheaders
# One latency axis for all three panels, so they compare at a glance: from the lowest p50 (or
# its interval's low end) to the highest p99.9 (or its interval's high end).
metric = "lat_p50_us"
stats rows(in, C, "rate") using (med_or(metric)) nooutput name "LO"
metric = "lat_p999_us"
stats rows(in, C, "rate") using (med_or(metric)) nooutput name "HI"
ymin = LO_min
ymax = HI_max
if (has_med && count_valid(in, C, "lat_p50_us_lo") > 0) {
  stats rows(in, C, "rate") using (column("lat_p50_us_lo")) nooutput name "LL"
  if (LL_min > 0 && LL_min < ymin) { ymin = LL_min }
}
if (has_med && count_valid(in, C, "lat_p999_us_hi") > 0) {
  stats rows(in, C, "rate") using (column("lat_p999_us_hi")) nooutput name "HH"
  if (HH_max > ymax) { ymax = HH_max }
}
ylo = ymin > 0 ? 10 ** floor(log10(ymin)) : 0.1
yhi = 10 ** ceil(log10(ymax > 0 ? ymax : 1))
if (yhi <= ylo * 10) yhi = ylo * 100
rmin = (word(rates, 1) + 0) / 1000.0
rmax = (word(rates, words(rates)) + 0) / 1000.0

set logscale y 10
set format y "%g"
set yrange [ylo:yhi]
# The strategies sit side by side around each rate (a small offset), so their error bars do
# not cover each other.
if (rmin > 0 && rmax / rmin > 20) {
  set logscale x 10
  set xrange [rmin / 1.3:rmax * 1.3]
  X(i) = column("rate") / 1000.0 * (1 + 0.012 * (i - (ns + 1) / 2.0))
} else {
  set xrange [0:rmax * 1.08]
  X(i) = column("rate") / 1000.0 + (i - (ns + 1) / 2.0) * 0.006 * rmax
}
set format x "%g"
set xlabel "interrupt rate (1000 / s)"
set grid
set errorbars 0.5
set multiplot layout 1,3 title sprintf("Interrupt latency vs rate: %s %s, BUSY fraction %g, costs %s, %g vCPU\n%s", mode, workload, busy, costs, vcpus, slice_note(in, C)) noenhanced margins 0.07, 0.98, 0.2, 0.84 spacing 0.05, 0
eval footnote(tsv_note1(in), tsv_note2(in, costs))
S(i) = rows_m(in, marks, metric, C." && ".eqs("strategy", word(strategies, i)), "rate")
# The key once, in the left panel (p50 sits low, the top left is free): the strategies, and
# what the bars and markers mean in any panel.
sig_any = 0
bars_any = 0
do for [k=1:3] {
  sig_any = sig_any || count_tested(marks, C." && ".eqs("metric", word(pcts, k))) > 0
  bars_any = bars_any || (has_med && count_valid(in, C, word(pcts, k)."_lo") > 0)
}
# (Macros expand when a block is read, so K is set before the loop.)
K = sig_keys_of(bars_any, sig_any, has_med)
do for [k=1:3] {
  metric = word(pcts, k)
  set title word(names, k)." latency"
  if (k == 1) {
    set ylabel "latency, handler entry - intended arrival (us)"
    set key top left Left reverse font ",8" width key_width(8, sig_key_len(bars_any, sig_any, has_med))
    sigmode = sig_any
    has_bars = bars_any
    plot @sig_bars, @sig_line, @sig_points, @K
  } else {
    unset ylabel
    unset key
    sigmode = count_tested(marks, C." && ".eqs("metric", metric)) > 0
    plot @sig_bars, @sig_line, @sig_points
  }
  unset label 900
  unset label 901
}
unset multiplot
eval marks_done
