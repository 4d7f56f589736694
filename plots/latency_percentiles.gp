# Latency percentile distribution per strategy, HdrHistogram style: x = percentile on a
# 1/(1-p) log axis (0% .. 99.99%), y = latency. Reads the HdrHistogram tables that
# `altinj-bench run --hist FILE` writes next to FILE, one per strategy (FILE.<strategy>.hgrm):
# the line pools every repetition. With repetitions (run --repeat) and the run's JSON beside
# FILE: a band per strategy from the lowest to the highest repetition kept at each percentile
# the JSON keeps (runs[].repetitions[].latency_us_at: 50 ... 99.99 %), the repetitions' median
# there as dots; live only: the noise floor beside the run (the noise probe's worst gap,
# noise.worst_gap_us) as a dotted horizontal line.
#
# usage: gnuplot -e "in='results/sweep/points/NAME.hist'; out='lat_pct.png'" plots/latency_percentiles.gp
#   in=FILE          the --hist FILE of one run (required)
#   out=PATH         .png (pngcairo) or .svg (svg) (required)
#   meta=TSV         optional: a merged table holding this run (altinj-bench merge), for the
#                    machine / cost profile footnote; or note='text' for line 1 of it
#   json=FILE        optional: the run's --json result (default: FILE without .hist, .json)
#   reps=TSV         optional: scripts/plot-data reps output for it (default: made from json;
#                    reps='' draws no band)
#   noise=0          optional: no noise-floor line
#   strategies='a b' optional: which strategies, default every FILE.<strategy>.hgrm present
#   logy=0           optional: linear latency axis (default logarithmic: tails span decades)
#   W=1000; H=650    optional: size in pixels
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='FILE' (the --hist FILE of a run)") }
if (!exists("strategies")) strategies = hgrm_strategies(in)
if (words(strategies) == 0) { eval die(sprintf("no %s.<strategy>.hgrm files", in)) }
if (!exists("logy")) logy = 1
if (!exists("json")) json = json_of(in)
reps_tmp = !exists("reps")
if (reps_tmp) reps = make_reps(json)
has_reps = strlen(reps) > 0 && count_rows(reps, "1") > 0
if (!exists("noise")) noise = 1
floor_us = has_reps && noise && reps_tag(reps, "mode") eq "live" ? reps_num(reps, "noise_worst_gap_us") : NaN
ns = words(strategies)
# Strategy i's repetitions at the percentiles below 100 % (the maximum has no 1/(1-p)).
RP(i) = rows(reps, eqs("strategy", word(strategies, i))." && ".col("pct")." != \"100\"", "x")

set datafile separator whitespace
set title sprintf("Interrupt latency by percentile (HdrHistogram)\n%s%s", point_desc(in), has_reps ? "\n".reps_note(reps) : "") noenhanced
set xlabel "percentile"
set ylabel "latency, handler entry - intended arrival (us)"
set logscale x 10
set xrange [1:10000]
set xtics ("0%%" 1, "50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000)
set mxtics 10
if (logy) { set logscale y 10; set format y "%g" } else { set yrange [0:*] }
set key bottom right Left reverse font ",9" width -6
set bmargin 6
eval footnote(point_note1(in), point_note2(in))
# Column 4 is 1/(1-p); the final 100 % row has no column 4 and drops out, as in HdrHistogram's
# own plotter (the max is in the table footer and in the cyclictest plot's key).
# The noise floor's clause, only where there is one (macros expand when the block is read).
FL = floor_us == floor_us ? sprintf(', %g with lines dt 3 lw 2 lc rgb "#333333" title "noise floor: worst gap beside the run (%.0f us)"', floor_us, floor_us) : ""
if (has_reps) {
  set style fill transparent solid 0.2 noborder
  plot for [i=1:ns] RP(i) using (column("x")):(column("lo")):(column("hi")) with filledcurves lc rgb scolor(word(strategies, i)) notitle, \
       for [i=1:ns] sprintf("%s.%s.hgrm", in, word(strategies, i)) using 4:1 with steps lw slw(word(strategies, i)) dt sdt(word(strategies, i)) lc rgb scolor(word(strategies, i)) title word(strategies, i), \
       for [i=1:ns] RP(i) using (column("x")):(column("med")) with points pt spt(word(strategies, i)) ps 0.7 * sps(word(strategies, i)) lc rgb scolor(word(strategies, i)) notitle, \
       keyentry with filledcurves lc rgb "#888888" title reps_band_key(reps), \
       keyentry with points pt 7 ps 0.9 lc rgb "#555555" title "dots: median of the repetitions; line: all pooled" @FL
} else {
  plot for [s in strategies] sprintf("%s.%s.hgrm", in, s) using 4:1 with steps lw slw(s) dt sdt(s) lc rgb scolor(s) title s
}
eval reps_done
