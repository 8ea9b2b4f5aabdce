/*
 * own_pids.h - the pids of the processes the agent itself started
 * (postqueue -j), remembered in the agent state so that the log collector
 * of a later cycle can leave out what they logged: with postfix down,
 * every postqueue run logs "warning: Mail system is down -- accessing
 * queue directly", which is the agent's doing, not the host's.
 *
 * The state key "logs:own_pids" holds the newest OWN_PIDS_MAX pids.
 */
#ifndef SPOOLWATCH_OWN_PIDS_H
#define SPOOLWATCH_OWN_PIDS_H

#include <stddef.h>

struct state;

#define OWN_PIDS_MAX 16

/* own_pids_add - remember pid (ignored when < 1; st NULL: nothing). */
void own_pids_add(struct state *st, long pid);

/* own_pids_has - whether the decimal pid text (p, n) is one of them. */
int own_pids_has(const struct state *st, const char *p, size_t n);

#endif
