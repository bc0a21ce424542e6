/*
 * suexec_check — the rules of pfhttpd-suexec; the contract is in
 * suexec_check.h. The order of the checks is Apache suexec's (support/
 * suexec.c): identity, command, location, directory, then the file.
 */
#include "suexec_check.h"

#include <string.h>

/* The floor is never 0, so no min can let a script run as root. */
_Static_assert(PFHTTPD_SUEXEC_MIN_ID >= 1, "PFHTTPD_SUEXEC_MIN_ID must keep uid and gid 0 out");

/* One id against its floor: never below min or the compiled floor (so never 0), never the caller's. */
static bool suexec_id_ok(int64_t id, int64_t min, int64_t caller)
{
	int64_t floor = min > PFHTTPD_SUEXEC_MIN_ID ? min : PFHTTPD_SUEXEC_MIN_ID;

	return id >= floor && id != caller;
}

const char *suexec_check_identity(const struct passwd *pw, const struct group *gr,
				  int64_t min_uid, int64_t min_gid,
				  uid_t caller_uid, gid_t caller_gid)
{
	if (pw == NULL)
		return SUEXEC_C_USER;
	if (gr == NULL)
		return SUEXEC_C_GROUP;
	if (!suexec_id_ok(pw->pw_uid, min_uid, caller_uid))
		return SUEXEC_C_UID;
	if (!suexec_id_ok(gr->gr_gid, min_gid, caller_gid))
		return SUEXEC_C_GID;
	return NULL;
}

/*
 * Apache refuses a leading '/', "../" and "/../"; a ".." segment anywhere
 * (the last one too: "a/..") is refused here, and openat2's RESOLVE_BENEATH
 * enforces the same again on the real file system (symbolic links too).
 */
const char *suexec_check_command(const char *cmd)
{
	const char *seg = cmd;

	if (cmd[0] == '\0' || cmd[0] == '/')
		return SUEXEC_C_COMMAND;
	for (;;) {
		size_t len = strcspn(seg, "/");

		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return SUEXEC_C_COMMAND;
		if (seg[len] == '\0')
			return len == 0 ? SUEXEC_C_COMMAND : NULL; /* "dir/": no file named */
		seg += len + 1;
	}
}

/* Real paths: "/srv/a" holds "/srv/a/b" but not "/srv/ab"; the root holds everything. */
const char *suexec_check_beneath(const char *base, const char *dir)
{
	size_t len = strlen(base);

	if (len == 1 && base[0] == '/')
		return dir[0] == '/' ? NULL : SUEXEC_C_BENEATH;
	if (strncmp(dir, base, len) != 0 || (dir[len] != '\0' && dir[len] != '/'))
		return SUEXEC_C_BENEATH;
	return NULL;
}

const char *suexec_check_dir(const struct stat *st, uid_t uid)
{
	if (!S_ISDIR(st->st_mode))
		return SUEXEC_C_DIR_TYPE;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return SUEXEC_C_DIR_WRITABLE;
	if (st->st_uid != uid)
		return SUEXEC_C_DIR_OWNER;
	return NULL;
}

/*
 * Only the owner's uid is compared, not the file's group (Apache compares
 * both): group write is refused anyway, so a file's group can only grant
 * reading, and a site whose files belong to the user's own group but run
 * as a shared cgi.group is a common layout.
 */
const char *suexec_check_script(const struct stat *st, uid_t uid, bool runs_itself)
{
	if (!S_ISREG(st->st_mode))
		return SUEXEC_C_SCRIPT_TYPE;
	if (st->st_mode & (S_ISUID | S_ISGID))
		return SUEXEC_C_SCRIPT_SETID;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return SUEXEC_C_SCRIPT_WRITABLE;
	if (st->st_uid != uid)
		return SUEXEC_C_SCRIPT_OWNER;
	/* Apache: else the only trace would be "Premature end of script headers". */
	if (runs_itself && !(st->st_mode & S_IXUSR))
		return SUEXEC_C_SCRIPT_EXEC;
	return NULL;
}

const char *suexec_check_interpreter(const char *path, const struct stat *st)
{
	if (path[0] != '/' || !S_ISREG(st->st_mode) || st->st_uid != 0 ||
	    (st->st_mode & (S_IWGRP | S_IWOTH | S_ISUID | S_ISGID)) ||
	    !(st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return SUEXEC_C_INTERPRETER;
	return NULL;
}

/* ---- the environment ------------------------------------------------------ */

/*
 * RFC 3875 4.1's meta-variables, and every other name src/cgi_env.c sets
 * (REQUEST_URI, SCRIPT_FILENAME, DOCUMENT_ROOT, REMOTE_PORT, real_ip's
 * PFHTTPD_PEER_ADDR and PFHTTPD_PEER_PORT; REDIRECT_* as a prefix). PATH
 * is not here: the helper sets its own. Other names of the server's
 * families (REMOTE_*, SERVER_*, PFHTTPD_*) are dropped, and so is what
 * suexec_env_denied() names (LD_PRELOAD, BASH_FUNC_*, IFS...): from a
 * worker that was taken over, it would steer the dynamic linker or the
 * shell of another user's script. Any other name is an administrator's
 * cgi_env or pass_env variable and passes.
 */
const char *const suexec_env_names[] = {
	"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
	"PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
	"REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD",
	"SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
	"SERVER_SOFTWARE",
	"DOCUMENT_ROOT", "REMOTE_PORT", "REQUEST_URI", "SCRIPT_FILENAME",
	"PFHTTPD_PEER_ADDR", "PFHTTPD_PEER_PORT",
	NULL,
};

/*
 * [A-Za-z_][A-Za-z0-9_]*: what cgi_env makes (HTTP_*, REDIRECT_*, the
 * meta-variables) and what the configuration lets an administrator name
 * (cgi_env, pass_env: cgi_env_name_valid). A shell can read no other.
 */
static bool suexec_env_name_ok(const char *s, size_t len)
{
	if (len == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/*
 * Names that steer what runs rather than what a script computes: the
 * dynamic linker and libc (glibc's UNSECURE_ENVVARS, sysdeps/generic/
 * unsecvars.h, which ld.so itself drops for set-ID programs: LD_*,
 * GCONV_PATH, GLIBC_TUNABLES (CVE-2023-4911), MALLOC_*, LOCPATH, NLSPATH,
 * HOSTALIASES, RES_OPTIONS, TMPDIR, TZDIR...), the shells (BASH_ENV, ENV,
 * BASH_FUNC_* (Shellshock, CVE-2014-6271), IFS, SHELLOPTS, PS4), and the
 * interpreters scripts run under (PERL5OPT, PYTHONPATH, RUBYOPT,
 * NODE_OPTIONS, PHPRC: php-cgi reads its php.ini from there), and PATH,
 * which the helper sets itself. The configuration refuses them in cgi_env
 * and pass_env (conf_keys.c), so the same rule holds with or without the
 * helper; here they are dropped whatever a worker passes.
 */
static const char *const suexec_env_deny[] = {
	"PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "CDPATH",
	"GLOBIGNORE", "GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES",
	"LOCALDOMAIN", "LOCPATH", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS",
	"TMPDIR", "TZDIR", "PHPRC", "PHP_INI_SCAN_DIR", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
	"JDK_JAVA_OPTIONS",
	/* A proxy for the script's own requests (libcurl, wget): httpoxy's lower-case twins. */
	"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "ftp_proxy",
	"FTP_PROXY", NULL,
};

static const char *const suexec_env_deny_prefix[] = {
	"LD_", "MALLOC_", "BASH_FUNC_", "PERL", "PYTHON", "RUBY", "NODE_", "DYLD_", NULL,
};

static const char *const suexec_env_families[] = { "REMOTE_", "SERVER_", "PFHTTPD_", NULL };

bool suexec_env_denied(const char *name, size_t len)
{
	for (size_t i = 0; suexec_env_deny[i]; i++)
		if (strlen(suexec_env_deny[i]) == len && memcmp(name, suexec_env_deny[i], len) == 0)
			return true;
	for (size_t i = 0; suexec_env_deny_prefix[i]; i++) {
		size_t plen = strlen(suexec_env_deny_prefix[i]);

		if (len >= plen && memcmp(name, suexec_env_deny_prefix[i], plen) == 0)
			return true;
	}
	return false;
}

bool suexec_env_allowed(const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t len;

	if (eq == NULL)
		return false;
	len = (size_t)(eq - entry);
	if (!suexec_env_name_ok(entry, len))
		return false;
	/* httpoxy (CVE-2016-5385): cgi_env never sets it; Apache's suexec drops it too. */
	if (len == 10 && memcmp(entry, "HTTP_PROXY", 10) == 0)
		return false;
	if (len >= 5 && memcmp(entry, "HTTP_", 5) == 0)
		return len > 5;
	if (len >= 9 && memcmp(entry, "REDIRECT_", 9) == 0)
		return len > 9;
	for (size_t i = 0; suexec_env_names[i]; i++)
		if (strlen(suexec_env_names[i]) == len && memcmp(entry, suexec_env_names[i], len) == 0)
			return true;
	/* The server's own families: only the names above. The configuration refuses
	 * them in cgi_env and pass_env (cgi_env_reserved), so no worker passes another. */
	for (size_t i = 0; suexec_env_families[i]; i++)
		if (len >= strlen(suexec_env_families[i]) &&
		    memcmp(entry, suexec_env_families[i], strlen(suexec_env_families[i])) == 0)
			return false;
	/* The administrator's cgi_env and pass_env variables (issue 10): any other name
	 * that steers nothing (Apache's suexec drops them, a known surprise). */
	return !suexec_env_denied(entry, len);
}

long suexec_env_filter(char *const *in, const char **out, size_t cap)
{
	size_t n = 0;

	if (cap < 2)
		return -1;
	out[n++] = "PATH=" PFHTTPD_SUEXEC_PATH;
	for (size_t i = 0; in[i]; i++) {
		if (!suexec_env_allowed(in[i]))
			continue;
		if (n + 1 >= cap)
			return -1;
		out[n++] = in[i];
	}
	out[n] = NULL;
	return (long)n;
}
