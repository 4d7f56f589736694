# Microbenchmarks beside their physical limits: per benchmark, a solid bar (time per operation)
# and, where the benchmark has one, a hatched bar beside it for its limit (the cheapest thing
# that could do the job, timed in the same run), labelled with the benchmark's own vs_limit
# ratio. Bars of strategy-specific benchmarks take that strategy's colour. Log time axis.
# From `altinj-bench merge --micro OUT.tsv altinj-micro.json` (Google Benchmark JSON).
#
# usage: gnuplot -e "in='results/report/micro.tsv'; out='micro.png'" plots/micro_bars.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   filter='REGEX'                       optional: only benchmarks whose name matches (awk ERE)
#   note='text'                          optional: footnote line 2 (e.g. the commit)
#   W=1400; H=720                        size in pixels
# The limit benchmarks themselves (PREFIX/limit/...) are not drawn as bars of their own: they
# are the hatched bars beside the benchmarks that compare with them.
if (!exists("W")) W = 1400
if (!exists("H")) H = 720
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='TSV' (altinj-bench merge --micro)") }
C = sprintf('index(%s, "/limit/") == 0', col("name"))
if (exists("filter")) C = C.sprintf(' && %s ~ /%s/', col("name"), filter)
n = count_rows(in, C)
if (n == 0) { eval die(sprintf("%s: no benchmark rows", in)) }
machine = system(sprintf("awk '/^# machine: / { sub(/^# machine: /, \"\"); gsub(/\"/, \"\\047\"); print; exit }' '%s'", in))

set datafile separator "\t"
set datafile columnheaders
R = rows_in_order(in, C)
stats R using (column("time_ns")) nooutput name "T"
set logscale y 10
set format y "%g"
set yrange [10 ** floor(log10(T_min > 0 ? T_min / 2 : 0.1)):10 ** ceil(log10(T_max * 3))]
set xrange [-0.7:n - 0.3]
set title "Microbenchmarks beside their physical limits (solid: the operation; hatched: its limit, same run; label: vs\\_limit)"
set ylabel "time per operation (ns, log scale)"
set xtics rotate by -40 left scale 0 font ",8" noenhanced
set grid noxtics ytics mytics
set boxwidth 0.38
set key top left
set bmargin 12
set rmargin 14
eval footnote("machine: ".machine, exists("note") ? note : "bars: mean time per operation over the run; labels: the benchmark's own vs_limit counter (it may compare medians, so it can differ from the bars' ratio)")
bar_color(name) = strlen(strategy_in(name)) ? sci(strategy_in(name)) : 0x7F7F7F
# NaN cells are tested as text: a NaN read from the file makes gnuplot drop the whole point
# even where the expression does not need it.
has(name) = strcol(name) ne "NaN" && strcol(name) ne ""
top(t) = has("limit_ns") && column("limit_ns") > t ? column("limit_ns") : t
plot NaN with boxes fill solid 1.0 noborder lc rgb "#7F7F7F" title "operation (a strategy's own: its colour)", \
     R using ($0 - 0.2):(column("time_ns")):(bar_color(strcol("name"))):xtic(strcol("label")) with boxes fill solid 1.0 noborder lc rgb variable notitle, \
     R using ($0 + 0.2):(has("limit_ns") ? column("limit_ns") : 1/0) with boxes fill pattern 4 border lc rgb "#222222" lc rgb "#222222" title "its limit (hatched)", \
     R using ($0):(top(column("time_ns")) * 1.5):(has("vs_limit") ? sprintf("x%.3g", column("vs_limit")) : "") with labels font ",8" tc rgb "#222222" notitle
