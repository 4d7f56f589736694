# Overhead per interrupt (hypervisor + SVSM time per delivered interrupt) vs BUSY fraction, one
# line per strategy, with every crossover - where two strategies swap order - marked by an
# arrow and a label. From a merged sweep table and its crossovers table (scripts/sweep writes
# DIR/sweep.tsv and DIR/crossovers.tsv; altinj-bench merge --crossovers computes them).
#
# usage: gnuplot -e "in='results/sweep/sweep.tsv'; out='overhead_busy.png'" plots/overhead_vs_busy.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   cross=TSV                            crossovers (default: crossovers.tsv beside in)
#   optional slice (default: live, poisson, snp, the lowest rate, 1 vCPU, or the first value
#   present): mode='live'; workload='poisson'; costs='snp'; rate=20000; vcpus=1
#   W=1000; H=650                        size in pixels
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='TSV' (a merged table: altinj-bench merge)") }
if (!exists("cross")) cross = system(sprintf("dirname '%s'", in))."/crossovers.tsv"
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
busys = values(in, C, "busy")
bmin = word(busys, 1) + 0
bmax = word(busys, words(busys)) + 0
have_cross = int(system(sprintf("[ -r '%s' ] && echo 1 || echo 0", cross)))
ncross = have_cross ? count_rows(cross, C) : 0

set datafile separator "\t"
set datafile columnheaders
stats rows(in, C, "busy") using (column("overhead_ns_per_irq")) nooutput name "Y"
span = Y_max - Y_min > 0 ? Y_max - Y_min : (Y_max > 0 ? Y_max : 1)
set yrange [Y_min - 0.1 * span < 0 ? 0 : Y_min - 0.1 * span : Y_max + 0.45 * span]

set title sprintf("Overhead per interrupt vs BUSY fraction: %s %s at %g/s, costs %s, %g vCPU\n%s", mode, workload, rate, costs, vcpus, ncross ? sprintf("%d crossover(s) marked: numbered rings where two strategies swap order", ncross) : "no crossover: the strategies keep their order over this range") noenhanced
# Linear x on purpose: overhead grows about linearly with the BUSY fraction, the crossovers are
# interpolated linearly in it, and only on a linear axis do the drawn segments cross exactly
# where the markers say.
set xlabel "BUSY fraction (share of deliveries a VMEXIT cuts)"
set ylabel "hypervisor + SVSM time per delivered interrupt (ns)"
set xrange [bmin - 0.04 * (bmax - bmin + 0.01) < 0 ? 0 : bmin - 0.04 * (bmax - bmin + 0.01):bmax + 0.04 * (bmax - bmin + 0.01)]
set format x "%g"
set key top left
set bmargin 6
eval footnote(tsv_note1(in), tsv_note2(in, costs))
# Crossover k: a ring at the crossing, an arrow down to it from its number, staggered over 4
# heights so neighbours do not collide; the numbered list (top right) says who swaps with whom.
lab_y(k, y) = y + span * (0.10 + 0.06 * (int(k) % 4))
CR = rows(cross, C, "busy")
if (ncross) {
  set table $X
  plot CR using (column("busy")):(column("overhead_ns")):(strcol("cheaper_below")):(strcol("cheaper_above")) with table
  unset table
  list = ""
  k = 0
  do for [i=1:|$X|] {
    L = $X[i]
    if (words(L) >= 4 && L[1:1] ne "#") {
      k = k + 1
      list = list.sprintf("%s%d: %s cheaper below, %s above, at busy %.3g (%.0f ns)", k > 1 ? "\n" : "", k, word(L, 3), word(L, 4), word(L, 1) + 0, word(L, 2) + 0)
    }
  }
  set style textbox opaque noborder
  set label 800 list at graph 0.99, graph 0.98 right front font ",9" tc rgb "#222222" noenhanced boxed
  plot for [s in strategies] rows(in, C." && ".eqs("strategy", s), "busy") \
         using (column("busy")):(column("overhead_ns_per_irq")) with linespoints lw slw(s) dt sdt(s) pt spt(s) ps sps(s) lc rgb scolor(s) title s, \
       CR using (column("busy")):(lab_y($0, column("overhead_ns"))):(0):(column("overhead_ns") - lab_y($0, column("overhead_ns"))) \
         with vectors head filled size screen 0.008,20 lw 1 lc rgb "#333333" notitle, \
       CR using (column("busy")):(column("overhead_ns")) with points pt 6 ps 2.2 lw 1.5 lc rgb "#333333" notitle, \
       CR using (column("busy")):(lab_y($0, column("overhead_ns"))):(sprintf("%d", $0 + 1)) \
         with labels offset 0,0.7 font ",10" tc rgb "#111111" noenhanced notitle
} else {
  plot for [s in strategies] rows(in, C." && ".eqs("strategy", s), "busy") \
         using (column("busy")):(column("overhead_ns_per_irq")) with linespoints lw slw(s) dt sdt(s) pt spt(s) ps sps(s) lc rgb scolor(s) title s
}
