#include "park.h"

#include <string.h>

void park_init(struct park *p)
{
	memset(p, 0, sizeof(*p));
}

/* A key: the stay above the low 32 bits, the slot below them. */
static uint64_t park_key(uint32_t stay, size_t i)
{
	return (uint64_t)stay << 32 | (uint64_t)i;
}

uint64_t park_put(struct park *p, const struct park_conn *pc)
{
	for (size_t i = 0; i < PARK_MAX; i++) {
		if (p->stay[i] != 0)
			continue;
		/* A worker would need 2^32 parks to wrap: skip 0, which means free. */
		if (++p->stays == 0)
			p->stays = 1;
		p->stay[i] = p->stays;
		p->slot[i] = *pc;
		p->n++;
		return park_key(p->stay[i], i);
	}
	return 0;
}

static void park_out(struct park *p, size_t i, struct park_conn *out)
{
	*out = p->slot[i];
	p->stay[i] = 0;
	p->n--;
}

bool park_take(struct park *p, uint64_t key, struct park_conn *out)
{
	uint64_t i = key & 0xffffffffu;
	uint32_t stay = (uint32_t)(key >> 32);

	if (key < PARK_KEY_MIN || i >= PARK_MAX || p->stay[i] != stay)
		return false;
	park_out(p, (size_t)i, out);
	return true;
}

bool park_take_due(struct park *p, int64_t now, struct park_conn *out)
{
	for (size_t i = 0; i < PARK_MAX && p->n > 0; i++)
		if (p->stay[i] != 0 && p->slot[i].due_ms <= now) {
			park_out(p, i, out);
			return true;
		}
	return false;
}

bool park_take_any(struct park *p, struct park_conn *out)
{
	return park_take_due(p, INT64_MAX, out);
}

int64_t park_wait_ms(const struct park *p, int64_t now)
{
	int64_t first = INT64_MAX;

	if (p->n == 0)
		return -1;
	for (size_t i = 0; i < PARK_MAX; i++)
		if (p->stay[i] != 0 && p->slot[i].due_ms < first)
			first = p->slot[i].due_ms;
	return first <= now ? 0 : first - now;
}
