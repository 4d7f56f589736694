# p99 interrupt latency vs vCPU count, one line per strategy, from the sim points of a merged
# sweep table (scripts/sweep --modes sim --vcpus 1,2,4,8; needs `altinj-bench run --mode sim
# --vcpus N`). One slice: workload, cost profile, rate and BUSY fraction.
# With repetitions (run --repeat): each point is the median over the repetitions
# (lat_p99_us_med) with its bootstrap 95 % interval as an error bar; a hollow marker is a
# strategy whose test against the best (lowest median) at that vCPU count is not significant
# (Holm-corrected Mann-Whitney U, from the comparisons table); filled: the best, or
# significantly different from it. Tables without repetitions (or a pct= without medians): the
# pooled figure, no bars.
#
# usage: gnuplot -e "in='results/sweep/sweep.tsv'; out='p99_vcpus.png'" plots/p99_vs_vcpus.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   optional slice (default: sim, poisson, snp, busy 0.05, the highest rate, or the first value
#   present): mode='sim'; workload='poisson'; costs='snp'; busy=0.05; rate=100000
#   pct='lat_p99_us'                     optional: another latency column (lat_p999_us, ...)
#   cmp=TSV                              the comparisons table (altinj-bench merge --comparisons;
#                                        default: in's name with sweep -> comparisons, beside it)
#   marks=TSV                            scripts/plot-data marks output (default: made from in
#                                        and cmp; marks='' draws no significance marks)
#   W=1000; H=650                        size in pixels
# Exits with status 3 (and draws nothing) when the table has no row with more than one vCPU
# count in the slice, so scripts can tell "no sim data yet" from an error.
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='TSV' (a merged table: altinj-bench merge)") }
if (!exists("pct")) pct = "lat_p99_us"
if (!exists("cmp")) cmp = cmp_beside(in)
C = "1"
if (!exists("mode")) mode = pick_s(in, C, "mode", "sim")
C = C." && ".eqs("mode", mode)
if (!exists("workload")) workload = pick_s(in, C, "workload", "poisson")
C = C." && ".eqs("workload", workload)
if (!exists("costs")) costs = pick_s(in, C, "costs", "snp")
C = C." && ".eqs("costs", costs)
if (!exists("busy")) busy = pick_n(in, C, "busy", 0.05)
C = C." && ".eqn("busy", busy)
if (!exists("rate")) rate = word(values(in, C, "rate"), words(values(in, C, "rate"))) + 0
C = C." && ".eqn("rate", rate)
vc = values(in, C, "vcpus")
if (words(vc) < 2) { print sprintf("%s: fewer than two vCPU counts for mode %s (sim sweep missing?)", in, mode); exit status 3 }
strategies = strategies_in(in, C)
ns = words(strategies)
marks_tmp = !exists("marks")
if (marks_tmp) marks = make_marks(in, cmp)
metric = pct
has_med = has_col(in, metric."_med")
has_bars = has_med && count_valid(in, C, metric."_lo") > 0
sigmode = count_tested(marks, C." && ".eqs("metric", metric)) > 0
S(i) = rows_m(in, marks, metric, C." && ".eqs("strategy", word(strategies, i)), "vcpus")
# Side by side around each vCPU count (a small factor on the log axis), so the bars do not
# cover each other.
X(i) = column("vcpus") * (1 + 0.025 * (i - (ns + 1) / 2.0))

set datafile separator "\t"
set datafile columnheaders
set title sprintf("%s latency vs vCPU count: %s %s at %g/s, BUSY fraction %g, costs %s\n%s", pct eq "lat_p99_us" ? "p99" : pct, mode, workload, rate, busy, costs, slice_note(in, C)) noenhanced
set xlabel "vCPUs (log_2 scale)"
set ylabel sprintf("%s, handler entry - intended arrival (us)", pct eq "lat_p99_us" ? "p99 latency" : pct) noenhanced
set logscale x 2
set xrange [(word(vc, 1) + 0) / 1.3:(word(vc, words(vc)) + 0) * 1.3]
set xtics (0)
do for [k=1:words(vc)] { set xtics add (word(vc, k) word(vc, k) + 0) }
set logscale y 10
set format y "%g"
set key top left Left reverse font ",9" width key_width(9, sig_key_len(has_bars, sigmode, has_med))
set errorbars 0.5
set bmargin 6
eval footnote(tsv_note1(in), tsv_note2(in, costs))
K = sig_keys_of(has_bars, sigmode, has_med)
plot @sig_bars, @sig_line, @sig_points, @K
eval marks_done
