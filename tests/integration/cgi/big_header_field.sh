#!/bin/sh
# One 40000-byte header field (X-Big: y...y) then body "small\n": expect 200 with the whole field, never an empty reply.
printf 'Content-Type: text/plain\r\nX-Big: '
head -c 40000 /dev/zero | tr '\000' y
printf '\r\n\r\nsmall\n'
