/*
 * mounts.c - parse /proc/self/mounts lines and classify filesystems.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/limits.h"
#include "agent/probe/mounts.h"
#include "common/fsutil.h"

/* unescape - \ooo octal escapes, in place. */
static void
unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 +
			              (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

int
mounts_parse_line(char *line, struct mount_entry *m)
{
	char *f[4], *p = line;

	for (int i = 0; i < 4; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '\n')
			return -1;
		f[i] = p;
		p += strcspn(p, " \t\n");
		if (*p != '\0')
			*p++ = '\0';
	}
	for (int i = 0; i < 4; i++)
		unescape(f[i]);
	m->dev = f[0];
	m->dir = f[1];
	m->type = f[2];
	m->opts = f[3];
	return 0;
}

static int
in_list(const char *type, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(type, *list) == 0)
			return 1;
	return 0;
}

int
mounts_is_pseudo(const char *type)
{
	static const char *const pseudo[] = {
	    "proc",
	    "sysfs",
	    "devpts",
	    "cgroup",
	    "cgroup2",
	    "securityfs",
	    "pstore",
	    "debugfs",
	    "tracefs",
	    "configfs",
	    "fusectl",
	    "mqueue",
	    "hugetlbfs",
	    "bpf",
	    "binfmt_misc",
	    "autofs",
	    "rpc_pipefs",
	    "nsfs",
	    "selinuxfs",
	    "efivarfs",
	    "nfsd",
	    "devfs",
	    "usbfs",
	    "sockfs",
	    "pipefs",
	    "ramfs",
	    "rootfs",
	    "functionfs",
	    "fuse.gvfsd-fuse",
	    "fuse.portal",
	    "fuse.lxcfs",
	    NULL,
	};

	return in_list(type, pseudo);
}

int
mounts_is_network(const char *type)
{
	static const char *const net[] = {
	    "nfs",       "nfs4",           "cifs",        "smb3",
	    "smbfs",     "ncpfs",          "afs",         "9p",
	    "ceph",      "glusterfs",      "lustre",      "gfs2",
	    "ocfs2",     "coda",           "davfs",       "fuse.sshfs",
	    "fuse.s3fs", "fuse.glusterfs", "fuse.rclone", "fuse.ceph",
	    NULL,
	};

	return in_list(type, net);
}

int
mounts_has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; *p;) {
		size_t l = strcspn(p, ",");

		if (l == n && strncmp(p, opt, n) == 0)
			return 1;
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
mounts_contains(const char *m, const char *path)
{
	size_t n = strlen(m);

	if (strcmp(m, "/") == 0)
		return 1;
	return strncmp(path, m, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* under - whether path is dir or below it. */
static int
under(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return 1;
	return strncmp(path, dir, n) == 0 &&
	       (path[n] == '\0' || path[n] == '/');
}

int
mounts_fstype_of(const char *root, const char *hostpath, char *type, size_t n)
{
	char table[PATH_MAX], rootn[PATH_MAX], why[PATH_MAX + 64];
	char *text, *line, *next;
	size_t best = 0, rl = 0;
	int image = 0, found = -1;

	if (root != NULL && root[0] != '\0' && strcmp(root, "/") != 0 &&
	    root_path(table, sizeof(table), root, "/proc/self/mounts") == 0 &&
	    access(table, F_OK) == 0) {
		image = 1;
	} else {
		snprintf(table, sizeof(table), "/proc/self/mounts");
		if (root != NULL && root[0] != '\0' && strcmp(root, "/") != 0) {
			if (realpath(root, rootn) == NULL)
				snprintf(rootn, sizeof(rootn), "%s", root);
			rl = strcmp(rootn, "/") == 0 ? 0 : strlen(rootn);
		}
	}
	if (read_file_capped(table, &text, AGENT_MAX_HOST_FILE, why,
	                     sizeof(why)) < 0)
		return -1;
	for (line = text; line != NULL && *line; line = next) {
		struct mount_entry m;
		const char *dir;
		size_t len;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (mounts_parse_line(line, &m) == -1 || m.dir[0] != '/')
			continue;
		if (image || rl == 0) {
			dir = m.dir;
		} else if (under(rootn, m.dir)) {
			dir = m.dir[rl] ? m.dir + rl : "/";
		} else if (under(m.dir, rootn)) {
			dir = "/"; /* holds the root */
		} else {
			continue;
		}
		len = strcmp(dir, "/") == 0 ? 1 : strlen(dir) + 1;
		/* the longest match wins; later lines stack on earlier */
		if (under(dir, hostpath) && len >= best) {
			best = len;
			snprintf(type, n, "%s", m.type);
			found = 0;
		}
	}
	free(text);
	return found;
}
