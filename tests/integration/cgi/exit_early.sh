#!/bin/sh
# Exits 1 without any output: expect 502 (or 500), never a hang.
exit 1
