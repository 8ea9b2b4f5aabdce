/*
 * route.c - matching a request against the route table (see route.h).
 */
#include <stdio.h>
#include <string.h>

#include "collector/http/route.h"

/* path_match - 1 if r takes path. */
static int
path_match(const struct route *r, const char *path)
{
	size_t n;

	if (r->path == NULL)
		return r->owns != NULL && r->owns(path);
	n = strlen(r->path);
	if (n >= 2 && strcmp(r->path + n - 2, "{}") == 0) {
		n -= 2;
		return strncmp(path, r->path, n) == 0 && path[n] != '\0' &&
		       strchr(path + n, '/') == NULL;
	}
	return strcmp(path, r->path) == 0;
}

/* method_match - 1 if a row of method m answers method. */
static int
method_match(const char *m, const char *method)
{
	return strcmp(m, method) == 0 ||
	       (strcmp(m, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

/* allow_add - append m (and HEAD after GET) to allow unless there. */
static void
allow_add(char *allow, size_t allowlen, const char *m)
{
	size_t n = strlen(allow);
	const char *sep = n ? ", " : "";

	if (strstr(allow, m) != NULL)
		return;
	if (strcmp(m, "GET") == 0)
		snprintf(allow + n, allowlen - n, "%sGET, HEAD", sep);
	else
		snprintf(allow + n, allowlen - n, "%s%s", sep, m);
}

const struct route *
route_find(const struct route *table, const char *method, const char *path,
           char *allow, size_t allowlen)
{
	if (allowlen)
		allow[0] = '\0';
	for (const struct route *r = table; r->serve; r++) {
		if (!path_match(r, path))
			continue;
		if (method_match(r->method, method))
			return r;
		if (allowlen)
			allow_add(allow, allowlen, r->method);
	}
	return NULL;
}

const char *
route_param(const struct route *r, const char *path)
{
	size_t n;

	if (r->path == NULL)
		return NULL;
	n = strlen(r->path);
	if (n < 2 || strcmp(r->path + n - 2, "{}") != 0)
		return NULL;
	return path + n - 2;
}
