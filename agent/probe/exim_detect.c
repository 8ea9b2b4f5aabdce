/*
 * exim_detect.c - Exim detection and layout (see exim_detect.h).
 *
 * Reads, under the root: etc/exim4/, etc/exim/exim.conf, usr/sbin/exim4,
 * usr/sbin/exim, usr/sbin/sendmail (the link), etc/passwd,
 * etc/debian_version, the configuration files of exim_conf.h,
 * etc/exim4/update-exim4.conf.conf, etc/default/exim4, etc/crontab,
 * etc/cron.d/ and the root crontabs of var/spool/cron.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/probe/exim_detect.h"
#include "common/fsutil.h"

#define EXIM_DETECT_FILE_MAX (4u << 20) /* a configuration file */
#define EXIM_CRON_FILES 64              /* files of etc/cron.d read */

static void
append_err(char *err, size_t errlen, const char *why)
{
	size_t used = strlen(err);

	if (used + 1 < errlen)
		snprintf(err + used, errlen - used, "%s%s", used ? "; " : "",
		         why);
}

static int
lstat_under(const char *root, const char *path, struct stat *st)
{
	char full[PATH_MAX];

	if (root_path(full, sizeof(full), root, path) == -1)
		return -1;
	return lstat(full, st);
}

/* read_under - root/path as text; NULL if missing (silently) or
 * unreadable (with a reason in err) */
static char *
read_under(const char *root, const char *path, size_t *len, char *err,
           size_t errlen)
{
	char full[PATH_MAX], why[PATH_MAX + 64];
	char *text;
	ssize_t n;

	if (root_path(full, sizeof(full), root, path) == -1)
		return NULL;
	n = read_file_capped(full, &text, EXIM_DETECT_FILE_MAX, why,
	                     sizeof(why));
	if (n < 0) {
		if (access(full, F_OK) == 0 || errno != ENOENT)
			append_err(err, errlen, why);
		return NULL;
	}
	*len = (size_t)n;
	return text;
}

/* has_line_prefix - whether text has a line starting with prefix */
static int
has_line_prefix(const char *text, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if ((size_t)(end - p) >= pl && memcmp(p, prefix, pl) == 0)
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

int
exim_cron_runs_queue(const char *line, size_t n)
{
	const char *p = line, *end = line + n;

	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	/* each word that names exim, exim4 or runq (a path's last part) */
	while (p < end) {
		const char *w = p, *base;
		size_t bn;
		while (p < end && !is_blank(*p))
			p++;
		base = w;
		for (const char *q = w; q < p; q++)
			if (*q == '/')
				base = q + 1;
		bn = (size_t)(p - base);
		if (bn == 4 && memcmp(base, "runq", 4) == 0)
			return 1;
		if ((bn == 4 && memcmp(base, "exim", 4) == 0) ||
		    (bn == 5 && memcmp(base, "exim4", 5) == 0)) {
			/* its options: one of them a -q... queue run */
			const char *o = p;
			while (o < end) {
				while (o < end && is_blank(*o))
					o++;
				if (o + 1 < end && o[0] == '-' && o[1] == 'q')
					return 1;
				if (o < end && (*o == ';' || *o == '|' ||
				                *o == '&' || *o == '>'))
					break;
				while (o < end && !is_blank(*o))
					o++;
			}
		}
		while (p < end && is_blank(*p))
			p++;
	}
	return 0;
}

/* cron_file - the first queue-runner line of one crontab */
static void
cron_file(const char *root, const char *path, struct exim_host *h, char *err,
          size_t errlen)
{
	size_t len;
	char *text = read_under(root, path, &len, err, errlen);
	const char *p, *end;

	if (text == NULL)
		return;
	for (p = text, end = text + len; p < end && !h->cron_runner;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (exim_cron_runs_queue(p, n)) {
			h->cron_runner = 1;
			snprintf(h->cron_line, sizeof(h->cron_line), "%s: %.*s",
			         path, (int)(n < 200 ? n : 200), p);
		}
		p = nl ? nl + 1 : end;
	}
	free(text);
}

static void
cron(const char *root, struct exim_host *h, char *err, size_t errlen)
{
	static const char *const files[] = {"/etc/crontab",
	                                    "/var/spool/cron/crontabs/root",
	                                    "/var/spool/cron/root"};
	char full[PATH_MAX];
	DIR *d;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		cron_file(root, files[i], h, err, errlen);
	if (root_path(full, sizeof(full), root, "/etc/cron.d") == -1 ||
	    (d = opendir(full)) == NULL)
		return;
	{
		struct dirent *de;
		int k = 0;
		while (!h->cron_runner && k < EXIM_CRON_FILES &&
		       (de = readdir(d)) != NULL) {
			char rel[PATH_MAX];
			if (de->d_name[0] == '.')
				continue;
			k++;
			snprintf(rel, sizeof(rel), "/etc/cron.d/%s",
			         de->d_name);
			cron_file(root, rel, h, err, errlen);
		}
	}
	closedir(d);
}

/* queuerunner - QUEUERUNNER='...' of Debian's /etc/default/exim4 */
static void
queuerunner(const char *root, struct exim_host *h, char *err, size_t errlen)
{
	size_t len;
	char *text = read_under(root, "/etc/default/exim4", &len, err, errlen);
	const char *p, *end;

	if (text == NULL)
		return;
	for (p = text, end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n > 12 && memcmp(p, "QUEUERUNNER=", 12) == 0) {
			const char *v = p + 12;
			size_t vn = n - 12;
			if (vn >= 2 && (v[0] == '\'' || v[0] == '"') &&
			    v[vn - 1] == v[0]) {
				v++;
				vn -= 2;
			}
			snprintf(h->queuerunner, sizeof(h->queuerunner), "%.*s",
			         (int)vn, v);
		}
		p = nl ? nl + 1 : end;
	}
	free(text);
	h->no_daemon = strcmp(h->queuerunner, "nodaemon") == 0 ||
	               strcmp(h->queuerunner, "queueonly") == 0 ||
	               strcmp(h->queuerunner, "no") == 0;
}

/* sendmail_is_exim - /usr/sbin/sendmail links to an Exim binary */
static int
sendmail_is_exim(const char *root)
{
	char full[PATH_MAX], to[PATH_MAX];
	ssize_t n;

	if (root_path(full, sizeof(full), root, "/usr/sbin/sendmail") == -1)
		return 0;
	n = readlink(full, to, sizeof(to) - 1);
	if (n <= 0)
		return 0;
	to[n] = '\0';
	return strstr(to, "exim") != NULL;
}

static void
told(struct exim_host *h, const char *by)
{
	if (!h->present)
		snprintf(h->how, sizeof(h->how), "%s", by);
	h->present = 1;
}

void
exim_detect(const char *root, struct exim_host *h, char *err, size_t errlen)
{
	struct stat st;
	size_t len;
	char *passwd, *text;
	char why[256] = "";
	int debian_user = 0, rhel_user = 0;

	memset(h, 0, sizeof(*h));
	passwd = read_under(root, "/etc/passwd", &len, err, errlen);
	if (passwd) {
		debian_user = has_line_prefix(passwd, len, "Debian-exim:");
		rhel_user = has_line_prefix(passwd, len, "exim:");
		free(passwd);
	}
	if (lstat_under(root, "/etc/exim4", &st) == 0 && S_ISDIR(st.st_mode))
		told(h, "/etc/exim4");
	if (root_exists(root, "/etc/exim/exim.conf"))
		told(h, "/etc/exim/exim.conf");
	if (root_exists(root, "/usr/sbin/exim4"))
		told(h, "/usr/sbin/exim4");
	if (root_exists(root, "/usr/sbin/exim"))
		told(h, "/usr/sbin/exim");
	if (sendmail_is_exim(root))
		told(h, "/usr/sbin/sendmail -> exim");
	if (debian_user)
		told(h, "the Debian-exim user");
	if (rhel_user)
		told(h, "the exim user");
	if (!h->present)
		return;

	h->flavour =
	    root_exists(root, "/etc/exim4") ||
	            root_exists(root, "/usr/sbin/exim4") || debian_user ||
	            (!rhel_user && root_exists(root, "/etc/debian_version"))
	        ? EXIM_DEBIAN
	        : EXIM_RHEL;
	exim_conf_defaults(&h->conf, h->flavour);
	{
		/* Debian: the admin's file, else what update-exim4.conf
		 * generated, else (never generated) its template */
		static const char *const deb[] = {
		    EXIM_CONF_DEBIAN, EXIM_CONF_DEBIAN_GEN,
		    "/etc/exim4/exim4.conf.template"};
		static const char *const rhel[] = {EXIM_CONF_RHEL,
		                                   "/etc/exim.conf", NULL};
		const char *const *list =
		    h->flavour == EXIM_DEBIAN ? deb : rhel;
		for (size_t i = 0; i < 3 && list[i] != NULL; i++) {
			text = read_under(root, list[i], &len, err, errlen);
			if (text == NULL)
				continue;
			snprintf(h->conf_path, sizeof(h->conf_path), "%s",
			         list[i]);
			if (exim_conf_parse(text, len, &h->conf, why,
			                    sizeof(why)) < 0) {
				char e[EXIM_PATH_MAX + 300];
				snprintf(e, sizeof(e), "%s: %s", list[i], why);
				append_err(err, errlen, e);
			}
			free(text);
			break;
		}
	}
	text = read_under(root, EXIM_CONF_DEBIAN_DEBCONF, &len, err, errlen);
	if (text) {
		exim_debconf_parse(text, len, &h->debconf);
		free(text);
	}
	{
		const char *def = h->flavour == EXIM_DEBIAN
		                      ? "/var/log/exim4/%slog"
		                      : "/var/log/exim/%s.log";
		if (exim_conf_log_path(&h->conf, def, "main", h->mainlog,
		                       sizeof(h->mainlog), &h->to_syslog) < 0)
			h->mainlog[0] = '\0';
		if (exim_conf_log_path(&h->conf, def, "panic", h->paniclog,
		                       sizeof(h->paniclog), NULL) < 0)
			h->paniclog[0] = '\0';
	}
	queuerunner(root, h, err, errlen);
	cron(root, h, err, errlen);
}
