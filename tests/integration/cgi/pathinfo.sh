#!/bin/sh
# Prints "NAME=value" for each of PATH_INFO QUERY_STRING SCRIPT_NAME PATH_TRANSLATED that is set; an unset one gets no line.
printf 'Content-Type: text/plain\r\n\r\n'
[ -z "${PATH_INFO+set}" ] || printf 'PATH_INFO=%s\n' "$PATH_INFO"
[ -z "${QUERY_STRING+set}" ] || printf 'QUERY_STRING=%s\n' "$QUERY_STRING"
[ -z "${SCRIPT_NAME+set}" ] || printf 'SCRIPT_NAME=%s\n' "$SCRIPT_NAME"
[ -z "${PATH_TRANSLATED+set}" ] || printf 'PATH_TRANSLATED=%s\n' "$PATH_TRANSLATED"
