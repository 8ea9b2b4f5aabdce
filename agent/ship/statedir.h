/*
 * statedir.h - the agent's state directory: the only place it writes.
 *
 * statedir_open() creates the directory (0700) if needed, refuses one
 * that is world-writable or not owned by the running user (anyone else
 * could plant offsets or reports there), and, when locking, takes an
 * exclusive flock(2) on STATE_DIR/lock so that two agents never share an
 * outbox.  The lock goes away with the process, even on SIGKILL.
 */
#ifndef SPOOLWATCH_STATEDIR_H
#define SPOOLWATCH_STATEDIR_H

#include <stddef.h>

struct statedir;

/* statedir_check - 0 if dir is a directory owned by us and not
 * world-writable; -1 with a reason (ENOENT is left in errno). */
int statedir_check(const char *dir, char *err, size_t errlen);
/* statedir_open - create (create != 0), check and optionally lock dir. */
struct statedir *statedir_open(const char *dir, int create, int lock, char *err,
                               size_t errlen);
void statedir_close(struct statedir *sd);

#endif
