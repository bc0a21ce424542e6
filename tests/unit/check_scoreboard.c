/*
 * Unit tests for scoreboard: the shared mapping is zeroed and sized for
 * SB_MAX_SLOTS, slots are found by pid and the first free one is handed
 * out (none when full), request lines are cut to SB_LINE_MAX - 1 and read
 * back NUL-terminated, the idle counter adds atomically, every state has a
 * name (and a value out of range is "unknown"), destroy is idempotent.
 */
#include "unit.h"
#include "scoreboard.h"

#include <check.h>
#include <string.h>

static struct scoreboard sb;

static void setup(void)
{
	ck_assert_int_eq(scoreboard_create(&sb), 0);
}

static void teardown(void)
{
	scoreboard_destroy(&sb);
}

START_TEST(test_slots)
{
	ck_assert_uint_eq(sb.nslots, SB_MAX_SLOTS);
	ck_assert_int_eq(scoreboard_free_slot(&sb), 0);
	ck_assert_int_eq(scoreboard_find(&sb, 1234), -1);
	sb.slots[0].pid = 1234;
	sb.slots[2].pid = 99;
	ck_assert_int_eq(scoreboard_free_slot(&sb), 1);
	ck_assert_int_eq(scoreboard_find(&sb, 99), 2);
	for (size_t i = 0; i < sb.nslots; i++)
		sb.slots[i].pid = (pid_t)(i + 1);
	ck_assert_int_eq(scoreboard_free_slot(&sb), -1);
	ck_assert_int_eq(scoreboard_find(&sb, (pid_t)sb.nslots), (int)sb.nslots - 1);
	ck_assert_int_eq(scoreboard_find(&sb, (pid_t)sb.nslots + 1), -1);
}
END_TEST

START_TEST(test_request_line)
{
	char big[SB_LINE_MAX * 2], out[SB_LINE_MAX];

	scoreboard_set_request(&sb.slots[0], "GET / HTTP/1.1", 14);
	scoreboard_request_line(&sb.slots[0], out);
	ck_assert_str_eq(out, "GET / HTTP/1.1");
	memset(big, 'a', sizeof(big));
	scoreboard_set_request(&sb.slots[0], big, sizeof(big));
	scoreboard_request_line(&sb.slots[0], out);
	ck_assert_uint_eq(strlen(out), SB_LINE_MAX - 1);
	scoreboard_set_request(&sb.slots[0], big, SB_LINE_MAX - 1);
	scoreboard_request_line(&sb.slots[0], out);
	ck_assert_uint_eq(strlen(out), SB_LINE_MAX - 1);
	/* A slot a worker is writing is read without its terminator: the copy still ends. */
	memset(sb.slots[1].request, 'b', SB_LINE_MAX);
	scoreboard_request_line(&sb.slots[1], out);
	ck_assert_uint_eq(strlen(out), SB_LINE_MAX - 1);
}
END_TEST

START_TEST(test_idle_and_names)
{
	static const struct { int line; int state; const char *name; } rows[] = {
		{ __LINE__, SB_EMPTY, "empty" },       { __LINE__, SB_STARTING, "starting" },
		{ __LINE__, SB_IDLE, "idle" },         { __LINE__, SB_READING, "reading" },
		{ __LINE__, SB_WRITING, "writing" },   { __LINE__, SB_KEEPALIVE, "keepalive" },
		{ __LINE__, SB_CGI, "cgi" },           { __LINE__, SB_STOPPING, "stopping" },
		{ __LINE__, -1, "unknown" },           { __LINE__, SB_STOPPING + 1, "unknown" },
	};

	ck_assert_int_eq(scoreboard_idle_add(&sb, 3), 3);
	ck_assert_int_eq(scoreboard_idle_add(&sb, -1), 2);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ck_assert_msg(strcmp(scoreboard_state_name(rows[i].state), rows[i].name) == 0,
			      "line %d: %d is %s", rows[i].line, rows[i].state,
			      scoreboard_state_name(rows[i].state));
	scoreboard_destroy(&sb);
	ck_assert_ptr_null(sb.g);
	scoreboard_destroy(&sb); /* again: nothing to unmap */
}
END_TEST

static Suite *scoreboard_suite(void)
{
	Suite *s = suite_create("scoreboard");
	TCase *core = tcase_create("core");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 5);
	tcase_add_test(core, test_slots);
	tcase_add_test(core, test_request_line);
	tcase_add_test(core, test_idle_and_names);
	suite_add_tcase(s, core);
	return s;
}

int main(void)
{
	return unit_run(scoreboard_suite());
}
