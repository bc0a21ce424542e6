#!/bin/sh
# The request body back, byte for byte, with its own Content-Length (check_chaos checks every byte).
case ${CONTENT_LENGTH-} in
''|*[!0-9]*)
	printf 'Content-Type: application/octet-stream\r\nContent-Length: 0\r\n\r\n'
	exit 0
	;;
esac
printf 'Content-Type: application/octet-stream\r\nContent-Length: %s\r\n\r\n' "$CONTENT_LENGTH"
exec head -c "$CONTENT_LENGTH"
