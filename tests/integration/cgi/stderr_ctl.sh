#!/bin/sh
# Writes control bytes to stderr ("ctl-marker a", CR, "b", ESC "[2J" (clear screen), "c"; then a CRLF line), then "ok\n".
printf 'ctl-marker a\rb\033[2Jc\n' >&2
printf 'ctl-marker-2 second\r\n' >&2
printf 'Content-Type: text/plain\r\n\r\nok\n'
