#!/bin/sh
# Writes "SHELL_PID SLEEP_PID" to silent.pid beside it, then sleeps 30 s without a byte of output: for the client-gone test.
sleep 30 &
echo "$$ $!" > "$(dirname "$SCRIPT_FILENAME")/silent.pid"
wait
