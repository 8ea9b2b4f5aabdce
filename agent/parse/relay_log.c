/*
 * relay_log.c - failure lines of nullmailer, msmtp, ssmtp and dma (see
 * relay_log.h).  A bounded walk over the message with memcmp/memfind; the
 * spans set point into the caller's line.
 */
#include <string.h>

#include "agent/parse/bytes.h"
#include "agent/parse/relay_log.h"
#include "common/memfind.h"

#define SPAN(p, n) ((struct sl_span){(p), (n)})

static const char *
find(const char *p, size_t n, const char *lit)
{
	return memfind_lit(p, n, lit, strlen(lit));
}

enum relay_kind
relay_log_program(const char *p, size_t n)
{
	if (p == NULL)
		return RELAY_NONE;
	if (bytes_is(p, n, "nullmailer") || bytes_starts(p, n, "nullmailer-"))
		return RELAY_NULLMAILER;
	if (bytes_is(p, n, "msmtp"))
		return RELAY_MSMTP;
	if (bytes_is(p, n, "sSMTP") || bytes_is(p, n, "ssmtp"))
		return RELAY_SSMTP;
	if (bytes_is(p, n, "dma"))
		return RELAY_DMA;
	return RELAY_NONE;
}

/* trim - without trailing blanks, newlines and rsyslog's "#012" */
static size_t
trim(const char *p, size_t n)
{
	for (;;) {
		if (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\n' ||
		              p[n - 1] == '\r' || p[n - 1] == '.'))
			n--;
		else if (n >= 4 && memcmp(p + n - 4, "#012", 4) == 0)
			n -= 4;
		else
			return n;
	}
}

static enum sl_kind
nullmailer(struct sl_event *ev, const char *m, size_t n)
{
	const char *f;

	if (bytes_starts(m, n, "Sending failed: ")) {
		ev->stat = SPAN(m + 16, trim(m + 16, n - 16));
		/* nullmailer's own words for a refusal it will not retry */
		if (find(m, n, "ermanent") || find(m, n, "refused the message"))
			return SL_BOUNCED;
		return SL_DEFERRED;
	}
	if (bytes_starts(m, n, "Sending timed out")) {
		ev->stat = SPAN(m, trim(m, n));
		return SL_DEFERRED;
	}
	if (bytes_starts(m, n, "No remote hosts listed")) {
		ev->stat = SPAN(m, trim(m, n));
		return SL_FATAL;
	}
	if (bytes_starts(m, n, "Moving message ") &&
	    find(m, n, " into failed")) {
		const char *sp = memchr(m + 15, ' ', n - 15);
		if (sp != NULL)
			ev->queue_id = SPAN(m + 15, (size_t)(sp - (m + 15)));
		ev->stat = SPAN(m, trim(m, n));
		return SL_BOUNCED;
	}
	/* the protocol module's own reply: "smtp: Failed: 550 ..." */
	if ((f = find(m, n, ": Failed: ")) != NULL && f - m < 32) {
		size_t off = (size_t)(f - m) + 10;
		ev->stat = SPAN(m + off, trim(m + off, n - off));
		return SL_WARNING;
	}
	return SL_NONE;
}

/* kv - the value of " key=" in an msmtp line; quoted values end at the
 * closing quote, others at a blank. */
static struct sl_span
kv(const char *m, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *p = m;

	while ((p = memfind_lit(p, n - (size_t)(p - m), key, kl)) != NULL) {
		const char *v = p + kl, *end = m + n, *e;
		if (p != m && p[-1] != ' ') {
			p += kl;
			continue;
		}
		if (v < end && *v == '\'') {
			e = memchr(v + 1, '\'', (size_t)(end - v - 1));
			return SPAN(v + 1, e ? (size_t)(e - v - 1)
			                     : (size_t)(end - v - 1));
		}
		e = memchr(v, ' ', (size_t)(end - v));
		return SPAN(v, e ? (size_t)(e - v) : (size_t)(end - v));
	}
	return SPAN(NULL, 0);
}

static enum sl_kind
msmtp(struct sl_event *ev, const char *m, size_t n)
{
	struct sl_span code = kv(m, n, "exitcode="), why;

	if (code.p == NULL || bytes_is(code.p, code.n, "EX_OK"))
		return SL_NONE;
	why = kv(m, n, "errormsg=");
	if (why.p == NULL || why.n == 0)
		why = kv(m, n, "smtpmsg=");
	if (why.p == NULL || why.n == 0)
		why = code;
	ev->stat = why;
	ev->relay = kv(m, n, "host=");
	ev->to = kv(m, n, "recipients=");
	ev->dsn = kv(m, n, "smtpstatus=");
	return SL_BOUNCED; /* no queue: this mail is gone */
}

static enum sl_kind
ssmtp(struct sl_event *ev, const char *m, size_t n)
{
	/* "Sent mail for root@h (221 2.0.0 Bye) uid=0 ..." is success;
	 * every other line ssmtp logs is an error it gave up on */
	if (n == 0 || bytes_starts(m, n, "Sent mail for "))
		return SL_NONE;
	ev->stat = SPAN(m, trim(m, n));
	return SL_BOUNCED;
}

static enum sl_kind
dma(struct sl_event *ev, const char *m, size_t n)
{
	static const struct {
		const char *lit;
		enum sl_kind kind;
	} forms[] = {
	    {"remote delivery deferred: ", SL_DEFERRED},
	    {"local delivery deferred: ", SL_DEFERRED},
	    {"remote delivery failed: ", SL_BOUNCED},
	    {"local delivery failed: ", SL_BOUNCED},
	    {"delivery failed, bouncing", SL_BOUNCED},
	    {"Could not deliver for the last", SL_BOUNCED},
	    {"can not bounce a bounce message", SL_BOUNCED},
	    {"DNS lookup failure: ", SL_DEFERRED},
	};

	if (ev->pid.p != NULL && memchr(ev->pid.p, '.', ev->pid.n) != NULL)
		ev->queue_id = ev->pid;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t l = strlen(forms[i].lit);
		if (bytes_starts(m, n, forms[i].lit)) {
			size_t off = forms[i].lit[l - 1] == ' ' ? l : 0;
			ev->stat = SPAN(m + off, trim(m + off, n - off));
			return forms[i].kind;
		}
	}
	/* "remote delivery to <host> [ip] failed after DATA: 550 ..." */
	if (bytes_starts(m, n, "remote delivery to ") &&
	    find(m, n, " failed")) {
		const char *h = m + 19, *sp = memchr(h, ' ', n - 19);
		const char *c = find(m, n, " failed after ");
		ev->relay = SPAN(h, sp ? (size_t)(sp - h) : n - 19);
		ev->stat = SPAN(m, trim(m, n));
		if (c != NULL) {
			const char *r =
			    memchr(c + 14, ':', n - (size_t)(c + 14 - m));
			if (r != NULL && r + 2 <= m + n)
				ev->stat =
				    SPAN(r + 2,
				         trim(r + 2, n - (size_t)(r + 2 - m)));
		}
		return SL_BOUNCED;
	}
	return SL_NONE;
}

enum sl_kind
relay_log_event(struct sl_event *ev)
{
	const char *m = ev->message.p;
	size_t n = ev->message.n;

	ev->kind = SL_NONE;
	if (m == NULL)
		return SL_NONE;
	switch (relay_log_program(ev->program.p, ev->program.n)) {
	case RELAY_NULLMAILER:
		ev->kind = nullmailer(ev, m, n);
		break;
	case RELAY_MSMTP:
		ev->kind = msmtp(ev, m, n);
		break;
	case RELAY_SSMTP:
		ev->kind = ssmtp(ev, m, n);
		break;
	case RELAY_DMA:
		ev->kind = dma(ev, m, n);
		break;
	case RELAY_NONE:
		break;
	}
	return ev->kind;
}
