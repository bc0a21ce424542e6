/*
 * cgi_env — the environment a CGI script runs with (RFC 3875 4.1).
 *
 * Contract: builds a complete, clean environment (nothing inherited from the
 * server's own) from the parsed request and the facts the server knows.
 * Pure apart from malloc: no I/O. The result is an envp array ready for
 * execve(), in one allocation with its strings (no per-variable malloc). Security rules live here, one place: a client's Proxy field
 * never becomes HTTP_PROXY (httpoxy, CVE-2016-5385), a client's
 * Redirect-Status never reaches the script (CVE-2024-8927), Authorization is
 * passed only when configured, Proxy-Authorization never (RFC 3875 4.1.18), header names containing '_' are dropped (so
 * "X_Foo" cannot pose as "X-Foo"), and Content-Length, Content-Type and
 * Transfer-Encoding appear only as CONTENT_LENGTH / CONTENT_TYPE.
 * The administrator's own variables (cgi_env, pass_env: Apache's SetEnv
 * and PassEnv) come after the meta-variables and never replace one: the
 * configuration refuses such names (cgi_env_reserved), and a name that got
 * through anyway is dropped here.
 */
#ifndef PFHTTPD_CGI_ENV_H
#define PFHTTPD_CGI_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parse.h"

struct cgi_env_in {
	const struct http_request *hr;   /* method, proto, path and query (REQUEST_URI), headers, host */
	const char *remote_addr;
	int remote_port;
	/*
	 * With real_ip configured: the connection's own peer (after a PROXY
	 * header), given as PFHTTPD_PEER_ADDR and PFHTTPD_PEER_PORT on every
	 * request, whether or not the header named another client; NULL: not set.
	 */
	const char *peer_addr;
	int peer_port;
	int server_port;                 /* the local port the request came in on */
	const char *server_name;         /* conf server_name: used when the request has no Host */
	bool vhost;                      /* a vhost answers: SERVER_NAME is its server_name, always */
	const char *document_root;
	const char *script_name;         /* URL path of the script, e.g. "/cgi-bin/printenv" */
	const char *script_filename;     /* absolute file name of the script */
	const char *path_info;           /* decoded extra path after the script, "" if none */
	int64_t content_length;          /* body length to announce; -1: no body (unset) */
	const char *path;                /* PATH for the script */
	bool pass_authorization;         /* export HTTP_AUTHORIZATION */
	const char *auth_type;           /* NULL unless authenticated */
	const char *remote_user;         /* NULL unless authenticated */
	/*
	 * An error page run as a script (Apache's ErrorDocument): the status it
	 * answers for, 0 for an ordinary request. When set, REDIRECT_STATUS is
	 * that status (else "200") and the original request's path, query and
	 * method are given as REDIRECT_URL, REDIRECT_QUERY_STRING and
	 * REDIRECT_REQUEST_METHOD, as Apache does.
	 */
	int redirect_status;
	struct http_str redirect_url, redirect_query, redirect_method;
	const char *server_software;     /* SERVER_SOFTWARE; NULL: "pfhttpd/VERSION" */
	/* cgi_env: "NAME=value" entries, given as they are (NULL with 0: none). */
	char *const *set_env;
	size_t nset_env;
	/*
	 * pass_env: names whose value lookup() gives (getenv: the server's
	 * own environment); a name it has no value for, or one set_env
	 * already gives, is left out.
	 */
	char *const *pass_env;
	size_t npass_env;
	char *(*lookup)(const char *name);
};

struct cgi_env {
	char **envp;      /* NULL-terminated, for execve(); the strings follow it in the block */
	size_t n;
};

/* 0, or -1 on allocation failure (e is then empty and may be freed). */
int cgi_env_build(struct cgi_env *e, const struct cgi_env_in *in);

void cgi_env_free(struct cgi_env *e);

/*
 * Whether a variable named name[0..len) would shadow one this module
 * sets or may set: every meta-variable it writes (one table), and the
 * families HTTP_*, REMOTE_*, SERVER_*, REDIRECT_* and PFHTTPD_*. The
 * configuration refuses such names in cgi_env and pass_env.
 */
bool cgi_env_reserved(const char *name, size_t len);

/* A name an administrator may give a variable: [A-Za-z_][A-Za-z0-9_]*. */
bool cgi_env_name_valid(const char *name, size_t len);

/* The value of name in e, or NULL: for tests and logging. */
const char *cgi_env_get(const struct cgi_env *e, const char *name);

#endif
