# ratios.gp — bench/bench.sh's chart: pfhttpd / best peer per scenario.
#   gnuplot -e "datafile='ratios.dat'; outfile='ratios.svg'" ratios.gp
# ratios.dat (from report.py): one line per scenario, "label" ratio; NaN
# where a scenario could not be compared (left out of the chart).
set terminal svg size 960,420 dynamic font "sans,12"
set output outfile
set title "pfhttpd / best of nginx, Apache prefork, lighttpd (above 1: pfhttpd ahead)"
set style fill solid 0.8 border -1
set boxwidth 0.6
set yrange [0:*]
set grid ytics
set ylabel "ratio"
set xtics nomirror font "sans,11"
set key off
set datafile missing "NaN"
plot datafile using 0:2:xtic(1) with boxes lc rgb "#3b7dd8", \
     1 with lines dt 2 lc rgb "#c0392b", \
     datafile using 0:2:(sprintf("%.2f", $2)) with labels offset 0,0.8
