/*
 * daemon.c - the daemon loop: splay, jittered period, overrun skipping,
 * retries of the outbox, SIGTERM/SIGINT/SIGHUP (see daemon.h).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "agent/agent_config.h"
#include "agent/daemon.h"
#include "agent/runner.h"
#include "common/compat.h"
#include "common/log.h"
#include "common/timeutil.h"

static volatile sig_atomic_t stopping;

long long
daemon_splay_ms(long long splay_s, uint64_t rnd)
{
	if (splay_s <= 0)
		return 0;
	return (long long)(rnd % (uint64_t)(splay_s * 1000 + 1));
}

long long
daemon_period_ms(long long interval_s, uint64_t rnd)
{
	long long ms = interval_s * 1000;
	long long span = ms * DAEMON_JITTER_PCT / 100;

	return ms - span + (long long)(rnd % (uint64_t)(2 * span + 1));
}

static void
agent_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

void
daemon_block_signals(void)
{
	sigset_t set;

	agent_sigset(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
daemon_stopping(void)
{
	sigset_t p;

	if (stopping)
		return 1;
	if (sigpending(&p) == 0 &&
	    (sigismember(&p, SIGTERM) == 1 || sigismember(&p, SIGINT) == 1))
		return 1;
	return 0;
}

static void
do_reload(struct runner *r, struct agent_config *cfg,
          int (*reload)(struct agent_config *, char *, size_t))
{
	struct agent_config next, old;
	char err[1024];

	if (reload(&next, err, sizeof(err)) == -1) {
		log_err("SIGHUP: configuration not reloaded, keeping the "
		        "running one: %s",
		        err);
		return;
	}
	if (runner_reconfigure(r, &next, err, sizeof(err)) == -1) {
		log_err("SIGHUP: configuration not applied, keeping the "
		        "running one: %s",
		        err);
		agent_config_free(&next);
		return;
	}
	old = *cfg;
	*cfg = next;
	r->cfg = cfg;
	agent_config_free(&old);
	log_info("SIGHUP: configuration reloaded from %s (server %s, "
	         "interval %llds)",
	         cfg->config_path ? cfg->config_path : "built-in defaults",
	         cfg->server ? cfg->server : "-", cfg->interval);
}

int
daemon_loop(struct runner *r, struct agent_config *cfg,
            int (*reload)(struct agent_config *, char *, size_t))
{
	sigset_t set;
	int64_t now, wake, next_cycle;
	long long first;

	agent_sigset(&set);
	r->daemon = 1;
	first = daemon_splay_ms(cfg->splay, agent_random());
	next_cycle = time_mono_ms() + first;
	log_info("started: first cycle in %.1fs, then every %llds "
	         "(+/- %d%%)%s%s",
	         first / 1000.0, cfg->interval, DAEMON_JITTER_PCT,
	         r->to_stdout ? "" : "; reporting to ",
	         r->to_stdout ? "" : cfg->server);

	for (;;) {
		struct timespec ts;
		int sig;

		now = time_mono_ms();
		wake = next_cycle;
		if (runner_pending(r) > 0 && r->retry_at < wake)
			wake = r->retry_at;
		if (wake < now)
			wake = now;
		ts.tv_sec = (time_t)((wake - now) / 1000);
		ts.tv_nsec = (long)((wake - now) % 1000) * 1000000L;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT) {
			stopping = 1;
			log_info("%s: stopping; %zu report(s) in the outbox",
			         sig == SIGTERM ? "SIGTERM" : "SIGINT",
			         runner_pending(r));
			return 0;
		}
		if (sig == SIGHUP) {
			long long old_interval = cfg->interval;
			do_reload(r, cfg, reload);
			now = time_mono_ms();
			if (cfg->interval < old_interval &&
			    next_cycle > now + cfg->interval * 1000)
				next_cycle =
				    now + daemon_period_ms(cfg->interval,
				                           agent_random());
			continue;
		}
		if (sig == -1 && errno != EAGAIN && errno != EINTR) {
			log_warn("sigtimedwait");
			return 1;
		}
		now = time_mono_ms();
		if (now >= next_cycle) {
			int64_t due = next_cycle, end;
			unsigned skipped = 0;

			runner_cycle(r);
			/* give the cycle's freed heap back before sleeping */
			compat_malloc_trim();
			end = time_mono_ms();
			next_cycle = due + daemon_period_ms(cfg->interval,
			                                    agent_random());
			while (next_cycle <= end) {
				next_cycle += daemon_period_ms(cfg->interval,
				                               agent_random());
				skipped++;
			}
			if (skipped)
				log_warnx("the cycle took %.1fs, longer than "
				          "the interval (%llds): skipped %u "
				          "cycle(s)",
				          (end - due) / 1000.0, cfg->interval,
				          skipped);
			/* the last thing before the wait: what a test (or an
			 * operator) waits for to know the daemon is idle */
			log_info("cycle done in %.1fs; next cycle in %llds",
			         (end - due) / 1000.0,
			         (long long)((next_cycle - end + 999) / 1000));
		} else if (runner_pending(r) > 0 && now >= r->retry_at) {
			runner_flush(r);
		}
	}
}
