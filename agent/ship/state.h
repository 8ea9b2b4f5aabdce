/*
 * state.h - the agent's persistent state under --state-dir: log and
 * mailbox offsets and whatever a collector must remember between cycles.
 *
 * Values are JSON, keyed by "<collector>:<what>" (e.g. "log:/var/log/
 * maillog").  A cycle stages new values with state_put(); they become the
 * committed values, written atomically to STATE_DIR/state.json, only with
 * state_commit(), which the caller runs once the report that depends on
 * them is durable (accepted by the collector or fsync'd in the outbox, or
 * printed with --commit-state).  state_discard() forgets staged values.
 */
#ifndef SPOOLWATCH_STATE_H
#define SPOOLWATCH_STATE_H

#include <jansson.h>
#include <stddef.h>

struct state;

/* state_open - load DIR/state.json (absent: empty).  A corrupt file is
 * renamed to state.json.corrupt and the state starts empty; *warn then
 * says so.  NULL with err only when DIR cannot be used at all. */
struct state *state_open(const char *dir, char *warn, size_t warnlen, char *err,
                         size_t errlen);
/* state_get - the staged value if any, else the committed one (borrowed) */
json_t *state_get(const struct state *st, const char *key);
/* state_get_committed - the committed value only (borrowed). */
json_t *state_get_committed(const struct state *st, const char *key);
/* state_put - stage val (stolen) for key; NULL stages a deletion. */
void state_put(struct state *st, const char *key, json_t *val);
int state_commit(struct state *st, char *err, size_t errlen);
void state_discard(struct state *st);
const char *state_dir(const struct state *st);
void state_close(struct state *st);

#endif
