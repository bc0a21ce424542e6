#!/bin/sh
# Never answers: logs "sleep_forever.sh pid=P child=C" to stderr, keeps a background child holding stdout, so a timeout must kill the whole process group.
sleep 1000 &
printf 'sleep_forever.sh pid=%s child=%s\n' "$$" "$!" >&2
while :; do
	sleep 1000
done
