/*
 * keeper — the connection keeper: one small process that holds client
 * connections on which nothing is happening yet (idle keep-alive, a request
 * head still trickling in), so that they do not each hold a worker.
 *
 * Contract: connections arrive from workers on the inbox (handoff_recv) with
 * the bytes read so far and a deadline. The keeper waits for all of them in
 * one epoll, never blocking on a client. A connection leaves in one of three
 * ways: its request head is complete (or can never be valid, see
 * handoff_head_ready) and it is passed to a worker of the current generation
 * through the outbox with every byte read; its deadline passes with bytes
 * read, and it is passed on the same way so the worker answers 408; or it is
 * closed without a word (the client went away, or its deadline passed before
 * it sent anything). The keeper never parses, answers or logs requests. It
 * owns the connections it holds and keeps their number in g->keeper_conns;
 * closing one counted in the address table (HANDOFF_COUNTED), it uncounts it.
 * The master supervises it: it exits when the master's ctl socket reaches
 * end-of-file or on SIGTERM, SIGINT or SIGQUIT, closing every connection.
 */
#ifndef PFHTTPD_KEEPER_H
#define PFHTTPD_KEEPER_H

struct sb_global;

struct keeper_args {
	int inbox;          /* receive end: connections from workers (handoff_recv) */
	int outbox;         /* send end: connections to current-generation workers (handoff_send) */
	int ctl;            /* from the master (ctl_recv): CTL_OUTBOX replaces outbox (close the old), CTL_LOGS -> log_adopt(err, acc) using flags bits */
	struct sb_global *g; /* the keeper stores how many connections it holds in g->keeper_conns; may be NULL */
	struct sb_iptab *ips; /* uncounts a HANDOFF_COUNTED connection it closes (scoreboard.h); may be NULL */
};

/*
 * Run the keeper until told to stop. The caller (the master, after fork)
 * has set the process title, dropped privileges and set PR_SET_PDEATHSIG;
 * keeper_main sets its own signal handling and raises its descriptor limit.
 */
void keeper_main(const struct keeper_args *a) __attribute__((noreturn));

#endif
