/*
 * cycle.h - one collection cycle of the agent: the report being built,
 * the host facts and shared settings every collector may use while adding
 * to it.  Each collector gets its own configuration section besides
 * (report.c); nothing here reaches the whole agent configuration.
 *
 * Collectors add their section to c->report (jansson, "_set_new" calls
 * that steal references; host bytes through json_str_safe()), record what
 * they could not read with cycle_error() and, in their findings pass,
 * diagnose with cycle_finding().  They never print and never exit: a failure of
 * one collector is an errors[] entry and the cycle goes on.
 */
#ifndef SPOOLWATCH_CYCLE_H
#define SPOOLWATCH_CYCLE_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "agent/json_str.h"
#include "agent/probe/initsys.h"

struct accounts;
struct mtaconf;
struct state;

struct cycle {
	const char *root;    /* "" when reading the live host's "/" */
	time_t now;          /* wall clock at the start of the cycle */
	json_t *report;      /* owned by the caller of report_build() */
	json_t *errors;      /* borrowed: report["errors"] */
	json_t *findings;    /* borrowed: report["findings"] */
	struct state *state; /* offsets; stage with state_put() */

	/* host facts, read once per cycle (cycle_host_load) for every
	 * collector: never NULL after it.  A findings pass reads the report,
	 * so a test may leave them NULL (log.syserr then knows no names). */
	struct accounts *accounts; /* ROOT/etc/passwd and etc/group */
	struct mtaconf *mta;       /* the MTA and where it queues */
	struct initsys init;       /* init system, MTA boot links (a test
	                            * leaves it zero: INITSYS_UNKNOWN) */

	/* the read buffer the cycle's readers share, one at a time
	 * (cycle_buf_take): mapped, not from the heap, so its pages go
	 * back to the kernel at the end of the cycle */
	char *rbuf;
	size_t rbuf_cap;
	int rbuf_busy;

	/* settings of one section that other collectors obey too */
	int check_network; /* [inodes] check_network: network filesystems
	                    * may be looked at (statvfs, spools on them) */

	/* queued mail (mailq.h, made from [mail] by mail_queue_new): the
	 * spool check reads the sendmail queues into it while it lists
	 * them, so that each is listed once a cycle; the mail collector
	 * reads the rest and reports it.  NULL: the mail collector reads
	 * every queue itself. */
	struct mailq *queue;
};

/*
 * cycle_host_load - read the host facts into c (c->root set): the
 * accounts and the MTA's configuration, mta_kind forcing the MTA unless
 * "auto".  What could not be read is an errors[] entry ("accounts",
 * "mta config"); the facts are then partial, never missing.
 */
void cycle_host_load(struct cycle *c, const char *mta_kind);
/* cycle_host_free - release what cycle_host_load() read. */
void cycle_host_free(struct cycle *c);

/*
 * cycle_buf_take - the cycle's read buffer, at least n bytes, for one
 * reader until its cycle_buf_put(): the readers of a cycle run one after
 * another, so one buffer (the largest any of them asked for) serves them
 * all instead of a heap buffer each (which the heap keeps once freed).
 * Its contents are undefined.  While it is taken, a reader gets a
 * mapping of its own.  Aborts when out of memory, as xmalloc().
 */
char *cycle_buf_take(struct cycle *c, size_t n);
/* cycle_buf_put - give back what cycle_buf_take(c, n) returned. */
void cycle_buf_put(struct cycle *c, char *buf, size_t n);
/* cycle_buf_release - unmap the read buffer (the end of the cycle). */
void cycle_buf_release(struct cycle *c);

/* cycle_path - the host path below --root; -1 (and an error) if too long. */
int cycle_path(struct cycle *c, char *out, size_t n, const char *hostpath);

/* cycle_error - append {source, error} to errors[]. */
void cycle_error(struct cycle *c, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * cycle_finding - append a finding.  severity is "info", "warning" or
 * "critical"; evidence (stolen; NULL for {}) holds the numbers that led to
 * it; remedy is a shell command or a sentence.  The message is formatted.
 */
void cycle_finding(struct cycle *c, const char *code, const char *severity,
                   const char *subject, json_t *evidence, const char *remedy,
                   const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* cycle_find_finding - the finding with that code and subject, or NULL. */
json_t *cycle_find_finding(struct cycle *c, const char *code,
                           const char *subject);

#endif
