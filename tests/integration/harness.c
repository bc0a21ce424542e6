/*
 * harness — see harness.h for the contract.
 */
#include "harness.h"

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Registry: what this process must clean up at exit, by pid and path. */

#define HS_REG_MAX 16

static struct hs_reg {
	pid_t owner;
	pid_t pid;
	char root[HS_PATH];
} reg[HS_REG_MAX];
static bool reg_hooked;

/* hs_main's directory for every root of this run, so that a test process
 * ended by a failed assertion (Check calls _exit(), skipping atexit) leaves
 * nothing in /tmp: the runner removes the whole directory at the end. */
static char run_dir[64];

static int stop_pid(pid_t pid, int timeout_ms);
static int rm_tree(const char *root);

static void reg_atexit(void)
{
	for (int i = 0; i < HS_REG_MAX; i++) {
		if (reg[i].owner != getpid())
			continue;
		if (reg[i].pid > 0)
			stop_pid(reg[i].pid, 2000);
		if (reg[i].root[0] != '\0')
			rm_tree(reg[i].root);
		reg[i].owner = 0;
	}
}

static struct hs_reg *reg_find(const char *root)
{
	for (int i = 0; i < HS_REG_MAX; i++)
		if (reg[i].owner == getpid() && strcmp(reg[i].root, root) == 0)
			return &reg[i];
	return NULL;
}

static struct hs_reg *reg_add(const char *root)
{
	struct hs_reg *e = reg_find(root);

	if (!reg_hooked) {
		atexit(reg_atexit);
		reg_hooked = true;
	}
	for (int i = 0; e == NULL && i < HS_REG_MAX; i++)
		if (reg[i].owner != getpid())
			e = &reg[i];
	if (e == NULL)
		return NULL;
	e->owner = getpid();
	e->pid = 0;
	snprintf(e->root, sizeof e->root, "%s", root);
	return e;
}

/* ------------------------------------------------------------------------ */
/* Small utilities. */

long long hs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hs_timeout_scale(void)
{
	const char *s = getenv("PFHTTPD_TIMEOUT_SCALE");
	char *end;
	long k;

	if (s == NULL || *s == '\0')
		return 1;
	k = strtol(s, &end, 10);
	if (*end != '\0' || k < 1)
		return 1;
	return k > 100 ? 100 : (int)k;
}

/* Every bounded wait of the harness ends here: stretched for a slow server
 * (make valgrind sets PFHTTPD_TIMEOUT_SCALE), never shortened. */
static long long hs_deadline(int ms)
{
	return hs_now_ms() + (long long)ms * hs_timeout_scale();
}

void hs_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

bool hs_read_until(struct hs_conn *c, const char *needle, char *buf, size_t cap, int timeout_ms)
{
	long long end = hs_now_ms() + timeout_ms;
	size_t got = 0;

	while (!hs_contains(buf, got, needle) && got < cap - 1 && hs_now_ms() < end) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recv(c->fd, buf + got, cap - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return hs_contains(buf, got, needle);
}

bool hs_contains(const void *hay, size_t len, const char *needle)
{
	return memmem(hay, len, needle, strlen(needle)) != NULL;
}

ssize_t hs_slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd == -1 || cap == 0) {
		if (fd != -1)
			close(fd);
		if (cap > 0)
			buf[0] = '\0';
		return -1;
	}
	while (len + 1 < cap) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

bool hs_wait_file_contains(const char *path, const char *needle, int timeout_ms)
{
	static char buf[HS_MAX_RESP];
	long long end = hs_deadline(timeout_ms);

	do {
		ssize_t n = hs_slurp(path, buf, sizeof buf);

		if (n > 0 && hs_contains(buf, (size_t)n, needle))
			return true;
		hs_sleep_ms(25);
	} while (hs_now_ms() < end);
	return false;
}

bool hs_find_line(const char *path, const char *needle, const char *needle2, char *out, size_t cap)
{
	static char text[1 << 20];
	ssize_t len = hs_slurp(path, text, sizeof text);

	for (char *line = text; len > 0 && line != NULL && *line != '\0'; ) {
		char *nl = strchr(line, '\n');

		if (nl != NULL)
			*nl = '\0';
		if (strstr(line, needle) != NULL && (needle2 == NULL || strstr(line, needle2) != NULL)) {
			size_t l = strnlen(line, cap - 1);

			memcpy(out, line, l);
			out[l] = '\0';
			return true;
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
	return false;
}

int hs_file_count(const char *path, const char *needle)
{
	static char buf[1 << 20];
	ssize_t n = hs_slurp(path, buf, sizeof buf);
	int count = 0;

	for (char *p = buf; n > 0 && (p = memmem(p, (size_t)(buf + n - p), needle,
						   strlen(needle))) != NULL; p++)
		count++;
	return count;
}

bool hs_wait_file_count(const char *path, const char *needle, int n, int timeout_ms)
{
	long long end = hs_deadline(timeout_ms);

	do {
		if (hs_file_count(path, needle) >= n)
			return true;
		hs_sleep_ms(20);
	} while (hs_now_ms() < end);
	return false;
}

const char *hs_src_dir(void)
{
	const char *d = getenv("PFHTTPD_SRC");

	return d != NULL && *d != '\0' ? d : ".";
}

const char *hs_bin(void)
{
	const char *b = getenv("PFHTTPD_BIN");

	return b != NULL && *b != '\0' ? b : "build/pfhttpd";
}

/* ------------------------------------------------------------------------ */
/* Server root and fixtures. */

static int mkdirs(const char *path)
{
	char tmp[HS_PATH * 2];

	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

int hs_root_init(struct hs_server *s)
{
	memset(s, 0, sizeof *s);
	if (run_dir[0] != '\0')
		snprintf(s->root, sizeof s->root, "%s/srv-XXXXXX", run_dir);
	else
		snprintf(s->root, sizeof s->root, "/tmp/pfhttpd-test-XXXXXX");
	if (mkdtemp(s->root) == NULL)
		return -1;
	if (reg_add(s->root) == NULL)
		return -1;
	snprintf(s->conf, sizeof s->conf, "%s/server.conf", s->root);
	snprintf(s->err_path, sizeof s->err_path, "%s/stderr.txt", s->root);
	snprintf(s->error_log, sizeof s->error_log, "%s/error.log", s->root);
	snprintf(s->access_log, sizeof s->access_log, "%s/access.log", s->root);
	snprintf(s->secret, sizeof s->secret, "pfhttpd-secret-%d-%lx",
		 (int)getpid(), (unsigned long)hs_now_ms() * 2654435761UL);
	char htdocs[HS_PATH + 8];
	snprintf(htdocs, sizeof htdocs, "%s/htdocs", s->root);
	return mkdir(htdocs, 0755);
}

int hs_put(const struct hs_server *s, const char *rel, const void *data, size_t len)
{
	char path[HS_PATH * 2];
	int fd, rc = -1;

	snprintf(path, sizeof path, "%s/%s", s->root, rel);
	if (mkdirs(path) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1)
		return -1;
	if (write(fd, data, len) == (ssize_t)len)
		rc = 0;
	close(fd);
	return rc;
}

int hs_put_str(const struct hs_server *s, const char *rel, const char *text)
{
	return hs_put(s, rel, text, strlen(text));
}

static int put_link(const struct hs_server *s, const char *rel, const char *target)
{
	char path[HS_PATH * 2];

	snprintf(path, sizeof path, "%s/%s", s->root, rel);
	return symlink(target, path);
}

static int set_mtime(const struct hs_server *s, const char *rel, time_t t)
{
	char path[HS_PATH * 2];
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };

	snprintf(path, sizeof path, "%s/%s", s->root, rel);
	return utimensat(AT_FDCWD, path, ts, 0);
}

int hs_fixtures(struct hs_server *s)
{
	unsigned char bin[HS_BIN_LEN];
	char secret_abs[HS_PATH * 2], secret_body[128];
	int rc = 0;

	for (int i = 0; i < HS_BIN_LEN; i++)
		bin[i] = (unsigned char)i;
	snprintf(secret_abs, sizeof secret_abs, "%s/secret.txt", s->root);
	snprintf(secret_body, sizeof secret_body, "%s\n", s->secret);

	rc |= hs_put_str(s, "htdocs/index.html",
		"<!DOCTYPE html>\n<html><head><title>index</title></head>\n"
		"<body><p>" HS_INDEX_MARKER "</p></body></html>\n");
	rc |= hs_put_str(s, "htdocs/hello.txt", HS_HELLO);
	rc |= set_mtime(s, "htdocs/hello.txt", HS_HELLO_MTIME);
	rc |= hs_put_str(s, "htdocs/page.html",
		"<!DOCTYPE html>\n<html><head><title>page</title></head>"
		"<body><p>a page</p></body></html>\n");
	rc |= hs_put(s, "htdocs/bin.dat", bin, sizeof bin);
	rc |= hs_put_str(s, "htdocs/sub/index.html",
		"<!DOCTYPE html>\n<html><body><p>" HS_SUB_MARKER "</p></body></html>\n");
	rc |= hs_put_str(s, "htdocs/noindex/file.txt", "not an index\n");
	rc |= hs_put_str(s, "htdocs/errors/404.html",
		"<!DOCTYPE html>\n<html><body><h1>Not here</h1><p>" HS_404_MARKER
		"</p></body></html>\n");
	rc |= hs_put_str(s, "htdocs/.htpasswd", "admin:" HS_DOT_MARKER "\n");
	rc |= hs_put_str(s, "htdocs/.git/config", "[core]\n\t" HS_DOT_MARKER "\n");
	rc |= hs_put_str(s, "secret.txt", secret_body);
	rc |= put_link(s, "htdocs/link-secret", "../secret.txt");
	rc |= put_link(s, "htdocs/link-abs", secret_abs);
	rc |= put_link(s, "htdocs/link-parent", "..");
	return rc == 0 ? 0 : -1;
}

/* Copy the file from to to (created with mode, or truncated). 0 or -1 (errno). */
static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), dst = -1, rc = -1, e;
	ssize_t n;

	if (in == -1)
		return -1;
	dst = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (dst == -1)
		goto out;
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto out;
		for (ssize_t off = 0, w; off < n; off += w) {
			w = write(dst, buf + off, (size_t)(n - off));
			if (w == -1 && errno == EINTR)
				w = 0;
			else if (w <= 0)
				goto out;
		}
	}
	rc = 0;
out:
	e = errno;
	if (dst != -1 && close(dst) == -1 && rc == 0)
		e = errno, rc = -1;
	close(in);
	errno = e;
	return rc;
}

int hs_install_suexec(const struct hs_server *s, char *path, size_t cap)
{
	char src[HS_PATH];
	const char *bin = hs_bin(), *slash = strrchr(bin, '/');
	int n = snprintf(src, sizeof src, "%.*spfhttpd-suexec", slash ? (int)(slash + 1 - bin) : 0, bin);

	if (n < 0 || (size_t)n >= sizeof src || access(src, R_OK) == -1)
		return -1;
	n = snprintf(path, cap, "%s/pfhttpd-suexec", s->root);
	if (n < 0 || (size_t)n >= cap) {
		errno = ENAMETOOLONG;
		return -2;
	}
	/* chown first: it clears the set-ID bits chmod sets. */
	if (copy_file(src, path, 0755) == -1 || chown(path, 0, 0) == -1 || chmod(path, 04755) == -1)
		return -2;
	return 0;
}

int hs_useradd(const char *name, const char *home, const char *group, uid_t uid,
	       char *err, size_t errcap)
{
	char out[1024], uidtext[16];
	char *argv[16];
	size_t n = 0;
	int st;

	argv[n++] = "useradd";
	argv[n++] = "-M";
	argv[n++] = "-s";
	argv[n++] = "/usr/sbin/nologin";
	argv[n++] = "-d";
	argv[n++] = (char *)(home ? home : "/nonexistent");
	if (group) {
		argv[n++] = "-N";
		argv[n++] = "-g";
		argv[n++] = (char *)group;
	} else {
		argv[n++] = "-U";
	}
	if (uid != 0) {
		snprintf(uidtext, sizeof uidtext, "%u", (unsigned)uid);
		argv[n++] = "-u";
		argv[n++] = uidtext;
	}
	argv[n++] = (char *)name;
	argv[n] = NULL;
	st = hs_run(argv, 20000, out, sizeof out);
	if (st == 0)
		return 0;
	snprintf(err, errcap, "useradd %s: status %d: %.800s", name, st, out);
	return -1;
}

uid_t hs_free_low_id(void)
{
	for (uid_t id = 990; id > 500; id--)
		if (getpwuid(id) == NULL && getgrgid((gid_t)id) == NULL)
			return id;
	return 0;
}

void hs_userdel(const char *name)
{
	char out[1024];
	char *u[] = { "userdel", (char *)name, NULL };
	char *g[] = { "groupdel", (char *)name, NULL };

	if (getpwnam(name))
		hs_run(u, 20000, out, sizeof out);
	if (getgrnam(name))
		hs_run(g, 20000, out, sizeof out);
}

int hs_copy_cgi(const struct hs_server *s, const char *reldir)
{
	static char data[1 << 16];
	char dir[HS_PATH];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	snprintf(dir, sizeof dir, "%s/tests/integration/cgi", hs_src_dir());
	d = opendir(dir);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char from[HS_PATH * 2], rel[HS_PATH], to[HS_PATH * 2];
		struct stat st;
		ssize_t n;

		snprintf(from, sizeof from, "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(from, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		snprintf(rel, sizeof rel, "%s/%s", reldir, de->d_name);
		snprintf(to, sizeof to, "%s/%s", s->root, rel);
		n = hs_slurp(from, data, sizeof data);
		if (n < 0 || hs_put(s, rel, data, (size_t)n) == -1 || chmod(to, st.st_mode & 07777) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Config. */

static const struct { const char *key; const char *fmt; } conf_defaults[] = {
	{ "listen",        "listen = [ \"127.0.0.1:%d\" ];\n" },
	{ "server_root",   "server_root = \"%s\";\n" },
	{ "server_name",   "server_name = \"localhost\";\n" },
	{ "document_root", "document_root = \"htdocs\";\n" },
	{ "index",         "index = [ \"index.html\", \"index.htm\" ];\n" },
	{ "access_log",    "access_log = \"access.log\";\n" },
	{ "error_log",     "error_log = \"error.log\";\n" },
	{ "error_pages",   "error_pages = ( { status = 404; path = \"/errors/404.html\"; } );\n" },
	/* A fixed pool of 2 unless a test asks for growth: counts stay predictable. */
	{ "workers",       "workers = { start = 2; min_spare = 0; max_spare = 4; max = 8; max_requests = 0; };\n" },
	{ "timeouts",      "timeouts = { header = 10; body = 30; keepalive = 2; send = 30; cgi = 60; };\n" },
	{ "limits",        "limits = { request_line = 8192; header_bytes = 16384; headers = 100; body = 10485760; };\n" },
};

/* The nesting depth (groups, lists) after the line that starts at l, given the depth before it. */
static int extra_depth_after(const char *l, int depth)
{
	bool quoted = false;

	for (; *l != '\0' && *l != '\n'; l++) {
		if (quoted) {
			if (*l == '\\' && l[1] != '\0')
				l++;
			else if (*l == '"')
				quoted = false;
		} else if (*l == '"') {
			quoted = true;
		} else if (*l == '{' || *l == '(' || *l == '[') {
			depth++;
		} else if (*l == '}' || *l == ')' || *l == ']') {
			depth--;
		}
	}
	return depth;
}

/*
 * Does extra set key at the top level (or say "#omit key")? A key inside a
 * group (a vhost's document_root) is that group's, not the top level's, so
 * only lines that start at depth 0 count.
 */
static bool extra_overrides(const char *extra, const char *key)
{
	size_t klen = strlen(key);
	int depth = 0;

	for (const char *l = extra; l != NULL && *l != '\0'; ) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (strncmp(l, "#omit ", 6) == 0) {
			const char *k = l + 6;

			while (*k == ' ')
				k++;
			if (strncmp(k, key, klen) == 0 && !isalnum((unsigned char)k[klen]) && k[klen] != '_')
				return true;
		} else if (depth == 0 && strncmp(l, key, klen) == 0) {
			const char *p = l + klen;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '=' || *p == ':')
				return true;
		}
		depth = extra_depth_after(l, depth);
		l = strchr(l, '\n');
		if (l != NULL)
			l++;
	}
	return false;
}

static void put_default(FILE *f, const struct hs_server *s, size_t i)
{
	if (i == 0 && s->listen6)
		fprintf(f, "listen = [ \"127.0.0.1:%d\", \"[::1]:%d\" ];\n", s->port, s->port);
	else if (i == 0)
		fprintf(f, conf_defaults[i].fmt, s->port);
	else if (i == 1)
		fprintf(f, conf_defaults[i].fmt, s->root);
	else
		fputs(conf_defaults[i].fmt, f);
}

int hs_write_conf(const struct hs_server *s, const char *extra)
{
	/* Tests run as root in CI, and the server refuses root without a user unless told. */
	bool root = geteuid() == 0 && !(extra != NULL && extra_overrides(extra, "allow_root"));
	FILE *f = fopen(s->conf, "we");
	if (f == NULL)
		return -1;
	fprintf(f, "# generated by tests/integration/harness.c\n");
	for (size_t i = 0; i < sizeof conf_defaults / sizeof conf_defaults[0]; i++)
		if (extra == NULL || !extra_overrides(extra, conf_defaults[i].key))
			put_default(f, s, i);
	if (root)
		fputs("allow_root = true;\n", f);
	if (extra != NULL)
		fprintf(f, "%s\n", extra);
	return fclose(f) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Processes. */

int hs_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

	if (fd == -1)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Is something LISTENing on 127.0.0.1:port? Reads /proc/net/tcp so that
 * the readiness probe itself opens no connection the server would log. */
unsigned long hs_listen_inode(int port)
{
	FILE *f = fopen("/proc/net/tcp", "re");
	char line[512];
	unsigned long found = 0;

	if (f == NULL)
		return 0;
	while (found == 0 && fgets(line, sizeof line, f) != NULL) {
		unsigned a, p, st;
		unsigned long ino;

		if (sscanf(line, " %*d: %8X:%4X %*8X:%*4X %2X %*X:%*X %*X:%*X %*X %*d %*d %lu",
			   &a, &p, &st, &ino) == 4 &&
		    (int)p == port && st == 0x0A && (a == 0x0100007FU || a == 0))
			found = ino != 0 ? ino : 1;
	}
	fclose(f);
	return found;
}

bool hs_port_listening(int port)
{
	return hs_listen_inode(port) != 0;
}

/* Does the fdinfo file at path list a target "ino:<hex>" equal to ino (an epoll's watch list)? */
static bool fdinfo_watches(const char *path, unsigned long ino)
{
	FILE *f = fopen(path, "re");
	char line[512];
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		const char *p = strncmp(line, "tfd:", 4) == 0 ? strstr(line, " ino:") : NULL;

		found = p != NULL && strtoul(p + 5, NULL, 16) == ino;
	}
	fclose(f);
	return found;
}

bool hs_epoll_watches(pid_t pid, unsigned long ino)
{
	char dir[64], path[64 + 256 + 8]; /* a directory entry name is at most 255 bytes */
	struct dirent *e;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof dir, "/proc/%d/fdinfo", (int)pid);
	if ((d = opendir(dir)) == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		found = fdinfo_watches(path, ino);
	}
	closedir(d);
	return found;
}

static pid_t spawn(char *const argv[], const char *out_path)
{
	pid_t parent = getpid();
	int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	pid_t pid;

	if (out == -1)
		return -1;
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		/* A Check timeout SIGKILLs the test process: take the server along. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		if (nul != -1)
			dup2(nul, 0);
		dup2(out, 1);
		dup2(out, 2);
		execvp(argv[0], argv);
		dprintf(2, "harness: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);  /* both sides, so no signal races the child's own call */
	close(out);
	return pid;
}

/* The children of every thread of pid. */
int hs_children(pid_t pid, pid_t *out, int max)
{
	char path[128], buf[4096];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char file[400];
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(file, sizeof file, "%s/%s/children", path, de->d_name);
		len = hs_slurp(file, buf, sizeof buf);
		for (char *p = buf, *e; len > 0 && *p != '\0'; p = e) {
			long v = strtol(p, &e, 10);

			if (e == p)
				break;
			if (n < max)
				out[n] = (pid_t)v;
			n++;
		}
	}
	closedir(d);
	return n;
}

/* The fields of /proc/PID/stat after the command name. */
static bool proc_stat(pid_t pid, char *state, pid_t *ppid, pid_t *pgrp)
{
	char path[64], buf[1024], *p;
	int pp, pg;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (hs_slurp(path, buf, sizeof buf) <= 0)
		return false;
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %c %d %d", state, &pp, &pg) != 3)
		return false;
	if (ppid != NULL)
		*ppid = pp;
	if (pgrp != NULL)
		*pgrp = pg;
	return true;
}

char hs_proc_state(pid_t pid)
{
	char st;

	return proc_stat(pid, &st, NULL, NULL) ? st : 0;
}

/*
 * A "#!" script that pfhttpd runs from its descriptor (execveat) has the
 * command line "/bin/sh /dev/fd/3": name it by its SCRIPT_FILENAME instead,
 * so a test can still find the process running a given script.
 */
static ssize_t script_name(pid_t pid, char *buf, size_t cap, size_t n)
{
	static char env[65536];
	char path[64];
	ssize_t e;

	snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
	e = hs_slurp(path, env, sizeof env);
	for (ssize_t i = 0; i < e; i += (ssize_t)strlen(env + i) + 1) {
		int k;

		if (strncmp(env + i, "SCRIPT_FILENAME=", 16) != 0)
			continue;
		k = snprintf(buf + n, cap - n, " [%s]", env + i + 16);
		if (k < 0 || (size_t)k >= cap - n) {
			buf[n] = '\0'; /* does not fit: the command line alone */
			return (ssize_t)n;
		}
		return (ssize_t)(n + (size_t)k);
	}
	return (ssize_t)n;
}

ssize_t hs_cmdline(pid_t pid, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	n = hs_slurp(path, buf, cap);
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	if (n > 0 && strstr(buf, " /dev/fd/") != NULL)
		n = script_name(pid, buf, cap, (size_t)n);
	return n;
}

static bool cmdline_has(pid_t pid, const char *needle)
{
	char buf[1024];

	return hs_cmdline(pid, buf, sizeof buf) > 0 && strstr(buf, needle) != NULL;
}

static bool live(pid_t pid)
{
	char st = hs_proc_state(pid);

	return st != 0 && st != 'Z' && st != 'X';
}

/* A keeper is the master's one child that is not a worker. A zombie has an
 * empty cmdline, so a dead keeper still shows in hs_children. */
static bool is_keeper(pid_t pid)
{
	return cmdline_has(pid, "keeper process");
}

/* A child just forked, still showing the master's title, is not a worker yet. */
int hs_workers(pid_t pid, pid_t *out, int max)
{
	pid_t kids[256];
	int n = hs_children(pid, kids, 256), m = 0;

	for (int i = 0; i < n && i < 256; i++) {
		if (!live(kids[i]) || !cmdline_has(kids[i], "worker process"))
			continue;
		if (m < max)
			out[m] = kids[i];
		m++;
	}
	return n < 0 ? -1 : m;
}

pid_t hs_keeper_pid(pid_t master)
{
	pid_t kids[256];
	int n = hs_children(master, kids, 256);

	for (int i = 0; i < n && i < 256; i++)
		if (live(kids[i]) && is_keeper(kids[i]))
			return kids[i];
	return 0;
}

pid_t hs_wait_keeper(pid_t master)
{
	long long end = hs_now_ms() + HS_TIMEOUT_MS * hs_timeout_scale();

	while (hs_keeper_pid(master) == 0 && hs_now_ms() < end)
		hs_sleep_ms(20);
	return hs_keeper_pid(master);
}

int hs_keepers(pid_t master)
{
	pid_t kids[256];
	int n = hs_children(master, kids, 256), k = 0;

	for (int i = 0; i < n && i < 256; i++)
		k += live(kids[i]) && is_keeper(kids[i]);
	return k;
}

int hs_descendants(pid_t pid, pid_t *out, int max)
{
	int n = hs_children(pid, out, max);

	if (n < 0)
		return -1;
	if (n > max)
		n = max;
	for (int i = 0; i < n; i++) {  /* out grows behind i: breadth first */
		int m = hs_children(out[i], out + n, max - n);

		if (m > 0)
			n += m < max - n ? m : max - n;
	}
	return n;
}

void hs_open_root(const struct hs_server *s)
{
	char parent[HS_PATH], *slash;

	snprintf(parent, sizeof parent, "%s", s->root);
	slash = strrchr(parent, '/');
	if (slash != NULL)
		*slash = '\0';
	if (strncmp(parent, "/tmp/pfhttpd-test-", 18) == 0 && chmod(parent, 0755) == -1)
		ck_abort_msg("chmod %s: %s", parent, strerror(errno));
	if (chmod(s->root, 0755) == -1)
		ck_abort_msg("chmod %s: %s", s->root, strerror(errno));
}

int hs_fd_count(pid_t pid)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

int hs_fd_count_settled(pid_t pid)
{
	long long end = hs_now_ms() + HS_TIMEOUT_MS;
	int n = hs_fd_count(pid), same = 0;

	while (same < 2 && hs_now_ms() < end) {
		int m;

		hs_sleep_ms(50);
		m = hs_fd_count(pid);
		same = m == n ? same + 1 : 0;
		n = m;
	}
	return n;
}

bool hs_wait_fd_count(pid_t pid, int want, int within_ms)
{
	long long end = hs_now_ms() + within_ms;

	while (hs_fd_count(pid) != want && hs_now_ms() < end)
		hs_sleep_ms(10);
	return hs_fd_count(pid) == want;
}

int hs_fd_count_under(pid_t pid, const char *prefix)
{
	char dir[64], link[320], target[4096];
	size_t plen = strlen(prefix);
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
	d = opendir(dir);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		ssize_t len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof link, "%s/%s", dir, de->d_name);
		len = readlink(link, target, sizeof target - 1);
		if (len < 0)
			continue; /* closed since readdir */
		target[len] = '\0';
		n += strncmp(target, prefix, plen) == 0;
	}
	closedir(d);
	return n;
}

long hs_rss_kb(pid_t pid)
{
	char path[64], buf[4096];
	const char *v;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (hs_slurp(path, buf, sizeof buf) <= 0 || (v = strstr(buf, "\nVmRSS:")) == NULL)
		return -1;
	return strtol(v + 8, NULL, 10);
}

bool hs_wait_children(pid_t pid, int n, int timeout_ms)
{
	pid_t kids[64];
	long long end = hs_deadline(timeout_ms);

	do {
		if (hs_workers(pid, kids, 64) == n)
			return true;
		hs_sleep_ms(25);
	} while (hs_now_ms() < end);
	return false;
}

/* Reap our children in process group pgrp (workers reparented to us). */
static void reap_group(pid_t pgrp)
{
	pid_t kids[256];
	int n = hs_children(getpid(), kids, 256);

	for (int i = 0; i < n && i < 256; i++) {
		char st;
		pid_t pg;

		if (proc_stat(kids[i], &st, NULL, &pg) && pg == pgrp)
			waitpid(kids[i], NULL, WNOHANG);
	}
}

/* Bounded wait for our child pid; the wait status, or -1 on timeout. */
static int wait_child(pid_t pid, int timeout_ms)
{
	long long end = hs_deadline(timeout_ms);
	int st;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return st;
		if (r == -1 && errno != EINTR)
			return -1;
		if (hs_now_ms() >= end)
			return -1;
		hs_sleep_ms(10);
	}
}

static int stop_pid(pid_t pid, int timeout_ms)
{
	int st;
	long long end;

	if (pid <= 0)
		return -1;
	kill(pid, SIGTERM);
	st = wait_child(pid, timeout_ms);
	if (st == -1) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
	}
	/* Leftover workers keep the group id alive, so it cannot be reused. */
	end = hs_deadline(1000);
	while (kill(-pid, 0) == 0 && hs_now_ms() < end) {
		reap_group(pid);
		hs_sleep_ms(20);
	}
	if (kill(-pid, 0) == 0) {
		kill(-pid, SIGKILL);
		hs_sleep_ms(50);
	}
	reap_group(pid);
	return st;
}

int hs_stop(struct hs_server *s, int timeout_ms)
{
	struct hs_reg *e = reg_find(s->root);
	int st;

	if (s->pid <= 0)
		return -1;
	st = stop_pid(s->pid, timeout_ms);
	s->pid = 0;
	if (e != NULL)
		e->pid = 0;
	return st;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static int rm_tree(const char *root)
{
	if (strncmp(root, "/tmp/pfhttpd-test-", 18) != 0)
		return -1;  /* never remove anything the harness did not create */
	return nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void hs_destroy(struct hs_server *s)
{
	struct hs_reg *e;

	if (s->root[0] == '\0')
		return;
	if (s->owner == getpid())
		hs_stop(s, 3000);
	e = reg_find(s->root);
	rm_tree(s->root);
	if (e != NULL)
		e->owner = 0;
	s->root[0] = '\0';
}

/*
 * PFHTTPD_WRAP: a command the server runs under, its words split at blanks
 * (make valgrind: "valgrind --log-file=... "). Puts them in argv[0..);
 * their count, or -1 when there are more than max or the text is too long.
 */
static int wrap_argv(const struct hs_server *s, char **argv, int max)
{
	static char words[4096];
	const char *w = getenv("PFHTTPD_WRAP");
	char *save = NULL;
	int n = 0;

	if (s->wrap != NULL) {
		for (; s->wrap[n] != NULL; n++) {
			if (n == max)
				return -1;
			argv[n] = (char *)s->wrap[n];
		}
		return n;
	}
	if (w == NULL)
		return 0;
	if (strlen(w) >= sizeof words)
		return -1;
	memcpy(words, w, strlen(w) + 1);
	for (char *t = strtok_r(words, " \t", &save); t != NULL; t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return -1;
		argv[n++] = t;
	}
	return n;
}

int hs_start(struct hs_server *s, const char *extra, char *msg, size_t msglen)
{
	static char out[8192];
	char *argv[HS_WRAP_MAX + 5];
	int nwrap = wrap_argv(s, argv, HS_WRAP_MAX);
	struct hs_reg *e;

	if (nwrap < 0) {
		snprintf(msg, msglen, "PFHTTPD_WRAP: more than %d words or 4 KiB", HS_WRAP_MAX);
		return -1;
	}
	memcpy(argv + nwrap, (char *[]){ (char *)hs_bin(), "-F", "-f", s->conf, NULL },
	       5 * sizeof argv[0]);

	/* Orphaned workers of a master that died first come to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	e = reg_find(s->root) != NULL ? reg_find(s->root) : reg_add(s->root);
	if (access(hs_bin(), X_OK) == -1) {
		snprintf(msg, msglen, "%s: not executable: %s", hs_bin(), strerror(errno));
		return -1;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		long long end = hs_deadline(HS_TIMEOUT_MS);

		s->port = hs_free_port();
		if (s->port <= 0 || hs_write_conf(s, extra) == -1) {
			snprintf(msg, msglen, "cannot pick a port or write %s", s->conf);
			return -1;
		}
		s->pid = spawn(argv, s->err_path);
		s->owner = getpid();
		if (s->pid <= 0) {
			snprintf(msg, msglen, "fork: %s", strerror(errno));
			return -1;
		}
		if (e != NULL)
			e->pid = s->pid;
		while (hs_now_ms() < end) {
			int st;

			if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
				s->pid = 0;
				if (e != NULL)
					e->pid = 0;
				hs_slurp(s->err_path, out, sizeof out);
				if (strstr(out, "in use") != NULL)
					break;  /* someone took the port: retry */
				snprintf(msg, msglen, "server exited (status %d) at start: %s", st, out);
				return -1;
			}
			if (hs_port_listening(s->port))
				return 0;
			hs_sleep_ms(20);
		}
		if (s->pid > 0) {
			hs_stop(s, 1000);
			snprintf(msg, msglen, "server not listening on port %d within %d ms",
				 s->port, HS_TIMEOUT_MS);
			return -1;
		}
	}
	snprintf(msg, msglen, "no free port after 5 attempts");
	return -1;
}

void hs_setup_or_abort(struct hs_server *s, const char *extra)
{
	char msg[9000];

	if (hs_root_init(s) == -1 || hs_fixtures(s) == -1) {
		hs_destroy(s);
		ck_abort_msg("cannot create the server root fixtures");
	}
	if (hs_start(s, extra, msg, sizeof msg) == -1) {
		hs_destroy(s);
		ck_abort_msg("cannot start %s: %s", hs_bin(), msg);
	}
}

int hs_run(char *const argv[], int timeout_ms, char *out, size_t cap)
{
	char path[] = "/tmp/pfhttpd-run-XXXXXX";
	int fd = mkstemp(path), st;
	pid_t pid;

	if (fd == -1)
		return -1;
	close(fd);
	pid = spawn(argv, path);
	if (pid <= 0) {
		unlink(path);
		return -1;
	}
	st = wait_child(pid, timeout_ms);
	if (st == -1) {
		kill(-pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	hs_slurp(path, out, cap);
	unlink(path);
	return st;
}

/* ------------------------------------------------------------------------ */
/* Sockets. */

int hs_connect(const struct hs_server *s)
{
	return hs_connect_from(NULL, s->port);
}

/* addr (NULL: any) and port of the loopback's family into a; its length, or 0 when addr is not one. */
static socklen_t loop_addr(struct sockaddr_storage *a, bool v6, const char *addr, int port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)a;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)a;

	memset(a, 0, sizeof *a);
	if (v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		a6->sin6_addr = in6addr_loopback;
		return addr && inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1 ? 0 : sizeof *a6;
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return addr && inet_pton(AF_INET, addr, &a4->sin_addr) != 1 ? 0 : sizeof *a4;
}

int hs_connect_from(const char *src, int port)
{
	struct sockaddr_storage me, to;
	bool v6 = src != NULL && strchr(src, ':') != NULL;
	socklen_t melen = loop_addr(&me, v6, src, 0), tolen = loop_addr(&to, v6, NULL, port);
	int fd, e;

	if (melen == 0) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if ((src != NULL && bind(fd, (struct sockaddr *)&me, melen) == -1) ||
	    connect(fd, (struct sockaddr *)&to, tolen) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int hs_conn_open(const struct hs_server *s, struct hs_conn *c)
{
	c->len = 0;
	c->eof = false;
	c->fd = hs_connect(s);
	return c->fd == -1 ? -1 : 0;
}

void hs_conn_close(struct hs_conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
}

int hs_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int hs_send_str(int fd, const char *s)
{
	return hs_send(fd, s, strlen(s));
}

/* Read more into c->buf. >0 bytes, 0 on EOF, -1 on timeout, error or full buffer. */
static int fill(struct hs_conn *c, long long deadline)
{
	for (;;) {
		long long left = deadline - hs_now_ms();
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		ssize_t n;
		int pr;

		if (c->eof)
			return 0;
		if (c->len >= sizeof c->buf || left <= 0)
			return -1;
		pr = poll(&pfd, 1, (int)left);
		if (pr == -1 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == 0 || (n == -1 && errno == ECONNRESET)) {
			c->eof = true;
			return 0;
		}
		if (n < 0)
			return -1;
		c->len += (size_t)n;
		return (int)n;
	}
}

/* Make sure c->buf holds at least want bytes. */
static int need(struct hs_conn *c, size_t want, long long deadline)
{
	while (c->len < want)
		if (fill(c, deadline) <= 0)
			return -1;
	return 0;
}

/* Offset just past the next CRLF at or after from, filling as needed; or -1. */
static ssize_t need_line(struct hs_conn *c, size_t from, long long deadline)
{
	for (;;) {
		char *nl = c->len > from ? memchr(c->buf + from, '\n', c->len - from) : NULL;

		if (nl != NULL)
			return nl - c->buf + 1;
		if (fill(c, deadline) <= 0)
			return -1;
	}
}

static void parse_head(struct hs_response *r, const char *h, size_t len)
{
	const char *end = h + len, *p = h;
	bool first = true;

	r->crlf = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l;

		if (nl == NULL)
			break;
		l = (size_t)(nl - p);
		if (l > 0 && p[l - 1] == '\r')
			l--;
		else
			r->crlf = false;
		if (l == 0)
			break;
		if (first) {
			char line[256];
			int n = 0;

			snprintf(line, sizeof line, "%.*s", (int)l, p);
			if (sscanf(line, "%15s %d %n", r->version, &r->status, &n) < 2 ||
			    strncmp(r->version, "HTTP/", 5) != 0)
				r->status = -1;
			else
				snprintf(r->reason, sizeof r->reason, "%s", line + n);
			first = false;
		} else if (r->nhdr < HS_MAX_HDRS) {
			const char *colon = memchr(p, ':', l);

			if (colon != NULL) {
				const char *v = colon + 1, *ve = p + l;

				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
					ve--;
				snprintf(r->hdr[r->nhdr].name, sizeof r->hdr[0].name, "%.*s",
					 (int)(colon - p), p);
				snprintf(r->hdr[r->nhdr].value, sizeof r->hdr[0].value, "%.*s",
					 (int)(ve - v), v);
				r->nhdr++;
			}
		}
		p = nl + 1;
	}
}

/* Decode a chunked body starting at off; returns the end offset or -1. */
static ssize_t read_chunked(struct hs_conn *c, struct hs_response *r, size_t off,
			    long long deadline)
{
	for (;;) {
		ssize_t eol = need_line(c, off, deadline);
		char *e;
		unsigned long size;

		if (eol < 0)
			return -1;
		size = strtoul(c->buf + off, &e, 16);
		if (e == c->buf + off)
			return -1;
		off = (size_t)eol;
		if (size == 0)
			break;
		if (need(c, off + size + 2, deadline) == -1 ||
		    r->body_len + size > HS_MAX_RESP)
			return -1;
		memcpy(r->body + r->body_len, c->buf + off, size);
		r->body_len += size;
		off += size;
		if (memcmp(c->buf + off, "\r\n", 2) != 0)
			return -1;
		off += 2;
	}
	for (;;) {  /* trailer section, up to the empty line */
		ssize_t eol = need_line(c, off, deadline);

		if (eol < 0)
			return -1;
		if ((size_t)eol - off <= 2) {
			off = (size_t)eol;
			break;
		}
		off = (size_t)eol;
	}
	return (ssize_t)off;
}

int hs_read_response(struct hs_conn *c, struct hs_response *r, bool head, int timeout_ms)
{
	long long deadline = hs_deadline(timeout_ms);
	const char *te, *cl;
	char *hend;
	size_t end;

	r->status = -1;
	r->version[0] = r->reason[0] = '\0';
	r->nhdr = r->head_len = r->body_len = r->raw_len = 0;
	r->chunked = false;
	r->body[0] = r->raw[0] = '\0';
	for (;;) {
		char *lf = c->len > 0 ? memmem(c->buf, c->len, "\n\n", 2) : NULL;

		hend = c->len > 0 ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
		if (hend != NULL && (lf == NULL || hend + 2 <= lf)) {
			r->head_len = (size_t)(hend - c->buf) + 4;
			break;
		}
		if (lf != NULL) {  /* a bare-LF head: parse it, r->crlf tells */
			r->head_len = (size_t)(lf - c->buf) + 2;
			break;
		}
		if (fill(c, deadline) <= 0) {
			/* Keep what arrived, for the failure message. */
			r->raw_len = c->len < HS_MAX_RESP ? c->len : HS_MAX_RESP;
			memcpy(r->raw, c->buf, r->raw_len);
			r->raw[r->raw_len] = '\0';
			return -1;
		}
	}
	parse_head(r, c->buf, r->head_len);
	end = r->head_len;
	te = hs_hdr(r, "Transfer-Encoding");
	cl = hs_hdr(r, "Content-Length");
	if (head || r->status / 100 == 1 || r->status == 204 || r->status == 304) {
		/* no body */
	} else if (te != NULL && strcasestr(te, "chunked") != NULL) {
		ssize_t e = read_chunked(c, r, end, deadline);

		r->chunked = true;
		if (e < 0)
			return -1;
		end = (size_t)e;
	} else if (cl != NULL) {
		char *x;
		unsigned long long n = strtoull(cl, &x, 10);

		if (x == cl || *x != '\0' || n > HS_MAX_RESP - r->head_len ||
		    need(c, end + n, deadline) == -1)
			return -1;
		memcpy(r->body, c->buf + end, n);
		r->body_len = n;
		end += n;
	} else {
		while (!c->eof)
			if (fill(c, deadline) < 0)
				return -1;
		r->body_len = c->len - end;
		memcpy(r->body, c->buf + end, r->body_len);
		end = c->len;
	}
	r->body[r->body_len] = '\0';
	memcpy(r->raw, c->buf, end);
	r->raw_len = end;
	r->raw[end] = '\0';
	memmove(c->buf, c->buf + end, c->len - end);
	c->len -= end;
	return 0;
}

int hs_wait_eof(struct hs_conn *c, int timeout_ms)
{
	long long deadline = hs_deadline(timeout_ms);

	for (;;) {
		int n;

		if (c->len >= sizeof c->buf)
			c->len = 0;  /* keep reading; only EOF matters here */
		n = fill(c, deadline);
		if (n == 0)
			return 1;
		if (n < 0)
			return hs_now_ms() >= deadline ? 0 : -1;
	}
}

int hs_exchange(const struct hs_server *s, const char *req, struct hs_response *r)
{
	static struct hs_conn c;
	int rc = -1;

	if (hs_conn_open(s, &c) == -1) {
		r->status = -1;
		return -1;
	}
	if (hs_send_str(c.fd, req) == 0)
		rc = hs_read_response(&c, r, strncmp(req, "HEAD ", 5) == 0, HS_TIMEOUT_MS);
	hs_conn_close(&c);
	return rc;
}

ssize_t hs_exchange_raw(const struct hs_server *s, const void *req, size_t reqlen,
			char *out, size_t cap, int timeout_ms)
{
	static struct hs_conn c;
	int eof;
	size_t n;

	out[0] = '\0';
	if (hs_conn_open(s, &c) == -1)
		return -1;
	if (hs_send(c.fd, req, reqlen) == -1) {
		hs_conn_close(&c);
		return -1;
	}
	eof = hs_wait_eof(&c, timeout_ms);
	n = c.len < cap - 1 ? c.len : cap - 1;
	memcpy(out, c.buf, n);
	out[n] = '\0';
	hs_conn_close(&c);
	return eof == 1 ? (ssize_t)n : -2;
}

const char *hs_hdr(const struct hs_response *r, const char *name)
{
	for (size_t i = 0; i < r->nhdr; i++)
		if (strcasecmp(r->hdr[i].name, name) == 0)
			return r->hdr[i].value;
	return NULL;
}

int hs_hdr_count(const struct hs_response *r, const char *name)
{
	int n = 0;

	for (size_t i = 0; i < r->nhdr; i++)
		if (strcasecmp(r->hdr[i].name, name) == 0)
			n++;
	return n;
}

bool hs_list_has(const char *list, const char *token)
{
	size_t tlen = strlen(token);

	for (const char *p = list; p != NULL && *p != '\0'; ) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, token, tlen) == 0 &&
		    (p[tlen] == '\0' || p[tlen] == ',' || p[tlen] == ' ' || p[tlen] == '\t'))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

int hs_wait_exit(struct hs_server *s, int timeout_ms)
{
	struct hs_reg *e = reg_find(s->root);
	int st;

	if (s->pid <= 0)
		return -1;
	st = wait_child(s->pid, timeout_ms);
	if (st != -1) {
		s->pid = 0;
		if (e != NULL)
			e->pid = 0;
	}
	return st;
}

bool hs_wait_gone(pid_t pid, int timeout_ms)
{
	long long end = hs_deadline(timeout_ms);

	do {
		char st;
		pid_t ppid;

		if (!proc_stat(pid, &st, &ppid, NULL))
			return true;
		if (st == 'Z' && ppid == getpid())
			waitpid(pid, NULL, WNOHANG);
		hs_sleep_ms(20);
	} while (hs_now_ms() < end);
	return !proc_stat(pid, &(char){0}, NULL, NULL);
}

/* Kill and reap whatever is still our child: servers orphaned by a test
 * process that Check ended early were reparented to us (subreaper). */
static void sweep_children(void)
{
	pid_t kids[256];
	int n = hs_children(getpid(), kids, 256);

	for (int i = 0; i < n && i < 256; i++) {
		char st;
		pid_t pg;

		if (proc_stat(kids[i], &st, NULL, &pg) && pg != getpgrp())
			kill(-pg, SIGKILL);
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

TCase *hs_tcase(const char *name, int timeout_s, void (*teardown)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, timeout_s);
	return tc;
}

int hs_main(Suite *suite)
{
	SRunner *sr = srunner_create(suite);
	int failed;

	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	snprintf(run_dir, sizeof run_dir, "/tmp/pfhttpd-test-XXXXXX");
	if (mkdtemp(run_dir) == NULL)
		run_dir[0] = '\0';
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	sweep_children();
	if (run_dir[0] != '\0')
		rm_tree(run_dir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

time_t hs_parse_date(const char *s)
{
	struct tm tm;
	const char *end;

	if (s == NULL || strlen(s) != 29)
		return -1;
	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	return timegm(&tm);
}

void hs_raise_nofile(unsigned long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		(void)setrlimit(RLIMIT_NOFILE, &rl); /* best effort: a test that needs more fails visibly */
	}
}
