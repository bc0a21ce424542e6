#!/bin/sh
# Writes "stderr-tag-<query string>" to stderr (for the error log), then answers "ok".
printf 'stderr-tag-%s\n' "$QUERY_STRING" >&2
printf 'Content-Type: text/plain\r\n\r\nok\n'
