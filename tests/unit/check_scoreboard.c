/*
 * Unit tests for scoreboard: the shared mapping is zeroed and sized for
 * SB_MAX_SLOTS, slots are found by pid and the first free one is handed
 * out (none when full), request lines are cut to SB_LINE_MAX - 1 and read
 * back NUL-terminated, the idle counter adds atomically, every state has a
 * name (and a value out of range is "unknown"), destroy is idempotent; and
 * the address table (limits.connections_per_ip): address keys, counting up
 * to a limit, freeing at zero, lookups that survive deletions in the middle
 * of a probe run (one that wraps past the last slot too), a full table,
 * clearing, a holder that dies with the lock, and a lock left unrecoverable.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scoreboard.h"
#include "unit.h"

static struct scoreboard sb;

static void setup(void)
{
	ck_assert_int_eq(scoreboard_create(&sb), 0);
}

static void teardown(void)
{
	scoreboard_destroy(&sb);
}

static struct sockaddr_storage addr_of(int family, const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		ck_assert_int_eq(inet_pton(AF_INET, text, &((struct sockaddr_in *)&ss)->sin_addr), 1);
	else if (family == AF_INET6)
		ck_assert_int_eq(inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)&ss)->sin6_addr), 1);
	return ss;
}

static const struct key_case {
	int line;
	const char *desc;
	int family;
	const char *addr;
	bool ok;
	const char *as;          /* the IPv6 text its key must equal */
} key_cases[] = {
	{ __LINE__, "IPv4 as IPv4-mapped", AF_INET, "192.0.2.7", true, "::ffff:192.0.2.7" },
	{ __LINE__, "IPv4-mapped IPv6 is its IPv4", AF_INET6, "::ffff:192.0.2.7", true, "::ffff:192.0.2.7" },
	{ __LINE__, "IPv6 as itself", AF_INET6, "2001:db8::1", true, "2001:db8::1" },
	{ __LINE__, "loopback IPv4", AF_INET, "127.0.0.1", true, "::ffff:127.0.0.1" },
	{ __LINE__, "not IP: AF_UNIX", AF_UNIX, NULL, false, NULL },
};

START_TEST(test_key)
{
	const struct key_case *c = &key_cases[_i];
	struct sockaddr_storage ss = addr_of(c->family, c->addr);
	uint8_t key[SB_IP_KEY], want[SB_IP_KEY];

	ck_assert_msg(scoreboard_ip_key(&ss, key) == c->ok, "line %d: %s", c->line, c->desc);
	if (c->ok) {
		ck_assert_int_eq(inet_pton(AF_INET6, c->as, want), 1);
		ck_assert_msg(memcmp(key, want, SB_IP_KEY) == 0, "line %d: %s", c->line, c->desc);
	}
}
END_TEST

static void key_n(uint32_t n, uint8_t key[SB_IP_KEY])
{
	memset(key, 0, SB_IP_KEY);
	key[0] = 0x20;
	memcpy(key + 12, &n, sizeof(n));
}

START_TEST(test_limit_and_free)
{
	uint8_t a[SB_IP_KEY], b[SB_IP_KEY];
	int held = -1;

	key_n(1, a);
	key_n(2, b);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(scoreboard_ip_take(sb.ips, a, 3, &held), 1);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, a, 3, &held), 0);
	ck_assert_int_eq(held, 3);
	/* Another address is not held to a's count. */
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, b, 3, &held), 1);
	ck_assert_uint_eq(sb.ips->used, 2);
	scoreboard_ip_drop(sb.ips, a);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, a, 3, &held), 1);
	for (int i = 0; i < 3; i++)
		scoreboard_ip_drop(sb.ips, a);
	ck_assert_uint_eq(sb.ips->used, 1);   /* freed at zero */
	scoreboard_ip_drop(sb.ips, a);        /* holds none: nothing happens */
	ck_assert_uint_eq(sb.ips->used, 1);
	scoreboard_ip_drop(sb.ips, b);
	ck_assert_uint_eq(sb.ips->used, 0);
}
END_TEST

/* Many keys, every other one dropped: the rest are all still found with their counts. */
START_TEST(test_delete_keeps_runs)
{
	enum { N = 30000 };
	uint8_t k[SB_IP_KEY];
	int held;

	for (uint32_t i = 0; i < N; i++) {
		key_n(i, k);
		ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 5, &held), 1);
		if (i % 3 == 0)
			ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 5, &held), 1);
	}
	for (uint32_t i = 0; i < N; i += 2) {
		key_n(i, k);
		scoreboard_ip_drop(sb.ips, k);
	}
	for (uint32_t i = 0; i < N; i++) {
		int want = (i % 3 == 0 ? 2 : 1) - (i % 2 == 0);

		key_n(i, k);
		held = 0;
		if (want == 0) {
			ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 1, &held), 1);
			scoreboard_ip_drop(sb.ips, k);
		} else {
			ck_assert_msg(scoreboard_ip_take(sb.ips, k, want, &held) == 0 && held == want,
				      "key %u: held %d, want %d", i, held, want);
		}
	}
}
END_TEST

/* Past three quarters full, a new address is admitted uncounted (-1), a known one still counts. */
START_TEST(test_full)
{
	uint8_t k[SB_IP_KEY];
	uint32_t i;
	int held;

	for (i = 0; i < SB_IP_SLOTS / 4 * 3; i++) {
		key_n(i, k);
		ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 10, &held), 1);
	}
	key_n(i, k);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 10, &held), -1);
	key_n(0, k);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 10, &held), 1);
}
END_TEST

/* A process killed holding the lock does not wedge the table (robust mutex). */
START_TEST(test_holder_killed)
{
	uint8_t k[SB_IP_KEY];
	int held, st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pthread_mutex_lock(&sb.ips->lock);
		raise(SIGKILL);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st));
	key_n(7, k);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 1, &held), 1);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 1, &held), 0);
}
END_TEST

/*
 * Deleting inside a probe run that wraps past the last slot to slot 0
 * (ip_between()'s i > j side). The table three quarters full; a seed is
 * tried until the last slot and slot 0 are both taken, so a run wraps.
 * Drop the keys found around the wrap point: every other key keeps its
 * count, and the dropped ones are gone.
 */
static void fill_until_wrap(uint32_t n)
{
	uint8_t k[SB_IP_KEY];
	int held;

	for (uint64_t seed = 1;; seed++) {
		ck_assert_msg(seed < 100, "no seed gives a run that wraps");
		scoreboard_ip_clear(sb.ips);
		sb.ips->seed = seed; /* the table is empty: a new seed moves nothing */
		for (uint32_t i = 0; i < n; i++) {
			key_n(i, k);
			ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 1, &held), 1);
		}
		if (sb.ips->ent[SB_IP_SLOTS - 1].count && sb.ips->ent[0].count)
			return;
	}
}

START_TEST(test_delete_across_wrap)
{
	enum { N = SB_IP_SLOTS / 4 * 3, W = 64 };
	uint8_t k[SB_IP_KEY], gone[2 * W][SB_IP_KEY];
	size_t ngone = 0;
	int held;

	fill_until_wrap(N);
	for (size_t i = 0; i < 2 * W; i++) {
		size_t slot = (SB_IP_SLOTS - W + i) & (SB_IP_SLOTS - 1);

		if (sb.ips->ent[slot].count)
			memcpy(gone[ngone++], sb.ips->ent[slot].key, SB_IP_KEY);
	}
	for (size_t i = 0; i < ngone; i++)
		scoreboard_ip_drop(sb.ips, gone[i]);
	ck_assert_uint_eq(sb.ips->used, N - ngone);
	for (size_t i = 0; i < ngone; i++) {
		ck_assert_int_eq(scoreboard_ip_take(sb.ips, gone[i], 1, &held), 1);
		scoreboard_ip_drop(sb.ips, gone[i]);
	}
	for (uint32_t i = 0; i < N; i++) {
		bool dropped = false;

		key_n(i, k);
		for (size_t j = 0; j < ngone && !dropped; j++)
			dropped = memcmp(gone[j], k, SB_IP_KEY) == 0;
		if (dropped)
			continue;
		held = 0;
		ck_assert_msg(scoreboard_ip_take(sb.ips, k, 1, &held) == 0 && held == 1,
			      "key %u: lost (held %d)", i, held);
	}
}
END_TEST

/* Clearing (the master, after the pool restarts) forgets every address at once. */
START_TEST(test_clear)
{
	uint8_t k[SB_IP_KEY];
	int held;

	for (uint32_t i = 0; i < 100; i++) {
		key_n(i, k);
		ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 1, &held), 1);
	}
	scoreboard_ip_clear(sb.ips);
	ck_assert_uint_eq(sb.ips->used, 0);
	for (size_t i = 0; i < SB_IP_SLOTS; i++)
		ck_assert_uint_eq(sb.ips->ent[i].count, 0);
	key_n(7, k);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 1, &held), 1);
}
END_TEST

/*
 * A lock that can no longer be taken (a holder died and the next one gave up
 * without pthread_mutex_consistent(): ENOTRECOVERABLE) must not wedge or
 * crash: take admits uncounted (-1), drop and clear change nothing.
 */
START_TEST(test_lock_unrecoverable)
{
	uint8_t k[SB_IP_KEY];
	int held = -7, st;
	pid_t pid;

	key_n(3, k);
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 5, &held), 1);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pthread_mutex_lock(&sb.ips->lock);
		raise(SIGKILL);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(pthread_mutex_lock(&sb.ips->lock), EOWNERDEAD);
	ck_assert_int_eq(pthread_mutex_unlock(&sb.ips->lock), 0);
	ck_assert_int_eq(pthread_mutex_lock(&sb.ips->lock), ENOTRECOVERABLE);

	held = -7;
	ck_assert_int_eq(scoreboard_ip_take(sb.ips, k, 5, &held), -1);
	ck_assert_int_eq(held, -7);
	scoreboard_ip_drop(sb.ips, k);
	ck_assert_uint_eq(sb.ips->used, 1);
	scoreboard_ip_clear(sb.ips);
	ck_assert_uint_eq(sb.ips->used, 1);
}
END_TEST

START_TEST(test_slots)
{
	int i;

	ck_assert_uint_eq(sb.nslots, SB_MAX_SLOTS);
	ck_assert_uint_eq(scoreboard_used(&sb), 0);
	ck_assert_int_eq(scoreboard_free_slot(&sb), 0);
	ck_assert_int_eq(scoreboard_find(&sb, 1234), -1);
	sb.slots[0].pid = 1234;
	/* Taken lowest first; the scans stop at the slots ever taken. */
	ck_assert_int_eq(scoreboard_free_slot(&sb), 1);
	sb.slots[1].pid = 98;
	ck_assert_int_eq(scoreboard_free_slot(&sb), 2);
	sb.slots[2].pid = 99;
	ck_assert_uint_eq(scoreboard_used(&sb), 3);
	sb.slots[1].pid = 0; /* a worker gone: its slot is taken again before a new one */
	ck_assert_int_eq(scoreboard_free_slot(&sb), 1);
	ck_assert_uint_eq(scoreboard_used(&sb), 3);
	ck_assert_int_eq(scoreboard_find(&sb, 99), 2);
	sb.slots[5].pid = 5; /* never taken through free_slot: beyond the scans */
	ck_assert_int_eq(scoreboard_find(&sb, 5), -1);
	sb.slots[5].pid = 0;
	while ((i = scoreboard_free_slot(&sb)) >= 0)
		sb.slots[i].pid = (pid_t)(i + 1);
	ck_assert_uint_eq(scoreboard_used(&sb), sb.nslots);
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

/*
 * Seats (src/worker.c): taken up to seats_max, never beyond; given back
 * down to 0, never below (a worker's give and the master's after its death
 * may both come: scoreboard.h), and each seat given back rings the bell
 * once, a give of none not at all. A lower seats_max (a reload) refuses
 * new ones until enough are given back. Steps in order, each with its
 * line; ok is "taken" for a take, "rang" for a give.
 */
START_TEST(test_seats)
{
	static const struct { int line; int max; char op; bool ok; int after; } rows[] = {
		{ __LINE__, 0, 't', false, 0 }, /* no seats: none taken */
		{ __LINE__, 2, 't', true, 1 },  { __LINE__, 2, 't', true, 2 },
		{ __LINE__, 2, 't', false, 2 }, /* full */
		{ __LINE__, 2, 'g', true, 1 },  { __LINE__, 2, 't', true, 2 },
		{ __LINE__, 1, 't', false, 2 }, /* seats_max lowered below the taken */
		{ __LINE__, 1, 'g', true, 1 },  { __LINE__, 1, 't', false, 1 },
		{ __LINE__, 1, 'g', true, 0 },  { __LINE__, 1, 'g', false, 0 }, /* never below 0 */
		{ __LINE__, 1, 't', true, 1 },
	};
	int bell = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ck_assert_int_ge(bell, 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t rings = 0;
		bool ok;

		sb.g->seats_max = rows[i].max;
		if (rows[i].op == 't') {
			ok = scoreboard_seat_take(&sb);
		} else {
			scoreboard_seat_give(&sb, bell);
			ok = read(bell, &rings, sizeof(rings)) == sizeof(rings) && rings == 1;
		}
		ck_assert_msg(ok == rows[i].ok && sb.g->seats == rows[i].after,
			      "line %d: %s %d, %d seats", rows[i].line, rows[i].op == 't' ? "taken" : "rang",
			      ok, sb.g->seats);
	}
	close(bell);
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
	TCase *tc = tcase_create("iptab");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_set_timeout(core, 5);
	tcase_add_test(core, test_slots);
	tcase_add_test(core, test_request_line);
	tcase_add_test(core, test_idle_and_names);
	tcase_add_test(core, test_seats);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, test_key, 0, (int)(sizeof(key_cases) / sizeof(key_cases[0])));
	tcase_add_test(tc, test_limit_and_free);
	tcase_add_test(tc, test_delete_keeps_runs);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_holder_killed);
	tcase_add_test(tc, test_delete_across_wrap);
	tcase_add_test(tc, test_clear);
	tcase_add_test(tc, test_lock_unrecoverable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(scoreboard_suite());
}
