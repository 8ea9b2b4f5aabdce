/*
 * journal_run.h - the mail lines of the systemd journal, read through
 * journalctl run as a child (fork/exec, never a shell) with a deadline
 * and a bound on the output read per run.
 *
 * The child is asked only for the mail programs (facility mail, plus
 * cron and the relays by SYSLOG_IDENTIFIER) as JSON, one entry a line:
 *
 *   journalctl [-D DIR] --output=json --output-fields=... --no-pager -q
 *              (--cursor=C | --since='YYYY-MM-DD HH:MM:SS')
 *              SYSLOG_FACILITY=2 + SYSLOG_IDENTIFIER=CRON ...
 *
 * Resuming uses --cursor (not --after-cursor) on purpose: the entry
 * named by the saved cursor comes back first when it still exists and
 * is skipped; when the first entry is another one (or none comes), the
 * cursor is no longer in the journal (rotated, vacuumed, corrupt or
 * replaced while the agent was down) and that is said in the result's
 * note, reading on from where journalctl placed us.  A cursor journalctl
 * cannot parse makes it fail; the run is then repeated from "since".
 */
#ifndef SPOOLWATCH_JOURNAL_RUN_H
#define SPOOLWATCH_JOURNAL_RUN_H

#include <stddef.h>

#include "agent/parse/journal_entry.h"

#define JOURNAL_LINE_MAX (64u << 10)  /* longer entries are skipped */
#define JOURNAL_BYTES_MAX (64u << 20) /* read per run; the rest later */
#define JOURNAL_STDERR_MAX 512        /* bytes of the child's complaint */

struct journal_opts {
	const char *program; /* journalctl */
	const char *dir;     /* -D DIR; NULL: the host's own journals */
	const char *cursor;  /* the last entry read before; NULL: none */
	long long since;     /* epoch to start from without a cursor */
	long long timeout_ms;
	size_t max_bytes; /* of output per run (0: JOURNAL_BYTES_MAX) */
};

struct journal_result {
	unsigned long long entries;      /* handed to the callback */
	unsigned long long bytes;        /* of output read */
	unsigned long long skipped;      /* malformed, too long or no time */
	int cursor_lost;                 /* the saved cursor was not found */
	int partial;                     /* stopped by the deadline or budget */
	char cursor[JOURNAL_CURSOR_MAX]; /* last entry handed over, or "" */
	char note[512];                  /* what the reader should know */
};

/*
 * journal_line_fn - one mail entry: its syslog-form line (n bytes,
 * NUL-terminated) and the decoded entry (valid during the call).
 */
typedef void (*journal_line_fn)(void *arg, const char *line, size_t n,
                                const struct journal_entry *e);

/*
 * journal_read - run the program, hand every mail entry to fn in
 * journal order.  0 when the journal could be read (res says how far;
 * res->cursor is the position to stage), -1 with a reason in err when
 * it could not be run or failed before any entry (res->note may add
 * the child's own words).
 */
int journal_read(const struct journal_opts *o, journal_line_fn fn, void *arg,
                 struct journal_result *res, char *err, size_t errlen);

/*
 * journal_argv - the argument vector journal_read runs (for tests and
 * --check-config): at most JOURNAL_ARGV_MAX entries, NULL-terminated,
 * pointing into o, buf (the cursor/since options) and static strings.
 * with_fields 0 leaves out --output-fields (journalctl before 236).
 */
#define JOURNAL_ARGV_MAX 40
size_t journal_argv(const struct journal_opts *o, int use_cursor,
                    int with_fields, char *buf, size_t buflen,
                    const char **argv);

/*
 * journal_locate - does the root hold a journal?  1 with the directory
 * for -D in dir ("" for the live host, whose journalctl finds its own
 * /var/log/journal and /run/log/journal), 0 if neither exists.
 */
int journal_locate(const char *root, char *dir, size_t n);

#endif
