/*
 * cronmail.c - cron job attribution from mail headers (see cronmail.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/parse/cronmail.h"
#include "common/copy_short.h"

static void
copy_cut(char *dst, size_t size, const char *p, size_t n)
{
	if (n >= size)
		n = size - 1;
	copy_short(dst, p, n);
	dst[n] = '\0';
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
set_command(struct cron_job *job, const char *p, size_t n)
{
	while (n > 0 && is_blank(p[n - 1]))
		n--;
	job->cut = n > sizeof(job->command) - 1;
	if (job->cut)
		n = sizeof(job->command) - 1;
	copy_short(job->command, p, n); /* per message: no "rep movsq" */
	job->command[n] = '\0';
	job->command_len = n;
}

int
cron_subject(const char *s, size_t n, struct cron_job *job)
{
	size_t i = 0;

	/* no memset of the whole struct: this runs once per message */
	job->user[0] = job->host[0] = job->command[0] = '\0';
	job->command_len = 0;
	job->cut = 0;
	while (i < n && is_blank(s[i]))
		i++;
	s += i;
	n -= i;
	if (n > 6 && memcmp(s, "Cron <", 6) == 0) {
		const char *gt = memchr(s + 6, '>', n - 6);
		const char *at;
		size_t ulen, k;

		if (gt == NULL)
			return 0;
		ulen = (size_t)(gt - (s + 6));
		if (ulen == 0 || memchr(s + 6, ' ', ulen) != NULL)
			return 0;
		at = memchr(s + 6, '@', ulen);
		if (at) {
			copy_cut(job->user, sizeof(job->user), s + 6,
			         (size_t)(at - (s + 6)));
			copy_cut(job->host, sizeof(job->host), at + 1,
			         (size_t)(gt - at - 1));
		} else {
			copy_cut(job->user, sizeof(job->user), s + 6, ulen);
		}
		k = (size_t)(gt - s) + 1;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		set_command(job, s + k, n - k);
		return 1;
	}
	/* anacron: "Anacron job 'cron.daily' on host1" */
	if (n > 14 && memcmp(s, "Anacron job '", 13) == 0) {
		const char *q = memchr(s + 13, '\'', n - 13);
		char cmd[CRON_CMD_MAX];
		size_t jl;

		if (q == NULL)
			return 0;
		jl = (size_t)(q - (s + 13));
		if (jl > sizeof(cmd) - 9)
			jl = sizeof(cmd) - 9;
		memcpy(cmd, "anacron ", 8);
		memcpy(cmd + 8, s + 13, jl);
		set_command(job, cmd, 8 + jl);
		snprintf(job->user, sizeof(job->user), "root");
		if ((size_t)(q - s) + 5 < n && memcmp(q + 1, " on ", 4) == 0)
			copy_cut(job->host, sizeof(job->host), q + 5,
			         n - (size_t)(q + 5 - s));
		return 1;
	}
	return 0;
}

int
cron_env_user(const char *s, size_t n, char *user)
{
	size_t i = 0, k;

	while (i < n && is_blank(s[i]))
		i++;
	if (i < n && s[i] == '<')
		i++;
	if (n - i > 8 && memcmp(s + i, "LOGNAME=", 8) == 0)
		i += 8;
	else if (n - i > 5 && memcmp(s + i, "USER=", 5) == 0)
		i += 5;
	else
		return 0;
	for (k = i; k < n && s[k] != '>' && !is_blank(s[k]); k++)
		;
	if (k == i)
		return 0;
	copy_cut(user, CRON_USER_MAX, s + i, k - i);
	return 1;
}

enum cron_variant
cron_variant_of(const char *from, size_t n, int auto_submitted)
{
	static const char tag[] = "(Cron Daemon)";
	const char *t = memmem(from, n, tag, sizeof(tag) - 1);
	size_t i = 0;

	if (t == NULL)
		return memmem(from, n, "Anacron", 7) ? CRON_ANACRON
		                                     : CRON_UNKNOWN;
	while (i < n && is_blank(from[i]))
		i++;
	if (from + i < t && from[i] == '"')
		return CRON_CRONIE; /* "(Cron Daemon)" <root@host> */
	if (from + i == t)
		return CRON_CRONIE; /* (Cron Daemon) <root@host> */
	/* "user (Cron Daemon)" (vixie), "user@host (Cron Daemon)" (Debian,
	 * or vixie's qualified by the MTA: then it has Auto-Submitted) */
	if (memchr(from + i, '@', (size_t)(t - (from + i))) && !auto_submitted)
		return CRON_DEBIAN;
	return CRON_VIXIE;
}

const char *
cron_variant_name(enum cron_variant v)
{
	switch (v) {
	case CRON_VIXIE:
		return "vixie";
	case CRON_CRONIE:
		return "cronie";
	case CRON_DEBIAN:
		return "debian";
	case CRON_ANACRON:
		return "anacron";
	case CRON_UNKNOWN:
		break;
	}
	return "unknown";
}
