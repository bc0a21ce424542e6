#!/bin/sh
# echo.sh — scenario (e) of bench/bench.sh: answer a POST body back.
# The body is exactly CONTENT_LENGTH bytes on stdin (RFC 3875 4.2); a copy of
# the idea of cgi-bin/echo kept here so that the benchmark's work stays the
# same whatever becomes of the example site.
case ${CONTENT_LENGTH-} in
''|*[!0-9]*) CONTENT_LENGTH=0 ;;
esac
printf 'Content-Type: text/plain\r\nContent-Length: %s\r\n\r\n' "$CONTENT_LENGTH"
exec head -c "$CONTENT_LENGTH"
