# cyclictest-style latency histogram: one step line per strategy, interrupts per latency bin
# on a log y axis, each strategy's maximum latency in the key. Reads the cyclictest -h text
# that `altinj-bench run --hist FILE` writes (1 us rows, one column per strategy in the run's
# strategy order), pooled over every repetition. With the run's JSON beside FILE, the title
# says sim or live, the repetitions, the BUSY premise and the cost profile, and (live only)
# the noise floor beside the run (the noise probe's worst gap, noise.worst_gap_us) is a dotted
# vertical line.
#
# usage: gnuplot -e "in='results/sweep/points/NAME.hist'; out='lat_hist.png'" plots/latency_hist.gp
#   in=FILE          the --hist FILE of one run (required)
#   out=PATH         .png (pngcairo) or .svg (svg) (required)
#   meta=TSV         optional: a merged table holding this run (altinj-bench merge), for the
#                    machine / cost profile footnote and the column names; or note='text'
#   strategies='a b' optional: the column names in order. Default: from meta= (the run's order),
#                    else the FILE.<strategy>.hgrm files present (right for `--strategy all`)
#   logx=1|0         optional: log latency axis, 20 bins per decade (lower edges shown). Default 1 when the
#                    max is over 50 x the median, so one stall does not squash every other
#                    bucket into one pixel; 0: linear axis, 1 us rows summed into about 250
#                    bins of 1, 2 or 5 x 10^k us (cyclictest's own 1 us when the range is small)
#   json=FILE        optional: the run's --json result (default: FILE without .hist, .json)
#   reps=TSV         optional: scripts/plot-data reps output for it (default: made from json)
#   noise=0          optional: no noise-floor line
#   W=1000; H=650    optional: size in pixels
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='FILE' (the --hist FILE of a run)") }
if (!exists("strategies")) strategies = hist_strategies(in)
n = words(strategies)
if (n == 0) { eval die(sprintf("cannot name the columns of %s: pass strategies='...' or meta=", in)) }
if (hist_columns(in) != n) { eval die(sprintf("%s has %d columns, strategies names %d", in, hist_columns(in), n)) }

maxes = hist_footer(in, "Max Latencies")
overflows = hist_footer(in, "Histogram Overflows")
maxall = 0
do for [i=1:n] {
  m = word(maxes, i) + 0
  if (m > maxall) { maxall = m }
}
# The median's row of the first column, to judge the spread.
med = real(system(sprintf("awk '!/^#/ && NF { t += $2; r[NR] = $1 + 0; c[NR] = $2 } END { h = 0; for (k = 1; k <= NR; k++) { h += c[k]; if (h * 2 >= t && t > 0) { print r[k]; exit } } print 0 }' '%s'", in)))
if (!exists("logx")) logx = (maxall > 50 * (med + 1)) ? 1 : 0
if (!exists("json")) json = json_of(in)
reps_tmp = !exists("reps")
if (reps_tmp) reps = make_reps(json)
has_reps = strlen(reps) > 0 && count_rows(reps, "1") > 0
if (!exists("noise")) noise = 1
floor_us = has_reps && noise && reps_tag(reps, "mode") eq "live" ? reps_num(reps, "noise_worst_gap_us") : NaN
has_floor = floor_us == floor_us
# The floor as one invisible point at the bottom, so the x range reaches it.
set print $FLOOR
print "# the noise floor: x, y"
if (has_floor) { print sprintf("%g 0.8", floor_us) }
unset print

set datafile separator whitespace
# Sum the 1 us rows into bins (smooth frequency), one table per strategy. An empty bin is
# drawn at the floor (0.8) so each line stays one connected step outline.
if (logx) {
  perdec = 20.0
  binx(r) = r < 1 ? 0.5 : 10 ** (floor(log10(r) * perdec) / perdec)
  binlabel = sprintf("%d bins per decade", int(perdec))
} else {
  raw = (maxall + 2) / 250.0
  mag = 10 ** floor(log10(raw > 1 ? raw : 1))
  bw = raw <= 1 ? 1 : raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag
  binx(r) = floor(r / bw) * bw
  binlabel = bw == 1 ? "1 us bins" : sprintf("%g us bins", bw)
}
do for [i=1:n] {
  eval sprintf("set table $B%d", i)
  plot in using (binx($1)):(column(i + 1)) smooth frequency
  unset table
}

set title sprintf("Latency histogram (cyclictest -h style)\n%s%s", point_desc(in), has_reps ? "\n".reps_note(reps) : "") noenhanced
set ylabel sprintf("interrupts per bin (log scale; %s)", binlabel)
set logscale y 10
set format y "10^{%T}"
set yrange [0.8:*]
if (logx) {
  set logscale x 10
  set format x "%g"
  set xrange [0.5:*]
  set xlabel "latency, handler entry - intended arrival (us, log scale; the 0 us row at 0.5)"
} else {
  set xrange [0:(has_floor && floor_us > maxall ? floor_us : maxall) + 2 * bw]
  set xlabel "latency, handler entry - intended arrival (us)"
}
set key outside top center horizontal maxcols 2
set bmargin 6
eval footnote(point_note1(in), point_note2(in))
ovf(i) = word(overflows, i) + 0
ktitle(i) = sprintf("%s (max %d us%s)", word(strategies, i), word(maxes, i) + 0, ovf(i) > 0 ? sprintf(", %d beyond the last row", ovf(i)) : "")
# Solid lines here, unlike the line plots: dashes on jagged steps are unreadable.
# The floor's line is labelled beside it (a key entry would widen the two-column key).
if (has_floor) {
  set arrow 700 from first floor_us, graph 0 to first floor_us, graph 1 nohead dt 3 lw 2 lc rgb "#333333" front
  set label 700 sprintf("noise floor: worst gap beside the run (%.0f us)", floor_us) at first floor_us, graph 0.97 right rotate by 90 offset -0.6, 0 font ",9" tc rgb "#333333" front noenhanced boxed
  set style textbox opaque noborder
}
plot for [i=1:n] sprintf("$B%d", i) using 1:($2 > 0 ? $2 : 0.8) with fsteps lw 0.6 * slw(word(strategies, i)) lc rgb scolor(word(strategies, i)) title ktitle(i), \
     for [k=1:has_floor] $FLOOR using 1:2 with points ps 0 notitle
eval reps_done
