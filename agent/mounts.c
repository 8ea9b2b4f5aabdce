/*
 * mounts.c - parse /proc/self/mounts lines and classify filesystems.
 */
#include <string.h>

#include "agent/mounts.h"

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
