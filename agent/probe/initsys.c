/*
 * initsys.c - which init system the host runs and whether the MTA starts
 * at boot, from files under the root only (no command is run).
 */
#include "agent/probe/initsys.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fsutil.h"

/* exists - 1 if the host path exists below root (a link counts). */
static int
exists(const char *root, const char *path)
{
	return root_exists(root, path);
}

/* is_dir - 1 if the host path is a directory below root. */
static int
is_dir(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	return root_path(full, sizeof(full), root, path) == 0 &&
	       stat(full, &st) == 0 && S_ISDIR(st.st_mode);
}

/* rc_links - how many S (want 'S') or K links for service are in the
 * SysV runlevel directories 2 to 5 (both /etc/rcN.d and /etc/rc.d/rcN.d). */
static int
rc_links(const char *root, const char *service, char want)
{
	static const char *const dirs[] = {
	    "/etc/rc2.d",      "/etc/rc3.d",      "/etc/rc4.d",
	    "/etc/rc5.d",      "/etc/rc.d/rc2.d", "/etc/rc.d/rc3.d",
	    "/etc/rc.d/rc4.d", "/etc/rc.d/rc5.d",
	};
	char full[PATH_MAX];
	size_t sl = strlen(service);
	int n = 0;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d;
		struct dirent *de;

		if (root_path(full, sizeof(full), root, dirs[i]) == -1 ||
		    (d = opendir(full)) == NULL)
			continue;
		/* SNNname or KNNname */
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] == want &&
			    strlen(de->d_name) == sl + 3 &&
			    de->d_name[1] >= '0' && de->d_name[1] <= '9' &&
			    de->d_name[2] >= '0' && de->d_name[2] <= '9' &&
			    strcmp(de->d_name + 3, service) == 0)
				n++;
		closedir(d);
	}
	return n;
}

/* enabled - 1 if service starts at boot under this init system. */
static int
enabled(const struct initsys *is, const char *root, const char *service)
{
	char p[256];

	if (is->kind == INITSYS_SYSTEMD) {
		static const char *const targets[] = {"multi-user", "graphical",
		                                      "default"};
		for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]);
		     i++) {
			snprintf(
			    p, sizeof(p),
			    "/etc/systemd/system/%s.target.wants/%s.service",
			    targets[i], service);
			if (exists(root, p))
				return 1;
		}
		return 0;
	}
	return rc_links(root, service, 'S') > 0;
}

void
initsys_load(struct initsys *is, const char *root)
{
	memset(is, 0, sizeof(*is));
	if (is_dir(root, "/run/systemd/system"))
		is->kind = INITSYS_SYSTEMD;
	else if (exists(root, "/etc/redhat-release") ||
	         exists(root, "/sbin/chkconfig"))
		is->kind = INITSYS_SYSV_REDHAT;
	else if (exists(root, "/etc/debian_version") ||
	         exists(root, "/usr/sbin/update-rc.d"))
		is->kind = INITSYS_SYSV_DEBIAN;
	else
		is->kind = INITSYS_SYSV;
	is->sendmail.enabled = enabled(is, root, "sendmail");
	is->postfix.enabled = enabled(is, root, "postfix");
	if (is->kind != INITSYS_SYSTEMD) {
		is->sendmail.k_links = rc_links(root, "sendmail", 'K');
		is->postfix.k_links = rc_links(root, "postfix", 'K');
	}
}

/* service_of - the boot state of service, NULL if not an MTA we know. */
static const struct initsys_service *
service_of(const struct initsys *is, const char *service)
{
	if (strcmp(service, "sendmail") == 0)
		return &is->sendmail;
	if (strcmp(service, "postfix") == 0)
		return &is->postfix;
	return NULL;
}

void
initsys_start(const struct initsys *is, const char *service, int enable,
              char *out, size_t n)
{
	const struct initsys_service *sv = is ? service_of(is, service) : NULL;
	int on = sv && enable ? sv->enabled : -1;

	switch (is == NULL ? INITSYS_UNKNOWN : is->kind) {
	case INITSYS_SYSTEMD:
		if (on == 0)
			snprintf(out, n,
			         "systemctl enable %s && systemctl "
			         "start %s",
			         service, service);
		else
			snprintf(out, n, "systemctl start %s", service);
		return;
	case INITSYS_SYSV_REDHAT:
		snprintf(out, n, "%s%s%sservice %s start",
		         on == 0 ? "chkconfig " : "", on == 0 ? service : "",
		         on == 0 ? " on && " : "", service);
		return;
	case INITSYS_SYSV_DEBIAN:
		snprintf(out, n, "%s%s%s%sservice %s start",
		         on == 0 ? "update-rc.d " : "", on == 0 ? service : "",
		         on == 0 ? (sv->k_links ? " enable" : " defaults") : "",
		         on == 0 ? " && " : "", service);
		return;
	case INITSYS_SYSV:
		snprintf(out, n, "service %s start", service);
		return;
	case INITSYS_UNKNOWN:
	default:
		snprintf(out, n, "systemctl start %s || service %s start",
		         service, service);
		return;
	}
}

void
initsys_restart(const struct initsys *is, const char *service, char *out,
                size_t n)
{
	switch (is == NULL ? INITSYS_UNKNOWN : is->kind) {
	case INITSYS_SYSTEMD:
		snprintf(out, n, "systemctl restart %s", service);
		return;
	case INITSYS_SYSV_REDHAT:
	case INITSYS_SYSV_DEBIAN:
	case INITSYS_SYSV:
		snprintf(out, n, "service %s restart", service);
		return;
	case INITSYS_UNKNOWN:
	default:
		snprintf(out, n, "systemctl restart %s || service %s restart",
		         service, service);
		return;
	}
}
