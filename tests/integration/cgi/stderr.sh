#!/bin/sh
# Writes "hello-stderr-marker" to stderr (for the error log), then a normal "ok\n" text/plain response.
printf 'hello-stderr-marker\n' >&2
printf 'Content-Type: text/plain\r\n\r\nok\n'
