/*
 * pg_array.h - a PostgreSQL array literal ({"a","b\"c",NULL}, {1,2})
 * built in a buffer reused from one statement to the next, bound as one
 * text parameter and read back by unnest(CAST(? AS text[])): the rows of
 * a multi-row statement in one parameter per column.
 */
#ifndef SPOOLWATCH_PG_ARRAY_H
#define SPOOLWATCH_PG_ARRAY_H

#include <stddef.h>

struct pg_array {
	char *buf; /* NUL-terminated once pg_array_end ran */
	size_t len, cap;
	size_t n; /* elements so far */
};

/* pg_array_start - empty a (keeps its buffer). */
void pg_array_start(struct pg_array *a);
/* pg_array_text - one text element, s quoted ("\"" and "\\" escaped);
 * NULL is the SQL NULL. */
void pg_array_text(struct pg_array *a, const char *s);
/* pg_array_int - one integer element. */
void pg_array_int(struct pg_array *a, long long v);
/* pg_array_null - one SQL NULL element. */
void pg_array_null(struct pg_array *a);
/* pg_array_end - the literal, valid until the next pg_array_start. */
const char *pg_array_end(struct pg_array *a);
void pg_array_free(struct pg_array *a);

#endif
