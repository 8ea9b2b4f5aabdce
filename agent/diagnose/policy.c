/*
 * policy.c - expected spool ownership and modes; the permission rules
 * applied to the MTA's account (see policy.h).
 */
#include <string.h>
#include <sys/stat.h>

#include "agent/probe/accounts.h"
#include "agent/diagnose/policy.h"
#include "agent/probe/exim_detect.h"
#include "common/report_schema.h"

_Static_assert(ROLE_COUNT == REPORT_SCHEMA_NROLES,
               "enum spool_role follows report_schema_roles");

const char *
policy_role_name(enum spool_role r)
{
	return r < ROLE_COUNT ? report_schema_roles[r] : "custom";
}

int
policy_role_parse(const char *name)
{
	return report_schema_find(report_schema_roles, name);
}

int
policy_is_queue(enum spool_role r)
{
	return r != ROLE_MAILBOX && r != ROLE_CUSTOM && r != ROLE_EXIM_SPOOL &&
	       r != ROLE_EXIM_MSGLOG;
}

int
policy_is_exim(enum spool_role r)
{
	return r == ROLE_EXIM_SPOOL || r == ROLE_EXIM_INPUT ||
	       r == ROLE_EXIM_MSGLOG;
}

int
policy_is_sendmail(enum spool_role r)
{
	return r == ROLE_MSP_QUEUE || r == ROLE_MTA_QUEUE || r == ROLE_CUSTOM;
}

static void
set(struct policy *p, const char *owner, const char *group, unsigned m0,
    unsigned m1, unsigned m2)
{
	p->owner = owner;
	p->group = group;
	p->nmodes = 0;
	p->modes[p->nmodes++] = m0;
	if (m1)
		p->modes[p->nmodes++] = m1;
	if (m2)
		p->modes[p->nmodes++] = m2;
}

void
policy_default(enum spool_role r, enum os_flavor f, struct policy *p)
{
	int deb = f == FLAVOR_DEBIAN;

	memset(p, 0, sizeof(*p));
	switch (r) {
	case ROLE_MSP_QUEUE:
		/* RHEL %attr(0770,smmsp,smmsp); Debian mqueue-client 02770 */
		if (deb)
			set(p, "smmsp", "smmsp", 02770, 0770, 0);
		else
			set(p, "smmsp", "smmsp", 0770, 02770, 0);
		break;
	case ROLE_MTA_QUEUE:
		/* RHEL %attr(0700,root,mail); Debian smmta:smmsp 02750 */
		if (deb)
			set(p, "smmta", "smmsp", 02750, 0, 0);
		else
			set(p, "root", "mail", 0700, 0, 0);
		break;
	case ROLE_POSTFIX_MAILDROP:
		set(p, "postfix", "postdrop", 0730, 0, 0);
		break;
	case ROLE_POSTFIX_INCOMING:
	case ROLE_POSTFIX_ACTIVE:
	case ROLE_POSTFIX_DEFERRED:
	case ROLE_POSTFIX_HOLD:
	case ROLE_POSTFIX_CORRUPT:
		/* postfix-files: $mail_owner:-:700, the group is left alone */
		set(p, "postfix", NULL, 0700, 0, 0);
		break;
	case ROLE_EXIM_SPOOL:
	case ROLE_EXIM_INPUT:
	case ROLE_EXIM_MSGLOG:
		/* Debian exim4-base: Debian-exim:Debian-exim 0750; RHEL's
		 * exim: exim:exim 0750.  spool.c puts the configured
		 * exim_user/exim_group in. */
		if (deb)
			set(p, "Debian-exim", "Debian-exim", 0750, 0, 0);
		else
			set(p, "exim", "exim", 0750, 0, 0);
		break;
	case ROLE_MAILBOX:
		/* RHEL 0775, Debian 02775, BLFS-style 1777 */
		if (deb)
			set(p, "root", "mail", 02775, 0775, 01777);
		else
			set(p, "root", "mail", 0775, 02775, 01777);
		break;
	case ROLE_CUSTOM:
	case ROLE_COUNT:
		break;
	}
}

void
policy_writer(enum spool_role r, const struct mtaconf *mc, struct writer *w)
{
	w->user = NULL;
	w->group = NULL;
	switch (r) {
	case ROLE_MSP_QUEUE:
		if (mc->msp_user[0] != '\0') {
			w->user = mc->msp_user;
			w->group = mc->msp_group[0] ? mc->msp_group : NULL;
		} else {
			/* no RunAsUser: the invoking user, set-gid smmsp */
			w->group = "smmsp";
		}
		break;
	case ROLE_MTA_QUEUE:
		w->user = mc->mta_user[0] ? mc->mta_user : "root";
		break;
	case ROLE_POSTFIX_MAILDROP:
		/* postdrop: any user, set-gid setgid_group */
		w->group =
		    mc->postfix_setgid[0] ? mc->postfix_setgid : "postdrop";
		break;
	case ROLE_POSTFIX_INCOMING:
	case ROLE_POSTFIX_ACTIVE:
	case ROLE_POSTFIX_DEFERRED:
	case ROLE_POSTFIX_HOLD:
	case ROLE_POSTFIX_CORRUPT:
		w->user = mc->postfix_owner[0] ? mc->postfix_owner : "postfix";
		break;
	case ROLE_EXIM_SPOOL:
	case ROLE_EXIM_INPUT:
	case ROLE_EXIM_MSGLOG:
		/* Exim writes its spool as exim_user, also when root calls */
		w->user = mc->exim && mc->exim->conf.exim_user[0]
		              ? mc->exim->conf.exim_user
		              : (mc->flavor == FLAVOR_DEBIAN ? "Debian-exim"
		                                             : "exim");
		w->group = mc->exim && mc->exim->conf.exim_group[0]
		               ? mc->exim->conf.exim_group
		               : NULL;
		break;
	case ROLE_MAILBOX:
		/* local delivery agents lock and create as group mail */
		w->group = "mail";
		break;
	case ROLE_CUSTOM:
	case ROLE_COUNT:
		if (mc->kind == MTA_POSTFIX)
			w->user = mc->postfix_owner[0] ? mc->postfix_owner
			                               : "postfix";
		else if (mc->kind == MTA_SENDMAIL)
			w->user = mc->msp_user[0] ? mc->msp_user : "smmsp";
		break;
	}
}

int
policy_mode_ok(const struct policy *p, unsigned mode)
{
	if (p->nmodes == 0)
		return 1;
	for (size_t i = 0; i < p->nmodes; i++)
		if ((mode & 07777) == p->modes[i])
			return 1;
	return 0;
}

int
policy_can_create(const struct accounts *a, const struct writer *w, uid_t duid,
                  gid_t dgid, unsigned mode)
{
	const struct account_user *u = NULL;
	gid_t gid;
	int in_group;

	if (w->user != NULL) {
		u = accounts_user_by_name(a, w->user);
		if (u == NULL)
			return -1;
		if (u->uid == 0)
			return 1;
	}
	if (w->group != NULL) {
		if (accounts_group_by_name(a, w->group, &gid) == -1)
			return -1;
	} else if (u != NULL) {
		gid = u->gid;
	} else {
		return -1;
	}
	if (u != NULL && u->uid == duid)
		return (mode & (S_IWUSR | S_IXUSR)) == (S_IWUSR | S_IXUSR);
	in_group = gid == dgid || (u != NULL && accounts_in_group(a, u, dgid));
	if (in_group)
		return (mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
	return (mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH);
}
