#!/bin/sh
# Answers "ppid=P": the pid of the worker that started it.
printf 'Content-Type: text/plain\r\n\r\nppid=%s\n' "$PPID"
