#!/bin/sh
# Answers "uid=U" (id -u), then for each NAME=PID in the query string tries kill -TERM PID and prints "kill NAME rc=R: message" (a dropped-privilege script must get EPERM); never pid 0 or 1.
printf 'Content-Type: text/plain\r\n\r\n'
printf 'uid=%s\n' "$(id -u)"
IFS='&'
for kv in $QUERY_STRING; do
	name=${kv%%=*}
	pid=${kv#*=}
	case $pid in
	'' | *[!0-9]* | 0 | 1) continue ;;
	esac
	msg=$(kill -TERM "$pid" 2>&1)
	printf 'kill %s rc=%s: %s\n' "$name" "$?" "$msg"
done
