/*
 * own_pids.c - the agent's own children's pids in the state (see
 * own_pids.h): a JSON array of at most OWN_PIDS_MAX integers, newest
 * last.
 */
#include <jansson.h>

#include "agent/collect/own_pids.h"
#include "agent/ship/state.h"

#define OWN_PIDS_KEY "logs:own_pids"

void
own_pids_add(struct state *st, long pid)
{
	json_t *old, *next = json_array(), *v;
	size_t i, n, from;

	if (st == NULL || pid < 1) {
		json_decref(next);
		return;
	}
	old = state_get(st, OWN_PIDS_KEY);
	n = json_is_array(old) ? json_array_size(old) : 0;
	from = n >= OWN_PIDS_MAX ? n - OWN_PIDS_MAX + 1 : 0;
	for (i = from; i < n; i++) {
		v = json_array_get(old, i);
		if (json_is_integer(v) && json_integer_value(v) != pid)
			json_array_append(next, v);
	}
	json_array_append_new(next, json_integer(pid));
	state_put(st, OWN_PIDS_KEY, next);
}

int
own_pids_has(const struct state *st, const char *p, size_t n)
{
	json_t *a, *v;
	long pid = 0;
	size_t i;

	if (st == NULL || p == NULL || n == 0 || n > 9)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		pid = pid * 10 + (p[i] - '0');
	}
	a = state_get(st, OWN_PIDS_KEY);
	json_array_foreach(a, i, v)
	{
		if (json_is_integer(v) && json_integer_value(v) == pid)
			return 1;
	}
	return 0;
}
