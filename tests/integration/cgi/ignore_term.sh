#!/bin/sh
# Ignores SIGTERM (so does its sleep, which inherits that), writes its pid to term.pid beside it, never answers: only SIGKILL ends it.
trap '' TERM
echo $$ > "$(dirname "$SCRIPT_FILENAME")/term.pid"
while :; do
	sleep 60
done
