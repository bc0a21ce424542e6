#!/bin/sh
# A Status other than 200 with its own reason phrase: expect "HTTP/1.1 418 I'm a teapot" and body "short and stout\n".
printf "Status: 418 I'm a teapot\r\nContent-Type: text/plain\r\n\r\nshort and stout\n"
