/*
 * journal_source.c - the journal as a log source (see journal_source.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent/cycle.h"
#include "agent/collect/journal_source.h"
#include "agent/ship/state.h"

json_t *
journal_source_read(struct cycle *c, const struct journal_config *cfg,
                    journal_line_fn fn, void *arg)
{
	struct journal_opts o;
	struct journal_result res;
	char dir[4096], err[1024];
	json_t *cur;
	const char *cursor;

	if (strcmp(cfg->enabled, "no") == 0)
		return NULL;
	if (!journal_locate(c->root, dir, sizeof(dir))) {
		if (strcmp(cfg->enabled, "yes") != 0)
			return NULL;
		return json_pack("{s:s, s:s, s:s}", "path", "journal", "status",
		                 "missing", "note",
		                 "[journal] enabled = yes, but there is no "
		                 "/var/log/journal or /run/log/journal");
	}
	cur = state_get(c->state, JOURNAL_STATE_KEY);
	cursor = json_string_value(cur);
	memset(&o, 0, sizeof(o));
	o.program = cfg->journalctl;
	o.dir = dir[0] ? dir : NULL;
	o.cursor = cursor;
	o.since = (long long)c->now - JOURNAL_READBACK_S;
	o.timeout_ms = JOURNAL_TIMEOUT_MS;
	if (journal_read(&o, fn, arg, &res, err, sizeof(err)) == -1)
		return json_pack(
		    "{s:s, s:s, s:o, s:o}", "path", "journal", "status",
		    "error", "error",
		    json_str_safe(err, strlen(err), sizeof(err)), "note",
		    res.note[0] ? json_str_safe(res.note, strlen(res.note),
		                                sizeof(res.note))
		                : json_null());
	if (res.cursor[0] != '\0' &&
	    (cursor == NULL || strcmp(cursor, res.cursor) != 0))
		state_put(c->state, JOURNAL_STATE_KEY, json_string(res.cursor));
	return json_pack(
	    "{s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:b, s:b, s:o}", "path",
	    "journal", "status", "ok", "directory",
	    dir[0] ? dir + strlen(c->root) : "(the host's journals)", "entries",
	    (json_int_t)res.entries, "bytes_read", (json_int_t)res.bytes,
	    "skipped", (json_int_t)res.skipped, "first_start", cursor == NULL,
	    "cursor_lost", res.cursor_lost, "partial", res.partial, "note",
	    res.note[0]
	        ? json_str_safe(res.note, strlen(res.note), sizeof(res.note))
	        : json_null());
}
