# Latency vs interrupt rate: p50, p99 and p99.9 (three panels, same latency axis) per strategy,
# from a merged sweep table (altinj-bench merge; scripts/sweep writes DIR/sweep.tsv).
# One slice of the sweep: one mode, workload, cost profile, BUSY fraction and vCPU count.
#
# usage: gnuplot -e "in='results/sweep/sweep.tsv'; out='lat_rate.png'" plots/latency_vs_rate.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   optional slice (default: live, poisson, snp, busy 0.05, 1 vCPU, or the first value present):
#   mode='live'; workload='poisson'; costs='snp'; busy=0.05; vcpus=1
#   W=1200; H=560                        size in pixels
if (!exists("W")) W = 1200
if (!exists("H")) H = 560
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='TSV' (a merged table: altinj-bench merge)") }
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
rates = values(in, C, "rate")

set datafile separator "\t"
set datafile columnheaders
# One latency axis for all three panels, so they compare at a glance.
stats rows(in, C, "rate") using (column("lat_p50_us")) nooutput name "LO"
stats rows(in, C, "rate") using (column("lat_p999_us")) nooutput name "HI"
ylo = LO_min > 0 ? 10 ** floor(log10(LO_min)) : 0.1
yhi = 10 ** ceil(log10(HI_max > 0 ? HI_max : 1))
if (yhi <= ylo * 10) yhi = ylo * 100
rmin = (word(rates, 1) + 0) / 1000.0
rmax = (word(rates, words(rates)) + 0) / 1000.0

set logscale y 10
set format y "%g"
set yrange [ylo:yhi]
if (rmin > 0 && rmax / rmin > 20) {
  set logscale x 10
  set xrange [rmin / 1.3:rmax * 1.3]
} else {
  set xrange [0:rmax * 1.08]
}
set format x "%g"
set xlabel "interrupt rate (1000 / s)"
set grid
set multiplot layout 1,3 title sprintf("Interrupt latency vs rate: %s %s, BUSY fraction %g, costs %s, %g vCPU", mode, workload, busy, costs, vcpus) noenhanced margins 0.07, 0.98, 0.2, 0.86 spacing 0.05, 0
eval footnote(tsv_note1(in), tsv_note2(in, costs))
pcts = "lat_p50_us lat_p99_us lat_p999_us"
names = "p50 p99 p99.9"
do for [k=1:3] {
  set title word(names, k)." latency"
  if (k == 1) {
    set ylabel "latency, handler entry - intended arrival (us)"
    set key top left
  } else {
    unset ylabel
    unset key
  }
  plot for [s in strategies] rows(in, C." && ".eqs("strategy", s), "rate") \
       using (column("rate") / 1000):(column(word(pcts, k))) with linespoints lw slw(s) dt sdt(s) pt spt(s) ps sps(s) lc rgb scolor(s) title s
  unset label 900
  unset label 901
}
unset multiplot
