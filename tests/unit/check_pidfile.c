/*
 * Unit tests for pidfile: writing through a temporary file and rename(),
 * reading back every kind of content (a pid, garbage, nothing, a directory),
 * and telling a live pfhttpd from a stale file. "A live pfhttpd" is a child
 * of this test that names itself "pfhttpd" (PR_SET_NAME sets the comm that
 * pidfile_running() reads); no other process is ever looked at or signalled.
 */
#include "unit.h"
#include "pidfile.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pfhttpd-pidfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pfhttpd.pid", dir);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *text)
{
	FILE *f = fopen(path, "we");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_write_read)
{
	char err[256] = "", buf[32] = "";
	struct stat st;
	FILE *f;

	ck_assert_int_eq(pidfile_write(path, 4242, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_str_eq(buf, "4242\n");
	ck_assert_int_eq(pidfile_read(path, err, sizeof(err)), 4242);
	/* Written again: replaced whole, and no temporary file is left beside it. */
	ck_assert_int_eq(pidfile_write(path, 17, err, sizeof(err)), 0);
	ck_assert_int_eq(pidfile_read(path, err, sizeof(err)), 17);
	{
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", dir);
		ck_assert_msg(system(cmd) == 0, "a temporary file is left in %s", dir);
	}
}
END_TEST

START_TEST(test_write_errors)
{
	char err[PATH_MAX + 128] = "", longp[PATH_MAX + 16], nodir[192];

	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(pidfile_write(longp, 1, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "path too long") != NULL, "%s", err);

	snprintf(nodir, sizeof(nodir), "%s/missing/pfhttpd.pid", dir);
	ck_assert_int_eq(pidfile_write(nodir, 1, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "cannot write pid_file") && strstr(err, "No such file or directory"),
		      "%s", err);

	/* rename() onto a directory fails after the temporary file was made: it is removed. */
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(pidfile_write(path, 1, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "Is a directory") != NULL, "%s", err);
	{
		char cmd[160];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", dir);
		ck_assert_msg(system(cmd) == 0, "the temporary file is left in %s", dir);
	}
}
END_TEST

static const struct read_case {
	int line;
	const char *desc;
	const char *content;     /* NULL: no file */
	pid_t want;
	const char *msg;         /* in err, or NULL */
} read_cases[] = {
	{ __LINE__, "no file",               NULL,          0,   "No such file or directory" },
	{ __LINE__, "a pid and newline",     "123\n",       123, NULL },
	{ __LINE__, "a pid, no newline",     "123",         123, NULL },
	{ __LINE__, "empty",                 "",            0,   "holds no pid" },
	{ __LINE__, "words",                 "pfhttpd\n",   0,   "holds no pid" },
	{ __LINE__, "trailing garbage",      "123x\n",      0,   "holds no pid" },
	{ __LINE__, "zero",                  "0\n",         0,   "holds no pid" },
	{ __LINE__, "negative",              "-5\n",        0,   "holds no pid" },
	{ __LINE__, "above INT_MAX",         "2147483648\n", 0,  "holds no pid" },
	{ __LINE__, "overflows long",        "99999999999999999999\n", 0, "holds no pid" },
};

START_TEST(test_read)
{
	const struct read_case *c = &read_cases[_i];
	char err[256] = "";
	pid_t got;

	if (c->content)
		put(c->content);
	got = pidfile_read(path, err, sizeof(err));
	ck_assert_msg(got == c->want, "line %d (%s): %d, want %d", c->line, c->desc, (int)got,
		      (int)c->want);
	ck_assert_msg(c->msg == NULL || strstr(err, c->msg) != NULL,
		      "line %d (%s): message \"%s\" lacks \"%s\"", c->line, c->desc, err, c->msg);
}
END_TEST

/* Another error than "no file": -1, and the reason. */
START_TEST(test_read_errors)
{
	char err[256] = "";

	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(pidfile_read(path, err, sizeof(err)), -1);   /* read(): EISDIR */
	ck_assert_msg(strstr(err, "Is a directory") != NULL, "%s", err);
	ck_assert_int_eq(rmdir(path), 0);
	put("1\n");
	{
		char under[192];

		snprintf(under, sizeof(under), "%s/x", path);               /* open(): ENOTDIR */
		ck_assert_int_eq(pidfile_read(under, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "Not a directory") != NULL, "%s", err);
	}
}
END_TEST

/* A child that sleeps under the comm name, until killed; its pid. */
static pid_t child_named(const char *comm)
{
	int p[2];
	char c;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		(void)!write(p[1], "x", 1);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1); /* renamed before we look */
	close(p[0]);
	return pid;
}

static void child_end(pid_t pid)
{
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}

START_TEST(test_running)
{
	char err[256];
	pid_t live = child_named("pfhttpd"), other = child_named("not-the-server");
	pid_t dead = child_named("pfhttpd");

	child_end(dead); /* reaped: its pid names nothing (until reused, which a test cannot prevent) */

	ck_assert_int_eq(pidfile_running(path), 0);                   /* no file */
	ck_assert_int_eq(pidfile_write(path, live, err, sizeof(err)), 0);
	ck_assert_int_eq(pidfile_running(path), live);
	ck_assert_int_eq(pidfile_write(path, other, err, sizeof(err)), 0);
	ck_assert_int_eq(pidfile_running(path), 0);                   /* a reused pid */
	ck_assert_int_eq(pidfile_write(path, dead, err, sizeof(err)), 0);
	ck_assert_int_eq(pidfile_running(path), 0);                   /* stale */
	ck_assert_int_eq(pidfile_write(path, getpid(), err, sizeof(err)), 0);
	ck_assert_int_eq(pidfile_running(path), 0);                   /* ourselves (a restart) */
	put("garbage\n");
	ck_assert_int_eq(pidfile_running(path), 0);
	child_end(live);
	child_end(other);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *pidfile_suite(void)
{
	Suite *s = suite_create("pidfile");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 10);
	tcase_add_test(core, test_write_read);
	tcase_add_test(core, test_running);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_set_timeout(bad, 10);
	tcase_add_loop_test(bad, test_read, 0, NELEM(read_cases));
	tcase_add_test(bad, test_write_errors);
	tcase_add_test(bad, test_read_errors);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return unit_run(pidfile_suite());
}
