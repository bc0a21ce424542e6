#!/usr/bin/env bash
# bench.sh — `make bench`: pfhttpd side by side with nginx, Apache 2.4
# (prefork MPM, mod_cgi) and lighttpd (mod_cgi), as issue 8 describes.
#
#   bash bench/bench.sh            3 rounds, 10 s per cell (make bench)
#   QUICK=1 bash bench/bench.sh    1 round, 3 s per cell, 200 (g) samples
#   ROUNDS=, DURATION=, G_SAMPLES=, SERVERS="pfhttpd nginx", SCENARIOS="a b" override either.
#
# Every server runs from a configuration generated from bench/conf/*.in into
# bench/results/<date>/conf/, on a free 127.0.0.1 port, in the foreground as
# a child of this script, with its pid, logs and temporary files in
# bench/results/<date>/run/; no server configuration under /etc is read,
# nothing under /etc is written, no system
# service is started or stopped. Every process started here is stopped by its
# PID when it is done, and on any exit (the EXIT trap).
#
# Per round, the servers take turns (round 1 in SERVERS order, round 2
# reversed, ...). Each is started, its answers checked byte for byte with
# curl (a server that fails a check is reported, and that cell is not
# measured), then scenarios (a)..(g) run against it with wrk -t2, then it is
# stopped. bench/report.py turns the raw outputs into results.md; gnuplot
# draws ratios.svg.
set -uo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	ROUNDS=${ROUNDS:-1}
	DURATION=${DURATION:-3}
	G_SAMPLES=${G_SAMPLES:-200}
else
	ROUNDS=${ROUNDS:-3}
	DURATION=${DURATION:-10}
	G_SAMPLES=${G_SAMPLES:-1000}
fi
SERVERS=${SERVERS:-"pfhttpd nginx apache lighttpd"}
G_IDLE=200
# Longer than any run of (g) (Apache prefork must start ~200 processes to
# hold the idle connections, at most 32 a second), so that no server closes
# them during it; the same for every server. The defaults are 5 s (pfhttpd,
# Apache, lighttpd) and 75 s (nginx).
KEEPALIVE=60
# fcgiwrap's pre-forked children behind nginx: as many as pfhttpd's workers.
FCGI_CHILDREN=8
WRK_TIMEOUT=5s

STAMP=$(date +%Y-%m-%dT%H%M%S)
OUT=$BENCH/results/$STAMP
CONF=$OUT/conf
RUN=$OUT/run
RAW=$OUT/raw
EXPECT=$OUT/expect
FORM=$BENCH/form.txt
FORM_TYPE=application/x-www-form-urlencoded

say() { printf 'bench: [%3ss] %s\n' "$SECONDS" "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# ---- processes: every PID started here, stopped by PID -----------------

STARTED=()    # every PID this script started (servers, fcgiwrap)
LAUNCHED=     # the last one

# Runs "$@" in the background as a child of this script, output to
# $RUN/$1.out; the PID goes to LAUNCHED (no command substitution: the process
# must be this shell's child, so that `wait` can reap it). In a session of
# its own: Apache's prefork parent signals its whole process group when it
# stops, which would otherwise be this script's (and make's). setsid(1)
# does not fork here (a background child is no group leader), so the PID
# stays the server's.
launch() {
	local name=$1
	shift
	setsid "$@" >>"$RUN/$name.out" 2>&1 </dev/null &
	LAUNCHED=$!
	STARTED+=("$LAUNCHED")
}

# The PIDs of the tree under $1, $1 included.
tree_pids() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			tree[root] = 1; print root
			do {
				grew = 0
				for (p in parent)
					if (!(p in tree) && (parent[p] in tree)) { tree[p] = 1; print p; grew = 1 }
			} while (grew)
		}'
}

# Stops the process $1 (TERM, then KILL after 10 s), and any of the
# processes it had started that outlive it (fcgiwrap's children).
stop_pid() {
	local pid=$1 kids i comm
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	# "PID:name" of its descendants, so that a PID reused meanwhile by
	# another program is left alone.
	kids=$(for i in $(tree_pids "$pid" | tail -n +2); do
		read -r comm 2>/dev/null <"/proc/$i/comm" && echo "$i:$comm"; done)
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for i in $kids; do
		read -r comm 2>/dev/null <"/proc/${i%%:*}/comm" || continue
		[ "$comm" = "${i#*:}" ] && kill -TERM "${i%%:*}" 2>/dev/null
	done
	return 0
}

# A load generator (wrk, idle_latency) runs as a background child that this
# shell waits for: `wait` returns at once on INT or TERM, so the traps stop
# everything without waiting for the measurement to end.
CHILD=
CEILING_PIDS=()    # php_ceiling's loops
run_child() {
	local rc
	"$@" &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=
	return $rc
}

cleanup() {
	local pid
	[ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null
	for pid in "${CEILING_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${STARTED[@]}"; do
		stop_pid "$pid"
	done
	STARTED=()
	# The 10 MB file is made again by every run; keep the results small.
	rm -f "$OUT/www/10m.bin" "$EXPECT/10m.bin" "$RAW"/check-*-c.body 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- set-up ------------------------------------------------------------

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 is missing (make bench installs it: BENCH_PKGS in the Makefile)"
}
for c in wrk curl gcc python3 /usr/bin/php-cgi; do need "$c"; done
[ -x "$REPO/build/pfhttpd" ] || die "build/pfhttpd is missing: make all"

# Started as root, every server drops to www-data (each refuses, or is unwise,
# to serve as root); otherwise they all keep the caller's identity.
if [ "$(id -u)" -eq 0 ]; then
	RUNAS=www-data
	id "$RUNAS" >/dev/null 2>&1 || die "user $RUNAS is missing"
else
	RUNAS=$(id -un)
fi
RUNGROUP=$(id -gn "$RUNAS")

umask 022
mkdir -p "$CONF" "$RUN" "$RAW" "$EXPECT" "$OUT/www" "$OUT/cgi-bin" "$OUT/php-bin" "$OUT/bin" \
	"$RUN/nginx-tmp" "$RUN/lighttpd/tmp" "$RUN/fcgiwrap" || die "cannot create $OUT"
# Servers that open files after dropping to RUNAS get directories of its own.
chown "$RUNAS:$RUNGROUP" "$RUN/nginx-tmp" "$RUN/lighttpd" "$RUN/lighttpd/tmp" "$RUN/fcgiwrap" 2>/dev/null
say "results in $OUT"

# The documents: the same bytes for every server.
make_site() {
	local head='<!DOCTYPE html><title>1 KB</title><p>' tail=$'</p>\n'
	{
		printf '%s' "$head"
		head -c $((1024 - ${#head} - ${#tail})) /dev/zero | tr '\0' x
		printf '%s' "$tail"
	} >"$OUT/www/1k.html"
	head -c 10485760 /dev/urandom >"$OUT/www/10m.bin"
	cp "$REPO/htdocs/contact_form.php" "$OUT/www/contact_form.php"
	gcc -O2 -Wall -Wextra -Werror -o "$OUT/cgi-bin/hello" "$BENCH/cgi/hello.c" || return 1
	cp "$BENCH/cgi/echo.sh" "$OUT/cgi-bin/echo.sh"
	ln -sfn /usr/bin/php-cgi "$OUT/php-bin/php-cgi"
	gcc -O2 -Wall -Wextra -Werror -o "$OUT/bin/idle_latency" "$BENCH/idle_latency.c" || return 1
	[ "$(wc -c <"$OUT/www/1k.html")" -eq 1024 ] || return 1
}
make_site || die "could not prepare the site in $OUT"

# php-cgi's environment for contact_form.php, as a server passes it
# (RFC 3875 4.1); the (f) ceiling runs php-cgi with exactly this.
php_env() {
	export REQUEST_METHOD=POST CONTENT_TYPE=$FORM_TYPE CONTENT_LENGTH=63 \
		SCRIPT_FILENAME=$OUT/www/contact_form.php SCRIPT_NAME=/contact_form.php \
		REQUEST_URI=/contact_form.php QUERY_STRING= REDIRECT_STATUS=200 \
		GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 SERVER_NAME=localhost \
		SERVER_PORT=80 SERVER_SOFTWARE=bench REMOTE_ADDR=127.0.0.1 DOCUMENT_ROOT=$OUT/www
}

# A CGI answer's body: what follows the first blank line.
cgi_body() {
	python3 -c 'import sys; d = sys.stdin.buffer.read(); i = d.find(b"\r\n\r\n"); j = d.find(b"\n\n")
if i < 0 or (0 <= j < i): i, n = j, 2
else: n = 4
sys.stdout.buffer.write(d[i + n:] if i >= 0 else b"")'
}

# Expected bodies.
cp "$OUT/www/1k.html" "$EXPECT/1k.html"
cp "$OUT/www/10m.bin" "$EXPECT/10m.bin"
"$OUT/cgi-bin/hello" | cgi_body >"$EXPECT/hello.txt"
cp "$FORM" "$EXPECT/form.txt"
(php_env && /usr/bin/php-cgi <"$FORM") | cgi_body >"$EXPECT/contact.html"
grep -q 'Thank you' "$EXPECT/contact.html" || die "php-cgi does not answer contact_form.php by itself"

# Scenario: connections, path, expected body, how (get, close, post).
declare -A S_CONN=([a]=50 [b]=50 [c]=10 [d]=20 [e]=20 [f]=10)
declare -A S_PATH=([a]=/1k.html [b]=/1k.html [c]=/10m.bin [d]=/cgi-bin/hello \
	[e]=/cgi-bin/echo.sh [f]=/contact_form.php [g]=/1k.html)
declare -A S_EXPECT=([a]=1k.html [b]=1k.html [c]=10m.bin [d]=hello.txt [e]=form.txt \
	[f]=contact.html [g]=1k.html)
declare -A S_KIND=([a]=get [b]=close [c]=get [d]=get [e]=post [f]=post [g]=get)
SCENARIOS=${SCENARIOS:-"a b c d e f g"}

# ---- the machine and the versions, for the report ---------------------

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(uname -srm), $(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2 / 1048576}' /proc/meminfo)"
	echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "pfhttpd: $(cd "$REPO" && git describe --always --dirty 2>/dev/null || echo unknown) ($("$REPO/build/pfhttpd" -v 2>&1 | head -1))"
	echo "nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //'), fcgiwrap $(dpkg-query -W -f='${Version}' fcgiwrap 2>/dev/null) with $FCGI_CHILDREN children"
	echo "apache: $(apache2 -v 2>/dev/null | sed -n 's/^Server version: //p') (prefork MPM, mod_cgi)"
	echo "lighttpd: $(lighttpd -v 2>/dev/null | head -1 | cut -d' ' -f1) (mod_cgi)"
	echo "php-cgi: $(/usr/bin/php-cgi -v 2>/dev/null | head -1 | cut -d' ' -f1-2)"
	echo "wrk: $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
	echo "settings: rounds=$ROUNDS duration=${DURATION}s wrk -t2 --timeout $WRK_TIMEOUT; (g) $G_IDLE idle keep-alive connections, $G_SAMPLES samples; keep-alive timeout ${KEEPALIVE}s everywhere; QUICK=$QUICK"
} >"$OUT/machine.txt"

# ---- servers -------------------------------------------------------------

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

fill() {
	sed -e "s|@PORT@|$PORT|g" -e "s|@ROOT@|$OUT|g" -e "s|@RUN@|$RUN|g" -e "s|@CONF@|$BENCH/conf|g" \
		-e "s|@USER@|$RUNAS|g" -e "s|@GROUP@|$RUNGROUP|g" -e "s|@KEEPALIVE@|$KEEPALIVE|g" \
		-e "s|@FCGI_SOCK@|$RUN/fcgiwrap/sock|g" "$BENCH/conf/$1.in" >"$CONF/$1"
}

SERVER_PID=    # the server's main process
HELPER_PID=    # fcgiwrap, beside nginx

# Starts server $1 on a new free port (PORT); 0 when it answers.
start_server() {
	SERVER_PID= HELPER_PID=
	PORT=$(free_port)
	case $1 in
	pfhttpd)
		fill pfhttpd.conf
		launch pfhttpd "$REPO/build/pfhttpd" -F -f "$CONF/pfhttpd.conf"
		;;
	nginx)
		command -v nginx >/dev/null && command -v fcgiwrap >/dev/null || return 1
		rm -f "$RUN/fcgiwrap/sock"
		if [ "$(id -u)" -eq 0 ]; then
			launch fcgiwrap setpriv --reuid="$RUNAS" --regid="$RUNGROUP" --init-groups \
				fcgiwrap -c "$FCGI_CHILDREN" -s "unix:$RUN/fcgiwrap/sock"
		else
			launch fcgiwrap fcgiwrap -c "$FCGI_CHILDREN" -s "unix:$RUN/fcgiwrap/sock"
		fi
		HELPER_PID=$LAUNCHED
		local i
		for i in $(seq 100); do
			[ -S "$RUN/fcgiwrap/sock" ] && break
			kill -0 "$HELPER_PID" 2>/dev/null || return 1
			sleep 0.1
		done
		fill nginx.conf
		launch nginx nginx -p "$RUN" -e "$RUN/nginx-error.log" -c "$CONF/nginx.conf"
		;;
	apache)
		command -v apache2 >/dev/null || return 1
		fill apache2.conf
		launch apache apache2 -f "$CONF/apache2.conf" -DFOREGROUND
		;;
	lighttpd)
		command -v lighttpd >/dev/null || return 1
		fill lighttpd.conf
		launch lighttpd lighttpd -D -f "$CONF/lighttpd.conf"
		;;
	*)
		return 1
		;;
	esac
	SERVER_PID=$LAUNCHED
	local i
	for i in $(seq 100); do
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/1k.html")" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}

stop_server() {
	[ -n "$SERVER_PID" ] && stop_pid "$SERVER_PID"
	[ -n "$HELPER_PID" ] && stop_pid "$HELPER_PID"
	SERVER_PID= HELPER_PID=
}

# PSS in kB of the tree under $1, and its number of processes.
pss_tree() {
	local p total=0 n=0 kb
	for p in $(tree_pids "$1"); do
		kb=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null) || continue
		[ -n "$kb" ] || continue
		total=$((total + kb))
		n=$((n + 1))
	done
	echo "$total $n"
}

# One row of mem.tsv per process tree: round, server, phase, kB, processes.
record_mem() {
	local r=$1 name=$2 phase=$3
	printf '%s\t%s\t%s\t%s\n' "$r" "$name" "$phase" "$(pss_tree "$SERVER_PID" | tr ' ' '\t')" >>"$OUT/mem.tsv"
	[ -n "$HELPER_PID" ] &&
		printf '%s\t%s\t%s\t%s\n' "$r" fcgiwrap "$phase" "$(pss_tree "$HELPER_PID" | tr ' ' '\t')" >>"$OUT/mem.tsv"
	return 0
}

# One row of cells.tsv: round, server, scenario, status, raw output file.
record_cell() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$OUT/cells.tsv"
}

# Checks scenario $2's answer from server $1: status 200 and the expected
# body, byte for byte. Prints why not, and fails, when it is wrong.
check() {
	local name=$1 s=$2 body="$RAW/check-$1-$2.body" code args=()
	case ${S_KIND[$s]} in
	close) args=(-H 'Connection: close') ;;
	post) args=(-H "Content-Type: $FORM_TYPE" --data-binary "@$FORM") ;;
	esac
	code=$(curl -sS --max-time 30 -o "$body" -w '%{http_code}' "${args[@]}" \
		"http://127.0.0.1:$PORT${S_PATH[$s]}" 2>>"$RAW/check-$name-$s.err")
	[ -s "$RAW/check-$name-$s.err" ] || rm -f "$RAW/check-$name-$s.err"
	if [ "$code" != 200 ]; then
		echo "check failed: HTTP ${code:-none} (raw/check-$name-$s.body)"
		return 1
	fi
	if ! cmp -s "$body" "$EXPECT/${S_EXPECT[$s]}"; then
		echo "check failed: body differs from expect/${S_EXPECT[$s]} (raw/check-$name-$s.body)"
		return 1
	fi
	rm -f "$body" "$RAW/check-$name-$s.err"
}

run_wrk() {
	local s=$1 file=$2 args=()
	case ${S_KIND[$s]} in
	close) args=(-H 'Connection: close') ;;
	post) args=(-s "$BENCH/post.lua") ;;
	esac
	args+=("http://127.0.0.1:$PORT${S_PATH[$s]}")
	[ "${S_KIND[$s]}" = post ] && args+=(-- "$FORM")
	run_child wrk -t2 -c"${S_CONN[$s]}" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" --latency "${args[@]}" >"$file" 2>&1
}

# Round $1 of server $2: start, check, measure, stop.
bench_server() {
	local r=$1 name=$2 s why file
	declare -A bad=()
	say "round $r: $name"
	if ! start_server "$name"; then
		say "  $name did not start (see run/$name.out and the error log in run/)"
		for s in $SCENARIOS; do record_cell "$r" "$name" "$s" "server did not start" -; done
		stop_server
		return
	fi
	sleep 1
	record_mem "$r" "$name" idle
	for s in $SCENARIOS; do
		why=$(check "$name" "$s") || { bad[$s]=$why; say "  ($s) $why"; }
	done
	say "  answers checked"
	for s in $SCENARIOS; do
		file="raw/r$r-$name-$s.txt"
		if [ -n "${bad[$s]-}" ]; then
			record_cell "$r" "$name" "$s" "${bad[$s]}" -
			continue
		fi
		if [ "$s" = g ]; then
			run_child "$OUT/bin/idle_latency" 127.0.0.1 "$PORT" "${S_PATH[g]}" "$G_IDLE" "$G_SAMPLES" >"$OUT/$file" 2>&1
		else
			run_wrk "$s" "$OUT/$file"
		fi
		if [ $? -eq 0 ]; then
			record_cell "$r" "$name" "$s" ok "$file"
			say "  ($s) $(sed -n 's/^Requests\/sec:[[:space:]]*/req\/s /p; s/^p50_ms/p50_ms/p' "$OUT/$file")"
		else
			record_cell "$r" "$name" "$s" "measurement failed (see $file)" "$file"
			say "  ($s) measurement failed: $(tail -1 "$OUT/$file")"
		fi
		[ "$s" = a ] && record_mem "$r" "$name" after_a
		sleep 0.2
	done
	stop_server
	say "  stopped"
}

# The (f) ceiling: php-cgi alone on the same request, S_CONN[f] loops at
# once for DURATION seconds; runs per second as if they were requests.
php_ceiling() {
	local r=$1 file="raw/r$1-php-cgi-alone-f.txt" i end t0 t1 total=0 n
	say "round $r: php-cgi alone (the ceiling of (f))"
	t0=${EPOCHREALTIME/./}
	end=$((t0 + DURATION * 1000000))
	for i in $(seq "${S_CONN[f]}"); do
		(
			php_env
			n=0
			while [ "${EPOCHREALTIME/./}" -lt "$end" ]; do
				/usr/bin/php-cgi <"$FORM" >/dev/null || exit 1
				n=$((n + 1))
			done
			echo "$n" >"$RUN/php-loop.$i"
		) &
		CEILING_PIDS+=($!)
	done
	for i in "${CEILING_PIDS[@]}"; do wait "$i"; done
	CEILING_PIDS=()
	t1=${EPOCHREALTIME/./}
	for i in $(seq "${S_CONN[f]}"); do
		n=$(cat "$RUN/php-loop.$i" 2>/dev/null) || n=
		[ -n "$n" ] || { record_cell "$r" php-cgi-alone f "php-cgi failed" -; return; }
		total=$((total + n))
		rm -f "$RUN/php-loop.$i"
	done
	printf 'runs=%s seconds=%s\n' "$total" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e6}')" >"$OUT/$file"
	record_cell "$r" php-cgi-alone f ok "$file"
}

# ---- the rounds ---------------------------------------------------------

T_START=$SECONDS
read -r -a order <<<"$SERVERS"
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) -eq 0 ]; then
		list=()
		for ((i = ${#order[@]} - 1; i >= 0; i--)); do list+=("${order[i]}"); done
	else
		list=("${order[@]}")
	fi
	for name in "${list[@]}"; do
		bench_server "$r" "$name"
	done
	php_ceiling "$r"
done
echo "measured in: $((SECONDS - T_START)) s" >>"$OUT/machine.txt"

python3 "$BENCH/report.py" "$OUT" || die "report.py failed"
if command -v gnuplot >/dev/null; then
	gnuplot -e "datafile='$OUT/ratios.dat'; outfile='$OUT/ratios.svg'" "$BENCH/ratios.gp" ||
		say "gnuplot failed: no chart"
else
	say "gnuplot is missing: no chart"
fi
cat "$OUT/results.md"
ln -sfn "$STAMP" "$BENCH/results/latest"
say "saved: $OUT/results.md, $OUT/ratios.svg, raw outputs in $OUT/raw/"
