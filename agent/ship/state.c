/*
 * state.c - committed and staged agent state, one JSON file.
 *
 * STATE_DIR/state.json holds {"version":1, "values":{key: value}}.  It is
 * small (one entry per log file and mailbox) and rewritten whole with
 * write_file_atomic(), so a crash leaves the previous commit.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/limits.h"
#include "agent/ship/state.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

struct state {
	char *dir;
	json_t *committed; /* object */
	json_t *staged;    /* object; JSON null = delete */
};

struct state *
state_open(const char *dir, char *warn, size_t warnlen, char *err,
           size_t errlen)
{
	char path[PATH_MAX], why[512];
	struct state *st;
	char *text;
	ssize_t n;
	struct stat sb;

	if (warn && warnlen)
		warn[0] = '\0';
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "state dir %s: %s", dir,
		         errno ? strerror(errno) : "not a directory");
		return NULL;
	}
	st = xcalloc(1, sizeof(*st));
	st->dir = xstrdup(dir);
	st->staged = json_object();
	snprintf(path, sizeof(path), "%s/state.json", dir);
	n = read_file_capped(path, &text, AGENT_MAX_STATE_FILE, why,
	                     sizeof(why));
	if (n < 0) {
		if (errno != ENOENT && warn)
			snprintf(warn, warnlen, "%s; starting empty", why);
		st->committed = json_object();
		return st;
	}
	{
		json_error_t je;
		json_t *doc = json_loadb(text, (size_t)n, 0, &je);
		json_t *vals = json_object_get(doc, "values");
		free(text);
		if (json_is_object(vals)) {
			st->committed = json_incref(vals);
		} else {
			char aside[PATH_MAX + 16];
			snprintf(aside, sizeof(aside), "%s.corrupt", path);
			rename(path, aside);
			if (warn)
				snprintf(warn, warnlen,
				         "%s is corrupt (%s); moved to %s, "
				         "starting empty",
				         path, doc ? "no values" : je.text,
				         aside);
			st->committed = json_object();
		}
		json_decref(doc);
	}
	return st;
}

json_t *
state_get(const struct state *st, const char *key)
{
	json_t *v = json_object_get(st->staged, key);
	if (v)
		return json_is_null(v) ? NULL : v;
	return json_object_get(st->committed, key);
}

json_t *
state_get_committed(const struct state *st, const char *key)
{
	return json_object_get(st->committed, key);
}

void
state_put(struct state *st, const char *key, json_t *val)
{
	json_object_set_new(st->staged, key, val ? val : json_null());
}

int
state_commit(struct state *st, char *err, size_t errlen)
{
	char path[PATH_MAX];
	const char *key;
	json_t *v, *next, *doc;
	char *text;
	int rc;

	if (json_object_size(st->staged) == 0)
		return 0;
	next = json_deep_copy(st->committed);
	json_object_foreach(st->staged, key, v)
	{
		if (json_is_null(v))
			json_object_del(next, key);
		else
			json_object_set(next, key, v);
	}
	doc = json_pack("{s:i, s:O}", "version", 1, "values", next);
	text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	rc = write_file_atomic(path, text, strlen(text), 0600, err, errlen);
	free(text);
	if (rc == -1) {
		json_decref(next);
		return -1;
	}
	json_decref(st->committed);
	st->committed = next;
	json_object_clear(st->staged);
	return 0;
}

void
state_discard(struct state *st)
{
	json_object_clear(st->staged);
}

const char *
state_dir(const struct state *st)
{
	return st->dir;
}

void
state_close(struct state *st)
{
	if (st == NULL)
		return;
	json_decref(st->committed);
	json_decref(st->staged);
	free(st->dir);
	free(st);
}
