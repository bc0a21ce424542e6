/*
 * Unit tests for proctitle: the title takes over the argument area and the
 * environment that follows it contiguously (as the kernel lays them out),
 * after the environment has been copied elsewhere; a title longer than the
 * area is cut, the rest of the area is zeroed; odd layouts (no arguments,
 * an empty argv[0], arguments or environment not adjacent) shrink the area
 * instead of overwriting foreign memory. Each case builds its own fake
 * layout in a buffer and runs in its own process (Check's fork mode), so the
 * module's state and environ start fresh.
 */
#include "unit.h"
#include "proctitle.h"

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static char area[256];
static char *argv_[4];
static char *env_[4];

/* Lay out "prog\0-f\0x.conf\0A=1\0B=22\0" in area, argv_ and env_ pointing into it. */
static size_t layout(bool env_adjacent, bool args_adjacent)
{
	static const char *const args[] = { "prog", "-f", "x.conf" };
	static const char *const envs[] = { "A=1", "B=22" };
	size_t o = 0;

	memset(area, 'Z', sizeof(area));
	for (int i = 0; i < 3; i++) {
		if (i == 2 && !args_adjacent)
			o += 5;
		argv_[i] = area + o;
		strcpy(area + o, args[i]);
		o += strlen(args[i]) + 1;
	}
	argv_[3] = NULL;
	if (!env_adjacent)
		o += 3;
	for (int i = 0; i < 2; i++) {
		env_[i] = area + o;
		strcpy(area + o, envs[i]);
		o += strlen(envs[i]) + 1;
	}
	env_[2] = NULL;
	environ = env_;
	return o;
}

static void expect_env_copied(void)
{
	ck_assert_ptr_ne(environ, env_);
	ck_assert_str_eq(environ[0], "A=1");
	ck_assert_str_eq(environ[1], "B=22");
	ck_assert_ptr_null(environ[2]);
	ck_assert_ptr_ne(environ[0], env_[0]);
	ck_assert_str_eq(getenv("B"), "22");
}

START_TEST(test_whole_area)
{
	size_t end = layout(true, true);

	proctitle_init(3, argv_);
	expect_env_copied();
	ck_assert_ptr_null(argv_[1]);
	proctitle_set("pf: %s", "w");
	ck_assert_str_eq(area, "pf: w");
	for (size_t i = strlen(area); i < end; i++)
		ck_assert_msg(area[i] == '\0', "byte %zu is %#x", i, area[i]);
	ck_assert_int_eq(area[end], 'Z'); /* nothing past the area */
}
END_TEST

START_TEST(test_long_title_cut)
{
	size_t end = layout(true, true);
	char big[300];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	proctitle_init(3, argv_);
	proctitle_set("%s", big);
	ck_assert_uint_eq(strlen(area), end - 1);
	ck_assert_int_eq(area[end], 'Z');
}
END_TEST

/* The environment does not follow the arguments: the area ends with them. */
START_TEST(test_env_not_adjacent)
{
	layout(false, true);
	proctitle_init(3, argv_);
	expect_env_copied();
	proctitle_set("%s", "0123456789012345678901234567890");
	ck_assert_uint_eq(strlen(area), strlen("prog -f x.conf"));
	ck_assert_int_eq(area[15], 'Z');
}
END_TEST

/* An argument elsewhere: the area ends before it (and the environment is not reached). */
START_TEST(test_args_not_adjacent)
{
	layout(true, false);
	proctitle_init(3, argv_);
	proctitle_set("%s", "0123456789012345678901234567890");
	ck_assert_uint_eq(strlen(area), strlen("prog -f"));
	ck_assert_str_eq(argv_[2], "x.conf"); /* untouched */
}
END_TEST

/* No arguments, or an empty argv[0]: nothing is written anywhere. */
START_TEST(test_nothing_to_use)
{
	layout(true, true);
	proctitle_init(0, argv_);
	proctitle_set("%s", "title");
	ck_assert_str_eq(area, "prog");
	ck_assert_ptr_eq(environ, env_);
}
END_TEST

START_TEST(test_empty_argv0)
{
	char *args[] = { area, NULL };
	char *env0[] = { NULL };

	memset(area, 'Z', sizeof(area));
	area[0] = '\0';
	environ = env0;
	proctitle_init(1, args);
	proctitle_set("%s", "title");
	ck_assert_int_eq(area[0], '\0');
	ck_assert_int_eq(area[1], 'Z');
}
END_TEST

static Suite *proctitle_suite(void)
{
	Suite *s = suite_create("proctitle");
	TCase *core = tcase_create("core");
	TCase *bad = tcase_create("bad_input");

	tcase_set_timeout(core, 5);
	tcase_add_test(core, test_whole_area);
	tcase_add_test(core, test_long_title_cut);
	suite_add_tcase(s, core);

	tcase_set_timeout(bad, 5);
	tcase_add_test(bad, test_env_not_adjacent);
	tcase_add_test(bad, test_args_not_adjacent);
	tcase_add_test(bad, test_nothing_to_use);
	tcase_add_test(bad, test_empty_argv0);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return unit_run(proctitle_suite());
}
