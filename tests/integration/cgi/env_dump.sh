#!/bin/sh
# Like cgi-bin/printenv: every meta-variable, sorted bytewise, one NAME=value a line (dash adds PWD itself).
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
env | LC_ALL=C sort
