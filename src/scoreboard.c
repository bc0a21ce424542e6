#include "scoreboard.h"

#include <string.h>
#include <sys/mman.h>

/* The global part sits first, padded to a cache line so slots do not share it. */
#define SB_HEAD 128

int scoreboard_create(struct scoreboard *sb)
{
	size_t len = SB_HEAD + SB_MAX_SLOTS * sizeof(struct sb_slot);
	/* Anonymous mappings come zeroed; pages no worker touches cost nothing. */
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	_Static_assert(sizeof(struct sb_global) <= SB_HEAD, "sb_global outgrew its line");
	if (p == MAP_FAILED)
		return -1;
	sb->g = (struct sb_global *)p;
	sb->slots = (struct sb_slot *)(p + SB_HEAD);
	sb->nslots = SB_MAX_SLOTS;
	return 0;
}

void scoreboard_destroy(struct scoreboard *sb)
{
	if (sb->g)
		munmap(sb->g, SB_HEAD + sb->nslots * sizeof(struct sb_slot));
	sb->g = NULL;
	sb->slots = NULL;
	sb->nslots = 0;
}

int scoreboard_free_slot(const struct scoreboard *sb)
{
	for (size_t i = 0; i < sb->nslots; i++)
		if (sb->slots[i].pid == 0)
			return (int)i;
	return -1;
}

int scoreboard_find(const struct scoreboard *sb, pid_t pid)
{
	for (size_t i = 0; i < sb->nslots; i++)
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
