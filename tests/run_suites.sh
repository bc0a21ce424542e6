#!/bin/sh
# Runs test suites, JOBS at a time, and fails if any fails.
#
#   sh tests/run_suites.sh JOBS SUITE...
#
# Each suite's output is kept and printed whole when it ends, under
# "== SUITE (N s)", so parallel suites never interleave their lines. The
# integration suites spend most of their time waiting on the server's own
# timeouts (rate windows, keep-alive, slow clients), so on two cores three
# at a time take about a third of the time, and every suite already starts
# its own server on its own free port. Start the longest first (the
# Makefile's order) so the last one does not run alone.
set -u
jobs=$1
shift
out=$(mktemp -d "${TMPDIR:-/tmp}/pfhttpd-suites.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT
fail=0
running=0
i=0

# One suite, in the background: its output and its status go to $out.
start() {
	n=$1 t=$2
	(
		s=$(date +%s)
		"$t" >"$out/$n.log" 2>&1
		# Written aside, then renamed: reap() must never find the .rc created and still empty.
		echo "$? $(($(date +%s) - s))" >"$out/$n.rc.part" && mv "$out/$n.rc.part" "$out/$n.rc"
	) &
}

# Wait for any one suite, then print and count every one that has ended.
reap() {
	while :; do
		for f in "$out"/*.rc; do
			[ -e "$f" ] || continue
			n=${f%.rc}
			read -r rc secs <"$f"
			echo "== $(sed -n 1p "$n.name") ($secs s)"
			cat "$n.log"
			[ "$rc" -eq 0 ] || { echo "FAILED: $(sed -n 1p "$n.name") (exit $rc)"; fail=1; }
			rm -f "$f" "$n.log" "$n.name"
			running=$((running - 1))
			return
		done
		sleep 0.2
	done
}

for t in "$@"; do
	i=$((i + 1))
	echo "$t" >"$out/$i.name"
	start "$i" "$t"
	running=$((running + 1))
	[ "$running" -lt "$jobs" ] || reap
done
while [ "$running" -gt 0 ]; do
	reap
done
exit $fail
