#!/bin/sh
# Non-parsed-header script whose status the server cannot read, by the query: "split" writes "HTTP/1" and the rest of "HTTP/1.1 203 Split" 0.2 s later, "xttp" starts "XTTP/1.1 203 Odd", "nosp" starts "HTTP/1.1_203 Odd"; then "Content-Type: text/plain", "Content-Length: 2" and body "ok". The client must get the bytes unchanged.
case $QUERY_STRING in
split) printf 'HTTP/1'; sleep 0.2; printf '.1 203 Split\r\n' ;;
xttp) printf 'XTTP/1.1 203 Odd\r\n' ;;
nosp) printf 'HTTP/1.1_203 Odd\r\n' ;;
esac
printf 'Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nok'
