# Latency CDF per strategy: x = latency (log scale), y = share of interrupts handled within it.
# Reads the cyclictest -h text that `altinj-bench run --hist FILE` writes (1 us rows, one
# column per strategy in run order): 1 us resolution, where the HdrHistogram tables have only
# a handful of rows below the median. Samples beyond the last row (cyclictest's "overflows")
# count in the total, so the curve ends below 100 % when there are any.
#
# usage: gnuplot -e "in='results/sweep/points/NAME.hist'; out='lat_cdf.png'" plots/latency_cdf.gp
#   in=FILE          the --hist FILE of one run (required)
#   out=PATH         .png (pngcairo) or .svg (svg) (required)
#   meta=TSV         optional: a merged table holding this run (altinj-bench merge), for the
#                    machine / cost profile footnote and the column names; or note='text'
#   strategies='a b' optional: the column names in order. Default: from meta= (the run's order),
#                    else the FILE.<strategy>.hgrm files present (right for `--strategy all`)
#   W=1000; H=650    optional: size in pixels
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='FILE' (the --hist FILE of a run)") }
if (!exists("strategies")) strategies = hist_strategies(in)
n = words(strategies)
if (n == 0) { eval die(sprintf("cannot name the columns of %s: pass strategies='...' or meta=", in)) }
if (hist_columns(in) != n) { eval die(sprintf("%s has %d columns, strategies names %d", in, hist_columns(in), n)) }
totals = hist_footer(in, "Total")
overflows = hist_footer(in, "Histogram Overflows")
total(i) = word(totals, i) + word(overflows, i) + 0.0

set datafile separator whitespace
set title sprintf("Interrupt latency CDF\n%s", point_desc(in)) noenhanced
set xlabel "latency, handler entry - intended arrival (us, log scale)"
set ylabel "interrupts handled within that latency (%)"
set logscale x 10
set format x "%g"
set xrange [1:*]
set yrange [0:100]
set ytics 10
set mytics 2
set key bottom right
set bmargin 6
eval footnote(point_note1(in), point_note2(in))
# Row r holds latencies in [r, r+1) us: all of them are within r + 1 us.
plot for [i=1:n] in using ($1 + 1):(100.0 * column(i + 1) / total(i)) smooth cumulative with steps lw slw(word(strategies, i)) dt sdt(word(strategies, i)) lc rgb scolor(word(strategies, i)) title word(strategies, i)
