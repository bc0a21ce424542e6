/*
 * notify — tell systemd about the service's state (sd_notify(3) protocol),
 * for a Type=notify unit: READY=1, RELOADING=1, STOPPING=1.
 *
 * Contract: a no-op unless $NOTIFY_SOCKET names a unix datagram socket (a
 * path, or "@name" for the abstract namespace). Written in a few lines, as
 * the protocol allows, so pfhttpd does not link libsystemd. Failures are
 * ignored: systemd's own timeout reports a service that never said READY.
 */
#ifndef PFHTTPD_NOTIFY_H
#define PFHTTPD_NOTIFY_H

/* Send state ("READY=1\nMAINPID=123"); takes the socket name once, at the first call. */
void notify_send(const char *state);

#endif
