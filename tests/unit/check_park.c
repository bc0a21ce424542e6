/*
 * Unit tests for park, the table of keep-alive connections a worker holds
 * between requests: keys that never collide with event indexes and go
 * stale when their connection leaves, a full table, taking out by key, by
 * due time and all at once, and the wait until the next due time.
 * Descriptors are fake numbers: the table never touches them.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "park.h"
#include "unit.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct park pk;

static void setup(void)
{
	memset(&pk, 0x5a, sizeof(pk)); /* init must not rely on zeroed memory */
	park_init(&pk);
}

static uint64_t put(int fd, int64_t due, int64_t deadline)
{
	struct park_conn pc = { .fd = fd, .due_ms = due, .deadline_ms = deadline };

	return park_put(&pk, &pc);
}

START_TEST(test_put_take)
{
	struct park_conn out;
	uint64_t a, b;

	setup();
	ck_assert_int_eq(park_wait_ms(&pk, 0), -1);
	a = put(7, 100, 5000);
	b = put(8, 50, 5000);
	ck_assert(a >= PARK_KEY_MIN && b >= PARK_KEY_MIN && a != b);
	ck_assert_uint_eq(pk.n, 2);
	ck_assert(park_take(&pk, a, &out));
	ck_assert_int_eq(out.fd, 7);
	ck_assert_int_eq(out.due_ms, 100);
	ck_assert_int_eq(out.deadline_ms, 5000);
	/* Taken once: the same key again (a second event for it) is stale. */
	ck_assert(!park_take(&pk, a, &out));
	ck_assert_uint_eq(pk.n, 1);
	ck_assert(park_take(&pk, b, &out));
	ck_assert_int_eq(out.fd, 8);
	ck_assert_uint_eq(pk.n, 0);
}
END_TEST

/* A slot used again gets a new key: an event still carrying the old one is not the new connection's. */
START_TEST(test_reused_slot_new_key)
{
	struct park_conn out;
	uint64_t a, b;

	setup();
	a = put(7, 0, 0);
	ck_assert(park_take(&pk, a, &out));
	b = put(9, 0, 0);
	ck_assert(b != a);
	ck_assert_uint_eq(b & 0xffffffffu, a & 0xffffffffu); /* the same slot */
	ck_assert(!park_take(&pk, a, &out));
	ck_assert(park_take(&pk, b, &out));
	ck_assert_int_eq(out.fd, 9);
}
END_TEST

static const struct { int line; const char *desc; uint64_t key; } bad_keys[] = {
	{ __LINE__, "zero",                             0 },
	{ __LINE__, "an event index (a listener)",      3 },
	{ __LINE__, "the largest index",                PARK_KEY_MIN - 1 },
	{ __LINE__, "slot past the table",              PARK_KEY_MIN | PARK_MAX },
	{ __LINE__, "slot far past the table",          PARK_KEY_MIN | 0xffffffffu },
	{ __LINE__, "a stay never handed out",          (uint64_t)77 << 32 },
	{ __LINE__, "all ones",                         UINT64_MAX },
};

START_TEST(test_bad_keys)
{
	struct park_conn out = { .fd = -7 };

	setup();
	ck_assert(put(7, 0, 0) != 0);
	ck_assert_msg(!park_take(&pk, bad_keys[_i].key, &out), "line %d: %s", bad_keys[_i].line,
		      bad_keys[_i].desc);
	ck_assert_int_eq(out.fd, -7);
	ck_assert_uint_eq(pk.n, 1);
}
END_TEST

START_TEST(test_full)
{
	struct park_conn out;
	uint64_t keys[PARK_MAX];

	setup();
	for (int i = 0; i < PARK_MAX; i++) {
		keys[i] = put(100 + i, i, i);
		ck_assert_msg(keys[i] >= PARK_KEY_MIN, "slot %d", i);
		for (int j = 0; j < i; j++)
			ck_assert(keys[j] != keys[i]);
	}
	ck_assert_uint_eq(pk.n, PARK_MAX);
	ck_assert_uint_eq(put(999, 0, 0), 0);
	ck_assert_uint_eq(pk.n, PARK_MAX);
	/* One out, one place: the next connection gets it. */
	ck_assert(park_take(&pk, keys[5], &out));
	ck_assert_int_eq(out.fd, 105);
	ck_assert(put(999, 0, 0) != 0);
	ck_assert_uint_eq(put(1000, 0, 0), 0);
}
END_TEST

/* Due times: only those that have come, each once; the wait is until the earliest. */
START_TEST(test_due)
{
	struct park_conn out;
	bool seen[3] = { false };

	setup();
	put(0, 300, 9000);
	put(1, 100, 9000);
	put(2, 200, 9000);
	ck_assert_int_eq(park_wait_ms(&pk, 0), 100);
	ck_assert_int_eq(park_wait_ms(&pk, 99), 1);
	ck_assert_int_eq(park_wait_ms(&pk, 100), 0);
	ck_assert_int_eq(park_wait_ms(&pk, 5000), 0);
	ck_assert(!park_take_due(&pk, 99, &out));
	ck_assert(park_take_due(&pk, 100, &out));
	ck_assert_int_eq(out.fd, 1);
	ck_assert(!park_take_due(&pk, 199, &out));
	ck_assert_int_eq(park_wait_ms(&pk, 150), 50);
	while (park_take_due(&pk, 300, &out)) {
		ck_assert(!seen[out.fd]);
		seen[out.fd] = true;
	}
	ck_assert(seen[0] && seen[2] && !seen[1]);
	ck_assert_uint_eq(pk.n, 0);
	ck_assert_int_eq(park_wait_ms(&pk, 0), -1);
}
END_TEST

/* Letting all go: every connection once, then nothing. */
START_TEST(test_take_any)
{
	struct park_conn out;
	int mask = 0, n = 0;

	setup();
	ck_assert(!park_take_any(&pk, &out));
	for (int i = 0; i < 5; i++)
		put(i, INT64_MAX, INT64_MAX);
	while (park_take_any(&pk, &out)) {
		ck_assert(!(mask & (1 << out.fd)));
		mask |= 1 << out.fd;
		n++;
	}
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(mask, 0x1f);
	ck_assert_uint_eq(pk.n, 0);
}
END_TEST

static Suite *park_suite(void)
{
	Suite *s = suite_create("park");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_put_take);
	tcase_add_test(tc, test_reused_slot_new_key);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_due);
	tcase_add_test(tc, test_take_any);
	suite_add_tcase(s, tc);
	tc = tcase_create("bad_input");
	tcase_add_loop_test(tc, test_bad_keys, 0, NELEM(bad_keys));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(park_suite());
}
