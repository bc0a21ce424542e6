#!/bin/sh
# No CGI header block at all (RFC 3875 6.2 violation): expect 502, never this text passed through.
printf '<html>oops</html>\n'
