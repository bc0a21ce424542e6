/*
 * The Authorization field parser and the htpasswd parser (auth.c) on any
 * bytes. The first byte picks which. Promises checked: accepted
 * credentials have a non-empty user-id of at most AUTH_USER_MAX bytes
 * without ':' or a control character, and a password without a control
 * character; a refusal always says why. A parsed table is sorted with one
 * entry per user, every user non-empty without ':' or a control
 * character, each found by its own name, and the dummy hash is a usable
 * entry's. No crypt(3) run here: it is libxcrypt's, and slow on purpose.
 */
#include <stdbool.h>
#include <string.h>

#include "auth.h"
#include "fuzz.h"

static bool clean(const char *s, bool colon_ok)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || (!colon_ok && *s == ':'))
			return false;
	return true;
}

static void basic(const char *in, size_t n)
{
	struct auth_cred c;
	const char *why = NULL;

	if (auth_parse_basic(in, n, &c, &why) < 0) {
		FUZZ_ASSERT(why && *why);
		return;
	}
	FUZZ_ASSERT(c.user[0] && strlen(c.user) <= AUTH_USER_MAX && clean(c.user, false));
	FUZZ_ASSERT(strlen(c.pass) <= AUTH_CRED_MAX && clean(c.pass, true));
}

static void table(const char *in, size_t n)
{
	struct auth_table t;
	bool dummy_found = false;

	if (auth_table_parse(&t, in, n, NULL, NULL) < 0)
		return;
	for (size_t i = 0; i < t.n; i++) {
		const struct auth_entry *e = &t.e[i];
		FUZZ_ASSERT(e->user[0] && clean(e->user, false) && strchr(e->hash, ':') == NULL);
		FUZZ_ASSERT(i == 0 || strcmp(t.e[i - 1].user, e->user) < 0);
		FUZZ_ASSERT(auth_table_find(&t, e->user) == e);
		dummy_found |= e->usable && e->hash == t.dummy;
	}
	FUZZ_ASSERT(t.dummy == NULL || dummy_found);
	auth_table_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		basic((const char *)data + 1, size - 1);
	else
		table((const char *)data + 1, size - 1);
	return 0;
}
