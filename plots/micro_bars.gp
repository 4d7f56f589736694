# Microbenchmarks beside their limits: per benchmark, a solid bar (median time per operation)
# and, where the benchmark has one, a hatched bar beside it for its limit (the cheapest thing
# that does the job, timed in the same run), each with an error bar from the fastest to the
# slowest process; labelled with the median of the benchmark's own same-run vs_limit (red when
# under 0.95: a broken limit, not a floor). Bars of strategy-specific benchmarks take that
# strategy's colour. Log time axis.
# From `altinj-bench merge --micro OUT.tsv micro.json` (scripts/micro-runs writes a micro.json
# of several processes; a row's time_ns and limit_ns are medians over them, time_min_ns ..
# time_max_ns and limit_min_ns .. limit_max_ns their range).
#
# usage: gnuplot -e "in='results/report/data/micro.tsv'; out='micro.png'" plots/micro_bars.gp
#   in=TSV, out=PATH (.png or .svg)      required
#   filter='REGEX'                       optional: only benchmarks whose name matches (awk ERE)
#   note='text'                          optional: footnote line 2 (e.g. the commit)
#   W=1400; H=720                        size in pixels
# Not drawn as bars of their own: the limit benchmarks (PREFIX/limit/...), which are the hatched
# bars beside the benchmarks that compare with them, and rows without a valid time (below 10
# clock steps in every process: the table shows them as "-"), which have no number to draw.
if (!exists("W")) W = 1400
if (!exists("H")) H = 720
here = system(sprintf("dirname '%s'", ARG0))
load here."/common.gp"
if (!exists("in")) { eval die("missing in='TSV' (altinj-bench merge --micro)") }
C = sprintf('index(%s, "/limit/") == 0 && %s != "NaN"', col("name"), col("time_ns"))
if (exists("filter")) C = C.sprintf(' && %s ~ /%s/', col("name"), filter)
n = count_rows(in, C)
if (n == 0) { eval die(sprintf("%s: no benchmark rows", in)) }
machine = system(sprintf("awk '/^# machine: / { sub(/^# machine: /, \"\"); gsub(/\"/, \"\\047\"); print; exit }' '%s'", in))
procs = system(sprintf("awk '/^# [0-9]+ process/ { print $2; exit }' '%s'", in))
clock = system(sprintf("awk '/^# clock: / { sub(/^# clock: /, \"\"); print; exit }' '%s'", in))

set datafile separator "\t"
set datafile columnheaders
R = rows_in_order(in, C)
# The axis covers the error bars too: the slowest process can be far off on a shared VM.
stats R using (column("time_min_ns")) nooutput name "Tlo"
stats R using (column("time_max_ns")) nooutput name "Thi"
set logscale y 10
set format y "%g"
set yrange [10 ** floor(log10(Tlo_min > 0 ? Tlo_min / 2 : 0.01)):10 ** ceil(log10(Thi_max * 3))]
set xrange [-0.7:n - 0.3]
set title sprintf("Microbenchmarks beside their limits: median of %s process(es), label vs\\_limit (red: under 0.95)", procs)
set ylabel "time per operation (ns, log scale)"
set xtics rotate by -40 left scale 0 font ",8" noenhanced
set grid noxtics ytics mytics
set boxwidth 0.38
set key top left
set bmargin 12
set rmargin 14
eval footnote("machine: ".machine.(strlen(clock) ? "; clock: ".clock : ""), exists("note") ? note : "bars: median over processes of each process's per-operation median; error bars: fastest to slowest process; labels: median of the benchmark's own same-run vs_limit (red: under 0.95, a broken limit)")
bar_color(name) = strlen(strategy_in(name)) ? sci(strategy_in(name)) : 0x7F7F7F
# NaN cells are tested as text: a NaN read from the file makes gnuplot drop the whole point
# even where the expression does not need it.
has(name) = strcol(name) ne "NaN" && strcol(name) ne ""
num(name) = has(name) ? column(name) : 1/0
top(t) = has("limit_max_ns") && column("limit_max_ns") > t ? column("limit_max_ns") : t
broken(v) = v < 0.95
plot NaN with boxes fill solid 1.0 noborder lc rgb "#7F7F7F" title "operation (a strategy's own: its colour)", \
     R using ($0 - 0.2):(column("time_ns")):(bar_color(strcol("name"))):xtic(strcol("label")) with boxes fill solid 1.0 noborder lc rgb variable notitle, \
     R using ($0 + 0.2):(num("limit_ns")) with boxes fill pattern 4 border lc rgb "#222222" lc rgb "#222222" title "its limit (hatched)", \
     R using ($0 - 0.2):(num("time_min_ns")):(0):(num("time_max_ns") - num("time_min_ns")) with vectors heads size screen 0.004,90 lw 1.2 lc rgb "#000000" title "range over processes (fastest to slowest)", \
     R using ($0 + 0.2):(num("limit_min_ns")):(0):(num("limit_max_ns") - num("limit_min_ns")) with vectors heads size screen 0.004,90 lw 1.2 lc rgb "#000000" notitle, \
     R using ($0):(top(num("time_max_ns")) * 1.5):(has("vs_limit") && !broken(column("vs_limit")) ? sprintf("x%.3g", column("vs_limit")) : "") with labels font ",8" tc rgb "#222222" notitle, \
     R using ($0):(top(num("time_max_ns")) * 1.5):(has("vs_limit") && broken(column("vs_limit")) ? sprintf("x%.3g", column("vs_limit")) : "") with labels font ",8" tc rgb "#C00000" notitle
