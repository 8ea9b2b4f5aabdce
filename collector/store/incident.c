/*
 * incident.c - symptoms and their causes in one host's findings (see
 * incident.h).  Linear: the findings are indexed once by "code subject"
 * (a code holds no space), then each caused_by is one look-up.
 */
#include <string.h>

#include "collector/limits.h"
#include "collector/store/incident.h"

/* "code subject": a code, a space, a subject of V_MAX_STR characters of
 * up to 4 bytes each, the NUL */
#define KEY_MAX (64 + 1 + 4 * V_MAX_STR + 1)

/* key - "code subject" of o into buf; -1 when either is not a string. */
static int
key(json_t *o, char *buf, size_t n)
{
	const char *code = json_string_value(json_object_get(o, "code"));
	const char *subj = json_string_value(json_object_get(o, "subject"));
	size_t lc, ls;

	if (code == NULL || subj == NULL)
		return -1;
	lc = strlen(code);
	ls = strlen(subj);
	if (lc + 1 + ls + 1 > n)
		return -1;
	memcpy(buf, code, lc);
	buf[lc] = ' ';
	memcpy(buf + lc + 1, subj, ls + 1);
	return 0;
}

/* named - the index of the finding f's caused_by names in index (other
 * than self), or -1. */
static long
named(json_t *index, json_t *f, long self)
{
	char buf[KEY_MAX];
	json_t *at;

	if (key(json_object_get(f, "caused_by"), buf, sizeof(buf)) == -1 ||
	    (at = json_object_get(index, buf)) == NULL ||
	    json_integer_value(at) == self)
		return -1;
	return (long)json_integer_value(at);
}

void
incident_folds(json_t *findings, long *out)
{
	json_t *index = json_object(), *f;
	char buf[KEY_MAX];
	size_t i;

	json_array_foreach(findings, i, f)
	{
		/* the first of two findings with the same key is the one */
		if (key(f, buf, sizeof(buf)) == 0 &&
		    json_object_get(index, buf) == NULL)
			json_object_set_new(index, buf,
			                    json_integer((json_int_t)i));
	}
	json_array_foreach(findings, i, f) out[i] = named(index, f, (long)i);
	json_array_foreach(findings, i, f)
	{
		if (out[i] >= 0 &&
		    named(index, json_array_get(findings, (size_t)out[i]),
		          out[i]) >= 0)
			out[i] = -1;
	}
	json_decref(index);
}
