/*
 * unit — what every unit suite's main() does: run the suite in Check's fork
 * mode (a crashing case fails one test, not the run) and turn the result
 * into the exit status.
 */
#ifndef PFHTTPD_TESTS_UNIT_H
#define PFHTTPD_TESTS_UNIT_H

#include <check.h>
#include <stdlib.h>

static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
