# Latency CDF per strategy: x = latency (log scale), y = share of interrupts handled within it.
# Reads the cyclictest -h text that `altinj-bench run --hist FILE` writes (1 us rows, one
# column per strategy in run order): 1 us resolution, where the HdrHistogram tables have only
# a handful of rows below the median. Samples beyond the last row (cyclictest's "overflows")
# count in the total, so the curve ends below 100 % when there are any. The curve pools every
# repetition. With repetitions (run --repeat) and the run's JSON beside FILE: a band per
# strategy from the lowest to the highest repetition kept at each percentile the JSON keeps
# (runs[].repetitions[].latency_us_at: 50 ... 99.99 % and the maximum), the repetitions'
# median there as dots; live only: the noise floor beside the run (the noise probe's worst gap,
# noise.worst_gap_us) as a dotted vertical line.
#
# usage: gnuplot -e "in='results/sweep/points/NAME.hist'; out='lat_cdf.png'" plots/latency_cdf.gp
#   in=FILE          the --hist FILE of one run (required)
#   out=PATH         .png (pngcairo) or .svg (svg) (required)
#   meta=TSV         optional: a merged table holding this run (altinj-bench merge), for the
#                    machine / cost profile footnote and the column names; or note='text'
#   json=FILE        optional: the run's --json result (default: FILE without .hist, .json)
#   reps=TSV         optional: scripts/plot-data reps output for it (default: made from json;
#                    reps='' draws no band)
#   noise=0          optional: no noise-floor line
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
if (!exists("json")) json = json_of(in)
reps_tmp = !exists("reps")
if (reps_tmp) reps = make_reps(json)
has_reps = strlen(reps) > 0 && count_rows(reps, "1") > 0
if (!exists("noise")) noise = 1
floor_us = has_reps && noise && reps_tag(reps, "mode") eq "live" ? reps_num(reps, "noise_worst_gap_us") : NaN
# Strategy i's band as one closed outline: up the lowest repetition's latencies, down the
# highest's (latency is x here, so the band runs horizontally at each percentile).
RB(i) = sprintf("< awk -F'\t' -v s='%s' '/^#/ { next } !h { h = 1; for (k = 1; k <= NF; k++) c[$k] = k; next } $c[\"strategy\"] == s { n++; p[n] = $c[\"pct\"]; lo[n] = $c[\"lo\"]; hi[n] = $c[\"hi\"] } END { for (k = 1; k <= n; k++) print lo[k], p[k]; for (k = n; k >= 1; k--) print hi[k], p[k]; if (n) print lo[1], p[1] }' '%s'", word(strategies, i), reps)
RM(i) = sprintf("< awk -F'\t' -v s='%s' '/^#/ { next } !h { h = 1; for (k = 1; k <= NF; k++) c[$k] = k; next } $c[\"strategy\"] == s { print $c[\"med\"], $c[\"pct\"] }' '%s'", word(strategies, i), reps)
# (Always defined: a plot names it even where it draws nothing.)
set print $FLOOR
print "# the noise floor: x, y"
if (floor_us == floor_us) {
  print sprintf("%g 0", floor_us)
  print sprintf("%g 100", floor_us)
}
unset print

set datafile separator whitespace
set title sprintf("Interrupt latency CDF\n%s%s", point_desc(in), has_reps ? "\n".reps_note(reps) : "") noenhanced
set xlabel "latency, handler entry - intended arrival (us, log scale)"
set ylabel "interrupts handled within that latency (%)"
set logscale x 10
set format x "%g"
set xrange [1:*]
set yrange [0:100]
set ytics 10
set mytics 2
set key bottom right Left reverse font ",9" width -6
set bmargin 6
eval footnote(point_note1(in), point_note2(in))
# Row r holds latencies in [r, r+1) us: all of them are within r + 1 us.
# The noise floor's clause, only where there is one (macros expand when the block is read).
FL = floor_us == floor_us ? sprintf(', $FLOOR using 1:2 with lines dt 3 lw 2 lc rgb "#333333" title "noise floor: worst gap beside the run (%.0f us)"', floor_us) : ""
if (has_reps) {
  set style fill transparent solid 0.2 noborder
  plot for [i=1:n] RB(i) using 1:2 with filledcurves closed lc rgb scolor(word(strategies, i)) notitle, \
       for [i=1:n] in using ($1 + 1):(100.0 * column(i + 1) / total(i)) smooth cumulative with steps lw slw(word(strategies, i)) dt sdt(word(strategies, i)) lc rgb scolor(word(strategies, i)) title word(strategies, i), \
       for [i=1:n] RM(i) using 1:2 with points pt spt(word(strategies, i)) ps 0.7 * sps(word(strategies, i)) lc rgb scolor(word(strategies, i)) notitle, \
       keyentry with filledcurves lc rgb "#888888" title reps_band_key(reps), \
       keyentry with points pt 7 ps 0.9 lc rgb "#555555" title "dots: median of the repetitions; line: all pooled" @FL
} else {
  plot for [i=1:n] in using ($1 + 1):(100.0 * column(i + 1) / total(i)) smooth cumulative with steps lw slw(word(strategies, i)) dt sdt(word(strategies, i)) lc rgb scolor(word(strategies, i)) title word(strategies, i)
}
eval reps_done
