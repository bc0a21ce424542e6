#!/bin/sh
# A header block of more than 64 KB (CGI_HEAD_MAX = 65536): one 70000-byte field X-Big: y...y, then body "small\n". Expect exactly 502 with an HTML body.
printf 'Content-Type: text/plain\r\nX-Big: '
head -c 70000 /dev/zero | tr '\000' y
printf '\r\n\r\nsmall\n'
