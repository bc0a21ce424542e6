/*
 * The access-log format (logfmt.c) on any bytes: the input is a format, a
 * NUL, then the record's strings (client, request line, user, Referer,
 * User-Agent, server name, and the value every %{X}i/o/e finds), NUL
 * apart. A format compiles or is refused with a message; a compiled one
 * renders, into a buffer whose size the input's hash picks, one line: no
 * more than the buffer, ending in its only '\n', with no other control
 * byte (a tab only where the format itself asked for one), whatever the
 * record holds. That is logfmt.h's promise that nothing a client sends
 * can forge a line.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "logfmt.h"

static const char *fuzz_value;
static size_t fuzz_value_len;

static const char *lookup(void *ctx, char kind, const char *name, size_t *len)
{
	(void)ctx;
	(void)name;
	FUZZ_ASSERT(kind == 'i' || kind == 'o' || kind == 'e');
	*len = fuzz_value_len;
	return fuzz_value;
}

/* The next NUL-ended piece of data[*at..size), or NULL past the end; *len its length. */
static const char *piece(const uint8_t *data, size_t size, size_t *at, size_t *len)
{
	const uint8_t *p = data + *at, *nul;

	if (*at >= size)
		return NULL;
	nul = memchr(p, 0, size - *at);
	*len = nul ? (size_t)(nul - p) : size - *at;
	*at += *len + 1;
	return (const char *)p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct logfmt f;
	static char fmt[4096], user[256], client[64], server[64], out[LOGFMT_LINE_MAX];
	struct log_access_rec r = { .lookup = lookup };
	size_t at = 0, len = 0, n, cap;
	const char *p = piece(data, size, &at, &len);
	char err[256];
	bool tab;

	if (!p || len >= sizeof(fmt))
		return 0;
	memcpy(fmt, p, len);
	fmt[len] = '\0';
	err[0] = '\0';
	if (logfmt_compile(&f, fmt, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(err[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(f.nops <= LOGFMT_MAX_OPS && f.text_len <= LOGFMT_MAX_TEXT);
	/* The record: C strings where log.h has them, spans where it has spans. */
	if ((p = piece(data, size, &at, &len)) && len < sizeof(client)) {
		memcpy(client, p, len);
		client[len] = '\0';
		r.client = client;
	}
	r.request_line = piece(data, size, &at, &r.request_line_len);
	if ((p = piece(data, size, &at, &len)) && len < sizeof(user)) {
		memcpy(user, p, len);
		user[len] = '\0';
		r.user = user;
	}
	r.referer = piece(data, size, &at, &r.referer_len);
	r.user_agent = piece(data, size, &at, &r.user_agent_len);
	if ((p = piece(data, size, &at, &len)) && len < sizeof(server)) {
		memcpy(server, p, len);
		server[len] = '\0';
		r.server_name = server;
	}
	fuzz_value = piece(data, size, &at, &fuzz_value_len);
	r.when = (time_t)(fuzz_hash(data, size) % 4000000000u);
	r.status = (int)(fuzz_hash(data, size) % 1000);
	r.bytes = fuzz_hash(data, size) >> 3;
	r.usec = fuzz_hash(data, size) >> 5;
	r.port = (int)(size % 65536);
	r.client_port = (int)(at % 65536);
	r.pid = 4242;
	cap = 2 + (size_t)(fuzz_hash(data, size) % (sizeof(out) - 1));
	n = logfmt_render(&f, &r, out, cap);
	FUZZ_ASSERT(n >= 1 && n <= cap);
	FUZZ_ASSERT(out[n - 1] == '\n');
	tab = strchr(fmt, '\t') || strstr(fmt, "\\t");
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char ch = (unsigned char)out[i];
		FUZZ_ASSERT(ch != '\n' && ch != '\r' && ch != 0x7f);
		FUZZ_ASSERT(ch >= 0x20 || (ch == '\t' && tab));
	}
	return 0;
}
