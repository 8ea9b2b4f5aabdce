/*
 * exim_log.h - Exim's main log, panic log and msglog lines: one line in,
 * one mail event out, in the event model of syslog_parse.h so that
 * signatures (event_sig.h) and findings treat them like sendmail's and
 * postfix's.  Pure: no files, no allocation; text fields are spans into
 * the caller's line.
 *
 * Lines it reads (Exim 4.96, log_file_path = /var/log/exim4/%slog):
 *
 *   2026-12-01 09:21:52 1xYK3c-0002Ih-2I == ops@example.net R=smarthost
 *     T=remote_smtp defer (111): Connection refused
 *   2026-12-01 09:21:53 1xYK3d-0002Jv-0q ** nosuchuser@host1.localdomain:
 *     Unrouteable address
 *   2026-12-01 09:21:53 1xYK3d-0002Kh-1p Failed to create spool file
 *     /var/spool/exim4//input//1xYK3d-0002Kh-1p-D: Permission denied
 *
 * The stamp may carry a zone ("+0100", log_timezone) and milliseconds
 * (log_selector +millisec), then "[pid]" (+pid); Exim 4.97+ ids are
 * longer.  The same text as syslog carries it (syslog_timestamp, the
 * default) is the message of "exim[305]: 2016-12-19 16:24:05 ...", so
 * exim_log_parse() also takes a message with no stamp.
 */
#ifndef SPOOLWATCH_EXIM_LOG_H
#define SPOOLWATCH_EXIM_LOG_H

#include <stddef.h>

#include "agent/parse/syslog_parse.h"

/* What the line records. */
enum exim_op {
	EXIM_OP_NONE = 0,  /* nothing spoolwatch reads */
	EXIM_OP_ARRIVAL,   /* "<=" */
	EXIM_OP_DELIVERY,  /* "=>", "->", ">>", "*>" */
	EXIM_OP_DEFER,     /* "==": a temporary failure */
	EXIM_OP_FAIL,      /* "**": a permanent failure, bounced */
	EXIM_OP_COMPLETED, /* the message left the queue */
	EXIM_OP_FROZEN,    /* "Frozen", "Frozen (delivery error message)" */
	EXIM_OP_SPOOL,     /* the spool could not be written or read */
	EXIM_OP_ERROR,     /* any other error Exim logs (log files, config) */
	EXIM_OP_PANIC,     /* a paniclog entry (exim_log_parse's panic) */
};

struct exim_line {
	enum exim_op op;
	struct sl_event ev;  /* kind, ts, program "exim", pid, queue_id,
	                      * message, to, relay (H= or T=), stat (the
	                      * reason), errno_text, path, stage, euid, gid */
	struct sl_span addr; /* the address after the flag (<= the sender) */
	struct sl_span router, transport;
	long code; /* "defer (111)": 111; 0 when absent */
	int has_code;
	int retry_wait;   /* "retry time not (yet) reached": Exim waits,
	                   * the cause is an earlier deferral */
	int repeat;       /* "Message is frozen": a queue run skipping it */
	int continuation; /* no stamp: more text of the entry before */
};

/*
 * exim_log_parse - one line (no trailing newline).  panic: the line is
 * from paniclog (every entry is SL_PANIC, EXIM_OP_PANIC).  Returns the
 * event kind (SL_NONE for arrivals, deliveries and the rest; x->op tells
 * what the line was).  A line with no stamp is taken as text after one
 * (syslog's message) unless panic is set, where it is a continuation.
 */
enum sl_kind exim_log_parse(const char *p, size_t n, struct sl_clock *clk,
                            int panic, struct exim_line *x);

/*
 * exim_stamp - the "YYYY-MM-DD HH:MM:SS[.mmm][ +ZZZZ]" at p; its length,
 * and the time in *ts, or 0 when there is none.
 */
size_t exim_stamp(const char *p, size_t n, struct sl_clock *clk, time_t *ts);

/* The last delivery error of one message, from its msglog file. */
struct exim_msglog {
	time_t ts;             /* of that line; -1 none */
	struct sl_span addr;   /* the recipient it concerns */
	struct sl_span reason; /* "Connection refused", "Unrouteable address" */
	int fail;              /* permanent ("routing failed", "**"), else a
	                        * deferral */
	int retry_wait;        /* the reason is only "retry time not reached" */
	struct sl_span cause;  /* the last reason that is not a retry wait */
	int frozen;            /* a "*** Frozen" line follows the last try */
	struct sl_span frozen_note; /* "delivery error message", or empty */
	size_t lines;
};

/*
 * exim_msglog_parse - read a msglog file (len bytes): its last delivery
 * error and whether the message was frozen after it.  0 when there is an
 * error or a freeze in it, -1 when there is neither.
 */
int exim_msglog_parse(const char *buf, size_t len, struct sl_clock *clk,
                      struct exim_msglog *out);

#endif
