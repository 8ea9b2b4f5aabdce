/*
 * report.c - the report envelope, the host facts of the cycle and the
 * ordered table of collectors, each handed its own configuration section.
 *
 * Reads ROOT/etc/hostname, ROOT/etc/os-release (or etc/redhat-release)
 * and the kernel release (ROOT/proc/sys/kernel/osrelease under --root,
 * uname(2) otherwise).  Nothing here fails the cycle: what cannot be read
 * is an errors[] entry.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent_config.h"
#include "agent/cycle.h"
#include "agent/collect/inodes.h"
#include "agent/diagnose/causes.h"
#include "agent/diagnose/inodes_findings.h"
#include "agent/collect/logs.h"
#include "agent/diagnose/logs_findings.h"
#include "agent/collect/mail.h"
#include "agent/collect/mailq.h"
#include "agent/diagnose/mail_findings.h"
#include "agent/collect/mta.h"
#include "agent/diagnose/mta_findings.h"
#include "agent/limits.h"
#include "agent/report.h"
#include "agent/collect/spool.h"
#include "agent/diagnose/spool_findings.h"
#include "common/fsutil.h"
#include "common/timeutil.h"
#include "common/uuid.h"

/*
 * Each collector sees its own section of the configuration and nothing
 * else: COLLECTOR(x) makes the two passes of collector x (x_collect, then
 * x_findings, both handed cfg->x) for the table below.  What sections
 * share goes through struct cycle.
 */
struct collector {
	const char *name;
	void (*collect)(struct cycle *c, const struct agent_config *cfg);
	void (*findings)(struct cycle *c, const struct agent_config *cfg);
};

#define COLLECTOR(x)                                                           \
	static void x##_collect_pass(struct cycle *c,                          \
	                             const struct agent_config *cfg)           \
	{                                                                      \
		x##_collect(c, &cfg->x);                                       \
	}                                                                      \
	static void x##_findings_pass(struct cycle *c,                         \
	                              const struct agent_config *cfg)          \
	{                                                                      \
		x##_findings(c, &cfg->x);                                      \
	}
COLLECTOR(spool)
COLLECTOR(inodes)
COLLECTOR(mta)
COLLECTOR(logs)
COLLECTOR(mail)
#undef COLLECTOR

/* Order matters for findings: later ones refer to earlier ones (a SYSERR
 * on a spool the spool check found wrong; queued mail while mta.down). */
static const struct collector collectors[] = {
    {"spool", spool_collect_pass, spool_findings_pass},
    {"inodes", inodes_collect_pass, inodes_findings_pass},
    {"mta", mta_collect_pass, mta_findings_pass},
    {"logs", logs_collect_pass, logs_findings_pass},
    {"mail", mail_collect_pass, mail_findings_pass},
};

/* read_small - first line of a small host file under root, or -1. */
static int
read_small(const char *root, const char *hostpath, char *out, size_t n)
{
	char path[PATH_MAX], why[256], *text;
	ssize_t len;

	if (root_path(path, sizeof(path), root, hostpath) == -1)
		return -1;
	len = read_file_capped(path, &text, AGENT_MAX_SMALL_FILE, why,
	                       sizeof(why));
	if (len < 0)
		return -1;
	snprintf(out, n, "%.*s", (int)strcspn(text, "\r\n"), text);
	free(text);
	return out[0] ? 0 : -1;
}

void
report_hostname(const struct agent_config *cfg, char *out, size_t n)
{
	if (cfg->hostname && *cfg->hostname) {
		snprintf(out, n, "%s", cfg->hostname);
		return;
	}
	if (cfg->root[0] && read_small(cfg->root, "/etc/hostname", out, n) == 0)
		return;
	if (gethostname(out, n) == -1 || out[0] == '\0')
		snprintf(out, n, "unknown");
	out[n - 1] = '\0';
}

/* os_name - PRETTY_NAME from os-release, else redhat-release's line. */
static void
os_name(const char *root, char *out, size_t n)
{
	char path[PATH_MAX], why[256], *text;
	ssize_t len;

	out[0] = '\0';
	if (root_path(path, sizeof(path), root, "/etc/os-release") == 0 &&
	    (len = read_file_capped(path, &text, AGENT_MAX_SMALL_FILE, why,
	                            sizeof(why))) >= 0) {
		char *p = strstr(text, "PRETTY_NAME=");
		if (p && (p == text || p[-1] == '\n')) {
			p += strlen("PRETTY_NAME=");
			if (*p == '"')
				p++;
			snprintf(out, n, "%.*s", (int)strcspn(p, "\"\n"), p);
		}
		free(text);
	}
	if (out[0] == '\0')
		read_small(root, "/etc/redhat-release", out, n);
}

static void
kernel_release(const char *root, char *out, size_t n)
{
	struct utsname u;

	out[0] = '\0';
	if (root[0]) {
		read_small(root, "/proc/sys/kernel/osrelease", out, n);
		return;
	}
	if (uname(&u) == 0)
		snprintf(out, n, "%s", u.release);
}

json_t *
report_build(const struct agent_config *cfg, struct state *st)
{
	struct cycle c;
	char id[UUID_STR_LEN], ts[RFC3339_LEN], host[256], os[256], kern[256];

	memset(&c, 0, sizeof(c));
	c.root = cfg->root;
	c.check_network = cfg->inodes.check_network;
	c.now = time(NULL);
	c.state = st;
	if (uuid_v4(id) == -1)
		return NULL;
	rfc3339_format(c.now, ts, sizeof(ts));
	report_hostname(cfg, host, sizeof(host));
	os_name(c.root, os, sizeof(os));
	kernel_release(c.root, kern, sizeof(kern));

	c.report = json_pack(
	    "{s:s, s:s, s:{s:o, s:o, s:o}, s:{s:s}, s:s, "
	    "s:I, s:[], s:[]}",
	    "schema", REPORT_SCHEMA, "report_id", id, "host", "name",
	    json_str_safe(host, strlen(host), 255), "os",
	    os[0] ? json_str_safe(os, strlen(os), 255) : json_null(), "kernel",
	    kern[0] ? json_str_safe(kern, strlen(kern), 255) : json_null(),
	    "agent", "version", SPOOLWATCH_VERSION, "collected_at", ts,
	    "interval_s", (json_int_t)cfg->interval, "findings", "errors");
	if (c.report == NULL)
		return NULL;
	if (json_object_size(cfg->host_labels) > 0)
		json_object_set_new(json_object_get(c.report, "host"),
		                    "labels", json_deep_copy(cfg->host_labels));
	c.errors = json_object_get(c.report, "errors");
	c.findings = json_object_get(c.report, "findings");

	cycle_host_load(&c, cfg->mta.kind);
	c.queue = mail_queue_new(&c, &cfg->mail);
	for (size_t i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		collectors[i].collect(&c, cfg);
	mailq_free(c.queue);
	c.queue = NULL;
	cycle_buf_release(&c);
	for (size_t i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		collectors[i].findings(&c, cfg);
	causes_link(c.report); /* every finding exists: tie symptoms */
	cycle_host_free(&c);
	return c.report;
}
