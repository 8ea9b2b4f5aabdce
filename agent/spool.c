/*
 * spool.c - mail spool directories: what the host uses, their ownership
 * and modes against policy, whether the MTA can write them, counts, ages,
 * orphans, directory size; the spool.* findings.
 *
 * Nothing here changes the host: directories are lstat'ed and read, files
 * are at most stat'ed.  Symbolic links are followed by hand below --root
 * so that a link cannot lead the agent out of the image.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/accounts.h"
#include "agent/agent_config.h"
#include "agent/cycle.h"
#include "agent/dirscan.h"
#include "agent/exim_detect.h"
#include "agent/mounts.h"
#include "agent/mtaconf.h"
#include "agent/policy.h"
#include "agent/spool.h"
#include "common/config.h"
#include "common/fsutil.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#define SPOOL_MAX 64      /* directories checked per cycle */
#define SPOOL_MAX_LINKS 8 /* symbolic links followed per path */

/* --- configuration ---------------------------------------------------- */

#define OFF(f) offsetof(struct spool_config, f)
static const struct cfg_def spool_defs[] = {
    {"backlog_warning", CFG_INT, "100", OFF(backlog_warning), 1, 1LL << 40,
     "queued messages in one queue directory for spool.backlog warning"},
    {"backlog_critical", CFG_INT, "1000", OFF(backlog_critical), 1, 1LL << 40,
     "queued messages for spool.backlog critical"},
    {"stale_age", CFG_DURATION, "1d", OFF(stale_age), 60, 1LL << 32,
     "age of the oldest queued message for spool.stale warning"},
    {"stale_age_critical", CFG_DURATION, "7d", OFF(stale_age_critical), 60,
     1LL << 32, "age of the oldest queued message for spool.stale critical"},
    {"bloat_factor", CFG_INT, "4", OFF(bloat_factor), 2, 1000000,
     "directory size over the size its entries need for spool.bloated_dir"},
    {"bloat_min_size", CFG_SIZE, "1M", OFF(bloat_min_size), 4096, 1LL << 40,
     "directories smaller than this are never bloated"},
    {"orphan_grace", CFG_DURATION, "1h", OFF(orphan_grace), 0, 1LL << 32,
     "df files younger than this are not judged (their qf may follow)"},
    {"scan_budget", CFG_DURATION, "5", OFF(scan_budget), 0, 3600,
     "seconds of stat per directory for ages; then oldest_age_s is a "
     "lower bound"},
    {"scan_limit", CFG_DURATION, "60", OFF(scan_limit), 1, 86400,
     "seconds after which a directory scan stops (counts are partial)"},
    {"default_spools", CFG_BOOL, "yes", OFF(default_spools), 0, 0,
     "check the directories the MTA's configuration names"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};
#undef OFF

#define OFF(f) offsetof(struct spool_override, f)
static const struct cfg_def override_defs[] = {
    {"role", CFG_STR, NULL, OFF(role), 0, 0,
     "msp_queue, mta_queue, postfix_*, mailbox or custom"},
    {"owner", CFG_STR, NULL, OFF(owner), 0, 0, "expected owner"},
    {"group", CFG_STR, NULL, OFF(group), 0, 0, "expected group"},
    {"mode", CFG_MODE, NULL, OFF(mode), 0, 0, "expected mode"},
    {"user", CFG_STR, NULL, OFF(user), 0, 0,
     "the account the MTA writes this directory as"},
    {"write_group", CFG_STR, NULL, OFF(write_group), 0, 0,
     "the group the MTA writes this directory with"},
    {"check", CFG_BOOL, "yes", OFF(check), 0, 0,
     "no: leave this directory out"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};
#undef OFF

int
spool_config_load(struct spool_config *cfg, struct cfg_file *cf, char *err,
                  size_t errlen)
{
	long i;
	size_t n;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(spool_defs, cfg);
	if (cf == NULL)
		return 0;
	if ((i = cfg_section_find(cf, "spool", "")) >= 0 &&
	    cfg_apply(cf, (size_t)i, spool_defs, cfg, err, errlen) == -1)
		return -1;
	if (cfg->backlog_critical < cfg->backlog_warning ||
	    cfg->stale_age_critical < cfg->stale_age) {
		snprintf(err, errlen,
		         "%s: [spool] a critical threshold is "
		         "below its warning threshold",
		         cfg_name(cf));
		return -1;
	}
	n = cfg_section_count(cf);
	for (size_t s = 0; s < n; s++) {
		const struct cfg_section *sec = cfg_section_at(cf, s);
		struct spool_override *o;

		if (strcmp(sec->name, "spool") != 0 || sec->arg[0] == '\0')
			continue;
		if (sec->arg[0] != '/') {
			snprintf(err, errlen,
			         "%s:%u: [spool %s]: not an "
			         "absolute path",
			         cfg_name(cf), sec->line, sec->arg);
			return -1;
		}
		cfg->ov = xrealloc(cfg->ov, (cfg->nov + 1) * sizeof(*cfg->ov));
		o = &cfg->ov[cfg->nov++];
		memset(o, 0, sizeof(*o));
		cfg_defaults(override_defs, o);
		o->path = xstrdup(sec->arg);
		o->line = sec->line;
		if (cfg_apply(cf, s, override_defs, o, err, errlen) == -1)
			return -1;
		if (o->role != NULL && policy_role_parse(o->role) < 0) {
			snprintf(err, errlen,
			         "%s:%u: [spool %s]: unknown role "
			         "'%s'",
			         cfg_name(cf), sec->line, sec->arg, o->role);
			return -1;
		}
	}
	return 0;
}

void
spool_config_print(FILE *fp, const struct spool_config *cfg)
{
	fprintf(fp, "\n[spool]\n");
	cfg_print(fp, spool_defs, cfg);
	for (size_t i = 0; i < cfg->nov; i++) {
		fprintf(fp, "\n[spool %s]\n", cfg->ov[i].path);
		cfg_print(fp, override_defs, &cfg->ov[i]);
	}
}

void
spool_config_free(struct spool_config *cfg)
{
	for (size_t i = 0; i < cfg->nov; i++) {
		cfg_free_values(override_defs, &cfg->ov[i]);
		free(cfg->ov[i].path);
	}
	free(cfg->ov);
	cfg_free_values(spool_defs, cfg);
	memset(cfg, 0, sizeof(*cfg));
}

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

/* exists_under - lstat of the host path under the cycle's root. */
static int
exists_under(struct cycle *c, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	if (root_path(full, sizeof(full), c->root, path) == -1)
		return 0;
	return lstat(full, &st) == 0;
}

static void
build_list(struct cycle *c, const struct spool_config *cfg,
           const struct mtaconf *mc, struct spool_list *l)
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

	l->n = 0;
	if (cfg->default_spools) {
		if (mc->kind == MTA_SENDMAIL) {
			for (size_t i = 0; i < mc->n_msp; i++)
				list_add(c, l, mc->msp_queues[i],
				         ROLE_MSP_QUEUE, mc);
			for (size_t i = 0; i < mc->n_mta; i++)
				list_add(c, l, mc->mta_queues[i],
				         ROLE_MTA_QUEUE, mc);
		} else if (mc->kind == MTA_EXIM && mc->exim) {
			const char *sd = mc->exim->conf.spool_directory;
			list_add(c, l, sd, ROLE_EXIM_SPOOL, mc);
			snprintf(path, sizeof(path), "%s/input", sd);
			list_add(c, l, path, ROLE_EXIM_INPUT, mc);
			snprintf(path, sizeof(path), "%s/msglog", sd);
			list_add(c, l, path, ROLE_EXIM_MSGLOG, mc);
		} else if (mc->kind == MTA_POSTFIX) {
			for (size_t i = 0;
			     i < sizeof(postfix_dirs) / sizeof(postfix_dirs[0]);
			     i++) {
				snprintf(path, sizeof(path), "%s/%s",
				         mc->postfix_queue_dir,
				         postfix_dirs[i].sub);
				list_add(c, l, path, postfix_dirs[i].role, mc);
			}
		}
		/* mailbox directories: those that exist; if none does, the
		 * distribution's own (only where an MTA delivers) */
		if (exists_under(c, "/var/spool/mail"))
			list_add(c, l, "/var/spool/mail", ROLE_MAILBOX, mc);
		if (exists_under(c, "/var/mail"))
			list_add(c, l, "/var/mail", ROLE_MAILBOX, mc);
		if (l->n > 0 && mc->kind != MTA_NONE &&
		    !exists_under(c, "/var/spool/mail") &&
		    !exists_under(c, "/var/mail"))
			list_add(c, l,
			         mc->flavor == FLAVOR_DEBIAN
			             ? "/var/mail"
			             : "/var/spool/mail",
			         ROLE_MAILBOX, mc);
	}

	for (size_t i = 0; i < cfg->nov; i++) {
		const struct spool_override *o = &cfg->ov[i];
		struct spool_item *it;
		char norm[PATH_MAX];

		if (root_path(norm, sizeof(norm), "", o->path) == -1)
			continue;
		it = list_find(l, norm);
		if (!o->check) {
			if (it != NULL) {
				*it = l->it[--l->n];
			}
			continue;
		}
		if (it == NULL)
			it = list_add(
			    c, l, norm,
			    o->role
			        ? (enum spool_role)policy_role_parse(o->role)
			        : ROLE_CUSTOM,
			    mc);
		if (it == NULL)
			continue;
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
}

/* --- checking one directory ------------------------------------------- */

/*
 * resolve - lstat path under root, following symbolic links by hand so
 * that every step stays below root.  On return host holds the host path
 * of what was finally looked at and full its path under root.  0 and st,
 * or -1 with errno (ELOOP after SPOOL_MAX_LINKS links).
 */
static int
resolve(const char *root, const char *path, char *host, char *full,
        struct stat *st, int *links)
{
	char target[PATH_MAX], next[PATH_MAX];
	ssize_t n;

	*links = 0;
	snprintf(host, PATH_MAX, "%s", path);
	for (;;) {
		if (root_path(full, PATH_MAX, root, host) == -1)
			return -1;
		if (lstat(full, st) == -1)
			return -1;
		if (!S_ISLNK(st->st_mode))
			return 0;
		if (++*links > SPOOL_MAX_LINKS) {
			errno = ELOOP;
			return -1;
		}
		n = readlink(full, target, sizeof(target) - 1);
		if (n == -1)
			return -1;
		target[n] = '\0';
		if (target[0] == '/') {
			snprintf(next, sizeof(next), "%s", target);
		} else {
			const char *slash = strrchr(host, '/');
			int dl = (int)(slash - host);

			if (snprintf(next, sizeof(next), "%.*s/%s", dl, host,
			             target) >= (int)sizeof(next)) {
				errno = ENAMETOOLONG;
				return -1;
			}
		}
		/* fold "..", "." and "//" without leaving "/" */
		if (root_path(host, PATH_MAX, "", next) == -1)
			return -1;
	}
}

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

static void
scan_into(struct cycle *c, const struct spool_config *cfg,
          const struct spool_item *it, const char *full, const struct stat *st,
          json_t *o, int *ok)
{
	struct dirscan_opts opts;
	struct dirscan_result r;
	char why[256];
	json_t *bp;
	int fd;
	unsigned long long needed, blk;

	fd = open(full,
	          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		cycle_error(c, it->path, "cannot read the directory: %s",
		            strerror(errno));
		*ok = 0;
		return;
	}
	memset(&opts, 0, sizeof(opts));
	opts.now = c->now;
	opts.sendmail = policy_is_sendmail(it->role);
	opts.exim = it->role == ROLE_EXIM_INPUT;
	opts.max_depth = it->role >= ROLE_POSTFIX_MAILDROP &&
	                         it->role <= ROLE_POSTFIX_CORRUPT
	                     ? 3
	                     : 0;
	opts.ages = it->role != ROLE_MAILBOX && it->role != ROLE_EXIM_SPOOL &&
	            it->role != ROLE_EXIM_MSGLOG;
	opts.postfix = opts.max_depth > 0;
	opts.orphan_grace = cfg->orphan_grace;
	opts.budget_ms = cfg->scan_budget * 1000;
	opts.limit_ms = cfg->scan_limit * 1000;
	if (dirscan(fd, &opts, &r, why, sizeof(why)) == -1) {
		cycle_error(c, it->path, "%s", why);
		*ok = 0;
		close(fd);
		return;
	}
	close(fd);

	/* hashed postfix queues: the files below, not the hash dirs */
	json_object_set_new(
	    o, "entries",
	    json_integer(
	        (json_int_t)(opts.max_depth > 0 ? r.files : r.entries)));
	bp = json_object();
	if (opts.sendmail)
		for (int p = 0; p < DS_NPREFIX; p++)
			json_object_set_new(
			    bp, dirscan_prefix_name(p),
			    json_integer((json_int_t)r.by_prefix[p]));
	if (opts.exim) {
		/* Exim's suffixes: -H control, -D data, -J journal, -T
		 * control being written */
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
			    json_integer((json_int_t)r.by_prefix[ex[k].p]));
	}
	json_object_set_new(o, "by_prefix", bp);
	json_object_set_new(o, "queued",
	                    it->role == ROLE_MAILBOX ||
	                            it->role == ROLE_EXIM_SPOOL ||
	                            it->role == ROLE_EXIM_MSGLOG
	                        ? json_null()
	                        : json_integer((json_int_t)r.queued));
	json_object_set_new(o, "orphans",
	                    opts.sendmail || opts.exim
	                        ? json_integer((json_int_t)r.orphans)
	                        : json_integer(0));
	json_object_set_new(
	    o, "orphans_exact",
	    json_boolean(!(opts.sendmail || opts.exim) || r.orphans_exact));
	if (opts.ages && r.oldest != 0)
		json_object_set_new(
		    o, "oldest_age_s",
		    json_integer((json_int_t)(c->now > r.oldest
		                                  ? c->now - r.oldest
		                                  : 0)));
	else
		json_object_set_new(o, "oldest_age_s", json_null());
	/* what the entries need: ext4 rec_len of each, plus "." and "..",
	 * in whole blocks */
	blk = st->st_blksize > 0 ? (unsigned long long)st->st_blksize : 4096;
	needed = (r.dirent_bytes + 24 + blk - 1) / blk * blk;
	json_object_set_new(o, "dir_needed_bytes",
	                    json_integer((json_int_t)needed));
	json_object_set_new(
	    o, "scan",
	    json_pack("{s:b, s:b, s:I, s:I, s:I}", "complete", r.complete,
	              "age_lower_bound", r.age_lower_bound, "elapsed_ms",
	              (json_int_t)r.elapsed_ms, "cpu_ms", (json_int_t)r.cpu_ms,
	              "stats", (json_int_t)r.stats));
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

static json_t *
check_one(struct cycle *c, const struct spool_config *cfg,
          const struct accounts *a, const struct spool_item *it)
{
	char host[PATH_MAX], full[PATH_MAX], fstype[64];
	struct stat st;
	json_t *o, *exp;
	int links = 0, ok = 1, can;

	o = json_object();
	json_object_set_new(
	    o, "path", json_str_safe(it->path, strlen(it->path), PATH_MAX));
	json_object_set_new(o, "role", json_string(policy_role_name(it->role)));
	exp = json_object();
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

	/* a dead NFS server would hang lstat and getdents: network spools
	 * are only looked at with [inodes] check_network = yes */
	if (!c->cfg->inodes.check_network &&
	    mounts_fstype_of(c->root, it->path, fstype, sizeof(fstype)) == 0 &&
	    mounts_is_network(fstype)) {
		json_object_set_new(o, "exists", json_false());
		null_fields(o);
		json_object_set_new(
		    o, "error",
		    json_sprintf("on a network filesystem (%s): not checked "
		                 "([inodes] check_network = no)",
		                 fstype));
		json_object_set_new(o, "ok", json_false());
		return o;
	}
	if (resolve(c->root, it->path, host, full, &st, &links) == -1) {
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
	/* names from the host's files; the number as text if unnamed */
	if (accounts_user_by_uid(a, st.st_uid) != NULL)
		json_object_set_new(
		    o, "owner",
		    json_string(accounts_user_by_uid(a, st.st_uid)->name));
	else
		json_object_set_new(
		    o, "owner", json_sprintf("%lu", (unsigned long)st.st_uid));
	if (accounts_group_name(a, st.st_gid) != NULL)
		json_object_set_new(
		    o, "group", json_string(accounts_group_name(a, st.st_gid)));
	else
		json_object_set_new(
		    o, "group", json_sprintf("%lu", (unsigned long)st.st_gid));
	json_object_set_new(o, "uid", json_integer((json_int_t)st.st_uid));
	json_object_set_new(o, "gid", json_integer((json_int_t)st.st_gid));
	json_object_set_new(o, "mode", mode_json(st.st_mode));
	json_object_set_new(o, "dir_size_bytes",
	                    json_integer((json_int_t)st.st_size));

	if (!S_ISDIR(st.st_mode)) {
		json_object_set_new(o, "writable_by_mta", json_false());
		json_object_set_new(o, "entries", json_null());
		json_object_set_new(o, "by_prefix", json_object());
		json_object_set_new(o, "orphans", json_integer(0));
		json_object_set_new(o, "oldest_age_s", json_null());
		json_object_set_new(o, "ok", json_false());
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
	scan_into(c, cfg, it, full, &st, o, &ok);
	json_object_set_new(o, "ok", json_boolean(ok));
	return o;
}

void
spool_collect(struct cycle *c)
{
	const struct spool_config *cfg = &c->cfg->spool;
	struct spool_list *l;
	struct accounts *a;
	struct mtaconf mc;
	char err[1024];
	json_t *spools;

	a = accounts_load(c->root, err, sizeof(err));
	if (err[0] != '\0')
		cycle_error(c, "accounts", "%s", err);
	mtaconf_load(&mc, c->root, c->cfg->mta.kind, err, sizeof(err));
	if (err[0] != '\0')
		cycle_error(c, "mta config", "%s", err);

	l = xmalloc(sizeof(*l));
	build_list(c, cfg, &mc, l);
	spools = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const struct spool_item *it = &l->it[i];
		json_t *o;

		o = check_one(c, cfg, a, it);
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
	mtaconf_free(&mc);
	accounts_free(a);
}

/* --- findings --------------------------------------------------------- */

/* shq - a path quoted for a shell command when it needs it (xmalloc'd). */
static char *
shq(const char *s)
{
	struct strbuf sb;

	if (s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                "0123456789/._-+:@")] == '\0')
		return xstrdup(s);
	strbuf_init(&sb, 4 * strlen(s) + 3);
	strbuf_appendc(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_appends(&sb, "'\\''");
		else
			strbuf_appendc(&sb, *s);
	}
	strbuf_appendc(&sb, '\'');
	return strbuf_steal(&sb);
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static const char *
jstr_or(json_t *o, const char *k, const char *def)
{
	const char *v = jstr(o, k);

	return v ? v : def;
}

static long long
jint(json_t *o, const char *k, long long def)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

/* fix_cmd - the chown/chmod that gives qpath its expected policy, or "". */
static char *
fix_cmd(json_t *exp, const char *qpath)
{
	const char *owner = jstr(exp, "owner"), *group = jstr(exp, "group");
	const char *mode = jstr(exp, "mode");
	char *own, *out;

	if (owner && group)
		own = xasprintf("chown %s:%s %s", owner, group, qpath);
	else if (owner)
		own = xasprintf("chown %s %s", owner, qpath);
	else if (group)
		own = xasprintf("chgrp %s %s", group, qpath);
	else
		own = xstrdup("");
	if (mode == NULL)
		return own;
	out = xasprintf("%s%schmod %s %s", own, own[0] ? " && " : "", mode,
	                qpath);
	free(own);
	return out;
}

/* flush_cmd - how to look at and push a queue. */
static char *
flush_cmd(const char *role, const char *qpath)
{
	if (strcmp(role, "msp_queue") == 0)
		return xstrdup("mailq -Ac && sendmail -Ac -q -v");
	if (strcmp(role, "mta_queue") == 0)
		return xasprintf("mailq -O QueueDirectory=%s && "
		                 "sendmail -q -v -O QueueDirectory=%s",
		                 qpath, qpath);
	if (strncmp(role, "postfix_", 8) == 0)
		return xstrdup("postqueue -p && postqueue -f");
	if (strcmp(role, "exim_input") == 0)
		return xstrdup("exim -bp | exiqsumm && exim -qf");
	return xasprintf("ls -lt %s | tail", qpath);
}

static void
finding_missing(struct cycle *c, json_t *s, const char *path, const char *role,
                int isqueue, const char *q, const char *fix)
{
	json_t *exp = json_object_get(s, "expected");
	const char *type = jstr(s, "type");
	char *cmd;

	if (!json_is_true(json_object_get(s, "exists"))) {
		cmd =
		    xasprintf("mkdir -p %s%s%s", q, fix[0] ? " && " : "", fix);
		cycle_finding(
		    c, "spool.missing", isqueue ? "critical" : "warning", path,
		    json_pack("{s:s, s:O}", "role", role, "expected", exp), cmd,
		    "%s (%s) does not exist: the MTA cannot queue or deliver "
		    "there",
		    path, role);
	} else {
		cmd = xasprintf("mv %s %s.not-a-directory && mkdir %s%s%s", q,
		                q, q, fix[0] ? " && " : "", fix);
		cycle_finding(
		    c, "spool.missing", "critical", path,
		    json_pack("{s:s, s:s}", "role", role, "type",
		              type ? type : "other"),
		    cmd, "%s is a %s, not a directory: the MTA cannot use it",
		    path, type ? type : "non-directory");
	}
	free(cmd);
}

static void
finding_access(struct cycle *c, json_t *s, const char *path, const char *q,
               const char *fix)
{
	json_t *exp = json_object_get(s, "expected");
	json_t *w = json_object_get(s, "writer");
	const char *wu = jstr(w, "user"), *wg = jstr(w, "group");
	const char *owner = jstr_or(s, "owner", "?");
	const char *group = jstr_or(s, "group", "?");
	char *alt = NULL;

	if (json_is_false(json_object_get(s, "writable_by_mta"))) {
		if (fix[0] == '\0')
			fix = alt =
			    xasprintf("chmod %s %s", wu ? "u+wx" : "g+wx", q);
		cycle_finding(
		    c, "spool.not_writable_by_mta", "critical", path,
		    json_pack("{s:s?, s:s?, s:O, s:O, s:O, s:s?, s:s?, s:O}",
		              "owner", jstr(s, "owner"), "group",
		              jstr(s, "group"), "uid",
		              json_object_get(s, "uid"), "gid",
		              json_object_get(s, "gid"), "mode",
		              json_object_get(s, "mode"), "writer_user", wu,
		              "writer_group", wg, "expected", exp),
		    fix,
		    "%s is %s:%s %s: %s%s%s cannot create queue files there "
		    "(Permission denied)",
		    path, owner, group, jstr_or(s, "mode", "?"), wu ? wu : "",
		    wu && wg ? ":" : "", wg ? wg : "");
		free(alt);
	}
	if (json_is_false(json_object_get(s, "policy_ok")) && fix[0]) {
		cycle_finding(
		    c, "spool.permissions", "warning", path,
		    json_pack("{s:s?, s:s?, s:O, s:O, s:O, s:O}", "owner",
		              jstr(s, "owner"), "group", jstr(s, "group"),
		              "uid", json_object_get(s, "uid"), "gid",
		              json_object_get(s, "gid"), "mode",
		              json_object_get(s, "mode"), "expected", exp),
		    fix, "%s is %s:%s %s, expected %s:%s %s", path, owner,
		    group, jstr_or(s, "mode", "?"), jstr_or(exp, "owner", "*"),
		    jstr_or(exp, "group", "*"), jstr_or(exp, "mode", "*"));
	}
}

static void
finding_queue(struct cycle *c, const struct spool_config *cfg, json_t *s,
              const char *path, const char *role, const char *q)
{
	long long queued = jint(s, "queued", 0);
	long long age = jint(s, "oldest_age_s", -1);
	char *cmd;

	if (queued >= cfg->backlog_warning) {
		cmd = flush_cmd(role, q);
		cycle_finding(
		    c, "spool.backlog",
		    queued >= cfg->backlog_critical ? "critical" : "warning",
		    path,
		    json_pack("{s:I, s:I, s:I}", "queued", (json_int_t)queued,
		              "warning", (json_int_t)cfg->backlog_warning,
		              "critical", (json_int_t)cfg->backlog_critical),
		    cmd, "%lld messages wait in %s (threshold %lld)", queued,
		    path, cfg->backlog_warning);
		free(cmd);
	}
	if (age >= cfg->stale_age) {
		cmd = flush_cmd(role, q);
		cycle_finding(
		    c, "spool.stale",
		    age >= cfg->stale_age_critical ? "critical" : "warning",
		    path,
		    json_pack("{s:I, s:I, s:I, s:O}", "oldest_age_s",
		              (json_int_t)age, "threshold_s",
		              (json_int_t)cfg->stale_age, "queued",
		              (json_int_t)queued, "lower_bound",
		              json_object_get(json_object_get(s, "scan"),
		                              "age_lower_bound")),
		    cmd,
		    "the oldest message in %s has waited %lld d %lld h "
		    "(threshold %lld h)",
		    path, age / 86400, age % 86400 / 3600,
		    cfg->stale_age / 3600);
		free(cmd);
	}
}

static void
finding_bloat(struct cycle *c, const struct spool_config *cfg, json_t *s,
              const char *path, const char *role, const char *q)
{
	json_t *exp = json_object_get(s, "expected");
	long long size = jint(s, "dir_size_bytes", 0);
	long long needed = jint(s, "dir_needed_bytes", 0);
	long long entries = jint(s, "entries", 0);
	char *tmp, *qn, *qo, *fix, *cmd;

	if (needed <= 0 || size < cfg->bloat_min_size ||
	    size <= cfg->bloat_factor * needed ||
	    !json_is_true(
	        json_object_get(json_object_get(s, "scan"), "complete")))
		return;
	tmp = xasprintf("%s.new", path);
	qn = shq(tmp);
	free(tmp);
	tmp = xasprintf("%s.old", path);
	qo = shq(tmp);
	free(tmp);
	fix = fix_cmd(exp, qn);
	cmd = xasprintf(
	    "stop the %s, then: mkdir %s%s%s && find %s "
	    "-mindepth 1 -maxdepth 1 -exec mv -t %s {} + && mv %s %s && "
	    "mv %s %s && rmdir %s",
	    strncmp(role, "postfix", 7) == 0 ? "postfix"
	    : strcmp(role, "msp_queue") == 0 ? "MSP queue runner"
	                                     : "MTA",
	    qn, fix[0] ? " && " : "", fix, q, qn, q, qo, qn, q, qo);
	cycle_finding(
	    c, "spool.bloated_dir", "warning", path,
	    json_pack("{s:I, s:I, s:I, s:I}", "dir_size_bytes",
	              (json_int_t)size, "needed_bytes", (json_int_t)needed,
	              "entries", (json_int_t)entries, "factor",
	              (json_int_t)cfg->bloat_factor),
	    cmd,
	    "the directory %s is %lld KiB for %lld entries that need %lld "
	    "KiB: every lookup reads it all, and it never shrinks",
	    path, size / 1024, entries, needed / 1024);
	free(cmd);
	free(fix);
	free(qn);
	free(qo);
}

static void
finding_orphans(struct cycle *c, json_t *s, const char *path, const char *q)
{
	long long n = jint(s, "orphans", 0);
	char *cmd;

	if (n <= 0)
		return;
	if (strcmp(jstr_or(s, "role", ""), "exim_input") == 0) {
		/* Exim writes -D first, -H when the message is whole: a -D
		 * alone (past the grace) is a reception that died */
		cmd = xasprintf(
		    "cd %s && mkdir -p /var/tmp/spoolwatch-orphans && "
		    "find . -name '*-D' | while read -r f; do [ -e "
		    "\"${f%%-D}-H\" ] "
		    "|| mv -- \"$f\" /var/tmp/spoolwatch-orphans/; done",
		    q);
		cycle_finding(
		    c, "spool.orphans", "warning", path,
		    json_pack("{s:I, s:O, s:O}", "orphans", (json_int_t)n,
		              "exact", json_object_get(s, "orphans_exact"),
		              "by_prefix", json_object_get(s, "by_prefix")),
		    cmd,
		    "%s%lld Exim data files (-D) in %s have no -H file: left "
		    "by receptions that did not finish",
		    json_is_false(json_object_get(s, "orphans_exact"))
		        ? "at least "
		        : "",
		    n, path);
		free(cmd);
		return;
	}
	cmd = xasprintf("cd %s && mkdir -p /var/tmp/spoolwatch-orphans && "
	                "for f in df*; do id=${f#df}; [ -e \"qf$id\" ] || "
	                "[ -e \"hf$id\" ] || [ -e \"Qf$id\" ] || mv -- \"$f\" "
	                "/var/tmp/spoolwatch-orphans/; done",
	                q);
	cycle_finding(
	    c, "spool.orphans", "warning", path,
	    json_pack("{s:I, s:O, s:O}", "orphans", (json_int_t)n, "exact",
	              json_object_get(s, "orphans_exact"), "by_prefix",
	              json_object_get(s, "by_prefix")),
	    cmd,
	    "%s%lld data files (df) in %s have no control file (qf): left by "
	    "failed submissions",
	    json_is_false(json_object_get(s, "orphans_exact")) ? "at least "
	                                                       : "",
	    n, path);
	free(cmd);
}

static void
spool_one_findings(struct cycle *c, const struct spool_config *cfg, json_t *s)
{
	const char *path = jstr(s, "path"), *role = jstr(s, "role");
	char *q, *fix;
	int isqueue;

	if (path == NULL || role == NULL)
		return;
	/* could not look at it: that is an errors[] entry, not a finding */
	if (json_object_get(s, "error") != NULL)
		return;
	isqueue = strcmp(role, "mailbox") != 0 && strcmp(role, "custom") != 0 &&
	          strcmp(role, "exim_spool") != 0 &&
	          strcmp(role, "exim_msglog") != 0;
	q = shq(path);
	fix = fix_cmd(json_object_get(s, "expected"), q);
	if (!json_is_true(json_object_get(s, "exists")) ||
	    strcmp(jstr_or(s, "type", ""), "directory") != 0) {
		finding_missing(c, s, path, role, isqueue, q, fix);
	} else {
		finding_access(c, s, path, q, fix);
		if (isqueue || strcmp(role, "custom") == 0)
			finding_queue(c, cfg, s, path, role, q);
		finding_bloat(c, cfg, s, path, role, q);
		finding_orphans(c, s, path, q);
	}
	free(fix);
	free(q);
}

void
spool_findings(struct cycle *c)
{
	json_t *spools = json_object_get(c->report, "spools"), *s;
	size_t i;

	json_array_foreach(spools, i, s)
	    spool_one_findings(c, &c->cfg->spool, s);
}
