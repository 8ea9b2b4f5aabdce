/*
 * maildir.h - one user's Maildir as the report's mailboxes[] entry:
 * counts, dates and the cron jobs behind the mail, kept up to date by
 * listing the directory, not by re-reading every message.
 *
 * A Maildir (maildir(5), as written by postfix with "home_mailbox =
 * Maildir/", Exim's maildir_format, procmail, dovecot) is a directory
 * with tmp/, new/ and cur/.  Delivered messages are files in new/
 * (never seen by a reader) and cur/, named
 *
 *   1771143425.M512345P4120.host1:2,RS
 *
 * where the letters after ":2," are the flags, sorted: a message is
 * unread while it has no "S" (seen), and every message in new/ is.
 *
 * The agent state (the caller stages it under "maildir:<host path>")
 * remembers each message by its unique name (the part before ':') and
 * inode, with its date, size and cron job, so a cycle only opens the
 * messages that arrived since the last one.  Messages are hostile: each
 * is opened with O_NOFOLLOW, must be a regular file with one link owned
 * by the Maildir's owner or root, and at most MAILDIR_READ_MAX bytes of
 * it are read.
 */
#ifndef SPOOLWATCH_MAILDIR_H
#define SPOOLWATCH_MAILDIR_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#define MAILDIR_READ_MAX (64u << 10) /* bytes read of a message */
#define MAILDIR_DEF_FILES 200000     /* messages remembered */

struct maildir_opts {
	time_t now;
	size_t max_jobs;    /* distinct cron jobs kept per mailbox */
	size_t max_files;   /* messages remembered; more are only counted */
	size_t excerpt_max; /* bytes of the newest body per job */
};

struct maildir_note {
	unsigned long long parsed;  /* messages opened in this cycle */
	unsigned long long skipped; /* files refused (links, owner, ...) */
	unsigned long long counted; /* beyond max_files: counted only */
	char first_skip[300];       /* "NAME: why" of the first refused */
};

/* maildir_is - does the directory mfd hold a Maildir (cur/ and new/
 * directories, not links)? */
int maildir_is(int mfd);

/*
 * maildir_read - list the Maildir open as mfd (it stays open; reported
 * as host, for user),
 * continuing from prev (a state value from an earlier cycle, or NULL).
 * Returns the mailboxes[] entry ("format": "maildir") and sets *state to
 * the value to stage, or NULL with a reason in err.
 */
json_t *maildir_read(int mfd, const char *host, const char *user,
                     json_t *prev, const struct maildir_opts *o,
                     json_t **state, struct maildir_note *note, char *err,
                     size_t errlen);

#endif
