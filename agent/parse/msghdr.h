/*
 * msghdr.h - the header block of one stored message (a nullmailer or
 * dma queue file's message part, a Maildir file): the few headers that
 * date a message and name the cron job behind it.
 *
 *   From: root (Cron Daemon)
 *   Subject: Cron <root@host1> /usr/local/bin/backup.sh
 *   X-Cron-Env: <LOGNAME=root>
 *   Date: Sun, 15 Feb 2026 09:17:05 +0100
 *
 * Pure: (p, n) in, fixed-size copies out; folded lines are unfolded,
 * a header line longer than the copy is cut (and counted).  The block
 * ends at the first empty line (LF or CRLF) or at n.
 */
#ifndef SPOOLWATCH_MSGHDR_H
#define SPOOLWATCH_MSGHDR_H

#include <stddef.h>
#include <time.h>

#include "agent/parse/cronmail.h"

#define MSGHDR_SUBJECT 1024
#define MSGHDR_FROM 256

struct msghdr {
	char subject[MSGHDR_SUBJECT];
	size_t subject_len;
	char from[MSGHDR_FROM];
	size_t from_len;
	time_t date;                   /* Date:, -1 absent or unreadable */
	int cron_env;                  /* X-Cron-Env headers present */
	int auto_submitted;            /* an Auto-Submitted header */
	char cron_user[CRON_USER_MAX]; /* LOGNAME=/USER= of X-Cron-Env */
	size_t body;                   /* offset of the body (n: none) */
	int complete; /* the empty line ending the block was seen */
	unsigned cut; /* header values cut to the copies */
};

/* msghdr_parse - read the header block of (p, n) into h. */
void msghdr_parse(const char *p, size_t n, struct msghdr *h);

/*
 * msghdr_cron - the cron job that sent the message, from the Subject
 * cron writes (cronmail.c): 1 with *job set, 0 when none.
 */
int msghdr_cron(const struct msghdr *h, struct cron_job *job);

#endif
