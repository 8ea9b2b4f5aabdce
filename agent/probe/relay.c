/*
 * relay.c - which MTA /usr/sbin/sendmail is, and the small relays'
 * smarthost (see relay.h).
 *
 * Links are followed by root_resolve (fsutil.c), every step below the
 * root, at most RELAY_HOPS of them.  Files are read with read_file_capped
 * (bounded), package lists only for the few packages that can own
 * /usr/sbin/sendmail.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/limits.h"
#include "agent/probe/relay.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

#define RELAY_HOPS AGENT_MAX_LINKS
#define BINARY_READ (1u << 20) /* of a sendmail binary searched */
#define SENDMAIL "/usr/sbin/sendmail"

const char *
relay_kind_of_path(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (strstr(path, "nullmailer"))
		return "nullmailer";
	if (strstr(base, "msmtp"))
		return "msmtp";
	if (strstr(base, "ssmtp"))
		return "ssmtp";
	if (strcmp(base, "dma") == 0 || strstr(path, "/dma/"))
		return "dma";
	if (strstr(path, "exim"))
		return "exim";
	if (strstr(path, "postfix"))
		return "postfix";
	if (strstr(path, "sm.bin") || strcmp(base, "sendmail.sendmail") == 0 ||
	    strcmp(base, "sendmail-mta") == 0 || strcmp(base, "sm-mta") == 0)
		return "sendmail";
	return "";
}

/* owner_package - which of the packages that may own SENDMAIL lists it */
static const char *
owner_package(const char *root)
{
	static const struct {
		const char *pkg, *kind;
	} pkgs[] = {
	    {"nullmailer", "nullmailer"},
	    {"msmtp-mta", "msmtp"},
	    {"ssmtp", "ssmtp"},
	    {"dma", "dma"},
	    {"postfix", "postfix"},
	    {"exim4-daemon-light", "exim"},
	    {"exim4-daemon-heavy", "exim"},
	    {"sendmail-bin", "sendmail"},
	};
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
		char host[256], real[RELAY_PATH_MAX], why[256], *text;
		ssize_t len;
		int hit;

		snprintf(host, sizeof(host), "/var/lib/dpkg/info/%s.list",
		         pkgs[i].pkg);
		if (root_path(real, sizeof(real), root, host) == -1 ||
		    (len = read_file_capped(real, &text, 4u << 20, why,
		                            sizeof(why))) < 0)
			continue;
		hit = strncmp(text, SENDMAIL "\n", sizeof(SENDMAIL)) == 0 ||
		      strstr(text, "\n" SENDMAIL "\n") != NULL;
		free(text);
		if (hit)
			return pkgs[i].kind;
	}
	return NULL;
}

/* binary_kind - the program's name in the first MiB of a regular file */
static const char *
binary_kind(const char *real)
{
	static const struct {
		const char *needle, *kind;
	} marks[] = {
	    {"nullmailer", "nullmailer"},
	    {"msmtp", "msmtp"},
	    {"sSMTP", "ssmtp"},
	    {"postdrop", "postfix"},
	    {"exim_", "exim"},
	    {"/var/spool/dma", "dma"},
	    {"sendmail.cf", "sendmail"},
	};
	const char *kind = NULL;
	struct stat sb;
	size_t n = 0;
	char *buf;
	int fd;

	fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return NULL;
	}
	buf = xmalloc(BINARY_READ);
	while (n < BINARY_READ) {
		ssize_t r = read(fd, buf + n, BINARY_READ - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]) && !kind; i++)
		if (memmem(buf, n, marks[i].needle, strlen(marks[i].needle)))
			kind = marks[i].kind;
	free(buf);
	return kind;
}

int
relay_detect(const char *root, struct relay_info *ri)
{
	char full[RELAY_PATH_MAX];
	const char *kind;
	struct stat sb;
	int links = 0;

	memset(ri, 0, sizeof(*ri));
	if (root_resolve(root, SENDMAIL, RELAY_HOPS, ri->target, full, &sb,
	                 &links) == -1) {
		ri->target[0] = '\0';
		/* no sendmail, a dangling link or a loop: none to tell */
		return errno == ENAMETOOLONG || errno == EINVAL ? -1 : 0;
	}
	if (links > 0 && (kind = relay_kind_of_path(ri->target))[0] != '\0') {
		snprintf(ri->kind, sizeof(ri->kind), "%s", kind);
		snprintf(ri->how, sizeof(ri->how), "symlink");
		return 0;
	}
	if ((kind = owner_package(root)) != NULL) {
		snprintf(ri->kind, sizeof(ri->kind), "%s", kind);
		snprintf(ri->how, sizeof(ri->how), "package");
		return 0;
	}
	if ((kind = binary_kind(full)) != NULL) {
		snprintf(ri->kind, sizeof(ri->kind), "%s", kind);
		snprintf(ri->how, sizeof(ri->how), "binary");
	}
	return 0;
}

/* conf_value - the value after key (and '=' or blanks) on the first
 * uncommented line of text that starts with it; "" if none. */
static void
conf_value(const char *text, const char *key, int eq, char *out, size_t n)
{
	size_t kl = strlen(key);
	const char *line = text;

	out[0] = '\0';
	while (line && *line) {
		const char *p = line, *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);

		while (p < line + ll && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(line + ll - p) > kl && strncmp(p, key, kl) == 0 &&
		    (eq ? (p[kl] == '=' || p[kl] == ' ')
		        : (p[kl] == ' ' || p[kl] == '\t'))) {
			const char *v = p + kl, *e;
			while (v < line + ll &&
			       (*v == ' ' || *v == '\t' || *v == '='))
				v++;
			e = v;
			while (e < line + ll && *e != ' ' && *e != '\t' &&
			       *e != '\r' && *e != '#')
				e++;
			if (e > v) {
				snprintf(out, n, "%.*s", (int)(e - v), v);
				return;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
}

/* first_word - the first word of the first line that is neither empty
 * nor a comment (nullmailer's remotes) */
static void
first_word(const char *text, char *out, size_t n)
{
	const char *p = text;

	out[0] = '\0';
	while (*p) {
		size_t w;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '#') {
			p += strcspn(p, "\n");
			continue;
		}
		w = strcspn(p, " \t\r\n");
		if (w > 0) {
			snprintf(out, n, "%.*s", (int)w, p);
			return;
		}
	}
}

static int
read_conf(const char *root, const char *host, char **text)
{
	char real[RELAY_PATH_MAX], why[256];

	if (root_path(real, sizeof(real), root, host) == -1)
		return -1;
	return read_file_capped(real, text, 1u << 20, why, sizeof(why)) < 0 ? -1
	                                                                    : 0;
}

int
relay_config(const char *root, const char *kind, struct relay_conf *rc)
{
	char *text = NULL;

	memset(rc, 0, sizeof(*rc));
	if (strcmp(kind, "nullmailer") == 0) {
		snprintf(rc->file, sizeof(rc->file), "/etc/nullmailer/remotes");
		if (read_conf(root, rc->file, &text) == 0)
			first_word(text, rc->relay, sizeof(rc->relay));
	} else if (strcmp(kind, "msmtp") == 0) {
		static const char *const files[] = {"/etc/msmtprc",
		                                    "/root/.msmtprc"};
		for (size_t i = 0; i < 2 && rc->relay[0] == '\0'; i++) {
			snprintf(rc->file, sizeof(rc->file), "%s", files[i]);
			if (read_conf(root, files[i], &text) == 0)
				conf_value(text, "host", 0, rc->relay,
				           sizeof(rc->relay));
			free(text);
			text = NULL;
		}
		if (rc->relay[0] == '\0')
			snprintf(rc->file, sizeof(rc->file), "%s", files[0]);
	} else if (strcmp(kind, "ssmtp") == 0) {
		snprintf(rc->file, sizeof(rc->file), "/etc/ssmtp/ssmtp.conf");
		if (read_conf(root, rc->file, &text) == 0)
			conf_value(text, "mailhub", 1, rc->relay,
			           sizeof(rc->relay));
		rc->package_default = strcmp(rc->relay, "mail") == 0;
	} else if (strcmp(kind, "dma") == 0) {
		snprintf(rc->file, sizeof(rc->file), "/etc/dma/dma.conf");
		if (read_conf(root, rc->file, &text) == 0)
			conf_value(text, "SMARTHOST", 0, rc->relay,
			           sizeof(rc->relay));
		rc->state = rc->relay[0] ? RELAY_CONF_SET : RELAY_CONF_DIRECT;
		free(text);
		return 0;
	} else {
		return -1;
	}
	free(text);
	rc->state = rc->relay[0] ? RELAY_CONF_SET : RELAY_CONF_NONE;
	return 0;
}
