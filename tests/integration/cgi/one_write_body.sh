#!/bin/sh
# "Content-Type: text/plain", then the header's end and a 70000-byte body of 'y' in one write (cat of a prebuilt file); QUERY_STRING=split writes the field line alone 0.2 s earlier: expect 200 and exactly 70000 body bytes.
f=$(mktemp) || exit 1
if [ "$QUERY_STRING" = split ]; then
	printf 'Content-Type: text/plain\r\n'
	sleep 0.2
else
	printf 'Content-Type: text/plain\r\n' > "$f"
fi
{ printf '\r\n'; head -c 70000 /dev/zero | tr '\000' y; } >> "$f"
cat "$f"
rm -f "$f"
