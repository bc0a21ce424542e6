#!/bin/sh
# The script's own Content-Length: 5 and body "hello"; the server should keep that framing.
printf 'Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello'
