#!/bin/sh
# Status from the query (204 or 304) with a Content-Length and a body anyway: neither may reach the client.
printf 'Status: %s\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n\r\nbody-must-not-leak\n' "$QUERY_STRING"
