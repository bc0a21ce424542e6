#!/bin/sh
# run.sh SECONDS OUTDIR NAME... — run each libFuzzer harness OUTDIR/fuzz_NAME
# for SECONDS (make fuzz). New inputs go to a scratch corpus OUTDIR/corpus/NAME,
# kept between runs; the committed seeds in tests/fuzz/corpus/NAME are only
# read (libFuzzer writes into its first corpus directory alone). A crash, a
# sanitizer report, a leak or a hang (10 s on one input) fails the run and
# prints the reproducer and how to replay it. Every harness runs, even after
# one has failed.
set -u
secs=$1
out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
fails=""

# Abort on the first report, so libFuzzer writes the input as an artifact;
# reports go to the harness's log, which is read below (make SAN=1 points
# log_path elsewhere).
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:abort_on_error=1:detect_leaks=1:log_path=stderr"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:print_stacktrace=1:halt_on_error=1:log_path=stderr"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:${LSAN_OPTIONS:-}"

for name in "$@"; do
	bin=$out/fuzz_$name
	scratch=$out/corpus/$name
	crashes=$out/crashes
	log=$out/$name.log
	dict=""
	[ -f "$here/$name.dict" ] && dict="-dict=$here/$name.dict"
	mkdir -p "$scratch" "$crashes" "$out/tmp"
	# fuzz_conf's one temporary directory: under build/, even after a crash.
	TMPDIR=$(cd "$out/tmp" && pwd) "$bin" -max_total_time="$secs" -timeout=10 \
		-print_final_stats=1 $dict -artifact_prefix="$crashes/$name-" \
		"$scratch" "$here/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: $name ok: ${runs:-?} inputs in ${secs}s, $cov"
		continue
	fi
	fails="$fails $name"
	echo "fuzz: $name FAILED (exit $rc); from $log:"
	# The report: from its first line to the artifact's name.
	sed -n '/broken promise\|ERROR\|runtime error\|timeout after/,/Test unit written/p' "$log" |
		head -n 80
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ -n "$art" ]; then
		echo "fuzz: reproducer: $art"
		echo "fuzz: replay it: $bin $art"
	fi
done
rm -rf "$out/tmp"
if [ -n "$fails" ]; then
	echo "fuzz: failed:$fails"
	exit 1
fi
