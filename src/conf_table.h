/*
 * conf_table — the description of every configuration key (conf_keys.c) and
 * what the loader (conf.c) offers the keys' own checks. Private to those two
 * files; everyone else reads struct conf (conf.h).
 *
 * Contract: one row per key: its name, its type (which says how it is read,
 * stored, copied and freed), the scopes that allow it (top level, vhost), its
 * default, range and the field it fills. conf.c walks the tables generically:
 * unknown keys, scopes, types, ranges, defaults, required keys, and the copy
 * a vhost starts from all come from the rows, so a new key is one row (plus a
 * check function when its value has a shape of its own). Like nginx's
 * ngx_command_t and lighttpd's config_plugin_value_t.
 */
#ifndef PFHTTPD_CONF_TABLE_H
#define PFHTTPD_CONF_TABLE_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

enum conf_type {
	CONF_T_INT,                  /* int, min..max */
	CONF_T_SIZE,                 /* size_t, min..max */
	CONF_T_I64,                  /* int64_t, min..max */
	CONF_T_BOOL,                 /* bool */
	CONF_T_STR,                  /* char *, a non-empty string */
	CONF_T_PATH,                 /* char *, resolved against server_root */
	CONF_T_DIR,                  /* char *, a PATH that must be a directory; its realpath() */
	CONF_T_ROOT,                 /* char *, server_root: against the config file's directory */
	CONF_T_ENUM,                 /* int, one of names[] */
	CONF_T_STRS,                 /* char ** at off, size_t at count_off */
	CONF_T_ENV,                  /* a group of strings { NAME = "value"; }: stored as STRS
				      * of "NAME=value", in file order; check gets each entry */
	CONF_T_IPS,                  /* struct ipmatch * at off, size_t at count_off (ipmatch.h) */
	CONF_T_LISTEN,               /* appended to conf.listen (conf_parse_listen) */
	CONF_T_GROUP,                /* a nested group: sub */
	CONF_T_GROUPS,               /* a list of groups, each one sub: array at off, count at count_off */
};

/* Where a row's offsets point into. */
enum conf_base {
	CONF_B_CONF,                 /* struct conf */
	CONF_B_SITE,                 /* struct conf_site: conf.site, or the vhost being read */
	CONF_B_ELEM,                 /* the element of a list of groups being read */
	CONF_B_SET,                  /* struct conf_pathset: the site's (conf_site.set), or the
				      * location's being read (bases.set) */
};

/* Scopes: which levels of the file may name a key. A CONF_B_SET row (a
 * per-path setting) is allowed inside a location (CONF_LOC) without saying
 * so: a location is exactly the place to change one (conf_key_scope). */
#define CONF_TOP   1u
#define CONF_VHOST 2u
#define CONF_LOC   4u                /* inside one element of locations = ( ... ) */
#define CONF_ALL   (CONF_TOP | CONF_VHOST)

/* Row flags. */
#define CONF_F_REQUIRED  0x01u       /* absent: "KEY: required but not set" (line of its group) */
#define CONF_F_NONEMPTY  0x02u       /* a list that must not be empty (empty_msg says why) */
#define CONF_F_PROXY     0x04u       /* LISTEN: these listeners expect a PROXY header */
#define CONF_F_LATE      0x08u       /* default only when the group is present (and the field unset) */
#define CONF_F_NOINHERIT 0x10u       /* a vhost does not start with the top level's value */
#define CONF_F_GROUPLINE 0x20u       /* absent: line_off gets the line of the group instead */
#define CONF_F_EMPTY     0x40u       /* STR: "" is a value of its own (charset = "": none) */

/* No count_off / line_off: offset 0 never holds a line or a count in any of
 * our structs (each starts with a name, path, status or the file). */
#define CONF_NONE ((size_t)0)

struct conf_ctx;
struct conf_table;

/* A string's own check, after it was copied into its field (value may be
 * changed in place, e.g. lower-cased). key is the full dotted name for
 * messages. 0, or -1 with conf_err(). */
typedef int conf_check_fn(struct conf_ctx *x, const char *key, int line, char *value);

struct conf_enum {
	const char *name;
	int value;
};

struct conf_key {
	const char *name;
	enum conf_type type;
	unsigned scope;              /* CONF_TOP, CONF_VHOST or both */
	unsigned flags;              /* CONF_F_* */
	enum conf_base base;
	size_t off;                  /* the field */
	size_t count_off;            /* STRS, ENV, IPS, GROUPS: the count; GROUP: its "present" bool; else CONF_NONE */
	size_t line_off;             /* an int that gets the key's line, or CONF_NONE */
	int64_t min, max;            /* INT, SIZE, I64 */
	int64_t idflt;               /* INT, SIZE, I64, BOOL, ENUM: the default */
	const char *dflt;            /* STR, PATH, DIR, ROOT: the default (NULL: none) */
	const char *const *ldflt;    /* STRS, IPS: the default entries, NULL-terminated */
	const struct conf_enum *names; /* ENUM: NULL-terminated */
	conf_check_fn *check;        /* STR..DIR: the value; STRS, ENV: each entry */
	const char *empty_msg;       /* CONF_F_NONEMPTY: the message for an empty list */
	const struct conf_table *sub; /* GROUP, GROUPS */
};

/* Where the row being read writes, and what it is part of. */
struct conf_bases {
	struct conf *conf;
	struct conf_site *site;
	void *elem;
	struct conf_pathset *set;    /* a location's settings being read; NULL: &site->set */
	uint64_t *set_mask;          /* inside a vhost or location: bit conf_set_bit() of
				      * each CONF_B_SET row it names, else NULL */
};

/* One group being read: for a table's finish hook. */
struct conf_frame {
	const config_setting_t *grp; /* the group in the file */
	const char *prefix;          /* its dotted name, "" at the top level */
	struct conf_bases *b;
	unsigned scope;              /* CONF_TOP or CONF_VHOST */
	int line;                    /* the group's line; 0 at the top level */
	const config_setting_t *list; /* GROUPS: the list it is an element of, else NULL */
	size_t index;                /* GROUPS: its position */
};

struct conf_table {
	const struct conf_key *keys; /* ends with a row whose name is NULL */
	size_t elem_size;            /* GROUPS: the size of one element */
	size_t elem_line_off;        /* GROUPS: an int in the element for the group's line, or CONF_NONE */
	bool is_site;                /* GROUPS: elements are struct conf_site (vhosts) */
	unsigned scope;              /* GROUPS: the scope inside an element; 0 = the list's own.
				      * CONF_LOC tables hold the rows allowed in a location only. */
	/* GROUPS of locations: where an element keeps the CONF_B_SET rows it
	 * names itself (a struct conf_pathset and a uint64_t mask of them), and
	 * its effective set, which the engine frees and copies with the rest
	 * (merged by a finish hook, conf_pathset_merge). CONF_NONE elsewhere. */
	size_t own_set_off, own_mask_off, eff_set_off;
	/* GROUPS: prepares a new, zeroed element (a vhost copies the top level's site). */
	int (*init)(struct conf_ctx *x, void *elem, const struct conf_bases *b);
	/* After every key of a present group (an element) was read: relations between keys. */
	int (*finish)(struct conf_ctx *x, const struct conf_frame *f);
};

extern const struct conf_table conf_root_table;

/* ---- what conf.c offers the tables' hooks ---- */

struct conf_ctx {
	const char *file;            /* as given, for messages */
	char *err;
	size_t errlen;
	struct conf *c;
	char *dir;                   /* absolute directory of the config file */
	const char *vhost;           /* the vhost being read (its server_name), else NULL */
	size_t vhost_prefix;         /* the length of "vhosts[N]." in key names */
};

/* "FILE:LINE: " + message; always -1. */
int conf_err(struct conf_ctx *x, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int conf_line(const config_setting_t *s);
int conf_member_line(const config_setting_t *grp, const char *name);
bool conf_is_list(const config_setting_t *s);
/* Replaces *dst with a copy of src (NULL clears it). */
int conf_set(struct conf_ctx *x, char **dst, const char *src);
/* A site's owned memory, by its table rows: deep copy (without the
 * CONF_F_NOINHERIT rows) and free. */
int conf_site_copy(struct conf_ctx *x, struct conf_site *dst, const struct conf_site *src);
void conf_site_free(struct conf_site *s);
/* One element of a list of groups of table t (not a vhost), deep; on
 * failure dst owns what was copied so far (free it with its list). */
int conf_elem_copy(struct conf_ctx *x, const struct conf_table *t, void *dst, const void *src);
/*
 * Per-path settings (struct conf_pathset), driven by the CONF_B_SET rows.
 * A CONF_B_SET row's field is a scalar, a char * or a char ** with a count
 * (a list); merging relies on that.
 * merge: dst (the outer level's effective set, owned) takes the inner
 * level's own keys: a scalar or string whose bit is in mask replaces dst's;
 * a list's entries are appended after removing every dst entry of the same
 * name (conf_entry_same); a row's line (line_off, an int in the set) is
 * the innermost naming level's. Copy and free are deep.
 */
int conf_pathset_merge(struct conf_ctx *x, struct conf_pathset *dst,
		       const struct conf_pathset *own, uint64_t mask);
int conf_pathset_copy(struct conf_ctx *x, struct conf_pathset *dst,
		      const struct conf_pathset *src);
void conf_pathset_free(struct conf_pathset *set);
/* Two list entries name the same thing: "Name: value" by the name before
 * ':' in any case (a header field, RFC 9110 5.1), "NAME=value" by the name
 * before '=' exactly (an environment variable), else the whole entry. */
bool conf_entry_same(const char *a, const char *b);

/* Appends a listener to conf.listen (key names it in messages). */
int conf_add_listen(struct conf_ctx *x, const char *key, const char *text,
		    int line, bool proxy);

#endif
