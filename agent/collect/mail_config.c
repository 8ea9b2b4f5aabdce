/*
 * mail_config.c - the mail collector's keys of agent.conf: the top-level
 * max_queued and the [mail] section (see mail_config.h).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "agent/collect/mail_config.h"
#include "common/config.h"

#define OFF(f) offsetof(struct mail_config, f)

static const struct cfg_def mail_top_defs[] = {
    {"max_queued", CFG_INT, "200", OFF(max_queued), 0, 10000,
     "queued messages detailed in the report (half oldest, half newest)"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static const struct cfg_def mail_defs[] = {
    {"users", CFG_LIST, NULL, OFF(users), 0, 0,
     "mailboxes to read; default: root and system accounts with one"},
    {"system_uid_max", CFG_INT, "-1", OFF(system_uid_max), -1, 65535,
     "highest uid counted as a system account; -1: UID_MIN - 1 from "
     "etc/login.defs, else 999"},
    {"maildirs", CFG_LIST, NULL, OFF(maildirs), 0, 0,
     "[mail] Maildir directories to read besides $HOME/Maildir of the "
     "watched users (their owner is the user)"},
    {"mailbox_dirs", CFG_LIST, NULL, OFF(mailbox_dirs), 0, 0,
     "mail spool dirs; default: spools of role mailbox, else "
     "/var/spool/mail, /var/mail"},
    {"unread_min", CFG_INT, "1", OFF(unread_min), 1, 1LL << 40,
     "unread messages that make a mail.unread_root finding"},
    {"unread_warning", CFG_INT, "100", OFF(unread_warning), 1, 1LL << 40,
     "unread messages from which the finding is a warning"},
    {"undelivered_min", CFG_INT, "1", OFF(undelivered_min), 1, 1LL << 40,
     "queued messages that make a mail.undelivered finding"},
    {"undelivered_critical_age", CFG_DURATION, "1d",
     OFF(undelivered_critical_age), 60, 10LL * 365 * 86400,
     "oldest queued message age that makes it critical"},
    {"undelivered_critical_count", CFG_INT, "1000",
     OFF(undelivered_critical_count), 1, 1LL << 40,
     "queued messages that make it critical"},
    {"max_cron_jobs", CFG_INT, "50", OFF(max_cron_jobs), 1, 1000,
     "distinct cron jobs kept per mailbox (the rest: cron_other)"},
    {"mbox_settle", CFG_DURATION, "60", OFF(mbox_settle), 0, 86400,
     "a mailbox unchanged this long has no message being appended"},
    {"mbox_max_bytes", CFG_SIZE, "2G", OFF(mbox_max_bytes), 1LL << 20,
     1LL << 40, "a larger mailbox is an errors[] entry, not read"},
    {"mbox_cycle_bytes", CFG_SIZE, "256M", OFF(mbox_cycle_bytes), 1LL << 20,
     1LL << 40, "bytes of one mailbox parsed per cycle; the rest next cycle"},
    {"qf_max_bytes", CFG_SIZE, "1M", OFF(qf_max_bytes), 4096, 64LL << 20,
     "bytes read of one qf file"},
    {"postqueue", CFG_STR, "/usr/sbin/postqueue", OFF(postqueue), 0, 0,
     "postqueue(1), run as 'postqueue -j' on the live host only"},
    {"postqueue_timeout", CFG_DURATION, "10", OFF(postqueue_timeout), 1, 600,
     "postqueue -j is killed after this"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

int
mail_config_load(struct mail_config *cfg, struct cfg_file *cf, char *err,
                 size_t errlen)
{
	long i;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(mail_top_defs, cfg);
	cfg_defaults(mail_defs, cfg);
	if (cf == NULL)
		return 0;
	if (cfg_apply(cf, 0, mail_top_defs, cfg, err, errlen) == -1)
		return -1;
	if ((i = cfg_section_find(cf, "mail", "")) >= 0) {
		cfg_section_claim(cf, (size_t)i);
		if (cfg_apply(cf, (size_t)i, mail_defs, cfg, err, errlen) == -1)
			return -1;
	}
	for (size_t k = 0; k < cfg->mailbox_dirs.n; k++)
		if (cfg->mailbox_dirs.v[k][0] != '/') {
			snprintf(
			    err, errlen,
			    "%s: [mail] mailbox_dirs: '%s' is not absolute",
			    cfg_name(cf), cfg->mailbox_dirs.v[k]);
			return -1;
		}
	for (size_t k = 0; k < cfg->users.n; k++)
		if (strchr(cfg->users.v[k], '/') ||
		    strcmp(cfg->users.v[k], "..") == 0 ||
		    strcmp(cfg->users.v[k], ".") == 0) {
			snprintf(err, errlen,
			         "%s: [mail] users: '%s' is not a user name",
			         cfg_name(cf), cfg->users.v[k]);
			return -1;
		}
	return 0;
}

void
mail_config_print_top(FILE *fp, const struct mail_config *cfg)
{
	cfg_print(fp, mail_top_defs, cfg);
}

void
mail_config_print(FILE *fp, const struct mail_config *cfg)
{
	fprintf(fp, "\n[mail]\n");
	cfg_print(fp, mail_defs, cfg);
}

void
mail_config_free(struct mail_config *cfg)
{
	cfg_free_values(mail_defs, cfg);
	cfg_free_values(mail_top_defs, cfg);
}
