/*
 * The configuration loader (conf.c) on any file contents.
 *
 * conf_load() reads a file by name (its FILE:LINE: messages and the
 * default server_root come from that name), so the harness keeps one
 * temporary directory for the whole run, holding htdocs/ and cgi-bin/ (so a
 * valid file gets all the way through validation) and the one file it
 * rewrites for every input; it is removed at exit. conf_load only reads:
 * it realpath()s and stat()s the directories a file names, opens nothing
 * but the file itself.
 *
 * Inputs holding '@' are skipped: libconfig's @include opens whatever file
 * it names, and "@include \"/dev/stdin\"" would hang the run instead of
 * testing our code.
 *
 * Checked: a load either succeeds with a complete struct conf (absolute
 * paths, limits in their ranges, every vhost whole, at most one default)
 * or fails with one message that starts with the file's name; either way nothing leaks (LeakSanitizer). The listen
 * parser gets the input as a string too.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"

static char dir[4096], file[4200], sub[2][4200];

static void cleanup(void)
{
	unlink(file);
	rmdir(sub[0]);
	rmdir(sub[1]);
	rmdir(dir);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/pfhttpd-fuzz-conf-XXXXXX",
		 tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	FUZZ_ASSERT(mkdtemp(dir) != NULL);
	snprintf(file, sizeof file, "%s/fuzz.conf", dir);
	snprintf(sub[0], sizeof sub[0], "%s/htdocs", dir);
	snprintf(sub[1], sizeof sub[1], "%s/cgi-bin", dir);
	FUZZ_ASSERT(mkdir(sub[0], 0755) == 0 && mkdir(sub[1], 0755) == 0);
	atexit(cleanup);
}

static void write_file(const uint8_t *data, size_t size)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;

	FUZZ_ASSERT(fd >= 0);
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		FUZZ_ASSERT(n > 0 || (n < 0 && errno == EINTR));
		if (n > 0)
			done += (size_t)n;
	}
	FUZZ_ASSERT(close(fd) == 0);
}

/* A site (the top level's or a vhost's) is whole: absolute directories,
 * every list as long as its count says. */
static void check_site(const struct conf_site *s)
{
	FUZZ_ASSERT(s->document_root != NULL && s->document_root[0] == '/');
	FUZZ_ASSERT(s->server_name != NULL);
	FUZZ_ASSERT(s->nindex == 0 || s->index != NULL);
	for (size_t i = 0; i < s->naliases; i++)
		FUZZ_ASSERT(s->aliases[i] != NULL);
	for (size_t i = 0; i < s->naccess; i++)
		FUZZ_ASSERT(s->access[i].path != NULL && s->access[i].path[0] == '/' &&
			    (s->access[i].realm == NULL) == (s->access[i].user_file == NULL));
	FUZZ_ASSERT(!s->cgi.enabled || (s->cgi.alias != NULL && s->cgi.directory != NULL));
	FUZZ_ASSERT(s->cgi.group == NULL || s->cgi.user != NULL);
	FUZZ_ASSERT(!s->status.enabled || (s->status.path != NULL && s->status.nallow > 0));
}

static void check_loaded(const struct conf *c)
{
	size_t defaults = 0;

	check_site(&c->site);
	for (size_t i = 0; i < c->nvhosts; i++) {
		check_site(&c->vhosts[i]);
		FUZZ_ASSERT(c->vhosts[i].line > 0);
		defaults += c->vhosts[i].is_default;
	}
	FUZZ_ASSERT(defaults <= 1);
	FUZZ_ASSERT(c->nlisten > 0);
	FUZZ_ASSERT(c->proxy.line == 0 || c->proxy.ntrusted > 0);
	FUZZ_ASSERT(c->suexec != NULL && c->suexec[0] == '/');
	FUZZ_ASSERT(c->site.document_root != NULL && c->site.document_root[0] == '/');
	FUZZ_ASSERT(c->server_root != NULL && c->server_root[0] == '/');
	FUZZ_ASSERT(c->site.server_name != NULL);
	FUZZ_ASSERT(c->nlisten == 0 || c->listen != NULL);
	FUZZ_ASSERT(c->limits.request_line > 0 && c->limits.header_bytes > 0);
	FUZZ_ASSERT(c->limits.headers > 0 && c->limits.body >= 0);
	FUZZ_ASSERT(c->workers.max > 0 && c->workers.start <= c->workers.max);
}

static void check_listen(const uint8_t *data, size_t size)
{
	char text[256];
	struct sockaddr_storage addr;
	socklen_t len = 0;

	if (size >= sizeof text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (conf_parse_listen(text, &addr, &len) == 0)
		FUZZ_ASSERT(len > 0 && len <= sizeof addr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	char err[1024];

	check_listen(data, size);
	if (memchr(data, '@', size) != NULL)
		return 0;
	if (dir[0] == '\0')
		setup();
	write_file(data, size);
	memset(err, 'Z', sizeof err);
	if (conf_load(file, &c, err, sizeof err) == 0) {
		check_loaded(&c);
		conf_free(&c);
	} else {
		FUZZ_ASSERT(memchr(err, '\0', sizeof err) != NULL);
		FUZZ_ASSERT(strncmp(err, file, strlen(file)) == 0);
	}
	return 0;
}
