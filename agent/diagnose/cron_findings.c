/*
 * cron_findings.c - mail.cron_lost (see cron_findings.h).  Reads only the
 * report: cron_lost (the log collector's tally) and mta.
 */
#include <stdio.h>
#include <string.h>

#include "agent/diagnose/cron_findings.h"
#include "agent/cycle.h"

void
cron_findings(struct cycle *c)
{
	json_t *cl = json_object_get(c->report, "cron_lost");
	json_t *jobs = json_object_get(cl, "jobs"), *j;
	json_t *mta = json_object_get(c->report, "mta");
	const char *kind = json_string_value(json_object_get(mta, "kind"));
	long long lost =
	    (long long)json_integer_value(json_object_get(cl, "lost"));
	long long no_mta =
	    (long long)json_integer_value(json_object_get(cl, "no_mta"));
	char names[700], remedy[700];
	size_t i, len = 0;

	if (lost <= 0)
		return;
	names[0] = '\0';
	json_array_foreach(jobs, i, j)
	{
		const char *cmd =
		    json_string_value(json_object_get(j, "command"));
		if (i == 3 || len >= sizeof(names))
			break;
		len += (size_t)snprintf(
		    names + len, sizeof(names) - len, "%s%.150s (%lld)",
		    i ? ", " : "",
		    cmd ? cmd : "a job whose CMD line was not read",
		    (long long)json_integer_value(json_object_get(j, "count")));
	}
	if (no_mta > 0)
		snprintf(
		    remedy, sizeof(remedy),
		    "install an MTA that can deliver (e.g. apt-get install "
		    "nullmailer and name the smarthost in "
		    "/etc/nullmailer/remotes, or postfix as a satellite); "
		    "jobs whose output nobody needs: MAILTO=\"\" in their "
		    "crontab, or redirect their output to a log");
	else
		snprintf(
		    remedy, sizeof(remedy),
		    "echo test | /usr/sbin/sendmail -v root  # see why %s "
		    "refuses the mail (exit status in the evidence: 0x004e "
		    "is EX_CONFIG, 0x0045 EX_UNAVAILABLE, 0x004b "
		    "EX_TEMPFAIL); fix it, or redirect the jobs' output "
		    "to a log",
		    kind && strcmp(kind, "none") != 0 ? kind : "the MTA");
	cycle_finding(
	    c, "mail.cron_lost", "critical", "cron", json_copy(cl), remedy,
	    "cron could not hand the output of %lld job run%s to "
	    "an MTA (%s): that output is lost; jobs: %s",
	    lost, lost == 1 ? "" : "s",
	    no_mta > 0 ? "no MTA installed" : "/usr/sbin/sendmail failed",
	    names);
}
