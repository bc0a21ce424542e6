#!/bin/sh
# Announces Content-Length: 20 and writes 5 bytes, then exits: the connection must close after them.
printf 'Content-Type: text/plain\r\nContent-Length: 20\r\n\r\nshort'
