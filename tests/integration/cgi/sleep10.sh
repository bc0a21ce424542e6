#!/bin/sh
# Holds its worker for 10 s, then answers "slept": long enough for a slow browser to see the request on the status page.
sleep 10
printf 'Content-Type: text/plain\r\n\r\nslept\n'
