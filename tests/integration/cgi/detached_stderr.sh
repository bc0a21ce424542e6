#!/bin/sh
# Leaves a "sleep 30" in its own session (out of reach of a kill of the script's process group) that holds the script's stderr, waits until it has written its pid to bg.pid beside the script, then answers "ok\n" without Content-Length. With the query "tail", first writes "detached-tail-marker" to stderr without a newline: a last line the server must log though stderr never ends.
pidfile="$(dirname "$SCRIPT_FILENAME")/bg.pid"
rm -f "$pidfile"
setsid sh -c 'echo "$$" > "$1.tmp" && mv "$1.tmp" "$1"; exec sleep 30' sh "$pidfile" </dev/null >/dev/null &
i=0
while [ ! -s "$pidfile" ] && [ "$i" -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$QUERY_STRING" != tail ] || printf 'detached-tail-marker' >&2
printf 'Content-Type: text/plain\r\n\r\nok\n'
