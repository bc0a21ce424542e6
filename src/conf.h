/*
 * conf — the libconfig file to one struct conf.
 *
 * Contract: conf_load() reads and validates the whole file and either fills
 * a struct conf completely or fails with one message "FILE:LINE: key: what
 * is wrong" (FILE as given on the command line; "FILE: ..." when no line
 * applies, and no key for a plain syntax error). Every key is described once,
 * in the table of conf_keys.c (name, type, range, default, scopes, field);
 * validation covers syntax, unknown keys (at every level), keys in a scope
 * that does not allow them ("vhosts[0].workers: not allowed in a vhost"),
 * wrong types, out-of-range values, relations between keys (two vhosts
 * claiming one name, two defaults, one address in listen and
 * proxy_protocol.listen...), and a document_root or cgi.directory that does
 * not exist or is not a directory (inside a vhost the message names it:
 * "vhost 'example.com': document_root: ..."). No key is ever silently dropped.
 * Paths are resolved against server_root (default: the directory of the
 * config file); directories are stored as their realpath().
 *
 * Scopes: conf.site holds the top level's per-site settings; each of
 * conf.vhosts[] starts as a deep copy of it and overrides what its group
 * names (a list such as index, error_pages or access is replaced whole; a
 * cgi or status group overrides key by key, what it leaves out coming from
 * the top level's, or from the defaults for a status group the top level
 * has not). The per-path lists (headers, cgi_env, pass_env) are merged
 * instead (struct conf_location's comment). server_name, aliases and
 * default are never inherited. A vhost's
 * lines.* are those of its own keys, or the top level's for what it inherited.
 *
 * A struct conf owns all its memory (no two sites share a pointer); two can
 * be loaded side by side and swapped (as a SIGHUP reload), each freed with
 * conf_free(). conf_load opens nothing but the config file itself and never
 * exits the process. What can only be known at run time (users, writable
 * logs, interpreters, password files) is conf_check.h's.
 */
#ifndef PFHTTPD_CONF_H
#define PFHTTPD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct conf_listen {
	char *text;                  /* as written, e.g. "[::]:80" */
	struct sockaddr_storage addr;
	socklen_t addrlen;
	int line;
	bool proxy;                  /* a proxy_protocol.listen entry: expects a PROXY header */
};

struct conf_error_page {
	int status;                  /* 400..599 */
	char *path;                  /* URL path below document_root, starts with '/' */
	int line;                    /* of its path, for conf_check()'s messages */
};

struct ipmatch;

struct conf_cgi_handler {
	char *extension;             /* ".php", starts with '.' */
	char *interpreter;           /* absolute path */
	int line;                    /* of its interpreter, for conf_check()'s messages */
};

/* One access rule (access = ( ... )): the longest path prefix that matches wins. */
struct conf_access {
	char *path;                  /* URL prefix, normalised, starts with '/' */
	struct ipmatch *allow;       /* NULL with nallow 0: every address may pass */
	size_t nallow;
	char *realm;                 /* auth.realm; NULL: no Basic auth */
	char *user_file;             /* auth.user_file, absolute; NULL without auth */
	int line;                    /* of the rule, for messages */
	int user_file_line;          /* of auth.user_file, for conf_check()'s messages */
};

struct conf_cgi {
	bool enabled;                /* a cgi group is present */
	char *alias;                 /* URL prefix, starts and ends with '/'; default "/cgi-bin/" */
	char *directory;             /* absolute; default server_root/cgi-bin */
	struct conf_cgi_handler *handlers; size_t nhandlers;
	char *path;                  /* PATH for scripts; default "/usr/local/bin:/usr/bin:/bin" */
	bool pass_authorization;     /* pass_authorization = true exports HTTP_AUTHORIZATION; default false */
	char *user, *group;          /* suEXEC identity of the scripts; NULL: the worker's own */
	int64_t min_uid, min_gid;    /* the lowest target ids the helper accepts; 1000, 1000 */
	struct {
		int64_t cpu, memory, processes; /* 0 = no limit; defaults 30, 268435456, 64 */
	} limits;
	int line;                    /* of the cgi group (0: absent) */
	int directory_line;          /* of cgi.directory, else of the cgi group */
	int user_line;               /* of cgi.user, else of the cgi group */
	int group_line;              /* of cgi.group; 0 when not set */
};

struct conf_status {
	bool enabled;                /* a status group is present */
	char *path;                  /* URL path, normalised; default "/server-status" */
	struct ipmatch *allow;       /* clients that may see it; default 127.0.0.1, ::1 */
	size_t nallow;
	int line;                    /* of the status group, 0 when absent */
};

/*
 * What a URL path may change (issue 10): the top level's and each vhost's
 * defaults (conf_site.set), and each location's effective settings
 * (conf_location.set), merged once at load time from the top level to the
 * vhost to the location, so a request reads one struct (rq->set).
 */
struct conf_pathset {
	char **headers;              size_t nheaders;  /* "Name: value" ("Name:value" as written), added to every response */
	char **cgi_env;              size_t ncgi_env;  /* "NAME=value" (cgi_env = { NAME = "value"; }) */
	char **pass_env;             size_t npass_env; /* names taken from the server's environment */
	bool autoindex;              /* list a directory without an index file; default false */
	bool precompressed;          /* send file.br / file.gz when accepted; default false */
	char *charset;               /* added to text types; default "utf-8"; "" adds none */
	int pass_env_line;           /* of pass_env, for -t's notice about a name not set; 0: absent */
};

/*
 * One location (locations = ( ... )): an exact match first, else the longest
 * prefix (location.h).
 *
 * Merging, from the outside in: the top level's settings, then the vhost's,
 * then the location's own keys (pfhttpd.conf(5), LOCATIONS):
 *  - a scalar or string (autoindex, precompressed, charset): the innermost
 *    level that names the key wins;
 *  - a list (headers, cgi_env, pass_env): the inner level's entries are
 *    appended to the outer's, after every outer entry of the same name was
 *    removed (a header field's name in any case, an environment variable's
 *    exactly: conf_table.h's conf_entry_same). So a location can change the
 *    Cache-Control the top level sets and still keep its security headers:
 *    nginx's add_header, where one add_header in a location silently drops
 *    every inherited one, is the classic surprise this avoids; Apache's
 *    Header set in a nested section replaces the field of the same name,
 *    which is the rule here. An inherited entry cannot be removed.
 * A vhost's locations are its own, then the top level's whose path (and
 * exactness) it does not define itself; every location's set is computed
 * against the site it ends up in, so a top-level location inherited by a
 * vhost gets that vhost's charset.
 */
struct conf_location {
	char *path;                  /* URL prefix, or the whole path when exact */
	bool exact;                  /* written "= /path" (nginx's exact match) */
	struct {
		char *to;            /* a path or an absolute URL; NULL: no redirect */
		int status;          /* 301, 302, 303, 307 or 308; default 302 (Apache's Redirect) */
		bool exact;          /* true: the rest of the path and the query do not carry over */
	} redirect;
	struct conf_pathset set;     /* effective: the site's, then this location's own keys */
	int line;                    /* of the location's group */
	int path_line;               /* of its path, for messages */
	struct conf_pathset own;     /* the per-path keys the location names itself */
	uint64_t own_mask;           /* which ones (conf.c's conf_set_bit) */
};

/*
 * What one site (the top level, or one virtual host) serves and how. A
 * vhost starts as a copy of the top level's and overrides what it names.
 */
struct conf_site {
	char *server_name;           /* top level default: "localhost"; lower case in a vhost */
	char **aliases;              size_t naliases;  /* lower case; "*.example.net" wildcards */
	bool is_default;             /* default = true: the vhost for an unknown Host */
	char *document_root;         /* realpath; default: server_root/htdocs */
	char **index;                size_t nindex;    /* default: index.html, index.htm */
	struct conf_error_page *error_pages; size_t nerror_pages;
	char *access_log;            /* absolute or NULL (no access log) */
	char *error_log;             /* absolute or NULL (the top level's; stderr there) */
	struct conf_cgi cgi;
	struct conf_access *access;  size_t naccess;
	struct conf_status status;
	struct conf_pathset set;     /* this site's defaults for every path */
	struct conf_location *locations; size_t nlocations; /* file order; a vhost's own, then the top level's it did not replace */
	char *access_log_format;     /* Apache LogFormat text or a preset's name (logfmt.h); default "combined" */
	int line;                    /* of the vhost's group; 0 for the top level */
	struct {
		int access_log, error_log, document_root;
	} lines;                     /* 0 when the key is not in the file (then the top level's) */
};

struct conf {
	char *file;                  /* the config file, as given */

	struct conf_listen *listen;  size_t nlisten;   /* default: "0.0.0.0:80" (proxy listeners too) */
	char *server_root;           /* absolute; default: dirname(file) */
	char *user, *group;          /* NULL when not set */
	char *keeper_user;           /* the connection keeper's user; NULL: default (identity.h) */
	bool allow_root;             /* run everything as root on purpose; default false */
	int log_level;               /* enum log_level (log.h); default LOG_NOTICE */
	char *pid_file;              /* absolute or NULL */
	char *mime_types;            /* absolute or NULL (built-in table only) */
	char *suexec;                /* the setuid helper that runs scripts as cgi.user; default PFHTTPD_SUEXEC (Makefile) */
	bool server_tokens;          /* Server: pfhttpd/VERSION (true, default) or pfhttpd */
	struct {
		char *header;            /* "X-Forwarded-For" or "Forwarded"; NULL: no real_ip group */
		struct ipmatch *trusted; size_t ntrusted;  /* peers whose header is believed */
		int line;
	} real_ip;

	struct conf_site site;       /* the top level's site settings */
	struct conf_site *vhosts;    size_t nvhosts;   /* in file order */

	struct {
		bool enabled;            /* a userdir group is present */
		char *directory;         /* below each home, no '/' at either end: "public_html" */
		int64_t min_uid;         /* 1000 */
		char **exclude;          size_t nexclude;  /* user names */
		int line;
	} userdir;

	struct {
		struct ipmatch *trusted; size_t ntrusted;  /* who may send a PROXY header */
		int line;                /* of the proxy_protocol group, 0 when absent */
	} proxy;

	struct {
		int start, min_spare, max_spare, max, max_requests;  /* 8, 4, 16, 150, 10000 */
	} workers;
	struct {
		int header, body, keepalive, send, cgi;          /* seconds: 10, 30, 5, 30, 60 */
		int graceful;    /* seconds a graceful stop or reload waits for workers: 30 */
	} timeouts;
	struct {
		size_t request_line, header_bytes, headers;      /* 8192, 16384, 100 */
		int64_t body;                                    /* 10485760 */
		int min_send_rate, min_body_rate;  /* bytes/s over timeouts.send / .body windows; 1024, 1024; 0 off */
		int connections_per_ip;            /* open connections one address may hold; 0 (off) */
	} limits;

	/* Lines of keys whose use at run time can fail (opening a log), for
	 * FILE:LINE: messages; 0 when the key is not in the file. */
	struct {
		int pid_file, mime_types, user, group;
		int keeper_user, allow_root, log_level;
	} line;
};

/* 0 on success; -1 with "FILE:LINE: key: message" (or "FILE: message") in err. */
int conf_load(const char *file, struct conf *c, char *err, size_t errlen);

/*
 * Writes "FILE:LINE: " (or "FILE: " when line is 0) and the formatted text
 * into err, cut like snprintf(), for the modules that check a loaded conf
 * (conf_check, identity, log). Always returns -1.
 */
int conf_error(const struct conf *c, int line, char *err, size_t errlen,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

void conf_free(struct conf *c);

/* Parse "0.0.0.0:80", "[::1]:8080", "*:80", "80" into addr. 0, or -1 if malformed. */
int conf_parse_listen(const char *text, struct sockaddr_storage *addr,
		      socklen_t *addrlen);

#endif
