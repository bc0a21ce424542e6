#!/bin/sh
# Sends its head and one line, then falls silent: a timeout after the head was sent.
printf 'Content-Type: text/plain\r\n\r\npartial line\n'
exec sleep 60
