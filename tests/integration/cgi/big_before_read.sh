#!/bin/sh
# Deadlock check: writes 2 MiB of 'x' (2097152 bytes) before reading stdin, then reads the whole body and ends with "\nread=N\n" (N = body bytes read).
printf 'Content-Type: text/plain\r\n\r\n'
head -c 2097152 /dev/zero | tr '\000' x
n=$(wc -c | tr -d ' ')
printf '\nread=%s\n' "$n"
