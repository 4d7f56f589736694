# The verdict as a forest plot: at the report's default point, one row per pair of strategies
# the design question is about (hvdb-flag - unconditional, reactive - unconditional, paravisor
# - unconditional, reactive - hvdb-flag, paravisor - hvdb-flag), the difference median a -
# median b over the repetitions with its bootstrap 95 % interval, in overhead per interrupt
# (left panel) and in p99 latency (right), sim (the model) and live (this machine) one above
# the other in each row. Filled marker: significant (Holm-corrected Mann-Whitney U, p_holm <
# 0.05, altinj-bench's test); hollow: not; the p-value beside each ("p=0.048 *", "p=0.38
# n.s.", "untested" where no test compares the pair). A dotted line at zero: left of it, a is
# cheaper or faster. When one side's differences are over 20 times the other's, the axis is
# symmetric-logarithmic (asinh: linear near zero, logarithmic beyond), so both stay readable.
#
# usage: gnuplot -e "in='verdict.tsv'; out='verdict.png'" plots/verdict.gp
#   in=TSV           scripts/plot-data verdict output (the report writes data/verdict-plot.tsv)
#   or, without in=: sim='DIR/sweep-sim.tsv' and/or live='DIR/sweep.tsv' (merged tables; their
#                    comparisons tables beside them, sweep -> comparisons in the name, or
#                    simcmp=/livecmp=), rate=20000; busy=0.05 (default: the lowest rate at
#                    BUSY 0.05, as scripts/report-tables verdict picks it)
#   out=PATH         .png (pngcairo) or .svg (svg) (required)
#   scale='lin'      optional: force a linear axis ('symlog' forces the asinh one)
#   W=1100; H=560    optional: size in pixels
# Exits with status 3 (and draws nothing) when no row has a test, so scripts can tell "no
# repetitions" from an error.
if (!exists("W")) W = 1100
if (!exists("H")) H = 560
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
in_tmp = 0
if (!exists("in")) {
  if (!exists("sim") && !exists("live")) { eval die("missing in='TSV' (scripts/plot-data verdict) or sim=/live= merged tables") }
  args = ""
  if (exists("sim")) { args = args.sprintf(" --sim '%s' '%s'", sim, exists("simcmp") ? simcmp : cmp_beside(sim)) }
  if (exists("live")) { args = args.sprintf(" --live '%s' '%s'", live, exists("livecmp") ? livecmp : cmp_beside(live)) }
  if (exists("rate")) { args = args.sprintf(" --rate %g", rate) }
  if (exists("busy")) { args = args.sprintf(" --busy %g", busy) }
  in = system(sprintf("t=$(mktemp) && '%s' verdict %s --out \"$t\" && echo \"$t\" || { rm -f \"$t\"; echo ''; }", plot_data, args))
  if (strlen(in) == 0) { eval die("scripts/plot-data verdict failed") }
  in_tmp = 1
}
if (!readable(in)) { eval die(sprintf("cannot read %s", in)) }
if (count_rows(in, eqn("tested", 1)) == 0) {
  if (in_tmp) { system(sprintf("rm -f '%s'", in)) }
  print sprintf("%s: no pair has a test (no repetitions at the default point?)", in)
  exit status 3
}
if (!exists("scale")) scale = "auto"

set datafile separator "\t"
set datafile columnheaders
sides_in = distinct(in, "1", "side")
sides = (has_word(sides_in, "sim") ? "sim " : "").(has_word(sides_in, "live") ? "live" : "")
nrows = int(system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } $c[\"row\"] + 0 > m { m = $c[\"row\"] + 0 } END { print m + 0 }' '%s'", in)))
# What the figure is: the point of each side (its workload, rate, BUSY, costs, repetitions and
# premise), from the table's header comments.
side_line(s) = system(sprintf("awk -v s='# %s: ' 'index($0, s) == 1 { sub(s, \"\"); sub(/^[^,]*, /, \"\"); print; exit }' '%s'", s, in))
sim_c = "#000000"
live_c = "#E69F00"
side_c(s) = s eq "sim" ? sim_c : live_c
side_pt(s) = s eq "sim" ? 7 : 5
side_dy(s) = s eq "sim" ? -0.17 : 0.17
title_sides = ""
do for [s in "sim live"] {
  if (has_word(sides, s)) {
    title_sides = title_sides.(strlen(title_sides) ? "\n" : "").sprintf("%s (%s): %s", s, s eq "sim" ? "the model" : "this machine", side_line(s))
  }
}

# Per panel: which rows, the unit, the x range (every effect and interval end, zero, and room
# on the right for the p-value labels), linear or asinh.
panel_metric = "overhead p99"
maxabs(cond) = real(system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { for (k = 1; k <= 3; k++) { v = $c[k == 1 ? \"effect\" : k == 2 ? \"ci_lo\" : \"ci_hi\"]; if (tolower(v) ~ /nan/ || v == \"\") continue; v = v < 0 ? -v : v; if (v > m) m = v } } END { print m + 0 }' '%s'", cond, in)))
extreme(cond, name, want_max) = real(system(sprintf("awk -F'\t' -v mx=%d '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } %s { v = $c[\"%s\"]; if (tolower(v) ~ /nan/ || v == \"\") next; v += 0; if (!n++ || (mx ? v > m : v < m)) m = v } END { print m + 0 }' '%s'", want_max, cond, name, in)))
ypos(d) = column("row") + side_dy(strcol("side"))
eff_ok(d) = isnum("effect")
# Where the label goes: right of the interval (or of the marker, or of zero when untested).
lab_x(d) = isnum("ci_hi") ? column("ci_hi") : isnum("effect") ? column("effect") : 0

set multiplot layout 1,2 title sprintf("Verdict: differences between strategies at the default point (median a - median b, 95 %% interval)\n%s", title_sides) noenhanced margins 0.2, 0.97, 0.28, 0.8 spacing 0.1, 0
do for [p=1:2] {
  m = word(panel_metric, p)
  PC = eqs("metric", m)
  # Every row's side, for the asinh decision: the largest difference on each side.
  Ls = has_word(sides, "sim") ? maxabs(PC." && ".eqs("side", "sim")) : 0
  Ll = has_word(sides, "live") ? maxabs(PC." && ".eqs("side", "live")) : 0
  L = Ls > Ll ? Ls : Ll
  L = L > 0 ? L : 1
  Lsmall = (Ls > 0 && Ll > 0) ? (Ls < Ll ? Ls : Ll) : L
  symlog = scale eq "symlog" || (scale eq "auto" && L / Lsmall > 20)
  xlo = extreme(PC, "ci_lo", 0)
  xlo = extreme(PC, "effect", 0) < xlo ? extreme(PC, "effect", 0) : xlo
  xhi = extreme(PC, "ci_hi", 1)
  xhi = extreme(PC, "effect", 1) > xhi ? extreme(PC, "effect", 1) : xhi
  xlo = xlo > 0 ? 0 : xlo
  xhi = xhi < 0 ? 0 : xhi
  unset xtics
  unset nonlinear x
  if (symlog) {
    sc = Lsmall / 3.0
    sc = sc > 0 ? sc : 1
    set nonlinear x via asinh(x / sc) inverse sc * sinh(x)
    # Room in the transformed coordinates: 8 % left, 45 % right (the labels).
    tlo = asinh(xlo / sc)
    thi = asinh(xhi / sc)
    tw = thi - tlo > 0 ? thi - tlo : 1
    set xrange [sc * sinh(tlo - 0.08 * tw):sc * sinh(thi + 0.45 * tw)]

    set xtics nomirror ("0" 0) font ",9"
    # Ticks from the linear part's edge outwards: 1, 10, 100 ... up to the axis' ends (2 and 5
    # between them when few decades show; every other or third decade when many do).
    xmin_u = sc * sinh(tlo - 0.08 * tw)
    xmax_u = sc * sinh(thi + 0.45 * tw)
    e0 = ceil(log10(sc))
    amax = -xmin_u > xmax_u ? -xmin_u : xmax_u
    e1 = floor(log10(amax))
    nd = e1 - e0 + 1
    estep = nd > 8 ? 3 : nd > 4 ? 2 : 1
    do for [e=e0:e1:estep] {
      do for [f in (nd <= 2 ? "1 2 5" : "1")] {
        v = (f + 0) * 10.0 ** e
        tl = v >= 1e4 && f eq "1" ? sprintf("10^{%d}", e) : sprintf("%g", v)
        if (v <= xmax_u) { set xtics add (tl v) }
        if (-v >= xmin_u) { set xtics add ("-".tl -v) }
      }
    }
  } else {
    w = xhi - xlo > 0 ? xhi - xlo : 1
    set xrange [xlo - 0.08 * w:xhi + 0.45 * w]
    set xtics nomirror autofreq font ",9"
  }
  nm = p == 1 ? "overhead per interrupt (ns)" : "p99 latency (us)"
  if (symlog) {
    set xlabel sprintf("%s, median a - median b\n(axis: asinh, linear within +-%.2g, logarithmic beyond)", nm, sc) noenhanced
  } else {
    set xlabel sprintf("%s, median a - median b", nm) noenhanced
  }
  set title (p == 1 ? "Overhead per interrupt" : "p99 latency")
  set yrange [nrows + 0.6:0.4]
  set ytics nomirror scale 0 font ",10"
  if (p == 1) {
    set ytics ("" 1)
    do for [r=1:nrows] {
      pr = system(sprintf("awk -F'\t' '/^#/ { next } !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next } $c[\"row\"] + 0 == %d { print $c[\"a\"] \" - \" $c[\"b\"]; exit }' '%s'", r, in))
      set ytics add (pr r)
    }
  } else {
    set ytics ("" 1)
    do for [r=1:nrows] { set ytics add ("" r) }
  }
  set grid xtics noytics
  unset key
  set errorbars 0.4
  set arrow 1 from first 0, graph 0 to first 0, graph 1 nohead dt 3 lw 1.5 lc rgb "#555555" back
  # Thin separators between the rows.
  do for [r=1:nrows - 1] {
    set arrow 10 + r from graph 0, first r + 0.5 to graph 1, first r + 0.5 nohead lw 0.5 lc rgb "#dddddd" back
  }
  R(s) = rows(in, PC." && ".eqs("side", s), "row")
  # The legend, once, in screen coordinates below the panels: the sides, and what filled means.
  if (p == 2) {
    k = 0
    do for [s in sides] {
      k = k + 1
      eval sprintf('set label %d "%s" at screen %g, screen 0.035 point pt %d ps 1.5 lc rgb "%s" offset 1, 0 font ",10" noenhanced', 20 + k, s eq "sim" ? "sim: the model (deterministic simulation)" : "live: this machine", 0.02 + (k - 1) * 0.33, side_pt(s), side_c(s))
    }
    set label 30 "filled: significant (Holm-corrected Mann-Whitney U, p < 0.05)" at screen 0.02, screen 0.08 point pt 7 ps 1.5 lc rgb "#555555" offset 1, 0 font ",10"
    set label 31 "hollow: not significant (n.s.)" at screen 0.5, screen 0.08 point pt 6 ps 1.5 lw 1.5 lc rgb "#555555" offset 1, 0 font ",10"
  }
  plot for [s in sides] R(s) using (column("effect")):(ypos(0)):(column("ci_lo")):(column("ci_hi")) with xerrorbars lw 1.5 pt 0 ps 0 lc rgb side_c(s) notitle, \
       for [s in sides] R(s) using (column("effect")):(column("significant") > 0 ? ypos(0) : NaN) with points pt side_pt(s) ps 1.5 lc rgb side_c(s) notitle, \
       for [s in sides] R(s) using (column("effect")):(column("significant") > 0 ? NaN : ypos(0)) with points pt 7 ps 1.2 lc rgb "#ffffff" notitle, \
       for [s in sides] R(s) using (column("effect")):(column("significant") > 0 ? NaN : ypos(0)) with points pt side_pt(s) - 1 ps 1.5 lw 1.5 lc rgb side_c(s) notitle, \
       for [s in sides] R(s) using (lab_x(0)):(ypos(0)):(strcol("label")) with labels left offset 0.8, 0 font ",9" tc rgb (s eq "live" ? "#9a6a00" : side_c(s)) noenhanced notitle
  unset arrow
}
unset multiplot
if (in_tmp) { system(sprintf("rm -f '%s'", in)) }
