/*
 * harness — drive the real pfhttpd binary from Check tests.
 *
 * Contract: the harness owns a temporary server_root (mkdtemp under /tmp)
 * holding htdocs fixtures, a generated config and the logs; it starts
 * $PFHTTPD_BIN (default build/pfhttpd) in the foreground on a free
 * 127.0.0.1 port in its own process group, and talks to it over raw TCP.
 * Every wait is bounded. A server is always stopped by its pid (SIGTERM,
 * then SIGKILL to its process group) and reaped, never by name. Check ends
 * a test process with _exit() when an assertion fails, so no atexit() hook
 * can be relied on there: PR_SET_PDEATHSIG stops a server whose test
 * process died, and hs_main() sweeps every leftover child and removes the
 * run's temporary directory once the suite is over.
 * It never links against src/: only the binary's observable behaviour counts.
 * Two variables serve a slow server (make valgrind): PFHTTPD_WRAP, a command
 * the server is started under ("valgrind --log-file=..."), and
 * PFHTTPD_TIMEOUT_SCALE, an integer 1..100 every bounded wait of the harness
 * is multiplied by (Check's own CK_TIMEOUT_MULTIPLIER stretches the cases').
 */
#ifndef PFHTTPD_HARNESS_H
#define PFHTTPD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <check.h>

#define HS_TIMEOUT_MS  5000          /* default bound for one read or wait */
#define HS_MAX_RESP    (256 * 1024)  /* largest response a test may read */
#define HS_MAX_HDRS    64
#define HS_PATH        512
#define HS_WRAP_MAX    32            /* words of PFHTTPD_WRAP */

/* The fixture file sizes and contents every suite may rely on. */
#define HS_HELLO       "Hello, world!\n"          /* htdocs/hello.txt */
#define HS_HELLO_LEN   14
#define HS_HELLO_MTIME 1577934245                 /* Thu, 02 Jan 2020 03:04:05 GMT */
#define HS_HELLO_LM    "Thu, 02 Jan 2020 03:04:05 GMT"
#define HS_404_MARKER  "pfhttpd-test-custom-404-page"
#define HS_INDEX_MARKER "pfhttpd-test-index-page"
#define HS_SUB_MARKER  "pfhttpd-test-sub-index"
#define HS_DOT_MARKER  "pfhttpd-test-dotfile-content"
#define HS_BIN_LEN     256                        /* htdocs/bin.dat: bytes 0..255 */

struct hs_server {
	char root[128];              /* temporary server_root */
	char conf[HS_PATH];          /* root/server.conf */
	char err_path[HS_PATH];      /* the server's captured stdout+stderr */
	char error_log[HS_PATH];     /* root/error.log */
	char access_log[HS_PATH];    /* root/access.log */
	char secret[64];             /* marker planted OUTSIDE document_root */
	pid_t pid;                   /* the master, or 0 */
	pid_t owner;                 /* the process that started it */
	int port;
	/*
	 * A command this server is started under (NULL-terminated words, at
	 * most HS_WRAP_MAX), in place of PFHTTPD_WRAP; NULL: PFHTTPD_WRAP.
	 * check_faults runs the server under libfiu's preload libraries so.
	 */
	const char *const *wrap;
	/* Also listen on [::1] at the same port (the default listen line only). */
	bool listen6;
};

struct hs_response {
	int status;                  /* -1 when no status line could be parsed */
	char version[16];            /* "HTTP/1.1" */
	char reason[128];
	size_t nhdr;
	struct { char name[64]; char value[1024]; } hdr[HS_MAX_HDRS];
	bool crlf;                   /* every head line ended in CRLF */
	size_t head_len;             /* status line + fields + empty line */
	char body[HS_MAX_RESP + 1];  /* the payload (chunked decoded), NUL-terminated */
	size_t body_len;
	bool chunked;                /* framed by Transfer-Encoding: chunked */
	char raw[HS_MAX_RESP + 1];   /* exactly the bytes of this response */
	size_t raw_len;
};

/* A connection with read-ahead, so pipelined responses stay separable. */
struct hs_conn {
	int fd;
	char buf[HS_MAX_RESP];
	size_t len;                  /* bytes read but not yet consumed */
	bool eof;
};

/* --- server root, fixtures, config ------------------------------------- */

/* mkdtemp a server_root with an empty htdocs/. 0 or -1. */
int hs_root_init(struct hs_server *s);

/* Write a file below the server root (parents created). 0 or -1. */
int hs_put(const struct hs_server *s, const char *rel, const void *data, size_t len);
int hs_put_str(const struct hs_server *s, const char *rel, const char *text);

/*
 * The standard site: index.html, hello.txt (fixed mtime), page.html, bin.dat,
 * sub/index.html, noindex/file.txt, errors/404.html, .htpasswd, .git/config,
 * secret.txt in server_root (outside htdocs), symlinks link-secret -> the
 * secret and link-parent -> "..". 0 or -1.
 */
int hs_fixtures(struct hs_server *s);

/*
 * Write root/server.conf: the defaults of the brief plus extra. A top-level
 * setting in extra (a line "key = ..." outside every group and list)
 * replaces the default of the same key; a key inside a group (a vhost's
 * document_root) does not; a line "#omit KEY" drops that default (it is a
 * libconfig comment as well).
 * Run as root, the defaults include "allow_root = true;" (the server will
 * not run as root without a user otherwise), unless extra sets allow_root,
 * omits it ("#omit allow_root"), or the binary predates the key.
 */
int hs_write_conf(const struct hs_server *s, const char *extra);

/*
 * Root only: copy pfhttpd-suexec from beside hs_bin() to root/pfhttpd-suexec,
 * owned by root and setuid (4755), as make install makes it; its path into
 * path. 0; -1 when there is no helper beside the binary (make all builds
 * it); -2 when the copy could not be made (errno says why).
 */
int hs_install_suexec(const struct hs_server *s, char *path, size_t cap);

/*
 * Root only: useradd(8) name with shell /usr/sbin/nologin and no home made
 * (-M); home: its home field (NULL: /nonexistent); group: its primary group
 * (NULL: a new group of its own name, -U); uid: 0 lets useradd choose.
 * 0, or -1 with the command's status and output in err.
 */
int hs_useradd(const char *name, const char *home, const char *group, uid_t uid,
	       char *err, size_t errcap);

/* An id from 990 down to 501 that neither a user nor a group has (a uid or gid below 1000), or 0. */
uid_t hs_free_low_id(void);

/* Root only: userdel(8) name, then groupdel(8) its group of the same name; each only when it exists. */
void hs_userdel(const char *name);

/* Copy $PFHTTPD_SRC/tests/integration/cgi/ into root/reldir, modes kept. 0 or -1. */
int hs_copy_cgi(const struct hs_server *s, const char *reldir);

/* $PFHTTPD_SRC, or "." */
const char *hs_src_dir(void);

/* --- process control ---------------------------------------------------- */

/* Write the config, start the server, wait until it listens. 0 or -1 (why in msg). */
int hs_start(struct hs_server *s, const char *extra, char *msg, size_t msglen);

/*
 * Stop by pid: SIGTERM, wait up to timeout_ms, then SIGKILL the process
 * group; reap everything. Returns the master's wait status, or -1.
 */
int hs_stop(struct hs_server *s, int timeout_ms);

/* hs_stop, then remove the temporary root. Safe on a zeroed struct. */
void hs_destroy(struct hs_server *s);

/* Setup helper for unchecked fixtures: root + fixtures + start, or abort. */
void hs_setup_or_abort(struct hs_server *s, const char *extra);

/*
 * Process titles: the master's children are its workers and exactly one
 * keeper, told apart by /proc/PID/cmdline ("pfhttpd: worker process",
 * "pfhttpd: keeper process").
 */

/* Every direct child of pid (of all its threads), zombies included. Count or -1. */
int hs_children(pid_t pid, pid_t *out, int max);

/* The live workers of master pid: children titled "worker process". Count or -1. */
int hs_workers(pid_t pid, pid_t *out, int max);

/* The live child titled "keeper process", or 0; how many such children. */
pid_t hs_keeper_pid(pid_t master);
/* hs_keeper_pid once the keeper has its title (it starts after the listeners), bounded; 0: none. */
pid_t hs_wait_keeper(pid_t master);
int hs_keepers(pid_t master);

/* Every descendant of pid (children, their children, ...). Count (at most max) or -1. */
int hs_descendants(pid_t pid, pid_t *out, int max);

/*
 * /proc/PID/cmdline with its NULs turned into spaces (NUL-terminated); for a
 * script run from its descriptor ("/bin/sh /dev/fd/3") " [SCRIPT_FILENAME]"
 * follows, when it fits. Bytes or -1.
 */
ssize_t hs_cmdline(pid_t pid, char *buf, size_t cap);

/* mkdtemp made the run directory and s's root 0700: open both to other users (workers). */
void hs_open_root(const struct hs_server *s);
/* Entries in /proc/PID/fd, or -1. */
int hs_fd_count(pid_t pid);
/*
 * hs_fd_count once it holds still (three equal readings 50 ms apart, within
 * HS_TIMEOUT_MS): a master that just forked holds the child's end of a
 * socketpair until fork() returns to it, which a loaded machine delays.
 */
int hs_fd_count_settled(pid_t pid);
/* Wait (at most within_ms) until pid holds want descriptors; true when it does. */
bool hs_wait_fd_count(pid_t pid, int want, int within_ms);
/* How many of pid's descriptors name a file whose path starts with prefix; -1 on error. */
int hs_fd_count_under(pid_t pid, const char *prefix);

/* Raise this process's RLIMIT_NOFILE soft limit to want (at most the hard limit). */
void hs_raise_nofile(unsigned long want);

/* VmRSS of pid in KiB (/proc/PID/status), or -1. */
long hs_rss_kb(pid_t pid);

/* State letter from /proc/PID/stat ('R', 'S', 'Z', ...), or 0 when gone. */
char hs_proc_state(pid_t pid);

/* Wait (bounded) until master pid has exactly n live workers. true on success. */
bool hs_wait_children(pid_t pid, int n, int timeout_ms);

/* The inode of the socket LISTENing on 127.0.0.1:port (/proc/net/tcp), or 0. */
unsigned long hs_listen_inode(int port);
bool hs_port_listening(int port);
/* Does an epoll of pid watch the file with inode ino (/proc/PID/fdinfo)? */
bool hs_epoll_watches(pid_t pid, unsigned long ino);

/*
 * Run argv to completion within timeout_ms, stdout and stderr into out
 * (NUL-terminated). Returns the wait status, or -1 (timeout: killed).
 */
int hs_run(char *const argv[], int timeout_ms, char *out, size_t cap);

/* Bounded wait for the master to exit; its wait status (pid cleared), or -1. */
int hs_wait_exit(struct hs_server *s, int timeout_ms);

/* Wait until pid no longer exists (reaping it if it is our zombie). */
bool hs_wait_gone(pid_t pid, int timeout_ms);

/* A port free on 127.0.0.1 right now, or -1. */
int hs_free_port(void);

/* The binary under test ($PFHTTPD_BIN or build/pfhttpd). */
const char *hs_bin(void);

/* --- talking HTTP -------------------------------------------------------- */

/* TCP connect to 127.0.0.1:port. fd or -1. */
int hs_connect(const struct hs_server *s);

/*
 * TCP connect to port on the loopback from the local address src, so the
 * server sees another client: an IPv4 address such as 127.0.0.2 connects
 * to 127.0.0.1, an IPv6 one (with ':', such as ::1) to [::1]; src NULL:
 * 127.0.0.1 from the kernel's choice (as hs_connect). fd, or -1 (errno).
 */
int hs_connect_from(const char *src, int port);
int hs_conn_open(const struct hs_server *s, struct hs_conn *c);
void hs_conn_close(struct hs_conn *c);

/* Write all bytes. 0 or -1. */
int hs_send(int fd, const void *buf, size_t len);
int hs_send_str(int fd, const char *s);

/*
 * Read one response from c. head: the request was HEAD (no body follows).
 * The body is framed by chunked, Content-Length, or close. 0 or -1
 * (timeout, EOF before a full head, malformed framing).
 */
int hs_read_response(struct hs_conn *c, struct hs_response *r, bool head, int timeout_ms);

/*
 * Wait for EOF. Returns 1 on EOF (extra bytes left in c->buf/len), 0 on
 * timeout, -1 on error. ECONNRESET counts as EOF.
 */
int hs_wait_eof(struct hs_conn *c, int timeout_ms);

/* Connect, send req, read one response (HEAD if req starts "HEAD "), close. */
int hs_exchange(const struct hs_server *s, const char *req, struct hs_response *r);

/* Connect, send req, read everything until EOF into out (NUL-terminated). Bytes or -1. */
ssize_t hs_exchange_raw(const struct hs_server *s, const void *req, size_t reqlen,
			char *out, size_t cap, int timeout_ms);

/* First value of a header (case-insensitive name), or NULL; and its count. */
const char *hs_hdr(const struct hs_response *r, const char *name);
int hs_hdr_count(const struct hs_response *r, const char *name);

/* Does a comma-separated header value list contain token (case-insensitive)? */
bool hs_list_has(const char *list, const char *token);

/* memmem over a buffer. */
bool hs_contains(const void *hay, size_t len, const char *needle);
/*
 * Read c's raw bytes into buf (NUL-terminated, at most cap - 1) until
 * needle has arrived, the peer closes, buf is full or timeout_ms passes:
 * true when needle came. For responses still being written (a script's
 * first lines), which hs_read_response would wait out.
 */
bool hs_read_until(struct hs_conn *c, const char *needle, char *buf, size_t cap, int timeout_ms);

/* --- files ---------------------------------------------------------------- */

/* Read a whole file (NUL-terminated). Bytes or -1. */
ssize_t hs_slurp(const char *path, char *buf, size_t cap);

/* The first line of path holding needle and needle2 (may be NULL), into out (cut to cap). */
bool hs_find_line(const char *path, const char *needle, const char *needle2, char *out, size_t cap);

/* Poll (bounded) until the file contains needle. */
bool hs_wait_file_contains(const char *path, const char *needle, int timeout_ms);

/* How often needle occurs in the file (its first MiB); wait (bounded) until at least n. */
int hs_file_count(const char *path, const char *needle);
bool hs_wait_file_count(const char *path, const char *needle, int n, int timeout_ms);

/* Sleep, resuming after signals. */
void hs_sleep_ms(int ms);

/* A test case with teardown as its checked fixture and a timeout in seconds. */
TCase *hs_tcase(const char *name, int timeout_s, void (*teardown)(void));

/* Run a suite in Check fork mode; the process exit status. */
int hs_main(Suite *suite);

/* Parse an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); -1 when malformed. */
time_t hs_parse_date(const char *s);

/* PFHTTPD_TIMEOUT_SCALE (1..100), or 1. */
int hs_timeout_scale(void);

/* Milliseconds on the monotonic clock. */
long long hs_now_ms(void);

#endif
