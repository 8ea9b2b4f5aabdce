/*
 * cron_log.c - cron's CMD lines and its lost-mail complaints (see
 * cron_log.h).
 *
 * Parsing is a bounded walk over the message with memcmp/memchr.  The
 * tally keeps a ring of the last CRON_LOST_CMDS CMD lines (fixed-size
 * copies, no allocation per line) and at most CRON_LOST_JOBS distinct
 * lost jobs; beyond that complaints are counted under one "other" job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/bytes.h"
#include "agent/parse/cron_log.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#define CMD_MAX 512
#define USER_MAX 64
#define PID_WINDOW 64 /* the job's shell: a pid at most this far after */

/* trim_eol - drop a trailing newline, and rsyslog's "#012" for one */
static size_t
trim_eol(const char *p, size_t n)
{
	for (;;) {
		if (n > 0 &&
		    (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		else if (n >= 4 && memcmp(p + n - 4, "#012", 4) == 0)
			n -= 4;
		else if (n >= 4 && memcmp(p + n - 4, "#015", 4) == 0)
			n -= 4;
		else
			return n;
	}
}

/* number - a decimal (base 10) or 0x hex number at p; its end, or NULL */
static const char *
number(const char *p, const char *end, int base, long long *v)
{
	long long x = 0;
	const char *s = p;

	for (; p < end; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (x > (1LL << 40))
			return NULL;
		x = x * base + d;
	}
	if (p == s)
		return NULL;
	*v = x;
	return p;
}

enum cron_line
cron_log_parse(const char *msg, size_t n, struct cron_line_info *out)
{
	const char *p, *end, *cl;
	size_t rest;

	memset(out, 0, sizeof(*out));
	out->bytes = -1;
	out->status = -1;
	n = trim_eol(msg, n);
	/* "(user) WHAT (detail)" */
	if (n < 4 || msg[0] != '(')
		return CRONL_NONE;
	if ((cl = memchr(msg, ')', n < 256 ? n : 256)) == NULL)
		return CRONL_NONE;
	out->user = (struct sl_span){msg + 1, (size_t)(cl - msg) - 1};
	p = cl + 1;
	end = msg + n;
	if (p >= end || *p != ' ')
		return CRONL_NONE;
	p++;
	rest = (size_t)(end - p);
	if (bytes_starts(p, rest, "CMD (") && end[-1] == ')') {
		const char *c = p + 5, *e = end - 1;
		while (c < e && *c == ' ')
			c++;
		out->command = (struct sl_span){c, (size_t)(e - c)};
		return CRONL_CMD;
	}
	if (bytes_starts(p, rest, "info (No MTA installed, discarding output"))
		return CRONL_NO_MTA;
	if (bytes_starts(p, rest, "MAIL (mailed ")) {
		long long b, st;
		const char *q = number(p + 13, end, 10, &b);
		const char *g;
		if (q == NULL)
			return CRONL_NONE;
		g = memmem(q, (size_t)(end - q), "but got status 0x", 17);
		if (g == NULL)
			return CRONL_NONE;
		if (number(g + 17, end, 16, &st) == NULL)
			return CRONL_NONE;
		out->bytes = b;
		out->status = (long)st;
		return CRONL_MAIL_FAILED;
	}
	return CRONL_NONE;
}

int
cron_log_is_cmd(const char *msg, size_t n)
{
	size_t lim, i = 1;

	/* cron_log_parse()'s walk, with nothing to fill and no libc call:
	 * a cron log's CMD lines are its commonest */
	n = trim_eol(msg, n);
	if (n < 4 || msg[0] != '(')
		return 0;
	for (lim = n < 256 ? n : 256; i < lim && msg[i] != ')'; i++)
		;
	if (i >= lim || i + 1 >= n || msg[i + 1] != ' ')
		return 0;
	return n - (i + 2) >= 5 && memcmp(msg + i + 2, "CMD (", 5) == 0 &&
	       msg[n - 1] == ')';
}

/* --- the tally ------------------------------------------------------------ */

struct cmd {
	long pid; /* <= 0: empty, used, or the line named none */
	time_t ts;
	char user[USER_MAX];
	size_t clen;
	char command[CMD_MAX];
};

struct job {
	char user[USER_MAX];
	size_t clen;
	char command[CMD_MAX];
	int known; /* command came from a CMD line */
	unsigned long long count;
	time_t last;
	enum cron_line why;
	long status;
};

struct cron_lost {
	struct cmd cmds[CRON_LOST_CMDS];
	size_t next;                         /* ring position */
	struct job jobs[CRON_LOST_JOBS + 1]; /* the last one: "other" */
	size_t njobs;
	unsigned long long lost, no_mta, failed;
};

struct cron_lost *
cron_lost_new(void)
{
	/* all empty: zero pages, not one touched before it is used */
	return xcalloc(1, sizeof(struct cron_lost));
}

void
cron_lost_free(struct cron_lost *cl)
{
	free(cl);
}

static long
pid_of(struct sl_span s)
{
	long v = 0;

	if (s.p == NULL || s.n == 0 || s.n > 9)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

static void
copy(char *dst, size_t dn, struct sl_span s, size_t *len)
{
	size_t l = s.p ? (s.n < dn - 1 ? s.n : dn - 1) : 0;

	if (l)
		memcpy(dst, s.p, l);
	dst[l] = '\0';
	if (len)
		*len = l;
}

/* claim - the CMD line of this complaint: the same pid, else the
 * nearest pid after it (the job's shell); used once.  NULL if none. */
static struct cmd *
claim(struct cron_lost *cl, long pid)
{
	struct cmd *best = NULL;

	for (size_t i = 0; i < CRON_LOST_CMDS; i++) {
		struct cmd *c = &cl->cmds[i];
		if (c->pid <= 0)
			continue;
		if (c->pid == pid)
			return c;
		if (c->pid > pid && c->pid - pid <= PID_WINDOW &&
		    (best == NULL || c->pid < best->pid))
			best = c;
	}
	return best;
}

static struct job *
job_for(struct cron_lost *cl, const char *user, const char *cmd, size_t clen,
        int known)
{
	for (size_t i = 0; i < cl->njobs; i++) {
		struct job *j = &cl->jobs[i];
		if (j->known == known && j->clen == clen &&
		    memcmp(j->command, cmd, clen) == 0 &&
		    strcmp(j->user, user) == 0)
			return j;
	}
	if (cl->njobs < CRON_LOST_JOBS) {
		struct job *j = &cl->jobs[cl->njobs++];
		snprintf(j->user, sizeof(j->user), "%s", user);
		memcpy(j->command, cmd, clen);
		j->clen = clen;
		j->known = known;
		return j;
	}
	/* the overflow job */
	cl->jobs[CRON_LOST_JOBS].known = 2;
	return &cl->jobs[CRON_LOST_JOBS];
}

/* add_cmd - one CMD line into the ring */
static void
add_cmd(struct cron_lost *cl, long pid, time_t ts, const char *user,
        size_t ulen, const char *cmd, size_t clen)
{
	struct cmd *c = &cl->cmds[cl->next];

	cl->next = (cl->next + 1) % CRON_LOST_CMDS;
	c->pid = pid;
	c->ts = ts;
	copy(c->user, sizeof(c->user), (struct sl_span){user, ulen}, NULL);
	copy(c->command, sizeof(c->command), (struct sl_span){cmd, clen},
	     &c->clen);
}

void
cron_lost_skip(struct cron_lost *cl, size_t n)
{
	cl->next = (cl->next + n) % CRON_LOST_CMDS;
}

enum cron_line
cron_lost_feed(struct cron_lost *cl, const struct sl_event *ev)
{
	struct cron_line_info li;
	enum cron_line k;
	long pid;

	if (!cron_log_program(ev->program.p, ev->program.n) ||
	    ev->message.p == NULL)
		return CRONL_NONE;
	k = cron_log_parse(ev->message.p, ev->message.n, &li);
	pid = pid_of(ev->pid);
	if (k == CRONL_CMD) {
		add_cmd(cl, pid, ev->ts, li.user.p, li.user.n, li.command.p,
		        li.command.n);
		return k;
	}
	if (k == CRONL_NO_MTA || k == CRONL_MAIL_FAILED) {
		struct cmd *c = pid >= 0 ? claim(cl, pid) : NULL;
		char user[USER_MAX];
		struct job *j;

		copy(user, sizeof(user), li.user, NULL);
		if (c != NULL) {
			j = job_for(cl, c->user, c->command, c->clen, 1);
			c->pid = -1;
		} else {
			/* Debian's complaint names no user: "(CRON)" */
			j = job_for(cl, strcmp(user, "CRON") == 0 ? "" : user,
			            "", 0, 0);
		}
		j->count++;
		if (ev->ts > j->last)
			j->last = ev->ts;
		j->why = k;
		j->status = li.status;
		cl->lost++;
		if (k == CRONL_NO_MTA)
			cl->no_mta++;
		else
			cl->failed++;
	}
	return k;
}

json_t *
cron_lost_save(const struct cron_lost *cl)
{
	json_t *a = json_array();
	size_t kept = 0;

	/* newest first: walk the ring backwards from the last written */
	for (size_t k = 1; k <= CRON_LOST_CMDS && kept < CRON_LOST_KEEP; k++) {
		const struct cmd *c =
		    &cl->cmds[(cl->next + CRON_LOST_CMDS - k) % CRON_LOST_CMDS];
		json_t *cmd;
		if (c->pid <= 0)
			continue;
		if ((cmd = json_stringn(c->command, c->clen)) == NULL)
			continue; /* not UTF-8: not kept */
		json_array_append_new(
		    a, json_pack("[I, I, s, o]", (json_int_t)c->pid,
		                 (json_int_t)c->ts, c->user, cmd));
		kept++;
	}
	return a;
}

void
cron_lost_load(struct cron_lost *cl, json_t *saved)
{
	size_t n = json_array_size(saved);

	/* oldest first, so the ring ends with the newest */
	for (size_t i = n; i-- > 0;) {
		json_t *e = json_array_get(saved, i);
		const char *u = json_string_value(json_array_get(e, 2));
		const char *c = json_string_value(json_array_get(e, 3));
		json_int_t pid = json_integer_value(json_array_get(e, 0));
		if (json_array_size(e) != 4 || u == NULL || c == NULL ||
		    pid <= 0 || i >= CRON_LOST_KEEP)
			continue;
		add_cmd(cl, (long)pid,
		        (time_t)json_integer_value(json_array_get(e, 1)), u,
		        strlen(u), c, json_string_length(json_array_get(e, 3)));
	}
}

unsigned long long
cron_lost_count(const struct cron_lost *cl)
{
	return cl->lost;
}

static int
cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->last > y->last ? -1 : x->last < y->last ? 1 : 0;
}

/* text_json - a JSON string of bytes that may not be UTF-8 (then its
 * 8-bit bytes become '?') */
static json_t *
text_json(const char *p, size_t n)
{
	char ascii[CMD_MAX];
	json_t *j = json_stringn(p, n);

	if (j != NULL)
		return j;
	for (size_t i = 0; i < n && i < sizeof(ascii); i++)
		ascii[i] = (unsigned char)p[i] < 0x80 ? p[i] : '?';
	return json_stringn(ascii, n < sizeof(ascii) ? n : sizeof(ascii));
}

json_t *
cron_lost_json(const struct cron_lost *cl)
{
	struct job sorted[CRON_LOST_JOBS + 1];
	size_t n = cl->njobs;
	json_t *jobs = json_array();

	memcpy(sorted, cl->jobs, n * sizeof(sorted[0]));
	if (cl->jobs[CRON_LOST_JOBS].count > 0)
		sorted[n++] = cl->jobs[CRON_LOST_JOBS];
	qsort(sorted, n, sizeof(sorted[0]), cmp_job);
	for (size_t i = 0; i < n; i++) {
		const struct job *j = &sorted[i];
		char ts[RFC3339_LEN], why[96];
		json_t *cmd;

		if (j->known == 2)
			cmd = json_string("(more jobs than the report lists)");
		else if (j->known)
			cmd = text_json(j->command, j->clen);
		else
			cmd = json_null();
		if (j->why == CRONL_NO_MTA)
			snprintf(why, sizeof(why), "no MTA installed");
		else
			snprintf(why, sizeof(why),
			         "the MTA failed (exit status 0x%04lx)",
			         j->status < 0 ? 0L : j->status);
		rfc3339_format(j->last, ts, sizeof(ts));
		json_array_append_new(
		    jobs, json_pack("{s:s?, s:o, s:I, s:s, s:s}", "user",
		                    j->user[0] ? j->user : NULL, "command", cmd,
		                    "count", (json_int_t)j->count, "last_ts",
		                    ts, "reason", why));
	}
	return json_pack("{s:I, s:I, s:I, s:o}", "lost", (json_int_t)cl->lost,
	                 "no_mta", (json_int_t)cl->no_mta, "mta_failed",
	                 (json_int_t)cl->failed, "jobs", jobs);
}
