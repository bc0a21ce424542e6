#!/bin/sh
# Client redirect (RFC 3875 6.2.4): an absolute Location alone; expect 302 with Location: http://example.com/x.
printf 'Location: http://example.com/x\r\n\r\n'
