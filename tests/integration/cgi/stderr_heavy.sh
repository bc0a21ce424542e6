#!/bin/sh
# Answers "ok\n", then ends as cat, which writes its stderr in one write and exits: an empty line, 2000 lines "stderr-heavy-NNNN", a last "stderr-heavy-tail" without a newline (36 KB: more than one read of the server's, less than a pipe holds). Every line must reach the error log, none lost at the exit.
f=$(mktemp) || exit 1
{ printf '\n'; seq -f 'stderr-heavy-%04g' 2000; printf 'stderr-heavy-tail'; } > "$f"
exec 3< "$f"
rm -f "$f"
printf 'Content-Type: text/plain\r\n\r\nok\n'
exec cat <&3 >&2 3<&-
