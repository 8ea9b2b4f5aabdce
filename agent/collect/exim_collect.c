/*
 * exim_collect.c - the Exim queue and paniclog of the cycle's host (see
 * exim_collect.h).
 *
 * Reads ROOT/<spool_directory>/input, msglog (exim_queue.c) and the last
 * EXIM_PANICLOG_TAIL bytes of ROOT/<paniclog>.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/parse/cronmail.h"
#include "agent/cycle.h"
#include "agent/collect/exim_collect.h"
#include "agent/probe/exim_detect.h"
#include "agent/parse/exim_paniclog.h"
#include "agent/probe/exim_queue.h"
#include "agent/collect/mailq.h"
#include "common/fsutil.h"
#include "common/jsonutil.h"
#include "common/xalloc.h"

struct queue_walk {
	struct mailq *q;
	const char *host; /* the spool's host path: the queue's name */
	char status[EXIM_QUEUE_REASON_MAX + 32];
};

static struct mailq_bytes
qb(const char *p, size_t n)
{
	struct mailq_bytes b = {p, n};
	return b;
}

/* one - a message of the spool, as the mail queues count it */
static void
one(void *arg, const struct exim_queue_msg *m)
{
	struct queue_walk *w = arg;
	const struct exim_msg *h = m->h;
	struct mailq_item it;
	struct cron_job cj;
	struct sl_span why = {NULL, 0};

	memset(&it, 0, sizeof(it));
	it.id = qb(h->id, strlen(h->id));
	it.created = h->received;
	it.last_try = m->log && m->log->ts >= 0 ? (long long)m->log->ts : -1;
	it.tries = -1;
	it.size = m->size;
	it.df_missing = m->no_data;
	it.incomplete = !h->complete || m->hdr_cut;
	it.from = h->from.len ? qb(h->from.s, h->from.len)
	                      : qb(h->sender.s, h->sender.len);
	it.subject = qb(h->subject.s, h->subject.len);
	/* the recipients still to deliver to */
	it.total_to = h->npending;
	for (size_t i = 0;
	     i < h->nrcpt && i < QF_MAX_RCPT && it.nto < MAILQ_MAX_RCPT; i++)
		if (!h->rcpt[i].delivered)
			it.to[it.nto++] =
			    qb(h->rcpt[i].addr.s, h->rcpt[i].addr.len);
	/* the status: the msglog's last reason that is not only a retry
	 * wait, "frozen: " before it when the message is frozen */
	if (m->log)
		why = m->log->cause.p ? m->log->cause : m->log->reason;
	if (why.n > EXIM_QUEUE_REASON_MAX)
		why.n = EXIM_QUEUE_REASON_MAX;
	snprintf(w->status, sizeof(w->status), "%s%.*s",
	         h->frozen_since < 0 ? ""
	         : why.p             ? "frozen: "
	                             : "frozen",
	         (int)why.n, why.p ? why.p : "");
	it.status = qb(w->status, strlen(w->status));
	if (cron_subject(h->subject.s, h->subject.len, &cj))
		it.cron_command = qb(cj.command, cj.command_len);
	mailq_add(w->q, w->host, &it);
}

static json_t *
text(const char *s, size_t max)
{
	return json_str_safe(s, strlen(s), max);
}

/* summary - what mail.frozen and the report need of a spool walk */
static json_t *
summary(const struct exim_queue *eq, const struct exim_host *h)
{
	json_t *r = json_array();

	for (size_t i = 0; i < eq->nreasons; i++)
		json_array_append_new(
		    r,
		    json_pack("{s:o, s:I, s:o, s:s, s:b}", "reason",
		              text(eq->reasons[i].text, EXIM_QUEUE_REASON_MAX),
		              "count", (json_int_t)eq->reasons[i].count,
		              "oldest_ts",
		              jsonutil_ts_known(eq->reasons[i].oldest),
		              "example_id", eq->reasons[i].oldest_id, "bounce",
		              eq->reasons[i].bounce));
	return json_pack(
	    "{s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, "
	    "s:I, s:o, s:o}",
	    "spool", text(h->conf.spool_directory, PATH_MAX), "messages",
	    (json_int_t)eq->messages, "frozen", (json_int_t)eq->frozen,
	    "frozen_bounces", (json_int_t)eq->frozen_bounces, "oldest_ts",
	    jsonutil_ts_known(eq->oldest), "oldest_frozen_ts",
	    jsonutil_ts_known(eq->oldest_frozen), "frozen_reasons", r,
	    "frozen_reasons_other", (json_int_t)eq->reasons_other,
	    "orphan_data", (json_int_t)eq->orphan_data, "orphan_header",
	    (json_int_t)eq->orphan_header, "journals", (json_int_t)eq->journals,
	    "unreadable", (json_int_t)eq->unreadable, "malformed",
	    (json_int_t)eq->malformed, "conf_path",
	    text(h->conf_path, PATH_MAX), "smarthost",
	    text(h->debconf.smarthost, 512));
}

json_t *
exim_collect_queue(struct cycle *c, struct mailq *q, const struct exim_host *h)
{
	const char *spool = h->conf.spool_directory;
	struct queue_walk w = {q, spool, ""};
	struct exim_queue *eq;
	struct sl_clock clk;
	char err[300];
	json_t *sum = NULL;
	int fd;

	/* every component inside --root (root_open) */
	if ((fd = root_open(c->root, spool, O_RDONLY | O_DIRECTORY)) == -1) {
		if (errno != ENOENT) /* a missing spool is spool.missing */
			cycle_error(c, spool, "open: %s", strerror(errno));
		return NULL;
	}
	eq = xcalloc(1, sizeof(*eq));
	sl_clock_init(&clk, c->now);
	if (exim_queue_scan(fd, c->now, &clk, eq, one, &w, err, sizeof(err)) ==
	    -1) {
		cycle_error(c, spool, "%s", err);
	} else {
		if (eq->first_problem[0] != '\0')
			cycle_error(c, spool,
			            "%llu unreadable and %llu malformed spool "
			            "files; the first: %s",
			            eq->unreadable, eq->malformed,
			            eq->first_problem);
		sum = summary(eq, h);
	}
	close(fd);
	free(eq);
	return sum;
}

/* cause - what the newest paniclog entry is about */
static const char *
cause(const struct exim_line *x, const struct exim_host *h)
{
	const struct sl_span *e = &x->ev.errno_text, *p = &x->ev.path;
	size_t sl = strlen(h->conf.spool_directory);

	if (x->ev.message.p &&
	    memmem(x->ev.message.p, x->ev.message.n, "configuration error", 19))
		return "configuration";
	if (e->p && e->n == 23 &&
	    memcmp(e->p, "No space left on device", 23) == 0)
		return "disk_full";
	if (e->p && p->p && sl > 0 && p->n >= sl &&
	    memcmp(p->p, h->conf.spool_directory, sl) == 0)
		return "spool_access";
	if (e->p && p->p && memmem(p->p, p->n, "log", 3))
		return "log_access";
	if (x->ev.stage.p && x->ev.stage.n == 5 &&
	    memcmp(x->ev.stage.p, "spool", 5) == 0)
		return "spool_access";
	return "other";
}

json_t *
exim_collect_paniclog(struct cycle *c, const struct exim_host *h)
{
	struct exim_paniclog pl;
	struct sl_clock clk;
	struct stat st;
	json_t *o, *lines;
	char *buf;
	off_t off;
	ssize_t n;
	int fd;

	if (h->paniclog[0] == '\0' || h->paniclog[0] != '/')
		return NULL;
	o = json_pack("{s:o, s:b, s:I}", "path", text(h->paniclog, PATH_MAX),
	              "exists", 0, "bytes", (json_int_t)0);
	fd = root_open(c->root, h->paniclog, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd == -1) {
		if (errno != ENOENT)
			cycle_error(c, h->paniclog, "open: %s",
			            strerror(errno));
		return o;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		return o;
	}
	json_object_set_new(o, "exists", json_true());
	json_object_set_new(o, "bytes", json_integer((json_int_t)st.st_size));
	if (st.st_size == 0) {
		close(fd);
		return o;
	}
	off = st.st_size > EXIM_PANICLOG_TAIL ? st.st_size - EXIM_PANICLOG_TAIL
	                                      : 0;
	buf = cycle_buf_take(c, EXIM_PANICLOG_TAIL);
	n = pread(fd, buf, EXIM_PANICLOG_TAIL, off);
	close(fd);
	if (n < 0) {
		cycle_error(c, h->paniclog, "read: %s", strerror(errno));
		cycle_buf_put(c, buf, EXIM_PANICLOG_TAIL);
		return o;
	}
	sl_clock_init(&clk, st.st_mtime < c->now ? st.st_mtime : c->now);
	exim_paniclog_parse(buf, (size_t)n, off > 0, &clk, &pl);
	lines = json_array();
	for (size_t i = 0; i < pl.nlast; i++)
		json_array_append_new(
		    lines, json_str_safe(pl.last[i].p, pl.last[i].n, 2048));
	json_object_set_new(o, "entries", json_integer((json_int_t)pl.entries));
	json_object_set_new(o, "first_ts", jsonutil_ts_known(pl.first_ts));
	json_object_set_new(o, "last_ts", jsonutil_ts_known(pl.last_ts));
	json_object_set_new(o, "last_lines", lines);
	if (pl.entries > 0) {
		json_object_set_new(o, "cause",
		                    json_string(cause(&pl.newest, h)));
		json_object_set_new(o, "cause_path",
		                    pl.newest.ev.path.p
		                        ? json_str_safe(pl.newest.ev.path.p,
		                                        pl.newest.ev.path.n,
		                                        PATH_MAX)
		                        : json_null());
	}
	json_object_set_new(o, "spool_directory",
	                    text(h->conf.spool_directory, PATH_MAX));
	json_object_set_new(o, "exim_user", text(h->conf.exim_user, 256));
	json_object_set_new(o, "exim_group", text(h->conf.exim_group, 256));
	cycle_buf_put(c, buf, EXIM_PANICLOG_TAIL);
	return o;
}
