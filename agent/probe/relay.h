/*
 * relay.h - what /usr/sbin/sendmail really is, and whether the small
 * relay behind it has anywhere to send mail.
 *
 * Every program that wants to send mail (cron first) runs
 * /usr/sbin/sendmail; which MTA answers is decided by the file there:
 *
 *   a symlink chain (alternatives on RHEL, dma, msmtp-mta, exim4):
 *     /usr/sbin/sendmail -> /etc/alternatives/mta -> /usr/sbin/sendmail.postfix
 *     /usr/sbin/sendmail -> ../bin/msmtp
 *   a file a package owns (nullmailer installs its own binary there):
 *     /var/lib/dpkg/info/nullmailer.list lists /usr/sbin/sendmail
 *   else the program's own name inside the binary.
 *
 * All paths are read under the root (--root); links are followed
 * there, never on the live host.  The relay's configuration:
 *
 *   nullmailer  /etc/nullmailer/remotes   "smtp.example.com smtp --port=587"
 *   msmtp       /etc/msmtprc, /root/.msmtprc   "host smtp.example.com"
 *   ssmtp       /etc/ssmtp/ssmtp.conf     "mailhub=smtp.example.com:25"
 *   dma         /etc/dma/dma.conf         "SMARTHOST smtp.example.com"
 */
#ifndef SPOOLWATCH_RELAY_H
#define SPOOLWATCH_RELAY_H

#include <stddef.h>

#define RELAY_PATH_MAX 4096

struct relay_info {
	char kind[16]; /* sendmail postfix exim nullmailer msmtp ssmtp dma;
	                  "" when /usr/sbin/sendmail is not there */
	char how[16];  /* "symlink", "package", "binary" */
	char target[RELAY_PATH_MAX]; /* the host path the links reach */
};

/* relay_detect - 0 with ri set (kind "" when there is no sendmail or it
 * cannot be told), -1 on a path too long for the root. */
int relay_detect(const char *root, struct relay_info *ri);

struct relay_conf {
	int state;                 /* RELAY_CONF_* */
	char relay[256];           /* the smarthost named, or "" */
	char file[RELAY_PATH_MAX]; /* the host path read (or looked for) */
	int package_default;       /* ssmtp's "mailhub=mail" as shipped */
};
#define RELAY_CONF_NONE 0   /* no smarthost: nowhere to send */
#define RELAY_CONF_SET 1    /* a smarthost is named */
#define RELAY_CONF_DIRECT 2 /* dma without SMARTHOST: MX delivery */

/*
 * relay_config - the smarthost of a small relay (kind as relay_detect
 * gives it) under the root.  0, or -1 when kind is not a small relay.
 */
int relay_config(const char *root, const char *kind, struct relay_conf *rc);

/* relay_kind_of_path - the MTA a sendmail path's name points to ("" if
 * none): ".../sendmail.postfix" is postfix, "../bin/msmtp" msmtp. */
const char *relay_kind_of_path(const char *path);

#endif
