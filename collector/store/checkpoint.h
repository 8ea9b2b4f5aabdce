/*
 * checkpoint.h - SQLite's WAL checkpointer: a thread with its own
 * connection that copies the write-ahead log into the database file
 * after the writer's commits, so that no commit of the writer waits for
 * a checkpoint (the writer runs with wal_autocheckpoint off), and that
 * keeps the log within a bound.
 */
#ifndef SPOOLWATCH_CHECKPOINT_H
#define SPOOLWATCH_CHECKPOINT_H

#include <stddef.h>

#include "collector/store/sql.h"

struct checkpointer;

/* checkpoint_start - the checkpointer of the SQLite database at path,
 * whose connections use synchronous ("full"/"normal"); the log is
 * brought back to its start once its file is larger than wal_max bytes
 * (checkpoint_restart).
 * NULL and a reason on error. */
struct checkpointer *checkpoint_start(const char *path,
                                      const char *synchronous,
                                      long long wal_max, char *err,
                                      size_t errlen);
/* checkpoint_kick - the writer committed: a checkpoint is due soon. */
void checkpoint_kick(struct checkpointer *c);
/* checkpoint_restart - in the writer's thread, between its
 * transactions: when the log's file is past wal_max, a RESTART checkpoint on
 * the writer's connection, after which its next commit starts the log
 * from the beginning (a failure is logged; it is tried again later). */
void checkpoint_restart(struct checkpointer *c, sql_db *writer);
/* checkpoint_stop - stop the thread, close its connection and free c
 * (NULL: nothing). */
void checkpoint_stop(struct checkpointer *c);

#endif
