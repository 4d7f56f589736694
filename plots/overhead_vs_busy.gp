# Overhead per interrupt (hypervisor + SVSM time per delivered interrupt) vs BUSY fraction, one
# line per strategy, with every crossover - where two strategies swap order - marked by an
# arrow and a label. From a merged sweep table and its crossovers table (scripts/sweep writes
# DIR/sweep.tsv and DIR/crossovers.tsv; altinj-bench merge --crossovers computes them).
# With repetitions (run --repeat): each point is the median over the repetitions
# (overhead_ns_per_irq_med) with its bootstrap 95 % interval as an error bar; a hollow marker
# is a strategy whose test against the best (lowest median) at that BUSY fraction is not
# significant (Holm-corrected Mann-Whitney U, from the comparisons table); filled: the best,
# or significantly different from it. Tables without repetitions: the pooled figure, no bars,
# all markers filled.
#
# usage: gnuplot -e "in='results/sweep/sweep.tsv'; out='overhead_busy.png'" plots/overhead_vs_busy.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   cross=TSV                            crossovers (default: crossovers.tsv beside in)
#   cmp=TSV                              the comparisons table (altinj-bench merge --comparisons;
#                                        default: in's name with sweep -> comparisons, beside it)
#   marks=TSV                            scripts/plot-data marks output (default: made from in
#                                        and cmp; marks='' draws no significance marks)
#   optional slice (default: live, poisson, snp, the lowest rate, 1 vCPU, or the first value
#   present): mode='live'; workload='poisson'; costs='snp'; rate=20000; vcpus=1
#   W=1000; H=650                        size in pixels
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='TSV' (a merged table: altinj-bench merge)") }
if (!exists("cross")) cross = system(sprintf("dirname '%s'", in))."/crossovers.tsv"
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
ns = words(strategies)
busys = values(in, C, "busy")
bmin = word(busys, 1) + 0
bmax = word(busys, words(busys)) + 0
have_cross = int(system(sprintf("[ -r '%s' ] && echo 1 || echo 0", cross)))
ncross = have_cross ? count_rows(cross, C) : 0
metric = "overhead_ns_per_irq"
has_med = has_col(in, metric."_med")
has_bars = has_med && count_valid(in, C, metric."_lo") > 0
sigmode = count_tested(marks, C." && ".eqs("metric", metric)) > 0
S(i) = rows_m(in, marks, metric, C." && ".eqs("strategy", word(strategies, i)), "busy")

set datafile separator "\t"
set datafile columnheaders
# The y range holds every median and every interval end.
stats rows(in, C, "busy") using (med_or(metric)) nooutput name "Y"
ylo = Y_min
yhi = Y_max
if (has_bars) {
  stats rows(in, C, "busy") using (column(metric."_lo")) nooutput name "L"
  stats rows(in, C, "busy") using (column(metric."_hi")) nooutput name "U"
  if (L_min < ylo) { ylo = L_min }
  if (U_max > yhi) { yhi = U_max }
}
span = yhi - ylo > 0 ? yhi - ylo : (yhi > 0 ? yhi : 1)
# Headroom for the key (more lines with repetitions) and the crossover list.
head = 0.45 + 0.06 * (has_bars + 2 * sigmode + (!sigmode && has_med))
set yrange [ylo - 0.1 * span < 0 ? 0 : ylo - 0.1 * span : yhi + head * span]

set title sprintf("Overhead per interrupt vs BUSY fraction: %s %s at %g/s, costs %s, %g vCPU\n%s\n%s", mode, workload, rate, costs, vcpus, slice_note(in, C), ncross ? sprintf("%d crossover(s) marked: numbered rings where two strategies swap order", ncross) : "no crossover: the strategies keep their order over this range") noenhanced
# Linear x on purpose: overhead grows about linearly with the BUSY fraction, the crossovers are
# interpolated linearly in it, and only on a linear axis do the drawn segments cross exactly
# where the markers say.
set xlabel "BUSY fraction (share of deliveries a VMEXIT cuts)"
set ylabel "hypervisor + SVSM time per delivered interrupt (ns)"
bpad = 0.04 * (bmax - bmin + 0.01)
set xrange [bmin - bpad < 0 ? 0 : bmin - bpad:bmax + bpad]
# The strategies sit side by side around each BUSY fraction (a small offset), so their error
# bars do not cover each other.
dodge = 0.006 * (bmax - bmin + 0.01)
X(i) = column("busy") + (i - (ns + 1) / 2.0) * dodge
set format x "%g"
set key top left Left reverse font ",9" width key_width(9, sig_key_len(has_bars, sigmode, has_med))
set errorbars 0.5
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
}
# Per strategy: the interval (error bar), the line through the medians, the marker (filled or,
# over a white disc, hollow). Key: one line + filled marker per strategy, then what the bars and
# the hollow markers mean.
K = sig_keys_of(has_bars, sigmode, has_med)
if (ncross) {
  plot @sig_bars, @sig_line, @sig_points, @K, \
       CR using (column("busy")):(lab_y($0, column("overhead_ns"))):(0):(column("overhead_ns") - lab_y($0, column("overhead_ns"))) \
         with vectors head filled size screen 0.008,20 lw 1 lc rgb "#333333" notitle, \
       CR using (column("busy")):(column("overhead_ns")) with points pt 6 ps 2.2 lw 1.5 lc rgb "#333333" notitle, \
       CR using (column("busy")):(lab_y($0, column("overhead_ns"))):(sprintf("%d", $0 + 1)) \
         with labels offset 0,0.7 font ",10" tc rgb "#111111" noenhanced notitle
} else {
  plot @sig_bars, @sig_line, @sig_points, @K
}
eval marks_done
