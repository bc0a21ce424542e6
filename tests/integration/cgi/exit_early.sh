#!/bin/sh
# Exits 1 without any output: expect 502, never a hang.
exit 1
