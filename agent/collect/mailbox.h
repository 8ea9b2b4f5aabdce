/*
 * mailbox.h - one user's mbox as the report's mailboxes[] entry: counts,
 * dates and the cron jobs behind the mail, kept up to date incrementally.
 *
 * The aggregates and the position reached are saved in the agent state
 * (the caller stages them with state_put under "mbox:<host path>"); the
 * next cycle parses only what was appended.  The saved identity is the
 * device, inode and a fingerprint (FNV-1a of the first 4 KiB and of the 4
 * KiB before the position): a mailbox that was replaced, truncated or
 * rewritten in place (a MUA setting Status: headers) is parsed again from
 * the start.  The mailbox is opened with safe_open() (no final link, no
 * FIFO wait, the inode the caller chose it by, O_NOATIME when permitted),
 * never locked and never written.
 */
#ifndef SPOOLWATCH_MAILBOX_H
#define SPOOLWATCH_MAILBOX_H

#include <jansson.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

struct mailbox_opts {
	time_t now;
	long long settle;   /* seconds without change: last message final */
	size_t max_jobs;    /* distinct cron jobs kept per mailbox */
	size_t excerpt_max; /* bytes of the newest body per job */
	const struct stat *seen; /* the lstat the file was chosen by, or NULL */
	int check_owner;         /* 1: it must belong to owner or root and
	                          * have one link, else it is not read */
	uid_t owner;
	long long max_bytes;   /* a larger mailbox is an error; 0: no cap */
	long long cycle_bytes; /* bytes parsed per cycle, the rest the next
	                        * cycle; 0: no budget */
	long long cycle_ms;    /* milliseconds of reading per cycle (checked
	                        * every MBOX_BUF bytes), the rest the next
	                        * cycle; 0: no budget */
};

struct mailbox_note {
	long long junk;            /* bytes outside any message */
	unsigned long cut_lines;   /* header lines too long to examine */
	int pending;               /* last message left for the next cycle */
	int restarted;             /* the saved state did not fit the file */
	unsigned long long parsed; /* messages parsed in this cycle */
	long long budget_left;     /* bytes left for the next cycle by the
	                            * cycle_bytes or cycle_ms budget */
	int timed_out;             /* the cycle_ms budget ran out */
};

/*
 * mailbox_read - read the mailbox name of the directory dirfd (a path
 * with AT_FDCWD; reported as host, for user),
 * continuing from prev (a state value from an earlier cycle, or NULL).
 * Returns the mailboxes[] entry and sets *state to the value to stage,
 * or NULL with a reason in err (the state is then left as it was).
 */
json_t *mailbox_read(int dirfd, const char *name, const char *host,
                     const char *user, json_t *prev,
                     const struct mailbox_opts *o, json_t **state,
                     struct mailbox_note *note, char *err, size_t errlen);

#endif
