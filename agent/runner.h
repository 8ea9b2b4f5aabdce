/*
 * runner.h - one cycle of the agent and where its report goes: printed,
 * delivered, or kept in the outbox, and the offsets committed only once
 * the report is durable.
 *
 * Durability rule: state_commit() runs after the collector answered 200
 * for the report, or after it sits fsync'd in the outbox (or rejected/),
 * or after it was printed with --stdout --commit-state; in every other
 * case the staged offsets are discarded and the next cycle reads the same
 * lines again (the collector deduplicates events by id).  A report is
 * sent directly only when the outbox is empty; otherwise it joins the
 * queue, so reports always arrive in the order they were made.
 */
#ifndef SPOOLWATCH_RUNNER_H
#define SPOOLWATCH_RUNNER_H

#include <stddef.h>
#include <stdint.h>

struct agent_config;
struct deliver;
struct outbox;
struct state;
struct statedir;

enum run_status {
	RUN_DELIVERED, /* printed, or accepted by the collector */
	RUN_QUEUED,    /* safe in the outbox, sent later */
	RUN_REJECTED,  /* refused for good by the collector (400/413) */
	RUN_FAILED,    /* no report, or it could not be made durable */
};

struct runner {
	const struct agent_config *cfg; /* borrowed */
	int to_stdout;                  /* --stdout */
	int commit_stdout;              /* --commit-state */
	int (*stop)(void);              /* 1 when the agent should stop now */
	int daemon; /* retries are timed (else: the next run) */
	struct statedir *sd;
	struct state *st;
	struct outbox *ob;  /* NULL with --stdout */
	struct deliver *dl; /* NULL with --stdout */
	unsigned failures;  /* consecutive retryable failures */
	int64_t retry_at;   /* monotonic ms of the next attempt; 0: now */
};

int runner_open(struct runner *r, const struct agent_config *cfg, int to_stdout,
                int commit_stdout, int (*stop)(void), char *err, size_t errlen);
/* runner_cycle - build one report and print, deliver or queue it. */
enum run_status runner_cycle(struct runner *r);
/* runner_flush - send queued reports, oldest first, until one fails.
 * Returns how many are left. */
size_t runner_flush(struct runner *r);
/* runner_pending - reports waiting in the outbox. */
size_t runner_pending(const struct runner *r);
/* runner_reconfigure - switch to cfg (SIGHUP); on error the runner keeps
 * its old configuration and -1 says why. */
int runner_reconfigure(struct runner *r, const struct agent_config *cfg,
                       char *err, size_t errlen);
void runner_close(struct runner *r);

/* agent_random - 64 random bits (compat_random, falling back to a PRNG). */
uint64_t agent_random(void);

#endif
