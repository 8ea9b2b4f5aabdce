/*
 * daemon.h - the agent without --once: scheduling and signals.
 *
 * The first cycle starts after a random delay in [0, splay]; each next
 * one is scheduled one jittered period later (the interval, +/- 10 %,
 * DAEMON_JITTER_PCT), counted from when the previous one was due, so a
 * fleet restarted at once spreads out and stays spread.  A cycle that
 * runs past the time the next one is due is logged and the missed
 * cycles are skipped, never stacked.  Between cycles the process sleeps
 * in sigtimedwait(2) until the next cycle or the next outbox retry,
 * whichever comes first: no other timer, no CPU; the heap the cycle
 * freed is handed back to the kernel (malloc_trim) before it sleeps.
 *
 * SIGTERM and SIGINT end the loop (a transfer in progress is abandoned
 * and its report kept in the outbox); exit status 0.  SIGHUP reloads the
 * configuration through the reload callback; a bad file is logged and
 * the old configuration stays.
 */
#ifndef SPOOLWATCH_DAEMON_H
#define SPOOLWATCH_DAEMON_H

#include <stdint.h>

struct agent_config;
struct runner;

#define DAEMON_JITTER_PCT 10

/* daemon_splay_ms - the initial delay, uniform in [0, splay_s] seconds. */
long long daemon_splay_ms(long long splay_s, uint64_t rnd);
/* daemon_period_ms - one period: interval_s +/- DAEMON_JITTER_PCT %. */
long long daemon_period_ms(long long interval_s, uint64_t rnd);

/* daemon_block_signals - block SIGTERM, SIGINT, SIGHUP (and ignore
 * SIGPIPE); they are taken with sigtimedwait() or daemon_stopping(). */
void daemon_block_signals(void);
/* daemon_stopping - 1 once SIGTERM or SIGINT arrived (also while the
 * signal is still pending during a cycle). */
int daemon_stopping(void);

/*
 * daemon_loop - run cycles until SIGTERM/SIGINT.  reload (on SIGHUP)
 * loads a new configuration into *next and returns 0, or -1 with err;
 * the loop then hands it to the runner and swaps it with *cfg.
 */
int daemon_loop(struct runner *r, struct agent_config *cfg,
                int (*reload)(struct agent_config *next, char *err,
                              size_t errlen));

#endif
