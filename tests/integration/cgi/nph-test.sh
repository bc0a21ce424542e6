#!/bin/sh
# Non-parsed-header script (RFC 3875 5): writes a complete HTTP response itself, body "nph".
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nnph'
