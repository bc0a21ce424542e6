/*
 * unit_addr — a socket address from text, for suites that hand a module a
 * peer or local address: text with ':' is AF_INET6, other text AF_INET;
 * text that is not an address fails the case. Shared by check_access,
 * check_ipmatch and check_handoff.
 */
#ifndef PFHTTPD_TESTS_UNIT_ADDR_H
#define PFHTTPD_TESTS_UNIT_ADDR_H

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

static inline struct sockaddr_storage unit_addr(const char *text, int port)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof ss);
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		ck_assert_int_eq(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		ck_assert_int_eq(inet_pton(AF_INET, text, &s4->sin_addr), 1);
	}
	return ss;
}

#endif
