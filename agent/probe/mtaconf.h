/*
 * mtaconf.h - which MTA a host has and where it queues, read from the
 * host's own files under --root.
 *
 * The MTA is told by its configuration (etc/mail/sendmail.cf, submit.cf,
 * etc/postfix/main.cf), by etc/alternatives/mta when both are there and
 * by the system users it needs (smmsp, postfix).  The queue directories
 * are the ones the configuration names (O QueueDirectory=, queue_directory)
 * so that a path the host does not use is neither checked nor reported
 * missing.  Reading is bounded and never fails the cycle: what could not
 * be read is described in err and the defaults of the distribution apply.
 */
#ifndef SPOOLWATCH_MTACONF_H
#define SPOOLWATCH_MTACONF_H

#include <stddef.h>

enum mta_kind {
	MTA_NONE,
	MTA_SENDMAIL,
	MTA_POSTFIX,
	MTA_EXIM,
};

enum os_flavor {
	FLAVOR_OTHER, /* treated like RHEL, sendmail's upstream layout */
	FLAVOR_RHEL,
	FLAVOR_DEBIAN,
};

#define MTACONF_MAX_QUEUES 16 /* per configuration file */
#define MTACONF_NAME 64

struct exim_host;

struct mtaconf {
	enum mta_kind kind;
	enum os_flavor flavor;
	const char *how; /* what the kind was told by, for the report */
	int have_sendmail_cf, have_submit_cf, have_main_cf;

	/* sendmail: queue directories (host paths, xstrdup'd) */
	char *msp_queues[MTACONF_MAX_QUEUES];
	size_t n_msp;
	char *mta_queues[MTACONF_MAX_QUEUES];
	size_t n_mta;
	char msp_user[MTACONF_NAME];  /* RunAsUser= of submit.cf, or "" */
	char msp_group[MTACONF_NAME]; /* its ":group" part, or "" */
	char mta_user[MTACONF_NAME];  /* RunAsUser= of sendmail.cf, or "" */

	/* postfix */
	char *postfix_queue_dir;           /* queue_directory, xstrdup'd */
	char postfix_owner[MTACONF_NAME];  /* mail_owner */
	char postfix_setgid[MTACONF_NAME]; /* setgid_group */

	/* exim (exim_detect.h): xcalloc'd when Exim is present, else NULL */
	struct exim_host *exim;
};

/*
 * mtaconf_load - fill mc for the host under root.  force is "auto" (or
 * NULL), "sendmail", "postfix" or "none".  Problems reading an existing
 * file are appended to err ("" if none); 0 always, so that the caller
 * reports them and goes on.
 */
void mtaconf_load(struct mtaconf *mc, const char *root, const char *force,
                  char *err, size_t errlen);
void mtaconf_free(struct mtaconf *mc);
const char *mtaconf_kind_name(enum mta_kind k);

/*
 * mtaconf_cf_option - the value of option name in sendmail.cf text
 * ("O Name=value"), trimmed, into out; 0, or -1 if it is not set.  The
 * last setting wins, as in sendmail.
 */
int mtaconf_cf_option(const char *text, const char *name, char *out, size_t n);
/* mtaconf_main_cf - the same for a postfix main.cf parameter. */
int mtaconf_main_cf(const char *text, const char *name, char *out, size_t n);

#endif
