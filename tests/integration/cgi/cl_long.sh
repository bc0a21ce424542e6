#!/bin/sh
# Announces Content-Length: 5 and writes 16 bytes: the client must get exactly "hello", the rest dropped.
printf 'Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello-extra-tail'
