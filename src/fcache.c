#include "fcache.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a over the scope's address and the path: keys are short paths;
 * nothing here is chosen by a client but the path (and, through Host, which
 * of a few scopes), and a bucket's chain is bounded by the table's size anyway. */
static uint32_t fcache_hash(const void *scope, const char *key, size_t klen)
{
	uint32_t h = 2166136261u;
	uintptr_t sc = (uintptr_t)scope;

	for (size_t i = 0; i < sizeof(sc); i++, sc >>= 8)
		h = (h ^ (unsigned char)(sc & 0xff)) * 16777619u;
	for (size_t i = 0; i < klen; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

static int16_t *fcache_bucket(struct fcache *c, uint32_t hash)
{
	return &c->fc_bucket[hash & (FCACHE_BUCKETS - 1)];
}

void fcache_init(struct fcache *c, size_t cap, const void *owner, void (*close_fn)(int))
{
	c->fc_cap = cap < 1 ? 1 : cap > FCACHE_MAX ? FCACHE_MAX : cap;
	c->fc_n = 0;
	c->fc_owner = owner;
	c->fc_close = close_fn;
	c->fc_head = c->fc_tail = -1;
	for (size_t i = 0; i < FCACHE_BUCKETS; i++)
		c->fc_bucket[i] = -1;
	/* Slots are handed out from the front as needed: a worker's memory
	 * holds only the pages of the entries it has used (issue 8, memory). */
	c->fc_free = -1;
	c->fc_used = 0;
	c->fc_bytes = 0;
}

void fcache_adopt(struct fcache *c, size_t cap, const void *owner, void (*close_fn)(int))
{
	if (c->fc_owner == owner)
		return;
	if (c->fc_owner)
		fcache_flush(c);
	fcache_init(c, cap, owner, close_fn);
}

static int16_t fcache_idx(const struct fcache *c, const struct fcache_entry *e)
{
	return (int16_t)(e - c->fc_e);
}

static void fcache_unlink_lru(struct fcache *c, struct fcache_entry *e)
{
	if (e->fe_prev >= 0)
		c->fc_e[e->fe_prev].fe_next = e->fe_next;
	else
		c->fc_head = e->fe_next;
	if (e->fe_next >= 0)
		c->fc_e[e->fe_next].fe_prev = e->fe_prev;
	else
		c->fc_tail = e->fe_prev;
}

static void fcache_push_front(struct fcache *c, struct fcache_entry *e)
{
	int16_t i = fcache_idx(c, e);

	e->fe_prev = -1;
	e->fe_next = c->fc_head;
	if (c->fc_head >= 0)
		c->fc_e[c->fc_head].fe_prev = i;
	else
		c->fc_tail = i;
	c->fc_head = i;
}

void fcache_drop(struct fcache *c, struct fcache_entry *e)
{
	int16_t i = fcache_idx(c, e), *p = fcache_bucket(c, e->fe_hash);

	while (*p != i)
		p = &c->fc_e[*p].fe_chain;
	*p = e->fe_chain;
	fcache_unlink_lru(c, e);
	fcache_body_forget(c, e);
	c->fc_close(e->fe_fd);
	e->fe_fd = -1;
	e->fe_chain = c->fc_free;
	c->fc_free = i;
	c->fc_n--;
}

void fcache_flush(struct fcache *c)
{
	while (c->fc_head >= 0)
		fcache_drop(c, &c->fc_e[c->fc_head]);
}

static struct fcache_entry *fcache_find(struct fcache *c, const void *scope, const char *key,
					size_t klen, uint32_t hash)
{
	for (int16_t i = *fcache_bucket(c, hash); i >= 0; i = c->fc_e[i].fe_chain) {
		struct fcache_entry *e = &c->fc_e[i];
		if (e->fe_hash == hash && e->fe_scope == scope && e->fe_klen == klen &&
		    memcmp(e->fe_key, key, klen) == 0)
			return e;
	}
	return NULL;
}

struct fcache_entry *fcache_lookup(struct fcache *c, const void *scope, const char *key,
				   size_t klen, int64_t now_ms)
{
	struct fcache_entry *e;

	if (klen >= FCACHE_KEY_MAX)
		return NULL;
	e = fcache_find(c, scope, key, klen, fcache_hash(scope, key, klen));
	if (!e)
		return NULL;
	/* Believed for FCACHE_TTL_MS; after that the file system is asked again. */
	if (now_ms - e->fe_checked_ms >= FCACHE_TTL_MS || now_ms < e->fe_checked_ms) {
		fcache_drop(c, e);
		return NULL;
	}
	fcache_unlink_lru(c, e);
	fcache_push_front(c, e);
	return e;
}

struct fcache_entry *fcache_insert(struct fcache *c, const void *scope, const char *key,
				   size_t klen, int fd, const struct stat *st, int index, int64_t now_ms)
{
	uint32_t hash = fcache_hash(scope, key, klen);
	struct fcache_entry *e;

	if (klen >= FCACHE_KEY_MAX)
		return NULL;
	if ((e = fcache_find(c, scope, key, klen, hash)) != NULL)
		fcache_drop(c, e);
	if (c->fc_n == c->fc_cap)
		fcache_drop(c, &c->fc_e[c->fc_tail]);
	if (c->fc_free >= 0) {
		e = &c->fc_e[c->fc_free];
		c->fc_free = e->fe_chain;
	} else {
		e = &c->fc_e[c->fc_used++]; /* fc_n < fc_cap, and no slot free: fc_used == fc_n */
	}
	memcpy(e->fe_key, key, klen);
	e->fe_key[klen] = '\0';
	e->fe_klen = klen;
	e->fe_scope = scope;
	e->fe_hash = hash;
	e->fe_fd = fd;
	e->fe_st = *st;
	e->fe_index = index;
	e->fe_checked_ms = now_ms;
	e->fe_etag[0] = e->fe_lastmod[0] = '\0';
	e->fe_type = NULL;
	e->fe_body = NULL;
	e->fe_chain = *fcache_bucket(c, hash);
	*fcache_bucket(c, hash) = fcache_idx(c, e);
	fcache_push_front(c, e);
	c->fc_n++;
	return e;
}

void fcache_body_forget(struct fcache *c, struct fcache_entry *e)
{
	if (!e->fe_body)
		return;
	free(e->fe_body);
	e->fe_body = NULL;
	c->fc_bytes -= (size_t)e->fe_st.st_size;
}

/* Give up the bytes of entries other than keep, least recently used first, until need more fit. */
static void fcache_body_make_room(struct fcache *c, const struct fcache_entry *keep, size_t need)
{
	for (int16_t i = c->fc_tail; i >= 0 && c->fc_bytes + need > FCACHE_BYTES_MAX;
	     i = c->fc_e[i].fe_prev)
		if (&c->fc_e[i] != keep)
			fcache_body_forget(c, &c->fc_e[i]);
}

const char *fcache_body_keep(struct fcache *c, struct fcache_entry *e, const void *body, size_t len)
{
	fcache_body_forget(c, e);
	if (len == 0 || len > FCACHE_BODY_MAX || len != (size_t)e->fe_st.st_size)
		return NULL;
	fcache_body_make_room(c, e, len);
	if ((e->fe_body = malloc(len)) == NULL)
		return NULL;
	memcpy(e->fe_body, body, len);
	c->fc_bytes += len;
	return e->fe_body;
}
