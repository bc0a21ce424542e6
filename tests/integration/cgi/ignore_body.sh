#!/bin/sh
# Never reads stdin: answers "ignored\n" at once and exits, whatever body the client is still sending.
printf 'Content-Type: text/plain\r\nContent-Length: 8\r\n\r\nignored\n'
