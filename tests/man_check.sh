#!/bin/sh
# man_check.sh PAGE... — every page formats without a single warning, through
# man-db (man --warnings, as a reader would see it) and groff itself (-ww:
# every warning category). Exit 1 if any is printed.
set -u
fail=0
for tool in man groff; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "man_check: $tool is missing (Debian packages man-db, groff-base)" >&2
		exit 1
	fi
done
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
for page in "$@"; do
	bad=0
	# man formats for a terminal of 80 columns; warnings come on stderr.
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" >/dev/null 2>"$tmp"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp" ]; then
		echo "man_check: man --warnings -l $page (exit $rc):" >&2
		cat "$tmp" >&2
		bad=1
	fi
	LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$page" 2>"$tmp"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp" ]; then
		echo "man_check: groff -ww -z -man $page (exit $rc):" >&2
		cat "$tmp" >&2
		bad=1
	fi
	if [ $bad -eq 0 ]; then echo "man_check: $page: no warnings"; else fail=1; fi
done
exit $fail
