#!/bin/sh
# Deliberately mode 644 (not executable): requesting it must give 403, never its source or a run.
printf 'Content-Type: text/plain\r\n\r\nnoexec-must-not-run\n'
