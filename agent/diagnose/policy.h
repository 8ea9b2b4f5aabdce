/*
 * policy.h - what a spool directory's owner, group and mode should be,
 * and whether the account the MTA writes as can create files in it.
 *
 * The table follows formats.md 1.1 and 2: the packaged layouts of RHEL
 * and Debian, sendmail's and postfix's.  The permission check applies the
 * kernel's rules to the writer: root passes; the owner class is used when
 * the uid matches (even if the group bits would allow more), else the
 * group class when the directory's group is the writer's primary or one
 * of its supplementary groups (etc/group), else the other class.  Creating
 * a file needs write and search (w and x).  ACLs and capabilities other
 * than root's are not modelled.
 */
#ifndef SPOOLWATCH_POLICY_H
#define SPOOLWATCH_POLICY_H

#include <sys/types.h>

#include "agent/probe/mtaconf.h"

struct accounts;

enum spool_role {
	ROLE_MSP_QUEUE,
	ROLE_MTA_QUEUE,
	ROLE_POSTFIX_MAILDROP,
	ROLE_POSTFIX_INCOMING,
	ROLE_POSTFIX_ACTIVE,
	ROLE_POSTFIX_DEFERRED,
	ROLE_POSTFIX_HOLD,
	ROLE_POSTFIX_CORRUPT,
	ROLE_EXIM_SPOOL,  /* spool_directory itself */
	ROLE_EXIM_INPUT,  /* its input/: the -H and -D files */
	ROLE_EXIM_MSGLOG, /* its msglog/ */
	ROLE_MAILBOX,
	ROLE_CUSTOM,
	ROLE_COUNT
};

#define POLICY_MAX_MODES 4

struct policy {
	const char *owner;                /* user name; NULL: any */
	const char *group;                /* group name; NULL: any */
	unsigned modes[POLICY_MAX_MODES]; /* accepted; [0] expected */
	size_t nmodes;                    /* 0: any mode */
};

/*
 * Whom the MTA writes a spool as.  user NULL means "an unprivileged
 * account that does not own the directory" (a set-group-id program run
 * by anyone), checked through the group only.
 */
struct writer {
	const char *user;  /* account name or NULL */
	const char *group; /* group name; NULL: the user's primary */
};

const char *policy_role_name(enum spool_role r);
/* policy_role_parse - the role of a name, or -1. */
int policy_role_parse(const char *name);
/* policy_is_queue - whether the role holds queued messages. */
int policy_is_queue(enum spool_role r);
/* policy_is_exim - whether the role is one of Exim's spool directories. */
int policy_is_exim(enum spool_role r);
/* policy_is_sendmail - whether the role uses qf/df file names. */
int policy_is_sendmail(enum spool_role r);

/* policy_default - the packaged policy of a role on a flavor. */
void policy_default(enum spool_role r, enum os_flavor f, struct policy *p);
/* policy_writer - whom the MTA described by mc writes the role as. */
void policy_writer(enum spool_role r, const struct mtaconf *mc,
                   struct writer *w);
/* policy_mode_ok - whether mode (07777 bits) is one the policy accepts. */
int policy_mode_ok(const struct policy *p, unsigned mode);

/*
 * policy_can_create - 1 if w may create files in a directory of that
 * owner, group and mode, 0 if not, -1 if the writer's account or group is
 * unknown to the accounts table (the answer would be a guess).
 */
int policy_can_create(const struct accounts *a, const struct writer *w,
                      uid_t duid, gid_t dgid, unsigned mode);

#endif
