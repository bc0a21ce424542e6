#!/bin/sh
# valgrind_check.sh DIR — read every memcheck log DIR/PID.log that make
# valgrind left (one per process: master, keeper, each worker, and each
# child forked for a CGI script up to its exec) and fail on any invalid
# access, use of uninitialised memory, bad free, or definite leak, printing
# the log. A log without its ERROR SUMMARY belongs to a child that exec'd a
# CGI script (no longer traced) or a process killed by SIGKILL: it is
# listed, and fails only if it holds an error.
set -u
dir=$1
fails=0
logs=0
unfinished=""

for log in "$dir"/*.log; do
	[ -e "$log" ] || continue
	logs=$((logs + 1))
	bad=$(grep -E -m 5 'Invalid (read|write|free)|uninitialised|Mismatched free|overlap|definitely lost: [1-9]|ERROR SUMMARY: [1-9]' "$log")
	if [ -n "$bad" ]; then
		fails=$((fails + 1))
		echo "== valgrind: $log"
		cat "$log"
		continue
	fi
	grep -q 'ERROR SUMMARY' "$log" || unfinished="$unfinished $(basename "$log" .log)"
done
if [ "$logs" -eq 0 ]; then
	echo "valgrind: no log in $dir: did the server run under valgrind?"
	exit 1
fi
[ -z "$unfinished" ] || echo "valgrind: no summary (exec'd a CGI script, or killed):$unfinished"
echo "valgrind: $logs process logs, $fails with errors"
[ "$fails" -eq 0 ]
