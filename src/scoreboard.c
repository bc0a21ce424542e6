#include "scoreboard.h"

#include <string.h>
#include <sys/mman.h>

int scoreboard_create(struct scoreboard *sb, size_t nslots)
{
	void *p = mmap(NULL, nslots * sizeof(struct sb_slot),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	memset(p, 0, nslots * sizeof(struct sb_slot));
	sb->slots = p;
	sb->nslots = nslots;
	return 0;
}

void scoreboard_destroy(struct scoreboard *sb)
{
	if (sb->slots)
		munmap(sb->slots, sb->nslots * sizeof(struct sb_slot));
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
