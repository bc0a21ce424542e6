#!/bin/sh
# Prints its own /proc/self/limits, with shell builtins only (no fork under a low process limit).
printf 'Content-Type: text/plain\r\n\r\n'
while IFS= read -r line; do
	printf '%s\n' "$line"
done < /proc/self/limits
