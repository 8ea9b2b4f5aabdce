/*
 * api_incidents.c - a host's open findings as incidents (see api.h):
 * each cause with the symptoms folded under it (collector/store/
 * incident.c decides which), causes by severity, then first_seen.
 */
#include <stdlib.h>
#include <string.h>

#include "collector/api/api.h"
#include "collector/store/incident.h"
#include "common/xalloc.h"

/* The place of one cause in the answer. */
struct cause {
	size_t index;     /* in the findings */
	int rank;         /* 0 critical, 1 warning, 2 info or other */
	const char *seen; /* first_seen, RFC 3339: text order is time order */
	json_t *symptoms; /* owned until put in the incident */
};

static int
rank(json_t *f)
{
	const char *s = json_string_value(json_object_get(f, "severity"));

	if (s && strcmp(s, "critical") == 0)
		return 0;
	if (s && strcmp(s, "warning") == 0)
		return 1;
	return 2;
}

static int
cmp_cause(const void *a, const void *b)
{
	const struct cause *x = a, *y = b;
	int c;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	if ((c = strcmp(x->seen, y->seen)) != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

json_t *
api_incidents(json_t *findings)
{
	size_t n = json_array_size(findings), ncause = 0, i;
	long *folds = xcalloc(n + 1, sizeof(*folds));
	long *slot = xcalloc(n + 1, sizeof(*slot)); /* index -> cause slot */
	struct cause *cs = xcalloc(n + 1, sizeof(*cs));
	json_t *out = json_array(), *f;

	incident_folds(findings, folds);
	json_array_foreach(findings, i, f)
	{
		const char *seen =
		    json_string_value(json_object_get(f, "first_seen"));

		slot[i] = -1;
		if (folds[i] >= 0)
			continue;
		cs[ncause] =
		    (struct cause){i, rank(f), seen ? seen : "", json_array()};
		slot[i] = (long)ncause++;
	}
	json_array_foreach(findings, i, f)
	{
		if (folds[i] >= 0)
			json_array_append(cs[slot[folds[i]]].symptoms, f);
	}
	qsort(cs, ncause, sizeof(*cs), cmp_cause);
	for (i = 0; i < ncause; i++)
		json_array_append_new(
		    out, json_pack("{s:O,s:o}", "cause",
		                   json_array_get(findings, cs[i].index),
		                   "symptoms", cs[i].symptoms));
	free(cs);
	free(slot);
	free(folds);
	return out;
}
