#!/bin/sh
# Sends its head and "before\n" (no Content-Length: chunked), then waits until a file "go" appears beside it (at most 10 s) and exits: the end of its response is what the server does next. Query "quiet": stderr closed from the start, and "after\n" once it may go; "err": writes "wait-go-stderr" to stderr once it may go.
[ "$QUERY_STRING" != quiet ] || exec 2>&-
printf 'Content-Type: text/plain\r\n\r\nbefore\n'
go="$(dirname "$SCRIPT_FILENAME")/go"
i=0
while [ ! -e "$go" ] && [ "$i" -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$QUERY_STRING" != quiet ] || printf 'after\n'
[ "$QUERY_STRING" != err ] || printf 'wait-go-stderr\n' >&2
