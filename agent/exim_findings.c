/*
 * exim_findings.c - mail.frozen and mta.paniclog (see exim_findings.h).
 * Builds JSON only; reads nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent/cycle.h"
#include "agent/exim_findings.h"
#include "common/timeutil.h"

/* say - format into out, cut to its size (texts here may be long) */
static void say(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
say(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

static int
has(const char *s, const char *lit)
{
	return strstr(s, lit) != NULL;
}

static json_t *
ts_or_null(long long t)
{
	char buf[RFC3339_LEN];

	if (t < 0)
		return json_null();
	rfc3339_format((time_t)t, buf, sizeof(buf));
	return json_string(buf);
}

/* fix_first - what to fix before thawing, for the top reason */
static void
fix_first(const struct exim_host *h, const struct exim_reason *r, char *out,
          size_t n)
{
	const char *t = r->text;

	if (has(t, "remote host address is the local host"))
		say(out, n,
		    "a router sends this mail back to this host (its "
		    "route or MX is the local host): fix the router in "
		    "%s first",
		    h->conf_path[0] ? h->conf_path : "the configuration");
	else if (r->bounce && (has(t, "Unrouteable") || has(t, "nrouteable") ||
	                       has(t, "unknown")))
		say(out, n,
		    "bounces to an address that does not exist can never "
		    "be delivered: remove them (exim -Mrm %s)",
		    r->oldest_id);
	else if (has(t, "Connection refused") ||
	         has(t, "Connection timed out") || has(t, "No route to host"))
		say(out, n,
		    "the next hop%s%s is not reachable (%s): start it or "
		    "correct the smarthost first",
		    h->debconf.smarthost[0] ? " " : "", h->debconf.smarthost,
		    t);
	else if (has(t, "no reason in the msglog"))
		say(out, n,
		    "the msglog says nothing (frozen by an administrator?): "
		    "see exim -Mvl %s",
		    r->oldest_id);
	else
		say(out, n, "fix the cause first: %s", t);
}

void
exim_frozen_finding(struct cycle *c, const struct exim_host *h,
                    const char *spool, const struct exim_queue *q)
{
	char fix[1024], remedy[1400];
	json_t *top;
	unsigned long long real = q->frozen - q->frozen_bounces;
	long long age =
	    q->oldest_frozen >= 0 ? (long long)c->now - q->oldest_frozen : -1;

	if (q->frozen == 0)
		return;
	top = json_array();
	for (size_t i = 0; i < q->nreasons; i++)
		json_array_append_new(
		    top,
		    json_pack("{s:o, s:I, s:o, s:s, s:b}", "reason",
		              json_str_safe(q->reasons[i].text,
		                            strlen(q->reasons[i].text),
		                            EXIM_QUEUE_REASON_MAX),
		              "count", (json_int_t)q->reasons[i].count,
		              "oldest_ts", ts_or_null(q->reasons[i].oldest),
		              "example_id", q->reasons[i].oldest_id, "bounce",
		              q->reasons[i].bounce));
	fix_first(h, &q->reasons[0], fix, sizeof(fix));
	say(remedy, sizeof(remedy),
	    "%s; then thaw them (exim -Mt %s ...) or retry the whole "
	    "queue, frozen messages too (exim -qff)",
	    fix, q->reasons[0].oldest_id);
	cycle_finding(
	    c, "mail.frozen", real > 0 ? "critical" : "warning", spool,
	    json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:I}", "frozen",
	              (json_int_t)q->frozen, "bounces",
	              (json_int_t)q->frozen_bounces, "messages",
	              (json_int_t)q->messages, "oldest_ts",
	              ts_or_null(q->oldest_frozen), "oldest_age_s",
	              age >= 0 ? json_integer(age) : json_null(), "top_reasons",
	              top, "other_reasons", (json_int_t)q->reasons_other),
	    remedy,
	    "Exim holds %llu frozen message%s in %s (%llu of them bounce%s), "
	    "the oldest %lld h old; most: %s (%llu)",
	    q->frozen, q->frozen == 1 ? "" : "s", spool, q->frozen_bounces,
	    q->frozen_bounces == 1 ? "" : "s", age >= 0 ? age / 3600 : 0,
	    q->reasons[0].text, q->reasons[0].count);
}

/* panic_remedy - what to do about the newest entry */
static void
panic_remedy(const struct exim_host *h, const char *path,
             const struct exim_paniclog *pl, char *out, size_t n)
{
	const struct exim_line *x = &pl->newest;
	const char *msg = x->ev.message.p ? x->ev.message.p : "";
	size_t mn = x->ev.message.p ? x->ev.message.n : 0;
	const char *user = h->conf.exim_user[0] ? h->conf.exim_user : "exim";
	const char *group = h->conf.exim_group[0] ? h->conf.exim_group : user;
	char then[600];

	say(then, sizeof(then),
	    "then empty it so that the next entry is seen: : > %s", path);
	if (memmem(msg, mn, "configuration error", 19)) {
		say(out, n,
		    "correct the line named in the entry (exim -bV reports "
		    "it again until it is fixed), %s",
		    then);
	} else if (x->ev.errno_text.p &&
	           x->ev.errno_text.n == strlen("No space left on device") &&
	           memcmp(x->ev.errno_text.p, "No space left on device",
	                  x->ev.errno_text.n) == 0) {
		say(out, n, "free space on the filesystem of %s, %s",
		    h->conf.spool_directory, then);
	} else if (x->ev.errno_text.p && x->ev.path.p &&
	           x->ev.path.n >= strlen(h->conf.spool_directory) &&
	           memcmp(x->ev.path.p, h->conf.spool_directory,
	                  strlen(h->conf.spool_directory)) == 0) {
		say(out, n, "chown -R %s:%s %s && chmod 0750 %s/input, %s",
		    user, group, h->conf.spool_directory,
		    h->conf.spool_directory, then);
	} else if (x->ev.errno_text.p && x->ev.path.p &&
	           memmem(x->ev.path.p, x->ev.path.n, "log", 3)) {
		say(out, n, "chown %s:adm %.*s && chmod 0640 %.*s, %s", user,
		    (int)x->ev.path.n, x->ev.path.p, (int)x->ev.path.n,
		    x->ev.path.p, then);
	} else {
		say(out, n, "read %s and fix what its last entries say, %s",
		    path, then);
	}
}

void
exim_paniclog_finding(struct cycle *c, const struct exim_host *h,
                      const char *path, long long bytes,
                      const struct exim_paniclog *pl)
{
	char remedy[1200];
	json_t *lines;
	const char *sev;
	struct sl_span first = {"", 0};

	if (bytes <= 0)
		return;
	lines = json_array();
	for (size_t i = 0; i < pl->nlast; i++)
		json_array_append_new(
		    lines, json_str_safe(pl->last[i].p, pl->last[i].n, 2048));
	if (pl->nlast > 0) {
		const char *nl;
		first = pl->last[pl->nlast - 1];
		if ((nl = memchr(first.p, '\n', first.n)) != NULL)
			first.n = (size_t)(nl - first.p);
	}
	sev = pl->last_ts >= 0 && c->now - pl->last_ts < EXIM_PANIC_RECENT_S
	          ? "critical"
	          : "warning";
	panic_remedy(h, path, pl, remedy, sizeof(remedy));
	cycle_finding(c, "mta.paniclog", sev, path,
	              json_pack("{s:I, s:I, s:o, s:o, s:o}", "bytes",
	                        (json_int_t)bytes, "entries",
	                        (json_int_t)pl->entries, "first_ts",
	                        ts_or_null(pl->first_ts), "last_ts",
	                        ts_or_null(pl->last_ts), "last_lines", lines),
	              remedy,
	              "Exim's paniclog %s is not empty (%lld bytes, %zu "
	              "entr%s read): %.*s",
	              path, bytes, pl->entries, pl->entries == 1 ? "y" : "ies",
	              (int)(first.n > 300 ? 300 : first.n), first.p);
}
