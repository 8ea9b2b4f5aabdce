/*
 * accounts.c - ROOT/etc/passwd and ROOT/etc/group as a small in-memory
 * table (see accounts.h).
 *
 * Each file is read whole (capped) and split in place: the records point
 * into the buffer, so one load is two reads and three allocations per
 * file, whatever the number of accounts.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/probe/accounts.h"
#include "agent/limits.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

struct account_group {
	const char *name;
	gid_t gid;
	const char *members; /* "a,b,c" as in the file */
};

struct accounts {
	char *pwbuf, *grbuf;
	struct account_user *users;
	size_t nusers;
	struct account_group *groups;
	size_t ngroups;
};

/* split - cut line into at most max ':'-separated fields; the count. */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (n < max) {
		f[n++] = p;
		p = strchr(p, ':');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* parse_id - a decimal uid/gid below (id_t)-1; 0 or -1. */
static int
parse_id(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v >= UINT32_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* count_lines - an upper bound of the records in buf. */
static size_t
count_lines(const char *buf, size_t len)
{
	size_t n = 1;
	const char *p = buf, *end = buf + len;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/*
 * next_line - the next line of *cur, NUL-terminated in place; NULL at
 * the end.  Lines holding a NUL byte are cut there, which makes them
 * malformed rather than dangerous.
 */
static char *
next_line(char **cur, char *end)
{
	char *line = *cur, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (nl == NULL)
		nl = end;
	*nl = '\0';
	*cur = nl + 1;
	return line;
}

static void
load_passwd(struct accounts *a, char *buf, size_t len)
{
	char *cur = buf, *end = buf + len, *line, *f[7];
	unsigned uid, gid;

	a->users = xcalloc(count_lines(buf, len), sizeof(*a->users));
	while ((line = next_line(&cur, end)) != NULL) {
		if (line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue; /* comments and NIS compat entries */
		if (split(line, f, 7) < 6 || f[0][0] == '\0')
			continue;
		if (parse_id(f[2], &uid) == -1 || parse_id(f[3], &gid) == -1)
			continue;
		a->users[a->nusers].name = f[0];
		a->users[a->nusers].uid = (uid_t)uid;
		a->users[a->nusers].gid = (gid_t)gid;
		a->users[a->nusers].home = f[5];
		a->nusers++;
	}
}

static void
load_group(struct accounts *a, char *buf, size_t len)
{
	char *cur = buf, *end = buf + len, *line, *f[4];
	unsigned gid;

	a->groups = xcalloc(count_lines(buf, len), sizeof(*a->groups));
	while ((line = next_line(&cur, end)) != NULL) {
		size_t nf;

		if (line[0] == '#' || line[0] == '+' || line[0] == '-')
			continue;
		nf = split(line, f, 4);
		if (nf < 3 || f[0][0] == '\0' || parse_id(f[2], &gid) == -1)
			continue;
		a->groups[a->ngroups].name = f[0];
		a->groups[a->ngroups].gid = (gid_t)gid;
		a->groups[a->ngroups].members = nf == 4 ? f[3] : "";
		a->ngroups++;
	}
}

/* read_one - read ROOT/path; NULL and a reason appended to err. */
static char *
read_one(const char *root, const char *path, size_t *lenp, char *err,
         size_t errlen)
{
	char full[PATH_MAX], why[PATH_MAX + 128];
	char *buf;
	ssize_t n;
	size_t used;

	why[0] = '\0';
	if (root_path(full, sizeof(full), root, path) == -1) {
		snprintf(why, sizeof(why), "%s: %s", path, strerror(errno));
		buf = NULL;
	} else if ((n = read_file_capped(full, &buf, AGENT_MAX_ACCOUNTS_FILE,
	                                 why, sizeof(why))) >= 0) {
		*lenp = (size_t)n;
		return buf;
	}
	used = strlen(err);
	if (used + 1 < errlen)
		snprintf(err + used, errlen - used, "%s%s", used ? "; " : "",
		         why);
	return NULL;
}

struct accounts *
accounts_load(const char *root, char *err, size_t errlen)
{
	struct accounts *a = xcalloc(1, sizeof(*a));
	size_t len = 0;

	if (errlen > 0)
		err[0] = '\0';
	a->pwbuf = read_one(root, "/etc/passwd", &len, err, errlen);
	if (a->pwbuf != NULL)
		load_passwd(a, a->pwbuf, len);
	a->grbuf = read_one(root, "/etc/group", &len, err, errlen);
	if (a->grbuf != NULL)
		load_group(a, a->grbuf, len);
	return a;
}

void
accounts_free(struct accounts *a)
{
	if (a == NULL)
		return;
	free(a->users);
	free(a->groups);
	free(a->pwbuf);
	free(a->grbuf);
	free(a);
}

const struct account_user *
accounts_user_by_name(const struct accounts *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nusers; i++)
		if (strcmp(a->users[i].name, name) == 0)
			return &a->users[i];
	return NULL;
}

const struct account_user *
accounts_user_by_uid(const struct accounts *a, uid_t uid)
{
	size_t i;

	for (i = 0; i < a->nusers; i++)
		if (a->users[i].uid == uid)
			return &a->users[i];
	return NULL;
}

size_t
accounts_user_count(const struct accounts *a)
{
	return a->nusers;
}

const struct account_user *
accounts_user_at(const struct accounts *a, size_t i)
{
	return i < a->nusers ? &a->users[i] : NULL;
}

const char *
accounts_group_name(const struct accounts *a, gid_t gid)
{
	size_t i;

	for (i = 0; i < a->ngroups; i++)
		if (a->groups[i].gid == gid)
			return a->groups[i].name;
	return NULL;
}

int
accounts_group_by_name(const struct accounts *a, const char *name, gid_t *out)
{
	size_t i;

	for (i = 0; i < a->ngroups; i++) {
		if (strcmp(a->groups[i].name, name) == 0) {
			*out = a->groups[i].gid;
			return 0;
		}
	}
	return -1;
}

/* member_listed - whether name is one of the comma-separated members. */
static int
member_listed(const char *members, const char *name)
{
	size_t nl = strlen(name);
	const char *p = members;

	while (*p != '\0') {
		size_t l = strcspn(p, ",");
		const char *s = p;
		size_t sl = l;

		while (sl > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			sl--;
		}
		while (sl > 0 && (s[sl - 1] == ' ' || s[sl - 1] == '\t' ||
		                  s[sl - 1] == '\r'))
			sl--;
		if (sl == nl && memcmp(s, name, nl) == 0)
			return 1;
		p += l;
		if (*p == ',')
			p++;
	}
	return 0;
}

int
accounts_in_group(const struct accounts *a, const struct account_user *u,
                  gid_t gid)
{
	size_t i;

	if (u == NULL)
		return 0;
	if (u->gid == gid)
		return 1;
	for (i = 0; i < a->ngroups; i++)
		if (a->groups[i].gid == gid &&
		    member_listed(a->groups[i].members, u->name))
			return 1;
	return 0;
}
