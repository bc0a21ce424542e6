#!/bin/sh
# Local redirect (RFC 3875 6.2.2): a path Location and no body; expect the server to answer with /hello.txt itself.
printf 'Location: /hello.txt\r\n\r\n'
