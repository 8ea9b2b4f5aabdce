/*
 * report_spans.c - the spans of a report's stored parts in its text (see
 * report_spans.h).  One pass over the members of the report and of its
 * events and findings; a value the store does not keep is skipped by
 * counting brackets, strings by memchr.
 */
#include <stdlib.h>
#include <string.h>

#include "collector/ingest/json_cost.h"
#include "collector/ingest/report_spans.h"
#include "common/xalloc.h"

static const char *const state_keys[SPAN_STATE_N] = {"spools", "filesystems",
                                                     "mta", "mail", "errors"};

struct scan {
	const char *t;
	size_t len, i;
};

static void
ws(struct scan *c)
{
	while (c->i < c->len && (c->t[c->i] == ' ' || c->t[c->i] == '\t' ||
	                         c->t[c->i] == '\n' || c->t[c->i] == '\r'))
		c->i++;
}

/* skip_value - past the value at c->i (whitespace skipped first). */
static void
skip_value(struct scan *c)
{
	int depth = 0;

	ws(c);
	while (c->i < c->len) {
		char ch = c->t[c->i];
		if (ch == '"') {
			c->i = json_string_end(c->t, c->len, c->i);
		} else if (ch == '{' || ch == '[') {
			depth++;
			c->i++;
		} else if (ch == '}' || ch == ']') {
			if (depth == 0)
				return;
			depth--;
			c->i++;
		} else if (depth == 0 &&
		           (ch == ',' || ch == ' ' || ch == '\t' ||
		            ch == '\n' || ch == '\r')) {
			return;
		} else {
			c->i++;
		}
		if (depth == 0 && (ch == '"' || ch == '}' || ch == ']'))
			return;
	}
}

/* value_span - skip the value at c->i and give its span. */
static struct span
value_span(struct scan *c)
{
	struct span s;

	ws(c);
	s.off = c->i;
	skip_value(c);
	s.len = c->i - s.off;
	return s;
}

/* next_key - at '{' or ',' of an object: the next key (k, kn) and c->i
 * at its value; 0 at the object's end (c->i past '}'), -1 for a key with
 * an escape. */
static int
next_key(struct scan *c, const char **k, size_t *kn)
{
	size_t e;

	ws(c);
	if (c->i >= c->len)
		return 0;
	if (c->t[c->i] == '{' || c->t[c->i] == ',')
		c->i++;
	ws(c);
	if (c->i >= c->len || c->t[c->i] == '}') {
		c->i++;
		return 0;
	}
	e = json_string_end(c->t, c->len, c->i);
	if (c->t[c->i] != '"' || e < c->i + 2)
		return -1;
	*k = c->t + c->i + 1;
	*kn = e - c->i - 2;
	if (memchr(*k, '\\', *kn) != NULL)
		return -1;
	c->i = e;
	ws(c);
	c->i++; /* ':' */
	ws(c);
	return 1;
}

static int
key_is(const char *k, size_t kn, const char *name)
{
	return strlen(name) == kn && memcmp(k, name, kn) == 0;
}

/* array_items - the items of the array at c->i; each one handed to fn
 * (c->i at the item), which must move past it; the count out. */
static int
array_items(struct scan *c, struct span **v, size_t *n,
            int (*fn)(struct scan *, struct span *))
{
	size_t cap = 0;

	ws(c);
	if (c->i >= c->len || c->t[c->i] != '[') {
		skip_value(c);
		return 0; /* not an array: the validator refused it */
	}
	c->i++;
	for (;;) {
		ws(c);
		if (c->i >= c->len)
			return -1;
		if (c->t[c->i] == ']') {
			c->i++;
			return 0;
		}
		if (c->t[c->i] == ',') {
			c->i++;
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = xrealloc(*v, cap * sizeof(**v));
		}
		if (fn(c, &(*v)[*n]) == -1)
			return -1;
		(*n)++;
	}
}

static int
event_item(struct scan *c, struct span *s)
{
	*s = value_span(c);
	return 0;
}

/* finding_item - a finding's evidence span (len 0 if it has none). */
static int
finding_item(struct scan *c, struct span *s)
{
	const char *k;
	size_t kn;
	int rc;

	s->off = s->len = 0;
	ws(c);
	if (c->i >= c->len || c->t[c->i] != '{') {
		skip_value(c);
		return 0;
	}
	while ((rc = next_key(c, &k, &kn)) == 1) {
		if (key_is(k, kn, "evidence"))
			*s = value_span(c);
		else
			skip_value(c);
	}
	return rc;
}

int
report_spans(const char *t, size_t len, struct report_spans *sp)
{
	struct scan c = {t, len, 0};
	const char *k;
	size_t kn;
	int rc;

	memset(sp, 0, sizeof(*sp));
	ws(&c);
	if (c.i >= len || t[c.i] != '{')
		return -1;
	while ((rc = next_key(&c, &k, &kn)) == 1) {
		int j;
		for (j = 0; j < SPAN_STATE_N; j++)
			if (key_is(k, kn, state_keys[j]))
				break;
		if (j < SPAN_STATE_N)
			sp->state[j] = value_span(&c);
		else if (key_is(k, kn, "events"))
			rc = array_items(&c, &sp->events, &sp->nevents,
			                 event_item);
		else if (key_is(k, kn, "findings"))
			rc = array_items(&c, &sp->evidence, &sp->nfindings,
			                 finding_item);
		else
			skip_value(&c);
		if (rc == -1)
			break;
	}
	if (rc == -1) {
		report_spans_free(sp);
		return -1;
	}
	return 0;
}

void
report_spans_free(struct report_spans *sp)
{
	free(sp->events);
	free(sp->evidence);
	memset(sp, 0, sizeof(*sp));
}

char *
compact_copy(const char *t, struct span s)
{
	char *o = xmalloc(s.len + 1), *p = o;
	size_t i = s.off, end = s.off + s.len;

	while (i < end) {
		char ch = t[i];
		if (ch == '"') {
			size_t e = json_string_end(t, end, i);
			memcpy(p, t + i, e - i);
			p += e - i;
			i = e;
			continue;
		}
		if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
			*p++ = ch;
		i++;
	}
	*p = '\0';
	return o;
}
