/*
 * msghdr.c - header block of one stored message (see msghdr.h).  One
 * pass with memchr over the lines; values are unfolded into the fixed
 * copies, so nothing is allocated and nothing outside (p, n) is read.
 */
#include <string.h>
#include <strings.h>

#include "agent/parse/mbox.h"
#include "agent/parse/msghdr.h"

enum which { H_OTHER, H_SUBJECT, H_FROM, H_DATE, H_ENV, H_AUTO };

static enum which
name_of(const char *p, size_t n)
{
	static const struct {
		const char *name;
		enum which w;
	} names[] = {
	    {"subject", H_SUBJECT},     {"from", H_FROM},
	    {"date", H_DATE},           {"x-cron-env", H_ENV},
	    {"auto-submitted", H_AUTO},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n &&
		    strncasecmp(p, names[i].name, n) == 0)
			return names[i].w;
	return H_OTHER;
}

/* append - add a value piece to a copy, unfolding (one blank between) */
static void
append(char *dst, size_t cap, size_t *len, const char *p, size_t n,
       unsigned *cut)
{
	while (n > 0 &&
	       (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (n == 0)
		return;
	if (*len > 0 && *len < cap)
		dst[(*len)++] = ' ';
	if (n > cap - *len) {
		n = cap - *len;
		(*cut)++;
	}
	memcpy(dst + *len, p, n);
	*len += n;
}

/* finish - act on a completed header (its unfolded value in val) */
static void
finish(struct msghdr *h, enum which w, const char *val, size_t vl)
{
	switch (w) {
	case H_DATE:
		h->date = mbox_date_rfc2822(val, vl);
		break;
	case H_ENV:
		h->cron_env = 1;
		if (h->cron_user[0] == '\0')
			cron_env_user(val, vl, h->cron_user);
		break;
	case H_AUTO:
		h->auto_submitted = 1;
		break;
	default:
		break;
	}
}

void
msghdr_parse(const char *p, size_t n, struct msghdr *h)
{
	size_t i = 0, vl = 0;
	enum which cur = H_OTHER;
	char val[512]; /* Date and X-Cron-Env values */

	memset(h, 0, sizeof(*h));
	h->date = -1;
	h->body = n;
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, ll = end - i;
		const char *line = p + i, *colon;

		if (ll == 0 || (ll == 1 && line[0] == '\r')) {
			h->complete = 1;
			h->body = nl ? end + 1 : n;
			break;
		}
		if (line[0] == ' ' || line[0] == '\t') { /* a continuation */
			if (cur == H_SUBJECT)
				append(h->subject, sizeof(h->subject),
				       &h->subject_len, line, ll, &h->cut);
			else if (cur == H_FROM)
				append(h->from, sizeof(h->from), &h->from_len,
				       line, ll, &h->cut);
			else if (cur != H_OTHER)
				append(val, sizeof(val), &vl, line, ll,
				       &h->cut);
		} else {
			if (cur != H_OTHER)
				finish(h, cur, val, vl);
			cur = H_OTHER;
			vl = 0;
			colon = memchr(line, ':', ll);
			if (colon != NULL) {
				size_t nl2 = (size_t)(colon - line);
				const char *v = colon + 1;
				size_t vn = ll - nl2 - 1;
				cur = name_of(line, nl2);
				if (cur == H_SUBJECT && h->subject_len == 0)
					append(h->subject, sizeof(h->subject),
					       &h->subject_len, v, vn, &h->cut);
				else if (cur == H_FROM && h->from_len == 0)
					append(h->from, sizeof(h->from),
					       &h->from_len, v, vn, &h->cut);
				else if (cur == H_SUBJECT || cur == H_FROM)
					cur = H_OTHER; /* a second one */
				else if (cur != H_OTHER)
					append(val, sizeof(val), &vl, v, vn,
					       &h->cut);
			}
		}
		i = nl ? end + 1 : n;
	}
	if (cur != H_OTHER)
		finish(h, cur, val, vl);
}

int
msghdr_cron(const struct msghdr *h, struct cron_job *job)
{
	if (h->subject_len > 0 && cron_subject(h->subject, h->subject_len, job))
		return 1;
	return 0;
}
