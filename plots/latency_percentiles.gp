# Latency percentile distribution per strategy, HdrHistogram style: x = percentile on a
# 1/(1-p) log axis (0% .. 99.99%), y = latency. Reads the HdrHistogram tables that
# `altinj-bench run --hist FILE` writes next to FILE, one per strategy (FILE.<strategy>.hgrm).
#
# usage: gnuplot -e "in='results/sweep/points/NAME.hist'; out='lat_pct.png'" plots/latency_percentiles.gp
#   in=FILE          the --hist FILE of one run (required)
#   out=PATH         .png (pngcairo) or .svg (svg) (required)
#   meta=TSV         optional: a merged table holding this run (altinj-bench merge), for the
#                    machine / cost profile footnote; or note='text' for line 1 of it
#   strategies='a b' optional: which strategies, default every FILE.<strategy>.hgrm present
#   logy=0           optional: linear latency axis (default logarithmic: tails span decades)
#   W=1000; H=650    optional: size in pixels
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='FILE' (the --hist FILE of a run)") }
if (!exists("strategies")) strategies = hgrm_strategies(in)
if (words(strategies) == 0) { eval die(sprintf("no %s.<strategy>.hgrm files", in)) }
if (!exists("logy")) logy = 1

set datafile separator whitespace
set title sprintf("Interrupt latency by percentile (HdrHistogram)\n%s", point_desc(in)) noenhanced
set xlabel "percentile"
set ylabel "latency, handler entry - intended arrival (us)"
set logscale x 10
set xrange [1:10000]
set xtics ("0%%" 1, "50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000)
set mxtics 10
if (logy) { set logscale y 10; set format y "%g" } else { set yrange [0:*] }
set key top left
set bmargin 6
eval footnote(point_note1(in), point_note2(in))
# Column 4 is 1/(1-p); the final 100 % row has no column 4 and drops out, as in HdrHistogram's
# own plotter (the max is in the table footer and in the cyclictest plot's key).
plot for [s in strategies] sprintf("%s.%s.hgrm", in, s) using 4:1 with steps lw slw(s) dt sdt(s) lc rgb scolor(s) title s
