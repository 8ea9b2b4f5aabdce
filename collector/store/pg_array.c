/*
 * pg_array.c - PostgreSQL array literals for multi-row statements (see
 * pg_array.h).  Inside double quotes only '"' and '\' need a backslash;
 * braces, commas, blanks and newlines are taken as they are, and an
 * unquoted NULL is the SQL NULL, so every element but NULL is quoted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector/store/pg_array.h"
#include "common/xalloc.h"

/* room - at least n more bytes (and the NUL) after len. */
static void
room(struct pg_array *a, size_t n)
{
	if (a->len + n + 1 <= a->cap)
		return;
	a->cap = a->cap ? a->cap : 256;
	while (a->len + n + 1 > a->cap)
		a->cap *= 2;
	a->buf = xrealloc(a->buf, a->cap);
}

void
pg_array_start(struct pg_array *a)
{
	room(a, 1);
	a->buf[0] = '{';
	a->len = 1;
	a->n = 0;
}

/* sep - the comma before every element but the first. */
static void
sep(struct pg_array *a)
{
	if (a->n++ > 0)
		a->buf[a->len++] = ',';
}

void
pg_array_text(struct pg_array *a, const char *s)
{
	size_t n;
	char *o;

	if (s == NULL) {
		pg_array_null(a);
		return;
	}
	n = strlen(s);
	/* the comma, two quotes, a backslash per byte at most */
	room(a, 2 * n + 3);
	sep(a);
	o = a->buf + a->len;
	*o++ = '"';
	for (const char *c = s; *c; c++) {
		if (*c == '"' || *c == '\\')
			*o++ = '\\';
		*o++ = *c;
	}
	*o++ = '"';
	a->len = (size_t)(o - a->buf);
}

void
pg_array_int(struct pg_array *a, long long v)
{
	room(a, 24);
	sep(a);
	a->len += (size_t)snprintf(a->buf + a->len, a->cap - a->len, "%lld", v);
}

void
pg_array_null(struct pg_array *a)
{
	room(a, 5);
	sep(a);
	memcpy(a->buf + a->len, "NULL", 4);
	a->len += 4;
}

const char *
pg_array_end(struct pg_array *a)
{
	room(a, 1);
	a->buf[a->len++] = '}';
	a->buf[a->len] = '\0';
	return a->buf;
}

void
pg_array_free(struct pg_array *a)
{
	free(a->buf);
	a->buf = NULL;
	a->len = a->cap = a->n = 0;
}
