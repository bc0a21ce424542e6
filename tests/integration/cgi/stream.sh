#!/bin/sh
# No Content-Length: lines "line 1".."line 5", 0.2 s apart (about 1 s in all), so the response must be streamed (chunked or close-delimited).
printf 'Content-Type: text/plain\r\n\r\n'
for i in 1 2 3 4 5; do
	printf 'line %d\n' "$i"
	[ "$i" -eq 5 ] || sleep 0.2
done
