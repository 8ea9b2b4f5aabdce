/*
 * spool.c - mail spool directories: what the host uses, their ownership
 * and modes against policy, whether the MTA can write them, counts, ages,
 * orphans, directory size: the report's spools[].
 *
 * Nothing here changes the host: directories are lstat'ed and read, files
 * are at most stat'ed.  Symbolic links are followed by hand below --root
 * so that a link cannot lead the agent out of the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/probe/accounts.h"
#include "agent/cycle.h"
#include "agent/probe/dirscan.h"
#include "agent/probe/exim_detect.h"
#include "agent/limits.h"
#include "agent/probe/mounts.h"
#include "agent/probe/mtaconf.h"
#include "agent/diagnose/policy.h"
#include "agent/collect/mailq.h"
#include "agent/collect/spool.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

#define SPOOL_MAX 64 /* directories checked per cycle */

/* --- the list of directories ------------------------------------------ */

struct spool_item {
	char path[PATH_MAX]; /* host path, normalised */
	enum spool_role role;
	struct policy pol;
	struct writer w;
	const struct spool_override *ov;
};

struct spool_list {
	struct spool_item it[SPOOL_MAX];
	size_t n;
};

static struct spool_item *
list_find(struct spool_list *l, const char *path)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->it[i].path, path) == 0)
			return &l->it[i];
	return NULL;
}

static struct spool_item *
list_add(struct cycle *c, struct spool_list *l, const char *path,
         enum spool_role role, const struct mtaconf *mc)
{
	char norm[PATH_MAX];
	struct spool_item *it;

	if (root_path(norm, sizeof(norm), "", path) == -1) {
		cycle_error(c, "spool", "%s: path too long or not absolute",
		            path);
		return NULL;
	}
	if ((it = list_find(l, norm)) != NULL)
		return it;
	if (l->n == SPOOL_MAX) {
		cycle_error(c, "spool",
		            "%s: more than %d spool directories, "
		            "not checked",
		            norm, SPOOL_MAX);
		return NULL;
	}
	it = &l->it[l->n++];
	memset(it, 0, sizeof(*it));
	snprintf(it->path, sizeof(it->path), "%s", norm);
	it->role = role;
	policy_default(role, mc->flavor, &it->pol);
	policy_writer(role, mc, &it->w);
	if (policy_is_exim(role) && mc->exim) {
		/* the spool belongs to the configured exim_user/group */
		if (mc->exim->conf.exim_user[0])
			it->pol.owner = mc->exim->conf.exim_user;
		if (mc->exim->conf.exim_group[0])
			it->pol.group = mc->exim->conf.exim_group;
	}
	return it;
}

/* add_defaults - the directories the MTA's configuration names and the
 * mailbox directories that exist (if none does, the distribution's own,
 * only where an MTA delivers). */
static void
add_defaults(struct cycle *c, const struct mtaconf *mc, struct spool_list *l)
{
	static const struct {
		const char *sub;
		enum spool_role role;
	} postfix_dirs[] = {
	    {"maildrop", ROLE_POSTFIX_MAILDROP},
	    {"incoming", ROLE_POSTFIX_INCOMING},
	    {"active", ROLE_POSTFIX_ACTIVE},
	    {"deferred", ROLE_POSTFIX_DEFERRED},
	    {"hold", ROLE_POSTFIX_HOLD},
	    {"corrupt", ROLE_POSTFIX_CORRUPT},
	};
	char path[PATH_MAX];

	if (mc->kind == MTA_SENDMAIL) {
		for (size_t i = 0; i < mc->n_msp; i++)
			list_add(c, l, mc->msp_queues[i], ROLE_MSP_QUEUE, mc);
		for (size_t i = 0; i < mc->n_mta; i++)
			list_add(c, l, mc->mta_queues[i], ROLE_MTA_QUEUE, mc);
	} else if (mc->kind == MTA_EXIM && mc->exim) {
		const char *sd = mc->exim->conf.spool_directory;
		list_add(c, l, sd, ROLE_EXIM_SPOOL, mc);
		snprintf(path, sizeof(path), "%s/input", sd);
		list_add(c, l, path, ROLE_EXIM_INPUT, mc);
		snprintf(path, sizeof(path), "%s/msglog", sd);
		list_add(c, l, path, ROLE_EXIM_MSGLOG, mc);
	} else if (mc->kind == MTA_POSTFIX) {
		for (size_t i = 0;
		     i < sizeof(postfix_dirs) / sizeof(postfix_dirs[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s",
			         mc->postfix_queue_dir, postfix_dirs[i].sub);
			list_add(c, l, path, postfix_dirs[i].role, mc);
		}
	}
	if (root_exists(c->root, "/var/spool/mail"))
		list_add(c, l, "/var/spool/mail", ROLE_MAILBOX, mc);
	if (root_exists(c->root, "/var/mail"))
		list_add(c, l, "/var/mail", ROLE_MAILBOX, mc);
	if (l->n > 0 && mc->kind != MTA_NONE &&
	    !root_exists(c->root, "/var/spool/mail") &&
	    !root_exists(c->root, "/var/mail"))
		list_add(c, l,
		         mc->flavor == FLAVOR_DEBIAN ? "/var/mail"
		                                     : "/var/spool/mail",
		         ROLE_MAILBOX, mc);
}

/* apply_override - one [spool PATH] section: leave the directory out, or
 * add it, with its role, policy and writer. */
static void
apply_override(struct cycle *c, const struct spool_override *o,
               const struct mtaconf *mc, struct spool_list *l)
{
	struct spool_item *it;
	char norm[PATH_MAX];

	if (root_path(norm, sizeof(norm), "", o->path) == -1)
		return;
	it = list_find(l, norm);
	if (!o->check) {
		if (it != NULL)
			*it = l->it[--l->n];
		return;
	}
	if (it == NULL)
		it = list_add(c, l, norm,
		              o->role
		                  ? (enum spool_role)policy_role_parse(o->role)
		                  : ROLE_CUSTOM,
		              mc);
	if (it == NULL)
		return;
	if (o->role != NULL &&
	    (enum spool_role)policy_role_parse(o->role) != it->role) {
		it->role = (enum spool_role)policy_role_parse(o->role);
		policy_default(it->role, mc->flavor, &it->pol);
		policy_writer(it->role, mc, &it->w);
	}
	it->ov = o;
	if (o->owner)
		it->pol.owner = o->owner;
	if (o->group)
		it->pol.group = o->group;
	if (o->mode) {
		it->pol.modes[0] = o->mode;
		it->pol.nmodes = 1;
	}
	if (o->user || o->write_group) {
		it->w.user = o->user;
		it->w.group = o->write_group;
	}
}

/* build_list - the directories to check this cycle. */
static void
build_list(struct cycle *c, const struct spool_config *cfg,
           const struct mtaconf *mc, struct spool_list *l)
{
	l->n = 0;
	if (cfg->default_spools)
		add_defaults(c, mc, l);
	for (size_t i = 0; i < cfg->nov; i++)
		apply_override(c, &cfg->ov[i], mc, l);
}

/* --- checking one directory ------------------------------------------- */

static json_t *
name_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
mode_json(unsigned mode)
{
	char buf[8];

	snprintf(buf, sizeof(buf), "%04o", mode & 07777);
	return json_string(buf);
}

static const char *
type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "directory";
	if (S_ISREG(m))
		return "file";
	if (S_ISLNK(m))
		return "symlink";
	return "other";
}

/* owner_matches - whether the directory's id is the expected name's. */
static int
owner_matches(const struct accounts *a, const char *want, uid_t uid)
{
	const struct account_user *u;

	if (want == NULL)
		return 1;
	u = accounts_user_by_name(a, want);
	return u != NULL && u->uid == uid;
}

static int
group_matches(const struct accounts *a, const char *want, gid_t gid)
{
	gid_t g;

	if (want == NULL)
		return 1;
	return accounts_group_by_name(a, want, &g) == 0 && g == gid;
}

/* scan_opts - how to scan the directory of it. */
static void
scan_opts(struct cycle *c, const struct spool_config *cfg,
          const struct spool_item *it, struct dirscan_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->now = c->now;
	opts->sendmail = policy_is_sendmail(it->role);
	opts->exim = it->role == ROLE_EXIM_INPUT;
	opts->max_depth = it->role >= ROLE_POSTFIX_MAILDROP &&
	                          it->role <= ROLE_POSTFIX_CORRUPT
	                      ? 3
	                      : 0;
	opts->ages = it->role != ROLE_MAILBOX && it->role != ROLE_EXIM_SPOOL &&
	             it->role != ROLE_EXIM_MSGLOG;
	opts->postfix = opts->max_depth > 0;
	opts->orphan_grace = cfg->orphan_grace;
	opts->budget_ms = cfg->scan_budget * 1000;
	opts->limit_ms = cfg->scan_limit * 1000;
}

/* exim_prefixes - by_prefix of Exim's input/: -H control, -D data, -J
 * journal, -T control being written (the scan counts them as qf, df, xf
 * and tf) */
static void
exim_prefixes(json_t *bp, const struct dirscan_result *r)
{
	static const struct {
		const char *name;
		enum dirscan_prefix p;
	} ex[] = {{"-H", DS_QF},
	          {"-D", DS_DF},
	          {"-J", DS_XF},
	          {"-T", DS_TF},
	          {"other", DS_OTHER}};

	for (size_t k = 0; k < sizeof(ex) / sizeof(ex[0]); k++)
		json_object_set_new(
		    bp, ex[k].name,
		    json_integer((json_int_t)r->by_prefix[ex[k].p]));
}

/* scan_json - what the scan r (made with opts) found, into o. */
static void
scan_json(struct cycle *c, const struct spool_item *it,
          const struct dirscan_opts *opts, const struct dirscan_result *r,
          const struct stat *st, json_t *o)
{
	unsigned long long needed, blk;
	json_t *bp;

	/* hashed postfix queues: the files below, not the hash dirs */
	json_object_set_new(
	    o, "entries",
	    json_integer(
	        (json_int_t)(opts->max_depth > 0 ? r->files : r->entries)));
	bp = json_object();
	if (opts->sendmail)
		for (int p = 0; p < DS_NPREFIX; p++)
			json_object_set_new(
			    bp, dirscan_prefix_name(p),
			    json_integer((json_int_t)r->by_prefix[p]));
	if (opts->exim)
		exim_prefixes(bp, r);
	json_object_set_new(o, "by_prefix", bp);
	json_object_set_new(o, "queued",
	                    it->role == ROLE_MAILBOX ||
	                            it->role == ROLE_EXIM_SPOOL ||
	                            it->role == ROLE_EXIM_MSGLOG
	                        ? json_null()
	                        : json_integer((json_int_t)r->queued));
	json_object_set_new(o, "orphans",
	                    opts->sendmail || opts->exim
	                        ? json_integer((json_int_t)r->orphans)
	                        : json_integer(0));
	json_object_set_new(
	    o, "orphans_exact",
	    json_boolean(!(opts->sendmail || opts->exim) || r->orphans_exact));
	if (opts->ages && r->oldest != 0)
		json_object_set_new(
		    o, "oldest_age_s",
		    json_integer((json_int_t)(c->now > r->oldest
		                                  ? c->now - r->oldest
		                                  : 0)));
	else
		json_object_set_new(o, "oldest_age_s", json_null());
	/* what the entries need: ext4 rec_len of each, plus "." and "..",
	 * in whole blocks */
	blk = st->st_blksize > 0 ? (unsigned long long)st->st_blksize : 4096;
	needed = (r->dirent_bytes + 24 + blk - 1) / blk * blk;
	json_object_set_new(o, "dir_needed_bytes",
	                    json_integer((json_int_t)needed));
	json_object_set_new(
	    o, "scan",
	    json_pack("{s:b, s:b, s:I, s:I, s:I}", "complete", r->complete,
	              "age_lower_bound", r->age_lower_bound, "elapsed_ms",
	              (json_int_t)r->elapsed_ms, "cpu_ms",
	              (json_int_t)r->cpu_ms, "stats", (json_int_t)r->stats));
}

/* scan_into - scan the directory at full (it, stat st) into o; *ok
 * becomes 0 if it cannot be read.  A sendmail queue's mail is read into
 * c->queue on the scan's listing, unless reader is 0. */
static void
scan_into(struct cycle *c, const struct spool_config *cfg,
          const struct spool_item *it, const char *full, const struct stat *st,
          json_t *o, int *ok, int reader)
{
	struct dirscan_opts opts;
	struct dirscan_result r;
	struct mailq_listing *ml = NULL;
	char why[256];
	int fd;

	fd = open(full,
	          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		cycle_error(c, it->path, "cannot read the directory: %s",
		            strerror(errno));
		*ok = 0;
		return;
	}
	scan_opts(c, cfg, it, &opts);
	/* the queue's mail is read on this listing (mail.c reports it) */
	if (reader && c->queue != NULL &&
	    (it->role == ROLE_MSP_QUEUE || it->role == ROLE_MTA_QUEUE) &&
	    (ml = mailq_listing_begin(c->queue, c, fd, it->path)) != NULL)
		mailq_listing_opts(ml, &opts);
	if (dirscan(fd, &opts, &r, why, sizeof(why)) == -1) {
		cycle_error(c, it->path, "%s", why);
		*ok = 0;
		r.ctl_exact = 0;
		mailq_listing_end(ml, &r);
		close(fd);
		return;
	}
	mailq_listing_end(ml, &r);
	close(fd);
	scan_json(c, it, &opts, &r, st, o);
	if (!r.complete)
		cycle_error(c, it->path,
		            "scan stopped after %llds: counts "
		            "are lower bounds",
		            cfg->scan_limit);
}

/* null_fields - the figures of a directory that could not be looked at. */
static void
null_fields(json_t *o)
{
	static const char *const keys[] = {
	    "owner",  "group",           "uid",          "gid",
	    "mode",   "writable_by_mta", "entries",      "by_prefix",
	    "queued", "orphans",         "oldest_age_s", "dir_size_bytes",
	    NULL,
	};

	for (int i = 0; keys[i] != NULL; i++)
		json_object_set_new(o, keys[i], json_null());
}

/* describe_policy - a new spools[] entry for it: path, role, what is
 * expected of the directory and who the MTA writes it as. */
static json_t *
describe_policy(const struct spool_item *it)
{
	json_t *o = json_object(), *exp = json_object();

	json_object_set_new(
	    o, "path", json_str_safe(it->path, strlen(it->path), PATH_MAX));
	json_object_set_new(o, "role", json_string(policy_role_name(it->role)));
	json_object_set_new(exp, "owner", name_or_null(it->pol.owner));
	json_object_set_new(exp, "group", name_or_null(it->pol.group));
	json_object_set_new(exp, "mode",
	                    it->pol.nmodes ? mode_json(it->pol.modes[0])
	                                   : json_null());
	json_object_set_new(o, "expected", exp);
	json_object_set_new(o, "writer",
	                    json_pack("{s:o, s:o}", "user",
	                              name_or_null(it->w.user), "group",
	                              name_or_null(it->w.group)));
	return o;
}

/*
 * on_network - whether it lies on a network filesystem that may not be
 * looked at: a dead NFS server would hang lstat and getdents, so network
 * spools are only checked with [inodes] check_network = yes.  If so, o
 * says why.
 */
static int
on_network(struct cycle *c, const struct spool_item *it, json_t *o)
{
	char fstype[64];

	if (c->check_network ||
	    mounts_fstype_of(c->root, it->path, fstype, sizeof(fstype)) != 0 ||
	    !mounts_is_network(fstype))
		return 0;
	json_object_set_new(o, "exists", json_false());
	null_fields(o);
	json_object_set_new(
	    o, "error",
	    json_sprintf("on a network filesystem (%s): not "
	                 "checked ([inodes] check_network = no)",
	                 fstype));
	json_object_set_new(o, "ok", json_false());
	return 1;
}

/* describe_inode - owner, group (names from the host's files, the
 * number as text if unnamed), ids, mode and size of what st describes. */
static void
describe_inode(const struct accounts *a, const struct stat *st, json_t *o)
{
	const struct account_user *u = accounts_user_by_uid(a, st->st_uid);
	const char *g = accounts_group_name(a, st->st_gid);

	if (u != NULL)
		json_object_set_new(o, "owner", json_string(u->name));
	else
		json_object_set_new(
		    o, "owner", json_sprintf("%lu", (unsigned long)st->st_uid));
	if (g != NULL)
		json_object_set_new(o, "group", json_string(g));
	else
		json_object_set_new(
		    o, "group", json_sprintf("%lu", (unsigned long)st->st_gid));
	json_object_set_new(o, "uid", json_integer((json_int_t)st->st_uid));
	json_object_set_new(o, "gid", json_integer((json_int_t)st->st_gid));
	json_object_set_new(o, "mode", mode_json(st->st_mode));
	json_object_set_new(o, "dir_size_bytes",
	                    json_integer((json_int_t)st->st_size));
}

/* not_a_directory - the figures of a spool path that is a file or else. */
static void
not_a_directory(json_t *o)
{
	json_object_set_new(o, "writable_by_mta", json_false());
	json_object_set_new(o, "entries", json_null());
	json_object_set_new(o, "by_prefix", json_object());
	json_object_set_new(o, "orphans", json_integer(0));
	json_object_set_new(o, "oldest_age_s", json_null());
	json_object_set_new(o, "ok", json_false());
}

/* check_one - the spools[] entry of it (one of l): policy, the directory
 * itself (links followed below --root), who may write it, and its scan. */
static json_t *
check_one(struct cycle *c, const struct spool_config *cfg,
          const struct accounts *a, struct spool_list *l,
          const struct spool_item *it)
{
	char host[PATH_MAX], full[PATH_MAX];
	struct stat st;
	json_t *o = describe_policy(it);
	int links = 0, ok = 1, can;

	if (on_network(c, it, o))
		return o;
	if (root_resolve(c->root, it->path, AGENT_MAX_LINKS, host, full, &st,
	                 &links) == -1) {
		int e = errno;

		json_object_set_new(o, "exists", json_false());
		null_fields(o);
		if (links > 0)
			json_object_set_new(
			    o, "symlink_target",
			    json_str_safe(host, strlen(host), PATH_MAX));
		if (e != ENOENT && e != ENOTDIR) {
			json_object_set_new(o, "error",
			                    json_string(strerror(e)));
			cycle_error(c, it->path, "%s", strerror(e));
		}
		json_object_set_new(o, "ok", json_false());
		return o;
	}
	json_object_set_new(o, "exists", json_true());
	json_object_set_new(o, "type", json_string(type_name(st.st_mode)));
	if (links > 0)
		json_object_set_new(
		    o, "symlink_target",
		    json_str_safe(host, strlen(host), PATH_MAX));
	describe_inode(a, &st, o);
	if (!S_ISDIR(st.st_mode)) {
		not_a_directory(o);
		return o;
	}
	if (!owner_matches(a, it->pol.owner, st.st_uid) ||
	    !group_matches(a, it->pol.group, st.st_gid) ||
	    !policy_mode_ok(&it->pol, st.st_mode))
		ok = 0;
	json_object_set_new(o, "policy_ok", json_boolean(ok));
	can = policy_can_create(a, &it->w, st.st_uid, st.st_gid, st.st_mode);
	json_object_set_new(o, "writable_by_mta",
	                    can < 0 ? json_null() : json_boolean(can));
	if (can == 0)
		ok = 0;
	/* a link to another directory of the list is reported (and its
	 * mail read) as that one, see spool_collect */
	scan_into(c, cfg, it, full, &st, o, &ok,
	          links == 0 || strcmp(host, it->path) == 0 ||
	              list_find(l, host) == NULL);
	json_object_set_new(o, "ok", json_boolean(ok));
	return o;
}

void
spool_collect(struct cycle *c, const struct spool_config *cfg)
{
	const struct accounts *a = c->accounts;
	const struct mtaconf *mc = c->mta;
	struct spool_list *l;
	json_t *spools;

	l = xmalloc(sizeof(*l));
	build_list(c, cfg, mc, l);
	spools = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct spool_item *it = &l->it[i];
		json_t *o;

		o = check_one(c, cfg, a, l, it);
		json_array_append_new(spools, o);
	}
	/* A link to a directory that is itself on the list (Debian's
	 * /var/spool/mail -> /var/mail) is reported once, as the target. */
	for (size_t i = json_array_size(spools); i-- > 0;) {
		json_t *s = json_array_get(spools, i);
		const char *t =
		    json_string_value(json_object_get(s, "symlink_target"));

		if (t != NULL && json_is_true(json_object_get(s, "exists")) &&
		    strcmp(t, l->it[i].path) != 0 && list_find(l, t) != NULL)
			json_array_remove(spools, i);
	}
	json_object_set_new(c->report, "spools", spools);
	free(l);
}
