/*
 * mtaconf.c - detect the MTA and read its queue layout (see mtaconf.h).
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/probe/accounts.h"
#include "agent/probe/exim_detect.h"
#include "agent/limits.h"
#include "agent/probe/mtaconf.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

const char *
mtaconf_kind_name(enum mta_kind k)
{
	switch (k) {
	case MTA_SENDMAIL:
		return "sendmail";
	case MTA_POSTFIX:
		return "postfix";
	case MTA_EXIM:
		return "exim";
	case MTA_NONE:
		break;
	}
	return "none";
}

static void
append_err(char *err, size_t errlen, const char *why)
{
	size_t used = strlen(err);

	if (used + 1 < errlen)
		snprintf(err + used, errlen - used, "%s%s", used ? "; " : "",
		         why);
}

/* read_under - root/path as text; NULL if missing (silently) or unreadable
 * (with a reason in err). */
static char *
read_under(const char *root, const char *path, char *err, size_t errlen)
{
	char full[PATH_MAX], why[PATH_MAX + 64];
	char *text;

	if (root_path(full, sizeof(full), root, path) == -1)
		return NULL;
	if (read_file_capped(full, &text, AGENT_MAX_HOST_FILE, why,
	                     sizeof(why)) < 0) {
		if (access(full, F_OK) == 0 || errno != ENOENT)
			append_err(err, errlen, why);
		return NULL;
	}
	return text;
}

/* trim_copy - p[0..n) without surrounding blanks into out. */
static void
trim_copy(const char *p, size_t n, char *out, size_t outn)
{
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 &&
	       (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n >= outn)
		n = outn - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

int
mtaconf_cf_option(const char *text, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *p = text;
	int found = -1;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		/* "O Name=value"; option names are case-insensitive */
		if (len > nl + 2 && p[0] == 'O' && p[1] == ' ' &&
		    strncasecmp(p + 2, name, nl) == 0) {
			const char *q = p + 2 + nl;
			const char *end = p + len;

			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < end && *q == '=') {
				trim_copy(q + 1, (size_t)(end - q - 1), out, n);
				found = 0;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return found;
}

int
mtaconf_main_cf(const char *text, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	const char *p = text;
	int found = -1;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > nl && strncmp(p, name, nl) == 0 &&
		    (p[nl] == ' ' || p[nl] == '\t' || p[nl] == '=')) {
			const char *q = p + nl, *end = p + len;

			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < end && *q == '=') {
				/* continuation lines are not followed: the
				 * parameters read here are single words */
				trim_copy(q + 1, (size_t)(end - q - 1), out, n);
				found = 0;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	return found;
}

/* add_queue - value of QueueDirectory=, expanding "q*" style patterns. */
static void
add_queue(char **list, size_t *n, const char *root, const char *value)
{
	char full[PATH_MAX];
	size_t rootlen;
	glob_t g;

	if (value[0] != '/' || *n >= MTACONF_MAX_QUEUES)
		return;
	if (strpbrk(value, "*?[") == NULL) {
		list[(*n)++] = xstrdup(value);
		return;
	}
	if (root_path(full, sizeof(full), root, value) == -1)
		return;
	/* root_path() keeps root as given, less its trailing slashes */
	rootlen = root != NULL ? strlen(root) : 0;
	while (rootlen > 0 && root[rootlen - 1] == '/')
		rootlen--;
	memset(&g, 0, sizeof(g));
#ifdef GLOB_ONLYDIR /* glibc's hint; the stat below decides */
	if (glob(full, GLOB_ONLYDIR | GLOB_NOSORT, NULL, &g) == 0) {
#else
	if (glob(full, GLOB_NOSORT, NULL, &g) == 0) {
#endif
		for (size_t i = 0; i < g.gl_pathc && *n < MTACONF_MAX_QUEUES;
		     i++) {
			struct stat st;

			if (stat(g.gl_pathv[i], &st) == 0 &&
			    S_ISDIR(st.st_mode) &&
			    strlen(g.gl_pathv[i]) > rootlen)
				list[(*n)++] = xstrdup(g.gl_pathv[i] + rootlen);
		}
	}
	globfree(&g);
	if (*n == 0) {
		/* nothing matches: watch the parent, which must exist */
		const char *slash = strrchr(value, '/');

		list[(*n)++] = slash == value
		                   ? xstrdup("/")
		                   : xstrndup(value, (size_t)(slash - value));
	}
}

/* split_user - "user[:group]" into user and group. */
static void
split_user(const char *v, char *user, char *group)
{
	size_t ul = strcspn(v, ":");

	trim_copy(v, ul, user, MTACONF_NAME);
	if (v[ul] == ':')
		trim_copy(v + ul + 1, strlen(v + ul + 1), group, MTACONF_NAME);
	else
		group[0] = '\0';
}

/* kind_from_alternatives - what etc/alternatives/mta points at. */
static enum mta_kind
kind_from_alternatives(const char *root)
{
	static const char link[] = "/etc/alternatives/mta";
	char full[PATH_MAX], target[PATH_MAX];

	if (root_path(full, sizeof(full), root, link) == -1 ||
	    root_link_next(link, full, target, sizeof(target)) == -1)
		return MTA_NONE;
	if (strstr(target, "postfix") != NULL)
		return MTA_POSTFIX;
	if (strstr(target, "sendmail") != NULL)
		return MTA_SENDMAIL;
	return MTA_NONE;
}

static void
detect_kind(struct mtaconf *mc, const char *root, const char *force)
{
	struct accounts *a;
	char why[256];

	if (force != NULL && strcmp(force, "auto") != 0) {
		mc->how = "agent.conf";
		if (strcmp(force, "sendmail") == 0)
			mc->kind = MTA_SENDMAIL;
		else if (strcmp(force, "postfix") == 0)
			mc->kind = MTA_POSTFIX;
		else if (strcmp(force, "exim") == 0)
			mc->kind = MTA_EXIM;
		else
			mc->kind = MTA_NONE;
		return;
	}
	/* /usr/sbin/sendmail is Exim's: what cron and mail(1) use */
	if (mc->exim &&
	    strcmp(mc->exim->how, "/usr/sbin/sendmail -> exim") == 0) {
		mc->kind = MTA_EXIM;
		mc->how = "/usr/sbin/sendmail -> exim";
		return;
	}
	if (mc->have_main_cf && (mc->have_sendmail_cf || mc->have_submit_cf)) {
		mc->kind = kind_from_alternatives(root);
		if (mc->kind != MTA_NONE) {
			mc->how = "etc/alternatives/mta";
			return;
		}
	}
	if (mc->have_main_cf) {
		mc->kind = MTA_POSTFIX;
		mc->how = "etc/postfix/main.cf";
		return;
	}
	if (mc->have_sendmail_cf || mc->have_submit_cf) {
		mc->kind = MTA_SENDMAIL;
		mc->how = mc->have_sendmail_cf ? "etc/mail/sendmail.cf"
		                               : "etc/mail/submit.cf";
		return;
	}
	if (mc->exim) {
		mc->kind = MTA_EXIM;
		mc->how = mc->exim->how;
		return;
	}
	if (root_exists(root, "/usr/sbin/sendmail.sendmail") ||
	    root_exists(root, "/usr/lib/sm.bin/sendmail")) {
		mc->kind = MTA_SENDMAIL;
		mc->how = "sendmail binary";
		return;
	}
	if (root_exists(root, "/usr/sbin/postfix")) {
		mc->kind = MTA_POSTFIX;
		mc->how = "postfix binary";
		return;
	}
	a = accounts_load(root, why, sizeof(why));
	if (accounts_user_by_name(a, "postfix") != NULL) {
		mc->kind = MTA_POSTFIX;
		mc->how = "postfix user";
	} else if (accounts_user_by_name(a, "smmsp") != NULL) {
		mc->kind = MTA_SENDMAIL;
		mc->how = "smmsp user";
	} else {
		mc->kind = MTA_NONE;
		mc->how = "no MTA configuration, binary or user";
	}
	accounts_free(a);
}

void
mtaconf_load(struct mtaconf *mc, const char *root, const char *force, char *err,
             size_t errlen)
{
	char *sendmail_cf, *submit_cf, *main_cf, v[PATH_MAX];

	memset(mc, 0, sizeof(*mc));
	if (errlen > 0)
		err[0] = '\0';
	if (root_exists(root, "/etc/debian_version"))
		mc->flavor = FLAVOR_DEBIAN;
	else if (root_exists(root, "/etc/redhat-release"))
		mc->flavor = FLAVOR_RHEL;
	else
		mc->flavor = FLAVOR_OTHER;

	sendmail_cf = read_under(root, "/etc/mail/sendmail.cf", err, errlen);
	submit_cf = read_under(root, "/etc/mail/submit.cf", err, errlen);
	main_cf = read_under(root, "/etc/postfix/main.cf", err, errlen);
	mc->have_sendmail_cf =
	    sendmail_cf != NULL || root_exists(root, "/etc/mail/sendmail.cf");
	mc->have_submit_cf =
	    submit_cf != NULL || root_exists(root, "/etc/mail/submit.cf");
	mc->have_main_cf =
	    main_cf != NULL || root_exists(root, "/etc/postfix/main.cf");
	{
		struct exim_host *h = xcalloc(1, sizeof(*h));
		exim_detect(root, h, err, errlen);
		if (h->present)
			mc->exim = h;
		else
			free(h);
	}
	detect_kind(mc, root, force);
	if (mc->kind == MTA_EXIM && mc->exim == NULL) {
		/* kind = exim in agent.conf on a host that does not show it:
		 * the distribution's defaults */
		mc->exim = xcalloc(1, sizeof(*mc->exim));
		mc->exim->present = 1;
		mc->exim->flavour =
		    mc->flavor == FLAVOR_DEBIAN ? EXIM_DEBIAN : EXIM_RHEL;
		exim_conf_defaults(&mc->exim->conf, mc->exim->flavour);
	}

	if (mc->kind == MTA_SENDMAIL) {
		if (submit_cf && mtaconf_cf_option(submit_cf, "QueueDirectory",
		                                   v, sizeof(v)) == 0)
			add_queue(mc->msp_queues, &mc->n_msp, root, v);
		if (mc->n_msp == 0)
			add_queue(mc->msp_queues, &mc->n_msp, root,
			          mc->flavor == FLAVOR_DEBIAN
			              ? "/var/spool/mqueue-client"
			              : "/var/spool/clientmqueue");
		if (sendmail_cf &&
		    mtaconf_cf_option(sendmail_cf, "QueueDirectory", v,
		                      sizeof(v)) == 0)
			add_queue(mc->mta_queues, &mc->n_mta, root, v);
		if (mc->n_mta == 0)
			add_queue(mc->mta_queues, &mc->n_mta, root,
			          "/var/spool/mqueue");
		if (submit_cf && mtaconf_cf_option(submit_cf, "RunAsUser", v,
		                                   sizeof(v)) == 0)
			split_user(v, mc->msp_user, mc->msp_group);
		else if (submit_cf == NULL)
			/* no submit.cf to say otherwise: the packaged MSP */
			snprintf(mc->msp_user, sizeof(mc->msp_user), "smmsp");
		if (sendmail_cf && mtaconf_cf_option(sendmail_cf, "RunAsUser",
		                                     v, sizeof(v)) == 0) {
			char group[MTACONF_NAME];

			split_user(v, mc->mta_user, group);
		}
	} else if (mc->kind == MTA_POSTFIX) {
		if (main_cf &&
		    mtaconf_main_cf(main_cf, "queue_directory", v, sizeof(v)) ==
		        0 &&
		    v[0] == '/' && strchr(v, '$') == NULL)
			mc->postfix_queue_dir = xstrdup(v);
		else
			mc->postfix_queue_dir = xstrdup("/var/spool/postfix");
		if (!(main_cf &&
		      mtaconf_main_cf(main_cf, "mail_owner", mc->postfix_owner,
		                      sizeof(mc->postfix_owner)) == 0 &&
		      mc->postfix_owner[0] != '\0' &&
		      strchr(mc->postfix_owner, '$') == NULL))
			snprintf(mc->postfix_owner, sizeof(mc->postfix_owner),
			         "postfix");
		if (!(main_cf &&
		      mtaconf_main_cf(main_cf, "setgid_group",
		                      mc->postfix_setgid,
		                      sizeof(mc->postfix_setgid)) == 0 &&
		      mc->postfix_setgid[0] != '\0' &&
		      strchr(mc->postfix_setgid, '$') == NULL))
			snprintf(mc->postfix_setgid, sizeof(mc->postfix_setgid),
			         "postdrop");
	}
	free(sendmail_cf);
	free(submit_cf);
	free(main_cf);
}

void
mtaconf_free(struct mtaconf *mc)
{
	for (size_t i = 0; i < mc->n_msp; i++)
		free(mc->msp_queues[i]);
	for (size_t i = 0; i < mc->n_mta; i++)
		free(mc->mta_queues[i]);
	free(mc->postfix_queue_dir);
	free(mc->exim);
	memset(mc, 0, sizeof(*mc));
}
