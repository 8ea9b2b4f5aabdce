/*
 * initsys.h - the host's init system and whether the MTA's service is
 * enabled at boot, so that a remedy says what this host has: systemd
 * (ROOT/run/systemd/system exists) or SysV with chkconfig (Red Hat) or
 * update-rc.d (Debian).  Read once per cycle as a host fact.
 */
#ifndef SPOOLWATCH_INITSYS_H
#define SPOOLWATCH_INITSYS_H

#include <stddef.h>

enum initsys_kind {
	INITSYS_UNKNOWN = 0, /* not looked at (a findings test) */
	INITSYS_SYSTEMD,
	INITSYS_SYSV_REDHAT, /* service + chkconfig */
	INITSYS_SYSV_DEBIAN, /* service + update-rc.d */
	INITSYS_SYSV,        /* service, no known boot tool */
};

/* one MTA service at boot */
struct initsys_service {
	int enabled; /* 1 starts at boot, 0 not */
	int k_links; /* SysV: K links exist (disabled, not removed) */
};

struct initsys {
	enum initsys_kind kind;
	struct initsys_service sendmail, postfix;
};

/* initsys_load - look at ROOT ("" for /) for the init system and the
 * boot links of sendmail and postfix. */
void initsys_load(struct initsys *is, const char *root);

/*
 * initsys_start - into out the command that starts service (sendmail or
 * postfix) on this host and, with enable, enables it at boot first when
 * it is not; for an unknown init system "systemctl start S || service S
 * start".
 */
void initsys_start(const struct initsys *is, const char *service, int enable,
                   char *out, size_t n);

/* initsys_restart - the same for a restart (no enabling). */
void initsys_restart(const struct initsys *is, const char *service, char *out,
                     size_t n);

#endif
