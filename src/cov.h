/*
 * cov — for make coverage only (COV=1 defines PFHTTPD_COVERAGE). gcov writes
 * a process's counters when it calls exit(); a process that leaves through
 * _exit() (the keeper, a child that cannot start) or replaces itself with
 * execve() (a CGI script) would lose them: gcc's fork() wrapper clears a
 * child's counters, so what a parent counted before forking exists only in
 * that parent (the starting process of a detached start, for one).
 * cov_flush() writes them first.
 * In every other build it is nothing, and nothing else differs.
 */
#ifndef PFHTTPD_COV_H
#define PFHTTPD_COV_H

#ifdef PFHTTPD_COVERAGE
#include <gcov.h>
#define cov_flush() __gcov_dump()
#else
#define cov_flush() ((void)0)
#endif

#endif
