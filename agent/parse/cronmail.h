/*
 * cronmail.h - which cron job sent a mail: the command and user from the
 * Subject a cron daemon writes, the X-Cron-Env headers, and the variant
 * of cron told by the From header.
 *
 *	vixie-cron, cronie, Debian cron:  Subject: Cron <user@host> command
 *	anacron:                          Subject: Anacron job 'cron.daily' on
 *host
 *
 * The command is what cron put in the Subject (already cut at the first
 * unescaped '%' by cron).  Pure functions over bytes; no allocation.
 */
#ifndef SPOOLWATCH_CRONMAIL_H
#define SPOOLWATCH_CRONMAIL_H

#include <stddef.h>

#define CRON_USER_MAX 64
#define CRON_HOST_MAX 256
#define CRON_CMD_MAX 1024

enum cron_variant {
	CRON_UNKNOWN,
	CRON_VIXIE,   /* vixie-cron, cronie < 1.4.11: "root (Cron Daemon)" */
	CRON_CRONIE,  /* cronie >= 1.4.11: "\"(Cron Daemon)\" <root@host>" */
	CRON_DEBIAN,  /* Debian cron: "root@host (Cron Daemon)" */
	CRON_ANACRON, /* anacron's own Subject */
};

struct cron_job {
	char user[CRON_USER_MAX];
	char host[CRON_HOST_MAX];
	char command[CRON_CMD_MAX];
	size_t command_len; /* bytes; may hold 8-bit text */
	int cut;            /* the command was longer than the field */
};

/*
 * cron_subject - parse a Subject value (leading blanks allowed).  1 and
 * *job filled when it is a cron or anacron Subject, else 0.
 */
int cron_subject(const char *s, size_t n, struct cron_job *job);

/*
 * cron_env_user - from one X-Cron-Env value ("<LOGNAME=root>"), copy the
 * user of LOGNAME= or USER= into user (size CRON_USER_MAX); 1 if found.
 */
int cron_env_user(const char *s, size_t n, char *user);

/*
 * cron_variant_of - the cron implementation from a From header value and
 * whether the mail has an Auto-Submitted header (vixie and cronie write
 * one, Debian's cron does not).  A hint only: an MTA may rewrite From
 * (sendmail qualifies vixie's "root (Cron Daemon)" to "root@host ...").
 */
enum cron_variant cron_variant_of(const char *from, size_t n,
                                  int auto_submitted);
const char *cron_variant_name(enum cron_variant v);

#endif
