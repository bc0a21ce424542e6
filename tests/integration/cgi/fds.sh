#!/bin/sh
# Lists the shell's own open descriptors with ls -l, run as a child so that nothing the listing needs opens in the shell itself: a script must have only 0, 1, 2 and its own file. With the query "argv0", prints "argv0=$0" instead.
printf 'Content-Type: text/plain\r\n\r\n'
if [ "$QUERY_STRING" = argv0 ]; then
	printf 'argv0=%s\n' "$0"
	exit 0
fi
ls -l /proc/$$/fd/
