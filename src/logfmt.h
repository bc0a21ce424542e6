/*
 * logfmt — the access log's format: Apache's LogFormat language
 * (mod_log_config), compiled once and rendered per request.
 *
 * Contract: pure (no I/O, no allocation, no global state). logfmt_compile()
 * turns a format (or the name of a preset) into a small program, a fixed
 * size struct, or refuses it with a message naming the offending directive;
 * the configuration check calls it, so a bad format is a FILE:LINE error at
 * -t and at start. logfmt_render() runs the program over one request's
 * record into the caller's buffer: one line ending in '\n', every
 * substituted value escaped with log_escape() (Apache's ap_escape_logitem),
 * so nothing a client or a script sends can end the line, forge another or
 * reach a terminal as a control sequence. A value longer than its share is
 * cut at a whole escape (the request line at 4096 bytes, the user at 1024,
 * a field at 2048, as the fixed Combined line always did), and the whole
 * line at the buffer's size; the line always ends in '\n'.
 *
 * What pfhttpd deliberately does not offer (a compile error says so):
 * %O/%I/%S (header bytes are not counted: use %b), %{c}a/%{c}h, status
 * conditions (%400,501{...}i), %k, %L, %X, %R, %C, %n, %f, %V, %A.
 */
#ifndef PFHTTPD_LOGFMT_H
#define PFHTTPD_LOGFMT_H

#include <stddef.h>
#include <stdint.h>

#include "log.h"

/* The format a site logs in unless it names another (unchanged since issue 1). */
#define LOGFMT_DEFAULT "combined"

#define LOGFMT_MAX_OPS  128          /* directives plus text pieces */
#define LOGFMT_MAX_TEXT 1024         /* literal text and arguments, in bytes */
#define LOGFMT_LINE_MAX 16384        /* the longest line log.c renders */

/* What a format needs beyond the fields the caller always fills (log.h's record). */
#define LOGFMT_NEED_USEC   0x01u     /* %D %T: r->usec */
#define LOGFMT_NEED_LOOKUP 0x02u     /* %{X}i (other than Referer, User-Agent), %{X}o, %{X}e */
#define LOGFMT_NEED_PID    0x04u     /* %P: r->pid */

struct logfmt_op {
	uint8_t kind;                /* enum logfmt_kind (logfmt.c) */
	uint8_t arg;                 /* a directive's variant: lookup kind, time unit */
	uint16_t off, len;           /* its text or argument in logfmt.text */
	uint16_t cap;                /* the most escaped bytes its value may take */
};

struct logfmt {
	size_t nops;
	unsigned needs;              /* LOGFMT_NEED_* */
	struct logfmt_op ops[LOGFMT_MAX_OPS];
	char text[LOGFMT_MAX_TEXT];
	size_t text_len;
};

/* The text of a preset ("combined", "common", "vhost_combined"), or NULL. */
const char *logfmt_preset(const char *name);

/*
 * Compile format (a preset's name, or LogFormat text) into f. 0, or -1
 * with a message (no "FILE:LINE:", the caller adds it) in err.
 */
int logfmt_compile(struct logfmt *f, const char *format, char *err, size_t errlen);

/*
 * Render r with f into buf (cap >= 2): one line ending in '\n', never
 * more than cap bytes, no NUL added. Returns its length.
 */
size_t logfmt_render(const struct logfmt *f, const struct log_access_rec *r, char *buf, size_t cap);

#endif
