/*
 * journal_entry.h - one line of "journalctl --output=json" in, one
 * syslog-form line out, so that the journal feeds the same parser
 * (syslog_parse.c), signatures and findings as the log files.
 *
 * A real line (systemd 252, Debian 12; fields cut for space):
 *
 *   {"__CURSOR":"s=c1aa...;i=1;b=0123...;m=3e8;t=64ad2a334d480;x=b7..",
 *    "__REALTIME_TIMESTAMP":"1771118402000000","_HOSTNAME":"host1",
 *    "SYSLOG_IDENTIFIER":"postfix/smtp","_PID":"1234","_COMM":"smtp",
 *    "MESSAGE":"4F3A21C0B3: to=<root@example.com>, ... status=deferred"}
 *
 * journalctl writes every value as a string, except: a field with more
 * than one value is an array of them, a value that is not valid UTF-8
 * is an array of its byte values, and a value over 4096 bytes (without
 * --all) is null.  Pure: no files, no allocation; decoded values are
 * copied into the caller's scratch buffer and the spans point there.
 */
#ifndef SPOOLWATCH_JOURNAL_ENTRY_H
#define SPOOLWATCH_JOURNAL_ENTRY_H

#include <stddef.h>

#include "agent/parse/syslog_parse.h"

#define JOURNAL_SCRATCH_MAX 16384 /* decoded bytes of the kept fields */
#define JOURNAL_CURSOR_MAX 512    /* a cursor is ~130 bytes */

struct journal_entry {
	struct sl_span message;  /* MESSAGE (bytes, maybe not UTF-8) */
	struct sl_span ident;    /* SYSLOG_IDENTIFIER */
	struct sl_span comm;     /* _COMM */
	struct sl_span pid;      /* SYSLOG_PID, else _PID */
	struct sl_span hostname; /* _HOSTNAME */
	struct sl_span cursor;   /* __CURSOR */
	long long realtime_us;   /* __REALTIME_TIMESTAMP; -1 absent */
	int message_cut;         /* MESSAGE did not fit the scratch */
};

/*
 * journal_entry_parse - decode the fields above from one JSON object
 * (p, n; a trailing newline is allowed).  0, or -1 when the line is not
 * a flat JSON object (nesting deeper than arrays of values).
 */
int journal_entry_parse(const char *p, size_t n, struct journal_entry *e,
                        char *scratch, size_t scratchlen);

/* journal_entry_program - SYSLOG_IDENTIFIER, else _COMM (p NULL: none) */
struct sl_span journal_entry_program(const struct journal_entry *e);

/*
 * journal_mail_program - is this tag one of the mail programs the agent
 * reads: sendmail, sm-*, postfix and postfix*'/...', exim, exim4,
 * nullmailer*, msmtp, dma, ssmtp/sSMTP and cron (CRON, crond, CROND)?
 */
int journal_mail_program(const char *p, size_t n);

/*
 * journal_entry_line - "2026-02-15T01:20:02.000000Z host tag[pid]: msg"
 * into out (size outlen, NUL-terminated), the message's control
 * characters written "#ooo" as rsyslog does, so that the line is the
 * one rsyslog would have written in RFC 3339 form.  Returns its length,
 * or 0 when the entry has no time or no program (not a log line).
 */
size_t journal_entry_line(const struct journal_entry *e, char *out,
                          size_t outlen);

#endif
