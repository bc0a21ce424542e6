#include "scoreboard.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "log.h"

/* The global part sits first, padded to a cache line so slots do not share it. */
#define SB_HEAD 128
/* The address table follows the slots, on a cache line of its own. */
#define SB_IPS_OFF ((SB_HEAD + SB_MAX_SLOTS * sizeof(struct sb_slot) + 63) & ~(size_t)63)
#define SB_LEN (SB_IPS_OFF + sizeof(struct sb_iptab))

/* Shared between processes, and robust: a holder killed inside leaves it usable. */
static int scoreboard_ip_init(struct sb_iptab *t)
{
	pthread_mutexattr_t a;
	int r;

	if ((r = pthread_mutexattr_init(&a)) != 0)
		return r;
	if ((r = pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED)) == 0 &&
	    (r = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST)) == 0)
		r = pthread_mutex_init(&t->lock, &a);
	pthread_mutexattr_destroy(&a);
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed))
		t->seed = (uint64_t)time(NULL) * 0x9E3779B97F4A7C15u ^ (uint64_t)getpid();
	return r;
}

int scoreboard_create(struct scoreboard *sb)
{
	/* Anonymous mappings come zeroed; pages no worker touches cost nothing. */
	char *p = mmap(NULL, SB_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int r;

	_Static_assert(sizeof(struct sb_global) <= SB_HEAD, "sb_global outgrew its line");
	_Static_assert((SB_IP_SLOTS & (SB_IP_SLOTS - 1)) == 0, "SB_IP_SLOTS is a power of two");
	if (p == MAP_FAILED)
		return -1;
	sb->g = (struct sb_global *)p;
	sb->slots = (struct sb_slot *)(p + SB_HEAD);
	sb->nslots = SB_MAX_SLOTS;
	sb->ips = (struct sb_iptab *)(p + SB_IPS_OFF);
	if ((r = scoreboard_ip_init(sb->ips)) != 0) {
		scoreboard_destroy(sb);
		errno = r;
		return -1;
	}
	return 0;
}

void scoreboard_destroy(struct scoreboard *sb)
{
	if (sb->g)
		munmap(sb->g, SB_LEN);
	sb->g = NULL;
	sb->slots = NULL;
	sb->nslots = 0;
	sb->ips = NULL;
}

int scoreboard_free_slot(const struct scoreboard *sb)
{
	size_t used = scoreboard_used(sb);

	for (size_t i = 0; i < used; i++)
		if (sb->slots[i].pid == 0)
			return (int)i;
	if (used >= sb->nslots)
		return -1;
	sb->g->slots_used = (unsigned)used + 1;
	return (int)used;
}

int scoreboard_find(const struct scoreboard *sb, pid_t pid)
{
	for (size_t i = 0; i < scoreboard_used(sb); i++)
		if (sb->slots[i].pid == pid)
			return (int)i;
	return -1;
}

void scoreboard_request_line(const struct sb_slot *s, char *out)
{
	memcpy(out, s->request, SB_LINE_MAX);
	out[SB_LINE_MAX - 1] = '\0';
}

void scoreboard_set_request(struct sb_slot *s, const char *line, size_t len)
{
	if (len > SB_LINE_MAX - 1)
		len = SB_LINE_MAX - 1;
	memcpy(s->request, line, len);
	s->request[len] = '\0';
}

int scoreboard_idle_add(struct scoreboard *sb, int delta)
{
	return __atomic_add_fetch(&sb->g->idle, delta, __ATOMIC_SEQ_CST);
}

bool scoreboard_seat_take(struct scoreboard *sb)
{
	int n = __atomic_load_n(&sb->g->seats, __ATOMIC_SEQ_CST);

	while (n < sb->g->seats_max)
		if (__atomic_compare_exchange_n(&sb->g->seats, &n, n + 1, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	return false;
}

void scoreboard_seat_give(struct scoreboard *sb, int bell)
{
	int n = __atomic_load_n(&sb->g->seats, __ATOMIC_SEQ_CST);
	uint64_t one = 1;

	while (n > 0 && !__atomic_compare_exchange_n(&sb->g->seats, &n, n - 1, false, __ATOMIC_SEQ_CST,
						     __ATOMIC_SEQ_CST))
		;
	/* EAGAIN: the counter is full, so the bell rings already. */
	if (n > 0 && write(bell, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_error(LOG_ERR, "seat bell: %s", strerror(errno));
}

const char *scoreboard_state_name(int state)
{
	static const char *const names[] = {
		[SB_EMPTY] = "empty", [SB_STARTING] = "starting", [SB_IDLE] = "idle",
		[SB_READING] = "reading", [SB_WRITING] = "writing",
		[SB_KEEPALIVE] = "keepalive", [SB_CGI] = "cgi", [SB_STOPPING] = "stopping",
	};

	if (state < 0 || state > SB_STOPPING)
		return "unknown";
	return names[state];
}

/* ---- the address table ---- */

bool scoreboard_ip_key(const struct sockaddr_storage *ss, uint8_t key[SB_IP_KEY])
{
	if (ss->ss_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)ss)->sin6_addr, SB_IP_KEY);
		return true;
	}
	if (ss->ss_family != AF_INET)
		return false;
	/* The IPv4-mapped form (RFC 4291 2.5.5.2), so a dual-stack socket's IPv4 client is one key. */
	memset(key, 0, 10);
	key[10] = key[11] = 0xff;
	memcpy(key + 12, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	return true;
}

static size_t ip_home(const struct sb_iptab *t, const uint8_t key[SB_IP_KEY])
{
	uint64_t h = t->seed, w;

	for (int i = 0; i < SB_IP_KEY; i += 8) {
		memcpy(&w, key + i, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15u;
		h ^= h >> 29;
	}
	return (size_t)(h ^ (h >> 32)) & (SB_IP_SLOTS - 1);
}

/* The entry of key, or the free one where it would go. */
static size_t ip_find(const struct sb_iptab *t, const uint8_t key[SB_IP_KEY])
{
	size_t i = ip_home(t, key);

	while (t->ent[i].count != 0 && memcmp(t->ent[i].key, key, SB_IP_KEY) != 0)
		i = (i + 1) & (SB_IP_SLOTS - 1);
	return i;
}

static bool ip_lock(struct sb_iptab *t)
{
	int r = pthread_mutex_lock(&t->lock);

	/* Its holder died inside: an entry may be one off, which errs by one connection at most. */
	if (r == EOWNERDEAD)
		r = pthread_mutex_consistent(&t->lock);
	return r == 0;
}

int scoreboard_ip_take(struct sb_iptab *t, const uint8_t key[SB_IP_KEY], int limit, int *count)
{
	struct sb_ip *e;
	int r = 1;

	if (!ip_lock(t))
		return -1;
	e = &t->ent[ip_find(t, key)];
	if (e->count >= (uint32_t)limit) {
		*count = (int)e->count;
		r = 0;
	} else if (e->count > 0) {
		e->count++;
	} else if (t->used >= SB_IP_SLOTS / 4 * 3) {
		r = -1; /* full enough that probes grow long: admit uncounted rather than slow down */
	} else {
		memcpy(e->key, key, SB_IP_KEY);
		e->count = 1;
		t->used++;
	}
	pthread_mutex_unlock(&t->lock);
	return r;
}

/* Is k cyclically in (i, j]? Then an entry whose home is k may stay at j. */
static bool ip_between(size_t i, size_t k, size_t j)
{
	return i <= j ? (i < k && k <= j) : (i < k || k <= j);
}

/* Free entry i, moving later entries of its run back so every lookup still finds them (Knuth 6.4 R). */
static void ip_remove(struct sb_iptab *t, size_t i)
{
	size_t j = i;

	for (;;) {
		j = (j + 1) & (SB_IP_SLOTS - 1);
		if (t->ent[j].count == 0)
			break;
		if (ip_between(i, ip_home(t, t->ent[j].key), j))
			continue;
		t->ent[i] = t->ent[j];
		i = j;
	}
	t->ent[i].count = 0;
	t->used--;
}

void scoreboard_ip_drop(struct sb_iptab *t, const uint8_t key[SB_IP_KEY])
{
	size_t i;

	if (!ip_lock(t))
		return;
	i = ip_find(t, key);
	if (t->ent[i].count > 1)
		t->ent[i].count--;
	else if (t->ent[i].count == 1)
		ip_remove(t, i);
	pthread_mutex_unlock(&t->lock);
}

void scoreboard_ip_clear(struct sb_iptab *t)
{
	if (!ip_lock(t))
		return;
	memset(t->ent, 0, sizeof(t->ent));
	t->used = 0;
	pthread_mutex_unlock(&t->lock);
}
