/*
 * notifier.c - the notifier thread (see notifier.h).
 *
 * It owns one writable connection (short transactions next to the
 * writer's) and one HTTP client per target.  It scans and delivers only
 * while it leads (notify_lead.h: with several collectors on one
 * PostgreSQL database, one notifier at a time), checked every tick.  Every statement
 * that takes a row off the queue runs after the receiver's 2xx and
 * commits on its own, so a crash between the two can at worst send a
 * notification again (receivers deduplicate on X-Spoolwatch-Delivery);
 * it never loses one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include "collector/store/sql.h"

#include "collector/limits.h"
#include "collector/notify/notifier.h"
#include "collector/notify/notify_body.h"
#include "collector/notify/notify_http.h"
#include "collector/notify/notify_lead.h"
#include "collector/notify/notify_metrics.h"
#include "collector/notify/notify_scan.h"
#include "collector/store/db.h"
#include "common/fsutil.h"
#include "common/hmac.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#define NOTIFY_ERR_MAX 256 /* a delivery failure, as logged and kept */

enum { Q_DUE, Q_DONE, Q_FAIL, Q_COUNT };

static const char *const qsql[Q_COUNT] = {
    /* the oldest due rows of target ?1 whose finding has nothing older
     * waiting */
    [Q_DUE] = "SELECT q.id, q.delivery, q.event, q.body, q.attempts, "
              "q.created FROM notify_queue q WHERE q.target = ?1 AND "
              "q.next_at <= ?2 AND NOT EXISTS (SELECT 1 FROM notify_queue p "
              "WHERE p.target = q.target AND p.finding_id = q.finding_id "
              "AND p.id < q.id) ORDER BY q.id LIMIT ?3",
    [Q_DONE] = "DELETE FROM notify_queue WHERE id = ?1",
    [Q_FAIL] = ("UPDATE notify_queue SET attempts = attempts + 1, "
                "next_at = ?2, last_error = ?3 WHERE id = ?1"),
};

/* One queued notification, copied out. */
struct item {
	long long id, attempts, created;
	char *delivery, *event, *body;
};

struct notifier {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop;
	const struct notify_config *nc;
	char *secret;
	size_t secret_len;
	char *am_url; /* alertmanager_url + /api/v2/alerts */
	unsigned enabled;
	sql_db *db;
	struct notify_scan *scan;
	struct notify_lead *lead;
	sql_stmt *q[Q_COUNT];
	struct notify_http *http[TARGET_N];
	unsigned rnd;
};

/* read_secret - the webhook key, its trailing newline dropped. */
static int
read_secret(struct notifier *n, char *err, size_t errlen)
{
	char why[256];
	struct stat sb;
	ssize_t len = read_file_capped(n->nc->webhook_secret_file, &n->secret,
	                               NOTIFY_SECRET_MAX, why, sizeof(why));

	if (len < 0) {
		snprintf(err, errlen, "[notify] webhook_secret_file: %s", why);
		return -1;
	}
	while (len > 0 &&
	       (n->secret[len - 1] == '\n' || n->secret[len - 1] == '\r'))
		len--;
	if (len == 0) {
		snprintf(err, errlen,
		         "[notify] webhook_secret_file %s is empty",
		         n->nc->webhook_secret_file);
		return -1;
	}
	n->secret_len = (size_t)len;
	if (stat(n->nc->webhook_secret_file, &sb) == 0 && (sb.st_mode & 004))
		log_warnx("[notify] webhook_secret_file %s is world-readable",
		          n->nc->webhook_secret_file);
	return 0;
}

/* backoff - seconds before retry number attempts (1, 2, ...): a random
 * time in [d/2, d], d = retry_min doubled per attempt up to retry_max. */
static long long
backoff(struct notifier *n, long long attempts)
{
	long long d = n->nc->retry_min;

	for (long long i = 1; i < attempts && d < n->nc->retry_max; i++)
		d *= 2;
	if (d > n->nc->retry_max)
		d = n->nc->retry_max;
	return d / 2 + (long long)(rand_r(&n->rnd) % (unsigned)(d - d / 2 + 1));
}

static void
items_free(struct item *v, long cnt)
{
	for (long i = 0; i < cnt; i++) {
		free(v[i].delivery);
		free(v[i].event);
		free(v[i].body);
	}
	free(v);
}

/* due - up to max due rows of target t; their number, -1 on error. */
static long
due(struct notifier *n, enum notify_target t, long long now, int max,
    struct item **out)
{
	sql_stmt *st = n->q[Q_DUE];
	struct item *v = NULL;
	long cnt = 0;
	int rc;

	sql_bind_text(st, 1, notify_target_name(t), -1, SQL_STATIC);
	sql_bind_int64(st, 2, now);
	sql_bind_int(st, 3, max);
	while ((rc = sql_step(st)) == SQL_ROW) {
		struct item *it;
		v = xrealloc(v, (size_t)(cnt + 1) * sizeof(*v));
		it = &v[cnt++];
		it->id = sql_column_int64(st, 0);
		it->delivery =
		    xstrdup((const char *)sql_column_text(st, 1));
		it->event = xstrdup((const char *)sql_column_text(st, 2));
		it->body = xstrdup((const char *)sql_column_text(st, 3));
		it->attempts = sql_column_int64(st, 4);
		it->created = sql_column_int64(st, 5);
	}
	sql_reset(st);
	if (rc != SQL_DONE) {
		log_warnx("notify: reading the queue: %s",
		          sql_errmsg(n->db));
		items_free(v, cnt);
		return -1;
	}
	*out = v;
	return cnt;
}

/* settle - row it was delivered (ok) or failed with why. */
static void
settle(struct notifier *n, const struct item *it, int ok, const char *why,
       long long now)
{
	sql_stmt *st = n->q[ok ? Q_DONE : Q_FAIL];

	sql_bind_int64(st, 1, it->id);
	if (!ok) {
		sql_bind_int64(st, 2, now + backoff(n, it->attempts + 1));
		sql_bind_text(st, 3, why, -1, SQL_TRANSIENT);
	}
	if (sql_step(st) != SQL_DONE)
		log_warnx("notify: updating the queue: %s",
		          sql_errmsg(n->db));
	sql_reset(st);
	sql_clear_bindings(st);
}

/* expired - drop it if it waited longer than max_age; 1 if dropped. */
static int
expired(struct notifier *n, enum notify_target t, const struct item *it,
        long long now)
{
	if (now - it->created <= n->nc->max_age)
		return 0;
	log_warnx("notify: %s: dropping %s notification %s after %lld "
	          "attempts (older than max_age)",
	          notify_target_name(t), it->event, it->delivery, it->attempts);
	settle(n, it, 1, NULL, now);
	notify_metrics_dropped(t, 1);
	return 1;
}

/* answer_ok - log a failure; 1 for a 2xx. */
static int
answer_ok(enum notify_target t, long status, const char *err, char *why,
          size_t wl)
{
	if (status >= 200 && status < 300)
		return 1;
	if (status == 0)
		snprintf(why, wl, "%s", err);
	else
		snprintf(why, wl, "HTTP %ld", status);
	notify_metrics_failed(t);
	log_warnx("notify: %s: %s (will retry)", notify_target_name(t), why);
	return 0;
}

/* send_webhook - one signed POST per due row. */
static void
send_webhook(struct notifier *n, long long now)
{
	struct item *v;
	long cnt = due(n, TARGET_WEBHOOK, now, NOTIFY_WEBHOOK_BATCH, &v);

	for (long i = 0; i < cnt && !atomic_load(&n->stop); i++) {
		char sig[2 * SHA256_LEN + 1], h_sig[128], h_ev[64], h_id[96];
		char err[NOTIFY_ERR_MAX], why[NOTIFY_ERR_MAX];
		const char *hdr[] = {"Content-Type: application/json",
		                     h_sig,
		                     h_ev,
		                     h_id,
		                     "Expect:",
		                     NULL};
		size_t len = strlen(v[i].body);
		long status;

		if (expired(n, TARGET_WEBHOOK, &v[i], now))
			continue;
		hmac_sha256_hex(n->secret, n->secret_len, v[i].body, len, sig);
		snprintf(h_sig, sizeof(h_sig),
		         "X-Spoolwatch-Signature: sha256=%s", sig);
		snprintf(h_ev, sizeof(h_ev), "X-Spoolwatch-Event: %s",
		         v[i].event);
		snprintf(h_id, sizeof(h_id), "X-Spoolwatch-Delivery: %s",
		         v[i].delivery);
		status = notify_http_post(n->http[TARGET_WEBHOOK],
		                          n->nc->webhook_url, v[i].body, len,
		                          hdr, err, sizeof(err));
		if (answer_ok(TARGET_WEBHOOK, status, err, why, sizeof(why))) {
			settle(n, &v[i], 1, NULL, now);
			notify_metrics_sent(TARGET_WEBHOOK, 1);
		} else {
			settle(n, &v[i], 0, why, now);
			/* no answer at all: the receiver is down or hangs;
			 * the other rows wait for the next tick */
			if (status == 0)
				break;
		}
	}
	if (cnt > 0)
		items_free(v, cnt);
}

/* send_alerts - the due alerts in one POST; an open one ends (endsAt)
 * four resend intervals from now unless re-sent, as Prometheus does. */
static void
send_alerts(struct notifier *n, long long now)
{
	struct item *v;
	long cnt = due(n, TARGET_ALERTMANAGER, now, NOTIFY_ALERTS_BATCH, &v);
	json_t *arr;
	char *body, err[NOTIFY_ERR_MAX], why[NOTIFY_ERR_MAX];
	const char *hdr[] = {"Content-Type: application/json", "Expect:", NULL};
	long status, live = 0;

	if (cnt <= 0)
		return;
	arr = json_array();
	for (long i = 0; i < cnt; i++) {
		json_t *a;
		if (expired(n, TARGET_ALERTMANAGER, &v[i], now)) {
			v[i].id = 0;
			continue;
		}
		a = alert_ends(v[i].body, now + 4 * n->nc->resend_interval,
		               now);
		if (a == NULL) { /* cannot happen: we wrote it */
			settle(n, &v[i], 1, NULL, now);
			v[i].id = 0;
			continue;
		}
		json_array_append_new(arr, a);
		live++;
	}
	body = live ? json_dumps(arr, JSON_COMPACT) : NULL;
	json_decref(arr);
	if (body) {
		status =
		    notify_http_post(n->http[TARGET_ALERTMANAGER], n->am_url,
		                     body, strlen(body), hdr, err, sizeof(err));
		int ok = answer_ok(TARGET_ALERTMANAGER, status, err, why,
		                   sizeof(why));
		for (long i = 0; i < cnt; i++)
			if (v[i].id)
				settle(n, &v[i], ok, why, now);
		if (ok)
			notify_metrics_sent(TARGET_ALERTMANAGER, live);
		free(body);
	}
	items_free(v, cnt);
}

/* scan - one pass of the scan; when the next is due: a scan interval
 * on, or the next tick when the writers' lock was held up */
static long long
scan(struct notifier *n, long long now)
{
	char err[512];
	long q = notify_scan_run(n->scan, n->enabled, now, err, sizeof(err));

	if (q == NOTIFY_SCAN_BUSY) {
		log_debug("notify: scan: the writers' lock is held up; again "
		          "next tick");
		return now;
	}
	if (q < 0)
		log_warnx("notify: scan: %s", err);
	else if (q > 0)
		log_info("notify: %ld notifications queued", q);
	return now + n->nc->scan_interval;
}

static void *
run(void *arg)
{
	struct notifier *n = arg;
	long long next_scan = 0;

	while (!atomic_load(&n->stop)) {
		long long now = (long long)time(NULL);
		struct timespec ts;

		/* another collector's notifier leads: nothing to do but
		 * try again next tick (it scans at once on taking over) */
		int leading = notify_lead_check(n->lead);
		notify_metrics_leader(leading);
		if (!leading) {
			next_scan = 0;
			goto wait;
		}
		if (now >= next_scan)
			next_scan = scan(n, now);
		if (n->enabled & (1u << TARGET_WEBHOOK))
			send_webhook(n, now);
		if (n->enabled & (1u << TARGET_ALERTMANAGER))
			send_alerts(n, now);
	wait:
		pthread_mutex_lock(&n->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += NOTIFY_TICK_MS / 1000;
		while (!atomic_load(&n->stop) &&
		       pthread_cond_timedwait(&n->cv, &n->mu, &ts) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&n->mu);
	}
	return NULL;
}

static void
release(struct notifier *n)
{
	for (int i = 0; i < Q_COUNT; i++)
		sql_finalize(n->q[i]);
	notify_scan_free(n->scan);
	notify_lead_free(n->lead);
	notify_metrics_leader(0);
	sql_close(n->db);
	for (int t = 0; t < TARGET_N; t++)
		notify_http_free(n->http[t]);
	if (n->secret)
		memset(n->secret, 0, n->secret_len);
	free(n->secret);
	free(n->am_url);
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cv);
	free(n);
}

/* am_url - base URL without trailing slashes, + /api/v2/alerts. */
static char *
am_url(const char *base)
{
	size_t len = strlen(base);
	struct strbuf sb;

	while (len > 0 && base[len - 1] == '/')
		len--;
	strbuf_init(&sb, len + 32);
	strbuf_append(&sb, base, len);
	strbuf_appends(&sb, "/api/v2/alerts");
	return strbuf_steal(&sb);
}

struct notifier *
notifier_start(const struct notify_config *nc, const char *db_path, char *err,
               size_t errlen)
{
	struct notifier *n = xcalloc(1, sizeof(*n));

	n->nc = nc;
	n->rnd = (unsigned)time(NULL) ^ (unsigned)(uintptr_t)n;
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	if (nc->alertmanager_url) {
		n->enabled |= 1u << TARGET_ALERTMANAGER;
		n->am_url = am_url(nc->alertmanager_url);
	}
	if (nc->webhook_url) {
		n->enabled |= 1u << TARGET_WEBHOOK;
		if (read_secret(n, err, errlen) == -1)
			goto fail;
	}
	if ((n->db = db_open_rw(db_path, err, errlen)) == NULL ||
	    (n->scan = notify_scan_new(n->db, nc, err, errlen)) == NULL ||
	    (n->lead = notify_lead_new(n->db, err, errlen)) == NULL)
		goto fail;
	for (int i = 0; i < Q_COUNT; i++)
		if ((n->q[i] = db_prepare(n->db, qsql[i], err, errlen)) == NULL)
			goto fail;
	for (int t = 0; t < TARGET_N; t++)
		if ((n->http[t] = notify_http_new(nc->timeout, &n->stop)) ==
		    NULL) {
			snprintf(err, errlen, "notify: cannot set up libcurl");
			goto fail;
		}
	if ((errno = pthread_create(&n->thread, NULL, run, n)) != 0) {
		snprintf(err, errlen, "notify: thread: %s", strerror(errno));
		goto fail;
	}
	return n;
fail:
	release(n);
	return NULL;
}

void
notifier_stop(struct notifier *n)
{
	if (n == NULL)
		return;
	pthread_mutex_lock(&n->mu);
	atomic_store(&n->stop, 1);
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
	pthread_join(n->thread, NULL);
	release(n);
}
