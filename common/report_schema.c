/*
 * report_schema.c - the report format's names, one copy for the agent
 * (which writes them) and the collector (which validates and filters by
 * them).
 */
#include <string.h>

#include "common/report_schema.h"

const char *const report_schema_kinds[REPORT_SCHEMA_NKINDS + 1] = {
    "syserr", "deferred", "bounced", "warning", "fatal", "panic", "other", NULL,
};

const char *const report_schema_roles[REPORT_SCHEMA_NROLES + 1] = {
    "msp_queue",        "mta_queue",
    "postfix_maildrop", "postfix_incoming",
    "postfix_active",   "postfix_deferred",
    "postfix_hold",     "postfix_corrupt",
    "exim_spool",       "exim_input",
    "exim_msglog",      "mailbox",
    "custom",           NULL,
};

const char *const report_schema_codes[REPORT_SCHEMA_NCODES + 1] = {
    "spool.missing",
    "spool.not_writable_by_mta",
    "spool.permissions",
    "spool.backlog",
    "spool.stale",
    "spool.bloated_dir",
    "spool.orphans",
    "fs.inodes_high",
    "mta.down",
    "log.syserr",
    "mail.undelivered",
    "mail.unread_root",
    "mail.cron_lost",
    "mail.frozen",
    "mta.paniclog",
    NULL,
};

const char *const report_schema_severities[REPORT_SCHEMA_NSEVERITIES + 1] = {
    "info",
    "warning",
    "critical",
    NULL,
};

int
report_schema_find(const char *const *table, const char *s)
{
	for (int i = 0; table[i] != NULL; i++)
		if (strcmp(table[i], s) == 0)
			return i;
	return -1;
}
