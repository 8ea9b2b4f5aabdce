/*
 * mail.c - queued and unread root/cron mail (see mail.h): which
 * mailboxes and queues to read, and the "mail" section of the report.
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

#include "agent/probe/accounts.h"
#include "agent/cycle.h"
#include "agent/probe/dirscan.h"
#include "agent/limits.h"
#include "agent/collect/mail.h"
#include "agent/collect/maildir_collect.h"
#include "agent/collect/relay_collect.h"
#include "agent/collect/mailbox.h"
#include "agent/collect/mailq.h"
#include "agent/parse/mbox.h"
#include "agent/probe/postqueue.h"
#include "agent/collect/own_pids.h"
#include "agent/ship/state.h"
#include "agent/collect/exim_collect.h"
#include "agent/probe/mtaconf.h"
#include "agent/probe/exim_detect.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

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
 * open_dir - the directory hostdir, every component resolved inside the
 * root (root_open): symlinks (Debian's /var/spool/mail -> /var/mail, or a
 * hostile ROOT/var -> /elsewhere) never leave --root.  The fd, or -1 (an
 * errors[] entry unless it is simply not there, or spool_checked and the
 * spool check already said it cannot be read).
 */
static int
open_dir(struct cycle *c, const char *hostdir, int spool_checked)
{
	int fd = root_open(c->root, hostdir,
	                   O_RDONLY | O_DIRECTORY | O_NONBLOCK);

	/* a spool the spool check read reports its own EACCES */
	if (fd == -1 && errno != ENOENT && errno != ENOTDIR &&
	    !(spool_checked && errno == EACCES))
		cycle_error(c, hostdir, "open: %s", strerror(errno));
	return fd;
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
	    read_file_capped(path, &text, AGENT_MAX_LOGIN_DEFS, why,
	                     sizeof(why)) < 0)
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

/* mailbox_owner - the uid a mailbox named for the account name must have
 * (besides root): the account's, or root's when there is no such account. */
static uid_t
mailbox_owner(const struct accounts *acc, const char *name)
{
	const struct account_user *u = accounts_user_by_name(acc, name);

	return u ? u->uid : 0;
}

static void
read_one_mailbox(struct cycle *c, const struct mail_config *cfg,
                 const char *host, int dirfd, const char *user,
                 const struct stat *seen, uid_t owner, json_t *boxes)
{
	struct mailbox_opts o;
	struct mailbox_note note;
	char key[PATH_MAX + 8], err[512];
	json_t *entry, *st = NULL;

	o.now = c->now;
	o.settle = cfg->mbox_settle;
	o.max_jobs = (size_t)cfg->max_cron_jobs;
	o.excerpt_max = MBOX_EXCERPT;
	o.seen = seen;
	o.check_owner = 1;
	o.owner = owner;
	o.max_bytes = cfg->mbox_max_bytes;
	o.cycle_bytes = cfg->mbox_cycle_bytes;
	o.cycle_ms = AGENT_MBOX_CYCLE_MS;
	snprintf(key, sizeof(key), "mbox:%s", host);
	entry = mailbox_read(dirfd, user, host, user, state_get(c->state, key),
	                     &o, &st, &note, err, sizeof(err));
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
	if (note.timed_out)
		cycle_error(c, host,
		            "%lld bytes left for the next cycle: reading took "
		            "longer than %d s (a slow file system?): the counts "
		            "are partial",
		            note.budget_left, AGENT_MBOX_CYCLE_MS / 1000);
	else if (note.budget_left > 0)
		cycle_error(
		    c, host,
		    "%lld bytes left for the next cycle (mbox_cycle_bytes "
		    "%lld): the counts are partial",
		    note.budget_left, cfg->mbox_cycle_bytes);
	json_array_append_new(boxes, entry);
	state_put(c->state, key, st);
}

struct watch_arg {
	const struct mail_config *cfg;
	const struct accounts *acc;
	long long uid_max;
};

static int
watched_cb(const char *name, void *arg)
{
	const struct watch_arg *w = arg;
	return watched(w->cfg, w->acc, w->uid_max, name);
}

static void
collect_mailboxes(struct cycle *c, const struct mail_config *cfg, json_t *boxes)
{
	char host[PATH_MAX];
	const struct accounts *acc = c->accounts;
	json_t *dirs = mailbox_dirs(c, cfg), *d;
	struct seen seen_dirs = {.n = 0}, seen_files = {.n = 0};
	long long uid_max = system_uid_max(c, cfg);
	struct watch_arg wa;
	size_t i;

	json_array_foreach(dirs, i, d)
	{
		const char *hd = json_string_value(d);
		struct stat st;
		size_t nusers;
		int dfd;

		if (hd == NULL || (dfd = open_dir(c, hd, 0)) == -1)
			continue;
		if (fstat(dfd, &st) == -1 || !seen_add(&seen_dirs, &st)) {
			close(dfd);
			continue;
		}
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
			/* a name is one component of the directory */
			if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
			    strcmp(name, "..") == 0 ||
			    snprintf(host, sizeof(host), "%s/%s", hd, name) >=
			        (int)sizeof(host))
				continue;
			if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
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
				close(dfd);
				goto out;
			}
			read_one_mailbox(c, cfg, host, dfd, name, &st,
			                 mailbox_owner(acc, name), boxes);
		}
		close(dfd);
	}
out:
	wa.cfg = cfg;
	wa.acc = acc;
	wa.uid_max = uid_max;
	maildir_collect(c, cfg, acc, watched_cb, &wa, boxes);
	json_decref(dirs);
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
		char err[512], top[PATH_MAX];
		const char *d0 = json_string_value(json_array_get(dirs, 0));
		const char *sl = d0 ? strrchr(d0, '/') : NULL;
		long child;
		long long n;
		int spoolfd = -1;

		/* the queue files, for what showq does not list: postfix's
		 * queue_directory, the parent of its queues */
		if (sl != NULL && sl > d0 &&
		    snprintf(top, sizeof(top), "%.*s", (int)(sl - d0), d0) <
		        (int)sizeof(top))
			spoolfd = root_open(c->root, top, O_RDONLY | O_DIRECTORY);
		n = postqueue_run(cfg->postqueue, spoolfd,
		                  cfg->postqueue_timeout * 1000, q, &child, err,
		                  sizeof(err));
		if (spoolfd != -1)
			close(spoolfd);
		own_pids_add(c->state, child);
		json_object_set_new(pq, "ran", json_true());
		if (n == POSTQUEUE_NO_JSON) {
			/* not an error of this host: old Postfix */
			json_object_set_new(pq, "available", json_false());
			json_object_set_new(pq, "note", json_string(err));
		} else if (n < 0) {
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
		char err[256], hdefer[PATH_MAX];
		const char *slash = strrchr(hd, '/');
		struct dirscan_opts o;
		struct dirscan_result r;
		unsigned long long have;
		int fd, deferfd;

		if ((fd = open_dir(c, hd, 1)) == -1) {
			if (errno == ENOENT || errno == ENOTDIR)
				cycle_error(c, hd, "open: %s",
				            strerror(errno));
			continue;
		}
		if (!listed) {
			/* no listing: read the queue files themselves, with
			 * the reasons from defer/ next to the queue */
			snprintf(hdefer, sizeof(hdefer), "%.*s/defer",
			         slash ? (int)(slash - hd) : 0, hd);
			deferfd = root_open(c->root, hdefer,
			                    O_RDONLY | O_DIRECTORY | O_NONBLOCK);
			mailq_scan_postfix(q, c, fd, deferfd, hd);
			if (deferfd != -1)
				close(deferfd);
			close(fd);
			continue;
		}
		/* the directory counts exactly what postqueue may not have
		 * listed (arrived since) */
		memset(&o, 0, sizeof(o));
		o.now = c->now;
		o.max_depth = 2;
		o.budget_ms = AGENT_MAILQ_SCAN_BUDGET_MS;
		o.limit_ms = AGENT_MAILQ_SCAN_LIMIT_MS;
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

struct mailq *
mail_queue_new(const struct cycle *c, const struct mail_config *cfg)
{
	struct mailq_opts o;

	o.now = c->now;
	o.max_queued = (size_t)cfg->max_queued;
	o.qf_max_bytes = (size_t)cfg->qf_max_bytes;
	return mailq_new(&o);
}

static void
collect_queues(struct cycle *c, const struct mail_config *cfg, json_t *mail)
{
	/* the spool check read the sendmail queues it listed into
	 * c->queue */
	struct mailq *q = c->queue ? c->queue : mail_queue_new(c, cfg);
	json_t *dirs, *d;
	unsigned long long other = 0;
	size_t i;

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
			const char *hd = json_string_value(d);
			int fd;

			if (hd == NULL || mailq_queue_listed(q, hd) ||
			    (fd = open_dir(c, hd, 1)) == -1)
				continue;
			mailq_scan_sendmail(q, c, fd, hd);
			close(fd);
		}
		json_decref(dirs);
	}
	collect_postfix(c, cfg, q, mail);
	relay_queues(c, q);
	if (c->mta && c->mta->kind == MTA_EXIM && c->mta->exim) {
		json_t *ex = exim_collect_queue(c, q, c->mta->exim);
		if (ex)
			json_object_set_new(mail, "exim", ex);
	}
	json_object_set_new(mail, "queued", mailq_details(q));
	json_object_set_new(mail, "queued_total",
	                    json_integer((json_int_t)mailq_total(q)));
	json_object_set_new(mail, "queues", mailq_queues(q));
	json_object_set_new(mail, "queued_groups", mailq_groups(q, &other));
	json_object_set_new(mail, "queued_groups_other",
	                    json_integer((json_int_t)other));
	if (q != c->queue)
		mailq_free(q);
}

void
mail_collect(struct cycle *c, const struct mail_config *cfg)
{
	json_t *mail = json_object(), *boxes = json_array();

	collect_mailboxes(c, cfg, boxes);
	json_object_set_new(mail, "mailboxes", boxes);
	collect_queues(c, cfg, mail);
	json_object_set_new(c->report, "mail", mail);
}
