/*
 * The technique is nginx's ngx_setproctitle.c and PostgreSQL's ps_status.c:
 * the kernel shows, as /proc/PID/cmdline, the bytes from argv[0] to the end
 * of the argument area; when the environment follows the arguments
 * contiguously, both areas together are free to overwrite once environ
 * points at copies.
 */
#include "proctitle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static char *pt_start;    /* argv[0] */
static size_t pt_len;     /* bytes we may overwrite */

void proctitle_init(int argc, char **argv)
{
	char *end;
	size_t n = 0;
	char **env;

	if (argc <= 0 || !argv[0])
		return;
	end = argv[0] + strlen(argv[0]) + 1;
	for (int i = 1; i < argc; i++)
		if (argv[i] == end)
			end = argv[i] + strlen(argv[i]) + 1;
	for (n = 0; environ[n]; n++)
		;
	env = malloc((n + 1) * sizeof(*env));
	if (env) {
		for (size_t i = 0; i < n; i++) {
			if (environ[i] == end)
				end = environ[i] + strlen(environ[i]) + 1;
			env[i] = strdup(environ[i]);
			if (!env[i]) {
				/* Out of memory this early: keep the title to argv's own space. */
				free(env);
				env = NULL;
				break;
			}
		}
	}
	if (env) {
		env[n] = NULL;
		environ = env;
	} else {
		end = argv[0] + strlen(argv[0]) + 1;
	}
	pt_start = argv[0];
	pt_len = (size_t)(end - argv[0]);
	/* Nothing may read argv[1..] after this: it is title space now. */
	argv[1] = NULL;
}

void proctitle_set(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!pt_start || pt_len < 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(pt_start, pt_len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < pt_len)
		memset(pt_start + n, 0, pt_len - (size_t)n);
	pt_start[pt_len - 1] = '\0';
}
