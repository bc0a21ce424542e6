/*
 * Unit tests for fcache, the open-file cache's table: lookup, insert,
 * least-recently-used eviction, expiry against a given clock, and that
 * every descriptor it drops is closed exactly once. Descriptors are fake
 * numbers; the close function records them. The bytes an entry may keep:
 * per-entry and per-table bounds, least recently used bodies given up
 * first, and every way an entry goes frees its bytes from the count.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "fcache.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct fcache cache;
static const char scope_a[1], scope_b[1];
#define SCOPE scope_a
static int closed[4 * FCACHE_MAX], nclosed;

static void fake_close(int fd)
{
	ck_assert_int_lt(nclosed, NELEM(closed));
	closed[nclosed++] = fd;
}

static bool was_closed(int fd)
{
	for (int i = 0; i < nclosed; i++)
		if (closed[i] == fd)
			return true;
	return false;
}

static void setup(size_t cap)
{
	nclosed = 0;
	memset(&cache, 0x5a, sizeof(cache)); /* init must not rely on zeroed memory */
	fcache_init(&cache, cap, &cache, fake_close);
}

static struct fcache_entry *put(const char *key, int fd, int64_t now)
{
	struct stat st = { .st_size = fd, .st_ino = (ino_t)fd };

	return fcache_insert(&cache, SCOPE, key, strlen(key), fd, &st, -1, now);
}

static struct fcache_entry *get(const char *key, int64_t now)
{
	return fcache_lookup(&cache, SCOPE, key, strlen(key), now);
}

START_TEST(test_hit_and_miss)
{
	struct fcache_entry *e;
	struct stat st = { .st_size = 1234, .st_ino = 99 };

	setup(8);
	e = fcache_insert(&cache, SCOPE, "a/index.html", 12, 100, &st, 2, 5000);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_eq(get("a/index.html", 5000), e);
	ck_assert_int_eq(e->fe_fd, 100);
	ck_assert_int_eq(e->fe_index, 2);
	ck_assert_int_eq(e->fe_st.st_size, 1234);
	ck_assert_str_eq(e->fe_key, "a/index.html");
	ck_assert_ptr_null(e->fe_type);
	ck_assert_ptr_null(get("a/index.htm", 5000));      /* a prefix is another key */
	ck_assert_ptr_null(get("a/index.html2", 5000));    /* so is a longer one */
	ck_assert_ptr_null(get("b/index.html", 5000));
	ck_assert_ptr_eq(cache.fc_owner, &cache);
	ck_assert_int_eq(nclosed, 0);
	ck_assert_ptr_nonnull(put("", 101, 5000));         /* the root directory's key */
	ck_assert_int_eq(get("", 5000)->fe_fd, 101);
}
END_TEST

struct ttl_case {
	int line;
	const char *desc;
	int64_t filled, now;
	bool hit;
};

static const struct ttl_case ttl_cases[] = {
	{ __LINE__, "same millisecond",                 1000, 1000, true },
	{ __LINE__, "just under the TTL",               1000, 1000 + FCACHE_TTL_MS - 1, true },
	{ __LINE__, "at the TTL: look again",           1000, 1000 + FCACHE_TTL_MS, false },
	{ __LINE__, "long after",                       1000, 1000 + 60 * FCACHE_TTL_MS, false },
	{ __LINE__, "clock before the fill: look again", 5000, 4999, false },
	{ __LINE__, "clock at zero",                    0, 0, true },
};

/* Two sites' "index.html" are two files (issue 9): the scope is part of the key. */
START_TEST(test_scopes)
{
	struct stat st = { .st_size = 1 };
	struct fcache_entry *a, *b;

	setup(8);
	a = fcache_insert(&cache, scope_a, "index.html", 10, 200, &st, -1, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(fcache_lookup(&cache, scope_b, "index.html", 10, 0)); /* not a's */
	b = fcache_insert(&cache, scope_b, "index.html", 10, 201, &st, -1, 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_int_eq(nclosed, 0);                    /* b did not replace a */
	ck_assert_ptr_eq(fcache_lookup(&cache, scope_a, "index.html", 10, 0), a);
	ck_assert_ptr_eq(fcache_lookup(&cache, scope_b, "index.html", 10, 0), b);
	ck_assert_int_eq(a->fe_fd, 200);
	ck_assert_int_eq(b->fe_fd, 201);
	/* Replacing within one scope leaves the other's. */
	ck_assert_ptr_nonnull(fcache_insert(&cache, scope_b, "index.html", 10, 202, &st, -1, 0));
	ck_assert_int_eq(nclosed, 1);
	ck_assert(was_closed(201));
	ck_assert_int_eq(fcache_lookup(&cache, scope_a, "index.html", 10, 0)->fe_fd, 200);
	ck_assert_ptr_null(fcache_lookup(&cache, NULL, "index.html", 10, 0));
}
END_TEST

START_TEST(test_ttl)
{
	const struct ttl_case *c = &ttl_cases[_i];
	struct fcache_entry *e;

	setup(4);
	ck_assert_ptr_nonnull(put("f", 7, c->filled));
	e = get("f", c->now);
	ck_assert_msg((e != NULL) == c->hit, "line %d (%s): hit %d", c->line, c->desc, e != NULL);
	ck_assert_msg(was_closed(7) == !c->hit, "line %d (%s): closed %d", c->line, c->desc,
		      was_closed(7));
	/* An expired entry is gone, its slot free: the key can be filled again. */
	if (!c->hit) {
		ck_assert_int_eq(cache.fc_n, 0);
		ck_assert_ptr_null(get("f", c->filled));
		ck_assert_ptr_nonnull(put("f", 8, c->now));
		ck_assert_int_eq(get("f", c->now)->fe_fd, 8);
	}
}
END_TEST

START_TEST(test_lru_eviction)
{
	setup(3);
	put("a", 1, 0);
	put("b", 2, 0);
	put("c", 3, 0);
	ck_assert_ptr_nonnull(get("a", 10));   /* a is now the most recent: b the least */
	put("d", 4, 20);
	ck_assert_int_eq(nclosed, 1);
	ck_assert_int_eq(closed[0], 2);
	ck_assert_ptr_null(get("b", 20));
	ck_assert_ptr_nonnull(get("c", 20));   /* order now c, a... d before them */
	put("e", 5, 30);                       /* least recent: a */
	ck_assert_int_eq(closed[1], 1);
	ck_assert_int_eq(cache.fc_n, 3);
	ck_assert_ptr_nonnull(get("c", 30));
	ck_assert_ptr_nonnull(get("d", 30));
	ck_assert_ptr_nonnull(get("e", 30));
}
END_TEST

START_TEST(test_replace_same_key)
{
	setup(4);
	put("x", 10, 0);
	put("y", 11, 0);
	ck_assert_int_eq(put("x", 12, 5)->fe_fd, 12);
	ck_assert_int_eq(nclosed, 1);
	ck_assert_int_eq(closed[0], 10);
	ck_assert_int_eq(cache.fc_n, 2);
	ck_assert_int_eq(get("x", 5)->fe_fd, 12);
	ck_assert_int_eq(get("y", 5)->fe_fd, 11);
}
END_TEST

START_TEST(test_key_length)
{
	char key[FCACHE_KEY_MAX + 1];

	setup(4);
	memset(key, 'k', sizeof(key));
	/* The longest key that fits (with its NUL) is cached... */
	ck_assert_ptr_nonnull(fcache_insert(&cache, SCOPE, key, FCACHE_KEY_MAX - 1, 20,
					    &(struct stat){ 0 }, -1, 0));
	ck_assert_ptr_nonnull(fcache_lookup(&cache, SCOPE, key, FCACHE_KEY_MAX - 1, 0));
	/* ...one more is not: the descriptor stays the caller's, never closed. */
	ck_assert_ptr_null(fcache_insert(&cache, SCOPE, key, FCACHE_KEY_MAX, 21, &(struct stat){ 0 }, -1, 0));
	ck_assert_ptr_null(fcache_lookup(&cache, SCOPE, key, FCACHE_KEY_MAX, 0));
	ck_assert_int_eq(nclosed, 0);
	ck_assert_int_eq(cache.fc_n, 1);
}
END_TEST

struct cap_case {
	int line;
	const char *desc;
	size_t asked, got;
};

static const struct cap_case cap_cases[] = {
	{ __LINE__, "zero is one",              0, 1 },
	{ __LINE__, "one",                      1, 1 },
	{ __LINE__, "in range",                 17, 17 },
	{ __LINE__, "the maximum",              FCACHE_MAX, FCACHE_MAX },
	{ __LINE__, "above the maximum clamps", FCACHE_MAX * 8, FCACHE_MAX },
};

START_TEST(test_cap)
{
	const struct cap_case *c = &cap_cases[_i];
	char key[32];
	size_t i;

	setup(c->asked);
	ck_assert_msg(cache.fc_cap == c->got, "line %d (%s)", c->line, c->desc);
	/* Filling it twice over keeps exactly cap entries and closes the rest. */
	for (i = 0; i < 2 * c->got; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		ck_assert_ptr_nonnull(put(key, (int)(1000 + i), (int64_t)i));
	}
	ck_assert_msg(cache.fc_n == c->got, "line %d (%s): %zu held", c->line, c->desc, cache.fc_n);
	ck_assert_int_eq(nclosed, (int)c->got);
	for (i = 0; i < c->got; i++)
		ck_assert(was_closed((int)(1000 + i)));
}
END_TEST

/*
 * FCACHE_MAX keys in FCACHE_BUCKETS buckets share buckets: dropping them in
 * an order unrelated to their insertion walks and repairs every chain.
 */
START_TEST(test_chains)
{
	char key[32];
	int i;

	setup(FCACHE_MAX);
	for (i = 0; i < FCACHE_MAX; i++) {
		snprintf(key, sizeof(key), "dir/f%d.css", i);
		ck_assert_ptr_nonnull(put(key, i, 0));
	}
	for (i = 0; i < FCACHE_MAX; i += 3) {   /* every third, from the oldest */
		snprintf(key, sizeof(key), "dir/f%d.css", i);
		fcache_drop(&cache, get(key, 0));
	}
	for (i = 0; i < FCACHE_MAX; i++) {
		struct fcache_entry *e;
		snprintf(key, sizeof(key), "dir/f%d.css", i);
		e = get(key, 0);
		if (i % 3 == 0) {
			ck_assert_msg(e == NULL, "%s still there", key);
			ck_assert(was_closed(i));
		} else {
			ck_assert_msg(e != NULL && e->fe_fd == i, "%s lost", key);
		}
	}
	/* The dropped slots are used again before anything is evicted. */
	nclosed = 0;
	for (i = 0; i < FCACHE_MAX; i += 3) {
		snprintf(key, sizeof(key), "new/%d", i);
		ck_assert_ptr_nonnull(put(key, 500 + i, 1));
	}
	ck_assert_int_eq(nclosed, 0);
	ck_assert_int_eq(cache.fc_n, FCACHE_MAX);
	fcache_flush(&cache);
	ck_assert_int_eq(cache.fc_n, 0);
	ck_assert_int_eq(nclosed, FCACHE_MAX);
	ck_assert_ptr_null(get("dir/f1.css", 1));
	fcache_flush(&cache);                   /* empty: closes nothing more */
	ck_assert_int_eq(nclosed, FCACHE_MAX);
}
END_TEST

/* A worker's table is filled for one site: another empties it first. */
START_TEST(test_adopt)
{
	static struct fcache zeroed;
	static int other;

	nclosed = 0;
	fcache_adopt(&zeroed, 2, &other, fake_close);   /* a zeroed table is simply set up */
	ck_assert_ptr_eq(zeroed.fc_owner, &other);
	ck_assert_uint_eq(zeroed.fc_cap, 2);
	setup(4);
	put("a", 1, 0);
	put("b", 2, 0);
	fcache_adopt(&cache, 9, &cache, fake_close);    /* the same owner: kept as it is */
	ck_assert_int_eq(nclosed, 0);
	ck_assert_uint_eq(cache.fc_cap, 4);
	ck_assert_ptr_nonnull(get("a", 0));
	fcache_adopt(&cache, 9, &other, fake_close);    /* another: emptied, closed, resized */
	ck_assert_int_eq(nclosed, 2);
	ck_assert(was_closed(1) && was_closed(2));
	ck_assert_ptr_eq(cache.fc_owner, &other);
	ck_assert_uint_eq(cache.fc_cap, 9);
	ck_assert_uint_eq(cache.fc_n, 0);
	ck_assert_ptr_null(get("a", 0));
}
END_TEST

/* ---- kept bytes --------------------------------------------------------- */

static char bytes[FCACHE_BODY_MAX + 1];

/* An entry for key whose file has size bytes. */
static struct fcache_entry *put_size(const char *key, int fd, size_t size, int64_t now)
{
	struct stat st = { .st_size = (off_t)size, .st_ino = (ino_t)fd };

	return fcache_insert(&cache, SCOPE, key, strlen(key), fd, &st, -1, now);
}

struct keep_case {
	int line;
	const char *desc;
	size_t size;                 /* the file's, in the entry's stat */
	size_t len;                  /* bytes offered */
	bool kept;
};

static const struct keep_case keep_cases[] = {
	{ __LINE__, "one byte",                         1, 1, true },
	{ __LINE__, "1 KB",                             1024, 1024, true },
	{ __LINE__, "at the per-entry limit",           FCACHE_BODY_MAX, FCACHE_BODY_MAX, true },
	{ __LINE__, "one over the per-entry limit",     FCACHE_BODY_MAX + 1, FCACHE_BODY_MAX + 1, false },
	{ __LINE__, "empty file: nothing to keep",      0, 0, false },
	{ __LINE__, "fewer bytes than the stat says",   1024, 1000, false },
	{ __LINE__, "more bytes than the stat says",    1000, 1024, false },
};

START_TEST(test_body_keep)
{
	const struct keep_case *kc = &keep_cases[_i];
	struct fcache_entry *e;
	const char *got;

	setup(4);
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (char)('a' + i % 26);
	e = put_size("f", 7, kc->size, 0);
	got = fcache_body_keep(&cache, e, bytes, kc->len);
	ck_assert_msg((got != NULL) == kc->kept, "line %d (%s): kept %d", kc->line, kc->desc, got != NULL);
	ck_assert_ptr_eq(e->fe_body, got);
	ck_assert_uint_eq(cache.fc_bytes, kc->kept ? kc->len : 0);
	if (got) {
		ck_assert_ptr_ne(got, bytes);                  /* a copy, not the caller's buffer */
		ck_assert(memcmp(got, bytes, kc->len) == 0);
		ck_assert_ptr_eq(get("f", 1)->fe_body, got);   /* found again with the entry */
	}
	fcache_body_forget(&cache, e);
	ck_assert_ptr_null(e->fe_body);
	ck_assert_uint_eq(cache.fc_bytes, 0);
	fcache_body_forget(&cache, e);                     /* twice: nothing more */
	ck_assert_uint_eq(cache.fc_bytes, 0);
	ck_assert_int_eq(nclosed, 0);                      /* the descriptor stays */
}
END_TEST

/*
 * The table keeps at most FCACHE_BYTES_MAX: the entry that would pass it
 * makes the least recently used entries give up their bytes (not their
 * descriptors); a lookup makes an entry recent, so its bytes are kept.
 */
START_TEST(test_body_total)
{
	enum { FIT = FCACHE_BYTES_MAX / FCACHE_BODY_MAX };
	struct fcache_entry *e[FIT + 2];
	char key[16];

	ck_assert_int_ge(FIT, 2);
	ck_assert_int_le(FIT + 2, FCACHE_MAX);
	setup(FCACHE_MAX);
	for (int i = 0; i < FIT + 2; i++) {
		snprintf(key, sizeof key, "f%d", i);
		e[i] = put_size(key, 100 + i, i <= FIT ? FCACHE_BODY_MAX : 10, 0);
	}
	for (int i = 0; i < FIT; i++)
		ck_assert_ptr_nonnull(fcache_body_keep(&cache, e[i], bytes, FCACHE_BODY_MAX));
	ck_assert_uint_eq(cache.fc_bytes, FCACHE_BYTES_MAX);  /* exactly full: nothing given up */
	for (int i = 0; i < FIT; i++)
		ck_assert_ptr_nonnull(e[i]->fe_body);
	ck_assert_ptr_eq(get("f0", 1), e[0]);                 /* f0 recent: f1 is the oldest now */
	ck_assert_ptr_nonnull(fcache_body_keep(&cache, e[FIT], bytes, FCACHE_BODY_MAX));
	ck_assert_uint_eq(cache.fc_bytes, FCACHE_BYTES_MAX);
	ck_assert_ptr_nonnull(e[0]->fe_body);
	ck_assert_ptr_null(e[1]->fe_body);
	ck_assert_ptr_nonnull(e[2]->fe_body);
	ck_assert_int_eq(e[1]->fe_fd, 101);                   /* only its bytes went */
	ck_assert_int_eq(nclosed, 0);
	/* A small body needs the room of one given up, no more. */
	ck_assert_ptr_nonnull(fcache_body_keep(&cache, e[FIT + 1], bytes, 10));
	ck_assert_ptr_null(e[2]->fe_body);
	ck_assert_ptr_nonnull(e[3]->fe_body);
	ck_assert_uint_eq(cache.fc_bytes, FCACHE_BYTES_MAX - FCACHE_BODY_MAX + 10);
	ck_assert_ptr_eq(get("f0", 1), e[0]);
	ck_assert_ptr_nonnull(e[0]->fe_body);
}
END_TEST

/* Every way an entry goes frees its bytes from the count. */
enum body_end { BY_DROP, BY_EXPIRY, BY_REPLACE, BY_EVICTION, BY_FLUSH, BY_ADOPT, BY_REKEEP };

struct body_end_case {
	int line;
	const char *desc;
	enum body_end how;
};

static const struct body_end_case body_end_cases[] = {
	{ __LINE__, "dropped",                            BY_DROP },
	{ __LINE__, "expired at its lookup",              BY_EXPIRY },
	{ __LINE__, "replaced by an entry of the same key", BY_REPLACE },
	{ __LINE__, "evicted by a new entry (table full)", BY_EVICTION },
	{ __LINE__, "flushed",                            BY_FLUSH },
	{ __LINE__, "adopted for another owner",          BY_ADOPT },
	{ __LINE__, "kept again: the old bytes go first", BY_REKEEP },
};

START_TEST(test_body_freed)
{
	const struct body_end_case *bc = &body_end_cases[_i];
	static int other;
	struct fcache_entry *a, *b;

	setup(2);
	a = put_size("a", 1, 100, 0);
	b = put_size("b", 2, 200, 0);
	ck_assert_ptr_nonnull(fcache_body_keep(&cache, a, bytes, 100));
	ck_assert_ptr_nonnull(fcache_body_keep(&cache, b, bytes, 200));
	ck_assert_uint_eq(cache.fc_bytes, 300);
	switch (bc->how) {
	case BY_DROP:     fcache_drop(&cache, a); break;
	case BY_EXPIRY:   ck_assert_ptr_null(get("a", FCACHE_TTL_MS)); break;
	case BY_REPLACE:  put_size("a", 3, 100, 0); break;
	case BY_EVICTION: get("b", 0); put_size("c", 3, 100, 0); break; /* a is the oldest */
	case BY_FLUSH:    fcache_flush(&cache); break;
	case BY_ADOPT:    fcache_adopt(&cache, 2, &other, fake_close); break;
	case BY_REKEEP:   ck_assert_ptr_nonnull(fcache_body_keep(&cache, b, bytes, 200)); break;
	}
	ck_assert_msg(cache.fc_bytes == (bc->how == BY_FLUSH || bc->how == BY_ADOPT ? 0u :
					 bc->how == BY_REKEEP ? 300u : 200u),
		      "line %d (%s): %zu bytes counted", bc->line, bc->desc, cache.fc_bytes);
	if (bc->how != BY_REKEEP)
		ck_assert_msg(was_closed(1), "line %d (%s): a not closed", bc->line, bc->desc);
	fcache_flush(&cache);
	ck_assert_uint_eq(cache.fc_bytes, 0);
}
END_TEST

static Suite *fcache_suite(void)
{
	Suite *s = suite_create("fcache");
	TCase *core = tcase_create("core");
	TCase *limits = tcase_create("limits");

	tcase_set_timeout(core, 5);
	tcase_add_test(core, test_hit_and_miss);
	tcase_add_test(core, test_scopes);
	tcase_add_loop_test(core, test_ttl, 0, NELEM(ttl_cases));
	tcase_add_test(core, test_lru_eviction);
	tcase_add_test(core, test_replace_same_key);
	tcase_add_test(core, test_adopt);
	suite_add_tcase(s, core);

	tcase_set_timeout(limits, 5);
	tcase_add_test(limits, test_key_length);
	tcase_add_loop_test(limits, test_cap, 0, NELEM(cap_cases));
	tcase_add_test(limits, test_chains);
	tcase_add_loop_test(limits, test_body_keep, 0, NELEM(keep_cases));
	tcase_add_test(limits, test_body_total);
	tcase_add_loop_test(limits, test_body_freed, 0, NELEM(body_end_cases));
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	return unit_run(fcache_suite());
}
