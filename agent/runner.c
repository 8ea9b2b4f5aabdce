/*
 * runner.c - a cycle's report to its destination, with the durability
 * rule of runner.h, and the outbox flush with exponential backoff.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent_config.h"
#include "agent/ship/deliver.h"
#include "agent/json_out.h"
#include "agent/limits.h"
#include "agent/ship/outbox.h"
#include "agent/report.h"
#include "agent/runner.h"
#include "agent/ship/state.h"
#include "agent/ship/statedir.h"
#include "common/compat.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/timeutil.h"

/* State key of the count of reports the outbox cap dropped that no
 * delivered or queued report has reported yet. */
#define DROPPED_KEY "outbox:dropped"

uint64_t
agent_random(void)
{
	static uint64_t x;
	uint64_t v;

	if (compat_random(&v, sizeof(v), 1) == 0)
		return v;
	/* no entropy yet (early boot): xorshift seeded by time and pid */
	if (x == 0)
		x = (uint64_t)time_real_ms() ^ ((uint64_t)getpid() << 32) ^
		    0x9e3779b97f4a7c15ULL;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

int
runner_open(struct runner *r, const struct agent_config *cfg, int to_stdout,
            int commit_stdout, int (*stop)(void), char *err, size_t errlen)
{
	char warn[1024];
	int writes = !to_stdout || commit_stdout;

	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->to_stdout = to_stdout;
	r->commit_stdout = commit_stdout;
	r->stop = stop;
	r->sd = statedir_open(cfg->state_dir, 1, writes, err, errlen);
	if (r->sd == NULL)
		goto fail;
	r->st = state_open(cfg->state_dir, warn, sizeof(warn), err, errlen);
	if (r->st == NULL)
		goto fail;
	if (warn[0])
		log_warnx("%s", warn);
	if (!to_stdout) {
		r->ob = outbox_open(cfg->state_dir, cfg->outbox_max_bytes, err,
		                    errlen);
		if (r->ob == NULL)
			goto fail;
		r->dl = deliver_new(cfg, err, errlen);
		if (r->dl == NULL)
			goto fail;
		deliver_set_stop(r->dl, stop);
		if (outbox_count(r->ob) > 0)
			log_info("outbox: %zu report(s), %lld bytes waiting "
			         "for %s",
			         outbox_count(r->ob), outbox_bytes(r->ob),
			         deliver_url(r->dl));
	}
	return 0;
fail:
	runner_close(r);
	return -1;
}

void
runner_close(struct runner *r)
{
	deliver_free(r->dl);
	outbox_close(r->ob);
	state_close(r->st);
	statedir_close(r->sd);
	r->dl = NULL;
	r->ob = NULL;
	r->st = NULL;
	r->sd = NULL;
}

size_t
runner_pending(const struct runner *r)
{
	return r->ob ? outbox_count(r->ob) : 0;
}

/* commit - the report is durable: advance the offsets. */
static void
commit(struct runner *r)
{
	char err[1024];

	if (state_commit(r->st, err, sizeof(err)) == -1)
		log_warnx("cannot save the offsets (the next report repeats "
		          "events, the collector drops the duplicates): %s",
		          err);
}

/* add_dropped - remember n more reports lost to the outbox cap, to be
 * told in the next report (staged: committed with the current one). */
static void
add_dropped(struct runner *r, unsigned n)
{
	json_t *v = state_get(r->st, DROPPED_KEY);
	json_int_t cur = json_is_integer(v) ? json_integer_value(v) : 0;

	log_warnx("outbox: over outbox_max_bytes (%lld); dropped %u report(s)",
	          r->cfg->outbox_max_bytes, n);
	state_put(r->st, DROPPED_KEY, json_integer(cur + n));
}

static void
note_retry(struct runner *r, const struct deliver_result *res)
{
	long long delay, min_ms = r->cfg->retry_min * 1000;

	r->failures++;
	delay = deliver_backoff_ms(r->failures, min_ms,
	                           r->cfg->retry_max * 1000, agent_random());
	if (res->retry_after > 0 && delay < res->retry_after * 1000) {
		long long ra = res->retry_after * 1000;
		/* not before the collector asked, spread over a quarter */
		delay =
		    ra + (long long)(agent_random() % (uint64_t)(ra / 4 + 1));
	}
	r->retry_at = time_mono_ms() + delay;
	if (r->daemon)
		log_warnx("delivery failed: %s; %zu report(s) kept in the "
		          "outbox, next attempt in %llds",
		          res->why, outbox_count(r->ob), (delay + 999) / 1000);
	else
		log_warnx("delivery failed: %s; %zu report(s) kept in the "
		          "outbox",
		          res->why, outbox_count(r->ob));
}

static void
note_auth(struct runner *r, const struct deliver_result *res)
{
	r->failures = 0;
	r->retry_at = time_mono_ms() + r->cfg->interval * 1000;
	log_err("THE COLLECTOR REFUSES OUR TOKEN: %s from %s; %zu report(s) "
	        "kept in the outbox and retried every %llds - fix token or "
	        "token_file and reload (SIGHUP)",
	        res->why, deliver_url(r->dl), outbox_count(r->ob),
	        r->cfg->interval);
}

static void
note_ok(struct runner *r)
{
	r->failures = 0;
	r->retry_at = 0;
}

size_t
runner_flush(struct runner *r)
{
	struct deliver_result res;
	char id[UUID_STR_LEN], err[1024], *data;
	size_t n, sent = 0;

	while (outbox_count(r->ob) > 0) {
		if (r->stop && r->stop())
			break;
		if (outbox_oldest(r->ob, &data, &n, id, err, sizeof(err)) ==
		    -1) {
			log_warnx("outbox: %s; moving it to rejected/", err);
			if (outbox_reject(r->ob, err, sizeof(err)) == -1)
				log_warnx("outbox: %s", err);
			continue;
		}
		deliver_post(r->dl, id, data, n, &res);
		free(data);
		if (res.cls == DELIVER_OK) {
			if (outbox_done(r->ob, err, sizeof(err)) == -1)
				log_warnx("outbox: %s", err);
			log_debug("report %s delivered from the outbox (%s)",
			          id, res.why);
			note_ok(r);
			sent++;
		} else if (res.cls == DELIVER_DROP) {
			log_err("the collector rejected report %s for good "
			        "(%s); moved to outbox/rejected/",
			        id, res.why);
			if (outbox_reject(r->ob, err, sizeof(err)) == -1)
				log_warnx("outbox: %s", err);
		} else {
			if (res.cls == DELIVER_AUTH)
				note_auth(r, &res);
			else
				note_retry(r, &res);
			break;
		}
	}
	if (sent > 0)
		log_info("outbox: delivered %zu queued report(s), %zu left",
		         sent, outbox_count(r->ob));
	return outbox_count(r->ob);
}

/* enqueue - store the report; 0 when durable (stored, or dropped by the
 * cap with the loss counted), -1 when not. */
static int
enqueue(struct runner *r, const char *id, unsigned carried,
        const struct strbuf *gz)
{
	char err[1024];
	unsigned dropped;
	int rc;

	rc = outbox_add(r->ob, id, carried, gz->buf, gz->len, &dropped, err,
	                sizeof(err));
	if (rc == -1) {
		log_err("cannot keep report %s in the outbox: %s; its events "
		        "will be read again next cycle",
		        id, err);
		return -1;
	}
	if (rc == 1)
		log_err("report %s (%zu bytes) alone is larger than "
		        "outbox_max_bytes (%lld); dropped",
		        id, gz->len, r->cfg->outbox_max_bytes);
	if (dropped > 0)
		add_dropped(r, dropped);
	return 0;
}

static enum run_status
print_report(struct runner *r, json_t *report)
{
	if (json_out_dumpf(report, stdout,
	                   JSON_INDENT(2) | JSON_ENSURE_ASCII) == -1 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) == EOF) {
		log_warn("writing the report to standard output");
		state_discard(r->st);
		return RUN_FAILED;
	}
	if (r->commit_stdout)
		commit(r);
	else
		state_discard(r->st);
	return RUN_DELIVERED;
}

enum run_status
runner_cycle(struct runner *r)
{
	struct deliver_result res;
	struct strbuf gz;
	char err[1024];
	const char *id;
	json_t *report, *v;
	json_int_t carried;
	enum run_status rs;

	report = report_build(r->cfg, r->st);
	if (report == NULL) {
		log_err("could not build the report");
		state_discard(r->st);
		return RUN_FAILED;
	}
	v = state_get(r->st, DROPPED_KEY);
	carried = json_is_integer(v) ? json_integer_value(v) : 0;
	if (carried < 0 || carried > (json_int_t)AGENT_MAX_CARRIED_DROPS)
		carried = 0;
	json_object_set_new(report, "outbox_dropped", json_integer(carried));
	if (r->to_stdout) {
		if (r->commit_stdout && carried > 0)
			state_put(r->st, DROPPED_KEY, NULL);
		rs = print_report(r, report);
		json_decref(report);
		return rs;
	}
	/* from here on, the count travels with this report */
	if (carried > 0)
		state_put(r->st, DROPPED_KEY, NULL);

	strbuf_init(&gz, STRBUF_MAX_REPORT);
	id = json_string_value(json_object_get(report, "report_id"));
	if (id == NULL || deliver_encode(report, &gz, err, sizeof(err)) == -1) {
		log_err("report: %s", id ? err : "no report_id");
		state_discard(r->st);
		json_decref(report);
		strbuf_free(&gz);
		return RUN_FAILED;
	}

	/* the queued reports go first: sending them may free the space
	 * (a full state_dir) that keeping this one needs */
	if (outbox_count(r->ob) > 0 && time_mono_ms() >= r->retry_at)
		runner_flush(r);
	if (outbox_count(r->ob) > 0 || time_mono_ms() < r->retry_at) {
		/* behind others, or backing off: queue it, keep the order */
		if (enqueue(r, id, (unsigned)carried, &gz) == -1) {
			state_discard(r->st);
			rs = RUN_FAILED;
		} else {
			commit(r);
			rs = RUN_QUEUED;
			if (time_mono_ms() < r->retry_at)
				log_info("report %s queued behind %zu; next "
				         "attempt in %llds",
				         id, outbox_count(r->ob) - 1,
				         (long long)(r->retry_at -
				                     time_mono_ms() + 999) /
				             1000);
			else if (runner_flush(r) == 0)
				rs = RUN_DELIVERED;
		}
		goto out;
	}

	deliver_post(r->dl, id, gz.buf, gz.len, &res);
	switch (res.cls) {
	case DELIVER_OK:
		commit(r);
		note_ok(r);
		log_debug("report %s delivered (%s, %zu bytes)", id, res.why,
		          gz.len);
		rs = RUN_DELIVERED;
		break;
	case DELIVER_DROP:
		log_err("the collector rejected report %s for good (%s); "
		        "kept in outbox/rejected/, not resent",
		        id, res.why);
		if (outbox_reject_new(r->ob, id, gz.buf, gz.len, err,
		                      sizeof(err)) == -1)
			log_err("outbox: %s", err);
		/* resending the same lines would be refused again */
		commit(r);
		rs = RUN_REJECTED;
		break;
	case DELIVER_AUTH:
	case DELIVER_RETRY:
		if (enqueue(r, id, (unsigned)carried, &gz) == -1) {
			log_err("delivery failed: %s", res.why);
			state_discard(r->st);
			rs = RUN_FAILED;
			break;
		}
		commit(r);
		if (res.cls == DELIVER_AUTH)
			note_auth(r, &res);
		else
			note_retry(r, &res);
		rs = RUN_QUEUED;
		break;
	default:
		rs = RUN_FAILED;
		break;
	}
out:
	json_decref(report);
	strbuf_free(&gz);
	return rs;
}

int
runner_reconfigure(struct runner *r, const struct agent_config *cfg, char *err,
                   size_t errlen)
{
	struct runner n;

	if (strcmp(cfg->state_dir, r->cfg->state_dir) != 0) {
		/* a new state_dir: open all of it before letting go */
		if (runner_open(&n, cfg, r->to_stdout, r->commit_stdout,
		                r->stop, err, errlen) == -1)
			return -1;
		n.daemon = r->daemon;
		runner_close(r);
		*r = n;
		return 0;
	}
	if (!r->to_stdout) {
		struct deliver *dl = deliver_new(cfg, err, errlen);
		if (dl == NULL)
			return -1;
		deliver_set_stop(dl, r->stop);
		deliver_free(r->dl);
		r->dl = dl;
		outbox_set_max(r->ob, cfg->outbox_max_bytes);
	}
	r->cfg = cfg;
	/* a fixed token or server deserves an attempt right away */
	r->failures = 0;
	r->retry_at = 0;
	return 0;
}
