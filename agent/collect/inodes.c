/*
 * inodes.c - statvfs of every mounted filesystem: the report's
 * filesystems[].
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/cycle.h"
#include "agent/collect/inodes.h"
#include "agent/limits.h"
#include "agent/probe/mounts.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

#define MOUNTS_MAX 4096 /* filesystems reported */
#define HUNG_MAX 16     /* abandoned statvfs children kept */

/* --- measuring -------------------------------------------------------- */

struct fs_stat {
	struct statvfs sv;
	dev_t dev;
};

/* Children left behind in statvfs of a dead server; reaped when they
 * finally return, and while one is hung its mount is not retried. */
static struct {
	pid_t pid;
	char dir[256];
} hung[HUNG_MAX];

static void
reap_hung(void)
{
	for (int i = 0; i < HUNG_MAX; i++)
		if (hung[i].pid > 0 &&
		    waitpid(hung[i].pid, NULL, WNOHANG) == hung[i].pid)
			hung[i].pid = 0;
}

static int
is_hung(const char *dir)
{
	for (int i = 0; i < HUNG_MAX; i++)
		if (hung[i].pid > 0 && strcmp(hung[i].dir, dir) == 0)
			return 1;
	return 0;
}

static int
measure_direct(const char *path, struct fs_stat *fs)
{
	struct stat st;

	if (statvfs(path, &fs->sv) == -1 || stat(path, &st) == -1)
		return -1;
	fs->dev = st.st_dev;
	return 0;
}

/*
 * measure_timed - statvfs in a child that is given timeout_s to answer;
 * 0, or -1 with errno (ETIMEDOUT when it did not answer in time).
 */
static int
measure_timed(const char *path, const char *dir, long long timeout_s,
              struct fs_stat *fs)
{
	struct pollfd pfd;
	int p[2], e, slot;
	ssize_t n = -1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	pid = fork();
	if (pid == -1) {
		e = errno;
		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		struct fs_stat out;

		close(p[0]);
		if (measure_direct(path, &out) == 0 &&
		    write(p[1], &out, sizeof(out)) == (ssize_t)sizeof(out))
			_exit(0);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(1);
		_exit(1);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)(timeout_s * 1000)) == 1) {
		char buf[sizeof(struct fs_stat)];

		do
			n = read(p[0], buf, sizeof(buf));
		while (n == -1 && errno == EINTR);
		if (n == (ssize_t)sizeof(*fs))
			memcpy(fs, buf, sizeof(*fs));
		else if (n == (ssize_t)sizeof(int))
			memcpy(&e, buf, sizeof(e));
		else
			e = EIO;
		close(p[0]);
		waitpid(pid, NULL, 0);
		if (n == (ssize_t)sizeof(*fs))
			return 0;
		errno = e;
		return -1;
	}
	close(p[0]);
	kill(pid, SIGKILL);
	if (waitpid(pid, NULL, WNOHANG) != pid) {
		/* in uninterruptible sleep: remember it, reap it later */
		for (slot = 0; slot < HUNG_MAX && hung[slot].pid > 0; slot++)
			;
		if (slot < HUNG_MAX) {
			hung[slot].pid = pid;
			snprintf(hung[slot].dir, sizeof(hung[slot].dir), "%s",
			         dir);
		}
	}
	errno = ETIMEDOUT;
	return -1;
}

static int
in_cfg_list(const struct cfg_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

struct fs_row {
	char *dir;  /* the host path reported */
	char *live; /* the path measured */
	char *dev, *type;
	size_t depth; /* strlen of the source mount dir */
	int ro, network, measured, dup;
	struct fs_stat fs;
};

static json_t *
row_json(const struct fs_row *r)
{
	const struct statvfs *v = &r->fs.sv;
	unsigned long long total = v->f_files, ffree = v->f_ffree, used;
	unsigned long long frsize = v->f_frsize ? v->f_frsize : v->f_bsize;
	json_t *pct;

	if (ffree > total)
		ffree = total;
	used = total - ffree;
	/* as df: used * 100 / (used + available) rounded up; "-" for none */
	if (total == 0)
		pct = json_null();
	else
		pct = json_integer(
		    (json_int_t)((used * 100 + total - 1) / total));
	return json_pack(
	    "{s:o, s:o, s:s, s:I, s:I, s:I, s:o, s:I, s:I, s:I, "
	    "s:I, s:b}",
	    "mount", json_str_safe(r->dir, strlen(r->dir), PATH_MAX), "device",
	    json_str_safe(r->dev, strlen(r->dev), PATH_MAX), "fstype", r->type,
	    "inodes_total", (json_int_t)total, "inodes_used", (json_int_t)used,
	    "inodes_free", (json_int_t)ffree, "inodes_used_pct", pct,
	    "bytes_total", (json_int_t)(v->f_blocks * frsize), "bytes_free",
	    (json_int_t)(v->f_bavail * frsize), "bytes_free_root",
	    (json_int_t)(v->f_bfree * frsize), "bytes_used",
	    (json_int_t)((v->f_blocks - v->f_bfree) * frsize), "readonly",
	    r->ro);
}

/* find_row - the row reporting dir, or NULL. */
static struct fs_row *
find_row(struct fs_row *rows, size_t n, const char *dir)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(rows[k].dir, dir) == 0)
			return &rows[k];
	return NULL;
}

static void
row_clear(struct fs_row *r)
{
	free(r->dir);
	free(r->live);
	free(r->dev);
	free(r->type);
	memset(r, 0, sizeof(*r));
}

/*
 * collect_rows - the filesystems to measure from a mount table.  image:
 * the table is the image's own (paths measured below root); otherwise
 * live mounts, restricted to root's subtree when root is set.
 */
static size_t
collect_rows(struct cycle *c, const struct inodes_config *cfg, char *text,
             int image, struct fs_row *rows)
{
	char rootn[PATH_MAX], live[PATH_MAX];
	size_t n = 0;
	char *line, *next;

	/* the root as the kernel names it in the mount table */
	if (!image && c->root[0] != '\0' && realpath(c->root, rootn) == NULL)
		snprintf(rootn, sizeof(rootn), "%s", c->root);
	for (line = text; line != NULL && *line; line = next) {
		struct mount_entry m;
		struct fs_row *r;
		const char *dir;
		size_t rl;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (mounts_parse_line(line, &m) == -1 || m.dir[0] != '/' ||
		    mounts_is_pseudo(m.type) ||
		    in_cfg_list(&cfg->ignore_fstypes, m.type))
			continue;
		if (image) {
			dir = m.dir;
			if (root_path(live, sizeof(live), c->root, m.dir) == -1)
				continue;
		} else if (c->root[0] == '\0' || strcmp(rootn, "/") == 0) {
			dir = m.dir;
			snprintf(live, sizeof(live), "%s", m.dir);
		} else if (mounts_contains(rootn, m.dir)) {
			rl = strlen(rootn);
			dir = m.dir[rl] ? m.dir + rl : "/";
			snprintf(live, sizeof(live), "%s", m.dir);
		} else if (mounts_contains(m.dir, rootn)) {
			/* a mount holding the root: measured as its "/" */
			dir = "/";
			snprintf(live, sizeof(live), "%s", rootn);
			r = find_row(rows, n, "/");
			if (r != NULL && r->depth > strlen(m.dir))
				continue;
		} else {
			continue;
		}
		if (in_cfg_list(&cfg->ignore_mounts, dir))
			continue;
		/* a later mount on the same directory hides the earlier */
		r = find_row(rows, n, dir);
		if (r != NULL) {
			row_clear(r);
		} else {
			if (n == MOUNTS_MAX)
				continue;
			r = &rows[n++];
		}
		r->dir = xstrdup(dir);
		r->live = xstrdup(live);
		r->dev = xstrdup(m.dev);
		r->type = xstrdup(m.type);
		r->depth = strlen(m.dir);
		r->ro = mounts_has_opt(m.opts, "ro");
		r->network = mounts_is_network(m.type);
	}
	return n;
}

/* measure_rows - statvfs every row that may be measured; the network
 * ones not allowed or still hung from an earlier cycle go to skipped. */
static void
measure_rows(struct cycle *c, const struct inodes_config *cfg,
             struct fs_row *rows, size_t n, json_t *skipped)
{
	for (size_t k = 0; k < n; k++) {
		struct fs_row *r = &rows[k];
		const char *reason = NULL;
		int rc;

		if (r->network && !cfg->check_network)
			reason =
			    "network filesystem (inodes check_network = no)";
		else if (r->network && is_hung(r->live))
			reason = "statvfs from an earlier cycle still hangs";
		if (reason != NULL) {
			json_array_append_new(
			    skipped,
			    json_pack(
			        "{s:o, s:s, "
			        "s:s}",
			        "mount",
			        json_str_safe(r->dir, strlen(r->dir), PATH_MAX),
			        "fstype", r->type, "reason", reason));
			continue;
		}
		rc = r->network ? measure_timed(r->live, r->live,
		                                cfg->statvfs_timeout, &r->fs)
		                : measure_direct(r->live, &r->fs);
		if (rc == -1) {
			cycle_error(c, r->dir, "statvfs: %s%s", strerror(errno),
			            errno == ETIMEDOUT
			                ? " (network filesystem did not answer)"
			                : "");
			continue;
		}
		r->measured = 1;
	}
}

/*
 * mark_bind_dups - bind mounts: one filesystem, reported once, at its
 * shortest path.  Live mounts are told apart by st_dev; an image's table
 * only by its device names, as its directories share the host's
 * filesystem.
 */
static void
mark_bind_dups(struct fs_row *rows, size_t n, int image)
{
	for (size_t k = 0; k < n; k++) {
		if (!rows[k].measured)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (j == k || !rows[j].measured || rows[j].dup)
				continue;
			if (image ? strcmp(rows[j].dev, rows[k].dev) != 0 ||
			                strcmp(rows[j].type, rows[k].type) != 0
			          : rows[j].fs.dev != rows[k].fs.dev)
				continue;
			if (strlen(rows[j].dir) < strlen(rows[k].dir) ||
			    (strlen(rows[j].dir) == strlen(rows[k].dir) &&
			     j < k)) {
				rows[k].dup = 1;
				break;
			}
		}
	}
}

void
inodes_collect(struct cycle *c, const struct inodes_config *cfg)
{
	char path[PATH_MAX], why[PATH_MAX + 64], *text = NULL;
	struct fs_row *rows;
	json_t *out, *skipped;
	int image = 0;
	ssize_t len;
	size_t n;

	reap_hung();
	if (c->root[0] != '\0' &&
	    cycle_path(c, path, sizeof(path), "/proc/self/mounts") == 0 &&
	    access(path, F_OK) == 0)
		image = 1; /* the image's own table, measured below it */
	else
		snprintf(path, sizeof(path), "/proc/self/mounts");
	len = read_file_capped(path, &text, AGENT_MAX_HOST_FILE, why,
	                       sizeof(why));
	out = json_array();
	json_object_set_new(c->report, "filesystems", out);
	if (len < 0) {
		cycle_error(c, "/proc/self/mounts", "%s", why);
		return;
	}
	rows = xcalloc(MOUNTS_MAX, sizeof(*rows));
	n = collect_rows(c, cfg, text, image, rows);
	free(text);

	skipped = json_array();
	measure_rows(c, cfg, rows, n, skipped);
	mark_bind_dups(rows, n, image);
	for (size_t k = 0; k < n; k++) {
		if (rows[k].measured && !rows[k].dup)
			json_array_append_new(out, row_json(&rows[k]));
		row_clear(&rows[k]);
	}
	free(rows);
	if (json_array_size(skipped) > 0)
		json_object_set_new(c->report, "filesystems_skipped", skipped);
	else
		json_decref(skipped);
}
