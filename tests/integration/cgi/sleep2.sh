#!/bin/sh
# Holds its worker for 2 s, then answers "slept": twelve at once show whether the pool grows.
sleep 2
printf 'Content-Type: text/plain\r\n\r\nslept\n'
