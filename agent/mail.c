/*
 * mail.c - queued and unread root/cron mail (see mail.h): configuration,
 * which mailboxes and queues to read, the "mail" section of the report,
 * and the mail.undelivered and mail.unread_root findings.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/accounts.h"
#include "agent/agent_config.h"
#include "agent/cycle.h"
#include "agent/dirscan.h"
#include "agent/exim_collect.h"
#include "agent/exim_detect.h"
#include "agent/exim_findings.h"
#include "agent/mail.h"
#include "agent/mailbox.h"
#include "agent/mailq.h"
#include "agent/mbox.h"
#include "agent/mtaconf.h"
#include "agent/postqueue.h"
#include "agent/state.h"
#include "common/config.h"
#include "common/fsutil.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#define OFF(f) offsetof(struct mail_config, f)
#define MAIL_MAX_MAILBOXES 1024 /* mailboxes[] of one report */

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

/* ---------------------------------------------------------------- spools */

/* spools_with - host paths of existing spools[] entries whose role
 * matches (prefix match when the role ends with '*'); NULL: no spools[]
 * in the report at all. */
static json_t *
spools_with(struct cycle *c, const char *role)
{
	json_t *spools = json_object_get(c->report, "spools"), *s, *out;
	size_t i, rl = strlen(role);
	int prefix = rl > 0 && role[rl - 1] == '*';

	if (!json_is_array(spools))
		return NULL;
	out = json_array();
	json_array_foreach(spools, i, s)
	{
		const char *r = json_string_value(json_object_get(s, "role"));
		const char *p = json_string_value(json_object_get(s, "path"));
		if (r == NULL || p == NULL ||
		    !json_is_true(json_object_get(s, "exists")))
			continue;
		if (prefix ? strncmp(r, role, rl - 1) == 0
		           : strcmp(r, role) == 0)
			json_array_append_new(out, json_string(p));
	}
	return out;
}

static const char *
role_of(struct cycle *c, const char *path)
{
	json_t *spools = json_object_get(c->report, "spools"), *s;
	size_t i;

	json_array_foreach(spools, i, s)
	{
		const char *p = json_string_value(json_object_get(s, "path"));
		if (p && strcmp(p, path) == 0)
			return json_string_value(json_object_get(s, "role"));
	}
	return NULL;
}

/* ---------------------------------------------------------------- mailboxes */

struct seen {
	dev_t dev[64];
	ino_t ino[64];
	size_t n;
};

/* seen_add - 1 if (dev, ino) is new (and now remembered), else 0. */
static int
seen_add(struct seen *s, const struct stat *st)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->dev[i] == st->st_dev && s->ino[i] == st->st_ino)
			return 0;
	if (s->n < sizeof(s->dev) / sizeof(s->dev[0])) {
		s->dev[s->n] = st->st_dev;
		s->ino[s->n++] = st->st_ino;
	}
	return 1;
}

/*
 * real_dir - the path to read for the host directory hostdir.  A symlink
 * (Debian's /var/spool/mail -> /var/mail) is followed one level inside
 * the root, so that an absolute target never leaves --root.
 */
static int
real_dir(struct cycle *c, const char *hostdir, char *out, size_t n)
{
	char link[PATH_MAX], host2[PATH_MAX];
	struct stat st;
	ssize_t l;

	if (cycle_path(c, out, n, hostdir) == -1)
		return -1;
	if (lstat(out, &st) == -1)
		return -1;
	if (!S_ISLNK(st.st_mode))
		return S_ISDIR(st.st_mode) ? 0 : -1;
	if ((l = readlink(out, link, sizeof(link) - 1)) <= 0)
		return -1;
	link[l] = '\0';
	if (link[0] == '/') {
		snprintf(host2, sizeof(host2), "%s", link);
	} else {
		const char *slash = strrchr(hostdir, '/');
		int dl = slash ? (int)(slash - hostdir) : 0;
		if (snprintf(host2, sizeof(host2), "%.*s/%s", dl, hostdir,
		             link) >= (int)sizeof(host2))
			return -1;
	}
	if (root_path(out, n, c->root, host2) == -1 || stat(out, &st) == -1 ||
	    !S_ISDIR(st.st_mode))
		return -1;
	return 0;
}

static json_t *
mailbox_dirs(struct cycle *c, const struct mail_config *cfg)
{
	json_t *dirs;

	if (cfg->mailbox_dirs.n > 0) {
		dirs = json_array();
		for (size_t i = 0; i < cfg->mailbox_dirs.n; i++)
			json_array_append_new(
			    dirs, json_string(cfg->mailbox_dirs.v[i]));
		return dirs;
	}
	dirs = spools_with(c, "mailbox");
	if (dirs == NULL || json_array_size(dirs) == 0) {
		json_decref(dirs);
		dirs = json_pack("[s, s]", "/var/spool/mail", "/var/mail");
	}
	return dirs;
}

/* system_uid_max - the configured bound, else UID_MIN - 1 of the
 * host's login.defs (RHEL 5/6: 500, later: 1000), else 999. */
static long long
system_uid_max(struct cycle *c, const struct mail_config *cfg)
{
	char path[PATH_MAX], why[256], *text, *p;
	long long v = 999;

	if (cfg->system_uid_max >= 0)
		return cfg->system_uid_max;
	if (cycle_path(c, path, sizeof(path), "/etc/login.defs") == -1 ||
	    read_file_capped(path, &text, 256 * 1024, why, sizeof(why)) < 0)
		return v;
	for (p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (strncmp(p, "UID_MIN", 7) == 0 &&
		    (p[7] == ' ' || p[7] == '\t')) {
			char *e;
			long long u = strtoll(p + 8, &e, 10);
			if (e != p + 8 && u > 0 && u <= 65536)
				v = u - 1;
			break;
		}
	}
	free(text);
	return v;
}

/* watched - 1 if the mailbox of name is to be read. */
static int
watched(const struct mail_config *cfg, const struct accounts *acc,
        long long uid_max, const char *name)
{
	const struct account_user *u;

	if (cfg->users.n > 0) {
		for (size_t i = 0; i < cfg->users.n; i++)
			if (strcmp(cfg->users.v[i], name) == 0)
				return 1;
		return 0;
	}
	if (strcmp(name, "root") == 0)
		return 1;
	u = accounts_user_by_name(acc, name);
	return u != NULL && (long long)u->uid <= uid_max;
}

static void
read_one_mailbox(struct cycle *c, const struct mail_config *cfg,
                 const char *host, const char *real, const char *user,
                 json_t *boxes)
{
	struct mailbox_opts o;
	struct mailbox_note note;
	char key[PATH_MAX + 8], err[512];
	json_t *entry, *st = NULL;

	o.now = c->now;
	o.settle = cfg->mbox_settle;
	o.max_jobs = (size_t)cfg->max_cron_jobs;
	o.excerpt_max = MBOX_EXCERPT;
	snprintf(key, sizeof(key), "mbox:%s", host);
	entry = mailbox_read(real, host, user, state_get(c->state, key), &o,
	                     &st, &note, err, sizeof(err));
	if (entry == NULL) {
		cycle_error(c, host, "mailbox: %s", err);
		return;
	}
	json_object_set_new(entry, "rescanned", json_boolean(note.restarted));
	json_object_set_new(entry, "parsed",
	                    json_integer((json_int_t)note.parsed));
	if (note.junk > 0)
		cycle_error(
		    c, host,
		    "%lld bytes that belong to no message (no \"From \" "
		    "line where a message should start): damaged or not an "
		    "mbox",
		    note.junk);
	if (note.cut_lines > 0)
		cycle_error(
		    c, host,
		    "%lu header lines longer than %u KiB were only examined "
		    "in part",
		    note.cut_lines, MBOX_BUF >> 10);
	json_array_append_new(boxes, entry);
	state_put(c->state, key, st);
}

static void
collect_mailboxes(struct cycle *c, const struct mail_config *cfg, json_t *boxes)
{
	char err[512], real[PATH_MAX], file[PATH_MAX], host[PATH_MAX];
	struct accounts *acc = accounts_load(c->root, err, sizeof(err));
	json_t *dirs = mailbox_dirs(c, cfg), *d;
	struct seen seen_dirs = {.n = 0}, seen_files = {.n = 0};
	long long uid_max = system_uid_max(c, cfg);
	size_t i;

	json_array_foreach(dirs, i, d)
	{
		const char *hd = json_string_value(d);
		struct stat st;
		size_t nusers;

		if (hd == NULL || real_dir(c, hd, real, sizeof(real)) == -1 ||
		    stat(real, &st) == -1 || !seen_add(&seen_dirs, &st))
			continue;
		/* the users to look for: named ones, or every account */
		nusers = cfg->users.n > 0 ? cfg->users.n
		                          : accounts_user_count(acc) + 1;
		for (size_t k = 0; k < nusers; k++) {
			const char *name;
			if (cfg->users.n > 0)
				name = cfg->users.v[k];
			else if (k == 0)
				name = "root";
			else
				name = accounts_user_at(acc, k - 1)->name;
			if (k > 0 && cfg->users.n == 0 &&
			    strcmp(name, "root") == 0)
				continue;
			if (!watched(cfg, acc, uid_max, name))
				continue;
			if (snprintf(file, sizeof(file), "%s/%s", real, name) >=
			        (int)sizeof(file) ||
			    snprintf(host, sizeof(host), "%s/%s", hd, name) >=
			        (int)sizeof(host))
				continue;
			if (lstat(file, &st) == -1) {
				if (errno != ENOENT)
					cycle_error(c, host, "mailbox: %s",
					            strerror(errno));
				continue;
			}
			if (!S_ISREG(st.st_mode)) {
				cycle_error(c, host,
				            "mailbox is not a regular file");
				continue;
			}
			if (!seen_add(&seen_files, &st))
				continue;
			if (json_array_size(boxes) == MAIL_MAX_MAILBOXES) {
				cycle_error(
				    c, host,
				    "more than %d mailboxes to read: this one "
				    "and the rest are left out",
				    MAIL_MAX_MAILBOXES);
				goto out;
			}
			read_one_mailbox(c, cfg, host, file, name, boxes);
		}
	}
out:
	json_decref(dirs);
	accounts_free(acc);
}

/* ---------------------------------------------------------------- queues */

static void
collect_postfix(struct cycle *c, const struct mail_config *cfg, struct mailq *q,
                json_t *mail)
{
	json_t *dirs = spools_with(c, "postfix_*"), *d;
	json_t *pq = json_object();
	size_t i;
	int listed = 0;

	if (dirs == NULL || json_array_size(dirs) == 0) {
		json_decref(dirs);
		json_decref(pq);
		return;
	}
	/* postfix's own listing: only on the live host */
	if (c->root[0] == '\0' && access(cfg->postqueue, X_OK) == 0) {
		char err[512];
		long long n =
		    postqueue_run(cfg->postqueue, cfg->postqueue_timeout * 1000,
		                  q, err, sizeof(err));
		json_object_set_new(pq, "ran", json_true());
		if (n < 0) {
			cycle_error(c, cfg->postqueue, "%s", err);
			json_object_set_new(pq, "error", json_string(err));
		} else {
			json_object_set_new(pq, "messages", json_integer(n));
			listed = 1;
		}
	} else {
		json_object_set_new(pq, "ran", json_false());
	}
	json_object_set_new(mail, "postqueue", pq);
	json_array_foreach(dirs, i, d)
	{
		const char *hd = json_string_value(d);
		char real[PATH_MAX], err[256], defer[PATH_MAX],
		    hdefer[PATH_MAX];
		const char *slash = strrchr(hd, '/');
		struct dirscan_opts o;
		struct dirscan_result r;
		unsigned long long have;
		int fd;

		if (cycle_path(c, real, sizeof(real), hd) == -1)
			continue;
		if (!listed) {
			/* no listing: read the queue files themselves, with
			 * the reasons from defer/ next to the queue */
			snprintf(hdefer, sizeof(hdefer), "%.*s/defer",
			         slash ? (int)(slash - hd) : 0, hd);
			mailq_scan_postfix(q, c, real,
			                   root_path(defer, sizeof(defer),
			                             c->root, hdefer) == 0
			                       ? defer
			                       : NULL,
			                   hd);
			continue;
		}
		/* the directory counts exactly what postqueue may not have
		 * listed (arrived since) */
		if ((fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		    -1) {
			cycle_error(c, hd, "open: %s", strerror(errno));
			continue;
		}
		memset(&o, 0, sizeof(o));
		o.now = c->now;
		o.max_depth = 2;
		o.budget_ms = 2000;
		o.limit_ms = 30000;
		if (dirscan(fd, &o, &r, err, sizeof(err)) == -1) {
			cycle_error(c, hd, "%s", err);
		} else {
			have = mailq_queue_count(q, hd);
			mailq_add_counted(q, hd,
			                  r.files > have ? r.files - have : 0,
			                  (long long)r.oldest);
		}
		close(fd);
	}
	json_decref(dirs);
}

static void
collect_queues(struct cycle *c, const struct mail_config *cfg, json_t *mail)
{
	struct mailq_opts o;
	struct mailq *q;
	json_t *dirs, *d;
	unsigned long long other = 0;
	size_t i;

	o.now = c->now;
	o.max_queued = (size_t)cfg->max_queued;
	o.qf_max_bytes = (size_t)cfg->qf_max_bytes;
	q = mailq_new(&o);
	for (int pass = 0; pass < 2; pass++) {
		dirs = spools_with(c, pass == 0 ? "msp_queue" : "mta_queue");
		if (dirs == NULL) {
			/* no spool section at all: the usual sendmail queues */
			dirs = json_array();
			json_array_append_new(
			    dirs,
			    json_string(pass == 0 ? "/var/spool/clientmqueue"
			                          : "/var/spool/mqueue"));
		}
		json_array_foreach(dirs, i, d)
		{
			char real[PATH_MAX];
			struct stat st;
			const char *hd = json_string_value(d);
			if (cycle_path(c, real, sizeof(real), hd) == -1)
				continue;
			if (stat(real, &st) == -1 && errno == ENOENT)
				continue;
			mailq_scan_sendmail(q, c, real, hd);
		}
		json_decref(dirs);
	}
	collect_postfix(c, cfg, q, mail);
	{
		struct mtaconf mc;
		char err[1024];
		/* spool_collect reported what could not be read here */
		mtaconf_load(&mc, c->root, c->cfg->mta.kind, err, sizeof(err));
		if (mc.kind == MTA_EXIM && mc.exim) {
			json_t *ex = exim_collect_queue(c, q, mc.exim);
			if (ex)
				json_object_set_new(mail, "exim", ex);
		}
		mtaconf_free(&mc);
	}
	json_object_set_new(mail, "queued", mailq_details(q));
	json_object_set_new(mail, "queued_total",
	                    json_integer((json_int_t)mailq_total(q)));
	json_object_set_new(mail, "queues", mailq_queues(q));
	json_object_set_new(mail, "queued_groups", mailq_groups(q, &other));
	json_object_set_new(mail, "queued_groups_other",
	                    json_integer((json_int_t)other));
	mailq_free(q);
}

void
mail_collect(struct cycle *c)
{
	const struct mail_config *cfg = &c->cfg->mail;
	json_t *mail = json_object(), *boxes = json_array();

	collect_mailboxes(c, cfg, boxes);
	json_object_set_new(mail, "mailboxes", boxes);
	collect_queues(c, cfg, mail);
	json_object_set_new(c->report, "mail", mail);
}

/* ---------------------------------------------------------------- findings */

static void
human_age(long long s, char *out, size_t n)
{
	if (s < 120)
		snprintf(out, n, "%lld s", s);
	else if (s < 7200)
		snprintf(out, n, "%lld min", s / 60);
	else if (s < 2 * 86400)
		snprintf(out, n, "%lld h", s / 3600);
	else if (s < 2 * 365 * 86400LL)
		snprintf(out, n, "%lld days", s / 86400);
	else
		snprintf(out, n, "%.1f years", (double)s / (365.25 * 86400));
}

static long long
ts_age(struct cycle *c, json_t *ts)
{
	const char *s = json_string_value(ts);
	time_t t;

	if (s == NULL || rfc3339_parse(s, strlen(s), &t) == -1)
		return -1;
	return c->now > t ? (long long)(c->now - t) : 0;
}

/* loopback_refused - the status of a relay to the local MTA that nobody
 * answers: what a stopped MTA looks like from its submission queue. */
static int
loopback_refused(const char *s)
{
	return strstr(s, "Connection refused") != NULL &&
	       (strstr(s, "[127.0.0.1]") || strstr(s, "127.0.0.1[") ||
	        strstr(s, "[::1]") || strstr(s, "[IPv6:::1]") ||
	        strstr(s, "localhost"));
}

static void
queue_finding(struct cycle *c, const struct mail_config *cfg, json_t *qs,
              json_t *groups)
{
	const char *path = json_string_value(json_object_get(qs, "queue"));
	const char *role;
	json_int_t n = json_integer_value(json_object_get(qs, "messages"));
	json_t *sts = json_object_get(qs, "statuses"), *st, *top, *cron, *g;
	long long age = ts_age(c, json_object_get(qs, "oldest_ts"));
	int refused = 0, down = cycle_find_finding(c, "mta.down", NULL) != NULL;
	int postfix, exim, known = 0;
	char agebuf[32], statuses[600], msg[1024];
	const char *sev, *remedy;
	size_t i, len = 0;

	if (path == NULL || n < cfg->undelivered_min)
		return;
	role = role_of(c, path);
	postfix = (role && strncmp(role, "postfix_", 8) == 0) ||
	          strncmp(path, "/var/spool/postfix/", 19) == 0;
	exim = role && strcmp(role, "exim_spool") == 0;
	top = json_array();
	statuses[0] = '\0';
	json_array_foreach(sts, i, st)
	{
		const char *s =
		    json_string_value(json_object_get(st, "status"));
		json_int_t k = json_integer_value(json_object_get(st, "count"));
		if (s == NULL)
			continue;
		if (loopback_refused(s))
			refused = 1;
		if (s[0])
			known = 1;
		if (i < 3) {
			json_array_append(top, st);
			if (len < sizeof(statuses))
				len += (size_t)snprintf(
				    statuses + len, sizeof(statuses) - len,
				    "%s\"%.200s\" (%lld)", i ? ", " : "",
				    s[0]      ? s
				    : postfix ? "no reason recorded"
				              : "not tried yet",
				    (long long)k);
		}
	}
	cron = json_array();
	json_array_foreach(groups, i, g)
	{
		if (json_array_size(cron) == 3)
			break;
		if (json_is_string(json_object_get(g, "cron_command")))
			json_array_append(cron, g);
	}
	human_age(age < 0 ? 0 : age, agebuf, sizeof(agebuf));
	if (down) {
		sev = "critical";
		remedy = postfix ? "postfix start && postqueue -f"
		         : exim  ? "service exim4 start || service exim start; "
		                   "then exim -qf"
		         : (role && strcmp(role, "mta_queue") == 0)
		             ? "service sendmail start && sendmail -q"
		             : "service sendmail start && sendmail -Ac -q";
		snprintf(msg, sizeof(msg), "%s",
		         refused
		             ? "the MTA is down (mta.down) and the relay to it "
		               "on the loopback is refused: nothing leaves "
		               "this queue until it runs"
		             : "the MTA is down (mta.down): nothing leaves "
		               "this queue until it runs");
	} else {
		sev = (age >= cfg->undelivered_critical_age ||
		       n >= cfg->undelivered_critical_count)
		          ? "critical"
		          : "warning";
		remedy =
		    postfix ? "postqueue -p  # read why; fix the cause, then: "
		              "postqueue -f"
		    : exim
		        ? "exim -bp | exiqsumm  # why: exim -Mvl ID; fix the "
		          "cause, then: exim -qf"
		    : (role && strcmp(role, "mta_queue") == 0)
		        ? "mailq  # read why; fix the cause, then: sendmail -q"
		        : "mailq -Ac  # read why; fix the cause, then: "
		          "sendmail -Ac -q";
		if (refused)
			snprintf(msg, sizeof(msg),
			         "the relay to the local MTA is refused");
		else if (!known)
			snprintf(
			    msg, sizeof(msg), "why is not known here (%s)",
			    postfix ? "no defer log; postqueue -p lists the "
			              "reasons"
			    : exim  ? "not tried yet: no error in the msglogs"
			            : "no status in the control files");
		else
			snprintf(msg, sizeof(msg),
			         "delivery has not succeeded yet");
	}
	cycle_finding(
	    c, "mail.undelivered", sev, path,
	    json_pack("{s:I, s:o, s:I, s:o, s:b, s:b, s:o}", "messages", n,
	              "oldest_ts", json_copy(json_object_get(qs, "oldest_ts")),
	              "oldest_age_s", (json_int_t)age, "top_statuses", top,
	              "mta_down", down, "loopback_refused", refused,
	              "top_cron_commands", cron),
	    remedy, "%lld message%s waiting in %s, oldest %s old; %s%s%s%s",
	    (long long)n, n == 1 ? "" : "s", path, agebuf,
	    statuses[0] ? "top status: " : "", statuses,
	    statuses[0] ? "; " : "", msg);
}

static int
by_unread(const void *a, const void *b)
{
	json_int_t x =
	    json_integer_value(json_object_get(*(json_t *const *)a, "unread"));
	json_int_t y =
	    json_integer_value(json_object_get(*(json_t *const *)b, "unread"));

	return x < y ? 1 : x > y ? -1 : 0;
}

static void
mailbox_finding(struct cycle *c, const struct mail_config *cfg, json_t *mb)
{
	const char *path = json_string_value(json_object_get(mb, "path"));
	const char *user = json_string_value(json_object_get(mb, "user"));
	json_int_t unread = json_integer_value(json_object_get(mb, "unread"));
	json_int_t total = json_integer_value(json_object_get(mb, "messages"));
	json_t *cron = json_object_get(mb, "cron"), *j, *top;
	json_t *v[5];
	size_t i, n = 0, len = 0;
	char jobs[700], remedy[1200], age[32];
	long long oldest = ts_age(c, json_object_get(mb, "oldest_ts"));

	if (path == NULL || user == NULL || unread < cfg->unread_min)
		return;
	json_array_foreach(cron, i, j)
	{
		if (json_integer_value(json_object_get(j, "unread")) == 0)
			continue;
		if (n < 5) {
			v[n++] = j;
		} else {
			/* keep the five with the most unread */
			size_t lo = 0;
			for (size_t k = 1; k < 5; k++)
				if (by_unread(&v[k], &v[lo]) > 0)
					lo = k;
			if (by_unread(&j, &v[lo]) < 0)
				v[lo] = j;
		}
	}
	qsort(v, n, sizeof(v[0]), by_unread);
	top = json_array();
	jobs[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *cmd =
		    json_string_value(json_object_get(v[i], "command"));
		json_int_t k =
		    json_integer_value(json_object_get(v[i], "unread"));
		json_array_append_new(
		    top,
		    json_pack("{s:O, s:O, s:O, s:I}", "command",
		              json_object_get(v[i], "command"), "user",
		              json_object_get(v[i], "user"), "count",
		              json_object_get(v[i], "count"), "unread", k));
		if (len < sizeof(jobs))
			len += (size_t)snprintf(
			    jobs + len, sizeof(jobs) - len, "%s%.200s (%lld)",
			    i ? ", " : "", cmd ? cmd : "", (long long)k);
	}
	if (n > 0) {
		const char *cmd =
		    json_string_value(json_object_get(v[0], "command"));
		const char *cu =
		    json_string_value(json_object_get(v[0], "user"));
		snprintf(
		    remedy, sizeof(remedy),
		    "Fix or quiet the cron job '%.300s' (crontab of %s: "
		    "redirect its output or set MAILTO), then read or clear "
		    "the mailbox: mail -u %s",
		    cmd ? cmd : "", cu && cu[0] ? cu : user, user);
	} else {
		snprintf(
		    remedy, sizeof(remedy),
		    "Read or clear the mailbox: mail -u %s; have root's mail "
		    "forwarded to a person (an alias in /etc/aliases)",
		    user);
	}
	human_age(oldest < 0 ? 0 : oldest, age, sizeof(age));
	cycle_finding(c, "mail.unread_root",
	              unread >= cfg->unread_warning ? "warning" : "info", path,
	              json_pack("{s:s, s:I, s:I, s:O, s:O, s:o}", "user", user,
	                        "unread", unread, "messages", total, "bytes",
	                        json_object_get(mb, "bytes"), "oldest_ts",
	                        json_object_get(mb, "oldest_ts"),
	                        "top_cron_commands", top),
	              remedy,
	              "%lld unread of %lld messages for %s in %s, oldest %s "
	              "old%s%s",
	              (long long)unread, (long long)total, user, path, age,
	              n ? "; mostly cron mail: " : "", jobs);
}

void
mail_findings(struct cycle *c)
{
	const struct mail_config *cfg = &c->cfg->mail;
	json_t *mail = json_object_get(c->report, "mail"), *x;
	json_t *groups = json_object_get(mail, "queued_groups");
	size_t i;

	json_array_foreach(json_object_get(mail, "queues"), i, x)
	    queue_finding(c, cfg, x, groups);
	if ((x = json_object_get(mail, "exim")) != NULL)
		exim_frozen_finding(c, x);
	json_array_foreach(json_object_get(mail, "mailboxes"), i, x)
	    mailbox_finding(c, cfg, x);
}
