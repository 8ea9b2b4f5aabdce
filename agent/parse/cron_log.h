/*
 * cron_log.h - cron's own log lines: which job ran (CMD) and cron's
 * complaint that it could not hand the job's output to an MTA, so the
 * mail is lost (mail.cron_lost).  The lines, as syslog writes them:
 *
 *   CRON[4121]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)
 *   CRON[4120]: (CRON) info (No MTA installed, discarding output)
 *   CROND[2277]: (root) MAIL (mailed 77 bytes of output but got status
 *                0x0001 from MTA#012)
 *
 * The first two are Debian's cron, the third cronie/vixie-cron.  The
 * complaint is logged by the cron process that forked the job's shell
 * (pid 4120 above), the CMD line by that shell (4121), so a complaint
 * is tied to the CMD line of its own pid or, failing that, of the
 * nearest pid after it, each CMD line used once.
 */
#ifndef SPOOLWATCH_CRON_LOG_H
#define SPOOLWATCH_CRON_LOG_H

#include <jansson.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "agent/parse/syslog_parse.h"

enum cron_line {
	CRONL_NONE = 0,
	CRONL_CMD,         /* (user) CMD (command) */
	CRONL_NO_MTA,      /* Debian: No MTA installed, discarding output */
	CRONL_MAIL_FAILED, /* cronie/vixie: mailed N bytes ... status 0x.. */
};

struct cron_line_info {
	struct sl_span user;    /* "root"; "CRON" for the daemon itself */
	struct sl_span command; /* CMD: the command as cron logged it */
	long long bytes;        /* MAIL: output bytes lost; -1 unknown */
	long status;            /* MAIL: the MTA's wait status; -1 */
};

/* cron_log_program - CRON, cron, crond, CROND, /usr/sbin/cron (a cron
 * daemon's tag): inline, by its length first, as the log reader asks it
 * of every candidate line */
static inline int
cron_log_program(const char *p, size_t n)
{
	if (p == NULL)
		return 0;
	switch (n) {
	case 4:
		return memcmp(p, "CRON", 4) == 0 || memcmp(p, "cron", 4) == 0;
	case 5:
		return memcmp(p, "crond", 5) == 0 || memcmp(p, "CROND", 5) == 0;
	case 14:
		return memcmp(p, "/usr/sbin/cron", 14) == 0;
	default:
		return 0;
	}
}

/* cron_log_parse - classify one cron message (the text after the tag). */
enum cron_line cron_log_parse(const char *msg, size_t n,
                              struct cron_line_info *out);

/* cron_log_is_cmd - cron_log_parse() == CRONL_CMD, and cheaper (nothing
 * filled in) */
int cron_log_is_cmd(const char *msg, size_t n);

#define CRON_LOST_CMDS 512 /* recent CMD lines remembered per cycle */
#define CRON_LOST_JOBS 64  /* distinct lost jobs reported; then "other" */

struct cron_lost;

struct cron_lost *cron_lost_new(void);
void cron_lost_free(struct cron_lost *cl);

/*
 * cron_lost_feed - one parsed syslog line (header set by the syslog
 * parser: ts, program, pid, message).  Returns the kind of cron line
 * (CRONL_NONE for anything else), so the caller can make an event of a
 * complaint.
 */
enum cron_line cron_lost_feed(struct cron_lost *cl, const struct sl_event *ev);

/*
 * cron_lost_skip - n CMD lines that as many later ones (at least
 * CRON_LOST_CMDS, fed next) overwrite: only the ring moves on, as if
 * they had been fed.  For a reader that feeds only the last
 * CRON_LOST_CMDS of a run of CMD lines with no complaint among them.
 */
void cron_lost_skip(struct cron_lost *cl, size_t n);

/*
 * cron_lost_save - the most recent CRON_LOST_KEEP CMD lines no complaint
 * claimed, as a state value (new reference): a job that runs longer than
 * a cycle complains in a later one.  cron_lost_load - put such a value
 * (from state_get; NULL or malformed: nothing) back before the cycle's
 * lines.
 */
#define CRON_LOST_KEEP 64
json_t *cron_lost_save(const struct cron_lost *cl);
void cron_lost_load(struct cron_lost *cl, json_t *saved);

/* cron_lost_count - complaints seen (each a job's mail lost) */
unsigned long long cron_lost_count(const struct cron_lost *cl);

/*
 * cron_lost_json - {lost, no_mta, mta_failed, jobs: [{user, command,
 * count, last_ts, reason}]} (new reference), jobs most frequent first;
 * a complaint with no CMD line read has command null.
 */
json_t *cron_lost_json(const struct cron_lost *cl);

#endif
