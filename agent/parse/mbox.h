/*
 * mbox.h - streaming mbox parser in fixed memory.
 *
 * mbox_scan() reads a byte range of an open mailbox with pread(2) into
 * one buffer of MBOX_BUF bytes (allocated once per call) and hands every
 * complete message to a callback as a struct mbox_msg: where it and its
 * body start, its length, its date, Status flags and the headers that
 * name a cron job.  The excerpt of a body is read back later by offset
 * (mbox_excerpt()), so only the messages that are shown cost a copy.
 * Nothing else is kept, so a mailbox of several GiB, a 100 MiB message
 * or a 1 MiB header line all run in the same memory.
 *
 * Message boundaries (formats.md section 7): a "From " line at the start
 * of the range or after an empty line (LF or CRLF).  A Content-Length
 * header is trusted only when it is consistent: a "From " line inside the
 * counted body is taken as a boundary unless the byte just after the
 * counted body is the end of the range or another "From " line.  Body
 * lines quoted as ">From " (mboxo/mboxrd) lose one '>' in the excerpt.
 *
 * The last message of the range is complete when the range ends with an
 * empty line (every MDA writes one), when its Content-Length ends exactly
 * there, or when the caller says the file has settled (not written for a
 * while); never while the caller knows a writer is at work (a dot-lock
 * or a record lock on the mailbox), as a message written in pieces may
 * pause after an empty line.  Otherwise it is left for the next scan:
 * res->end is then its start, so an append in progress is never counted
 * half.  Resuming at res->end is always resuming at a message boundary.
 */
#ifndef SPOOLWATCH_MBOX_H
#define SPOOLWATCH_MBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MBOX_BUF (256u << 10) /* read buffer; longest line examined */
#define MBOX_EXCERPT 512      /* body bytes kept per message */
#define MBOX_SUBJECT 1024
#define MBOX_FROM 256
#define MBOX_DATE 128

struct mbox_msg {
	long long start;    /* offset of the "From " line */
	long long len;      /* bytes up to the next message */
	time_t ts;          /* Date:, else the From line's date; -1 */
	int seen_read;      /* Status: has R */
	int seen_old;       /* Status: has O */
	int cron_env;       /* has X-Cron-Env headers */
	int auto_submitted; /* has an Auto-Submitted header */
	char cron_user[64]; /* LOGNAME=/USER= of X-Cron-Env, or "" */
	size_t subject_len, from_len, date_len;
	char subject[MBOX_SUBJECT]; /* unfolded, raw bytes */
	char from[MBOX_FROM];
	char date[MBOX_DATE];
	long long content_length; /* -1 when absent or not a number */
	long long body_start;     /* offset of the body; -1: none */
	unsigned long cut_lines;  /* lines longer than MBOX_BUF */
};

struct mbox_result {
	long long end;  /* resume here next time */
	long long junk; /* bytes skipped that belong to no message */
	unsigned long long messages; /* complete messages handed over */
	int pending;             /* an incomplete message was left for later */
	unsigned long cut_lines; /* header lines longer than MBOX_BUF */
	int timed_out;           /* the time budget ran out: end is where the
	                          * next cycle goes on */
};

/* A time budget for mbox_scan_until: the clock is asked before each read
 * of up to MBOX_BUF bytes after the first, never per line. */
struct mbox_budget {
	int64_t deadline_ms;       /* clock_ms() value to stop at; 0: none */
	int64_t (*clock_ms)(void); /* a monotonic clock (time_mono_ms) */
};

typedef void (*mbox_msg_fn)(const struct mbox_msg *m, void *arg);

/*
 * mbox_scan - parse fd's bytes [start, end): start must be 0 or a value
 * of an earlier res->end for the same file.  settled: MBOX_SETTLED (the
 * file has not changed for a while: a last message without a final empty
 * line is complete too), MBOX_ACTIVE (judge the end as described above)
 * or MBOX_WRITING (a writer holds the mailbox: the last message waits).
 * 0, or -1 with a reason in err on a read error (messages before it were
 * handed over and res->end is still valid).
 */
#define MBOX_SETTLED 1
#define MBOX_ACTIVE 0
#define MBOX_WRITING (-1)

int mbox_scan(int fd, long long start, long long end, int settled,
              mbox_msg_fn fn, void *arg, struct mbox_result *res, char *err,
              size_t errlen);

/*
 * mbox_scan_until - mbox_scan within budget b (NULL: none): when the
 * deadline has passed at a read, the scan stops, 0 with res->timed_out
 * and res->end at the start of the message it was in (messages before it
 * were handed over), so that a slow or stuck file system cannot hold a
 * cycle.
 */
int mbox_scan_until(int fd, long long start, long long end, int settled,
                    const struct mbox_budget *b, mbox_msg_fn fn, void *arg,
                    struct mbox_result *res, char *err, size_t errlen);

/*
 * mbox_excerpt - the first bytes of a body (body_start and the length up
 * to the next message, start + len - body_start, of a struct mbox_msg),
 * without the final separating empty line, with ">From " lines unquoted.
 * Reads at most size bytes with pread(2); returns the bytes in out.
 */
size_t mbox_excerpt(int fd, long long body_start, long long body_len, char *out,
                    size_t size);

/* mbox_date_rfc2822 - "Sat, 28 Nov 2026 14:49:10 +0800" (weekday, seconds
 * and zone optional; GMT/UT/UTC and US zones), UTC epoch or -1. */
time_t mbox_date_rfc2822(const char *s, size_t n);
/* mbox_date_from_line - the asctime date of a "From " line ("From a@b
 * Sat Nov 28 14:49:10 2026", zone or "remote from" allowed), taken as
 * UTC; -1 when none. */
time_t mbox_date_from_line(const char *s, size_t n);

#endif
