#!/bin/sh
# No Content-Length: "tick 1".."tick 10", 0.2 s apart (2 s in all): a response still streaming while the server reloads or stops.
printf 'Content-Type: text/plain\r\n\r\n'
i=1
while [ "$i" -le 10 ]; do
	printf 'tick %d\n' "$i"
	[ "$i" -eq 10 ] || sleep 0.2
	i=$((i + 1))
done
