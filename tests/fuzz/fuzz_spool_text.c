/*
 * fuzz_spool_text.c - the host text the spool, inodes and MTA collectors
 * parse, on any bytes: /proc/self/mounts lines, sendmail.cf options,
 * postfix main.cf parameters, queue ids, and etc/passwd + etc/group (the
 * input split at its first NUL, written below a scratch root) with every
 * lookup on the result.  Nothing may crash, leak or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/probe/accounts.h"
#include "agent/probe/mounts.h"
#include "agent/probe/mtaconf.h"
#include "agent/diagnose/policy.h"
#include "agent/parse/qid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char root[] = "/tmp/fuzz_spool_text.XXXXXX";

/* cleanup - remove the scratch root when the fuzzer exits. */
static void
cleanup(void)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/etc/passwd", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc/group", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	rmdir(root);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char etc[64];

	(void)argc;
	(void)argv;
	if (mkdtemp(root) == NULL)
		abort();
	snprintf(etc, sizeof(etc), "%s/etc", root);
	if (mkdir(etc, 0700) == -1)
		abort();
	atexit(cleanup);
	return 0;
}

static void
write_file(const char *rel, const uint8_t *p, size_t n)
{
	char path[96];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fp = fopen(path, "wb");
	if (fp == NULL)
		abort();
	if (n > 0 && fwrite(p, 1, n, fp) != n)
		abort();
	fclose(fp);
}

static void
accounts_round(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t pwlen = nul ? (size_t)(nul - data) : size;
	struct accounts *a;
	char err[512];
	gid_t g;

	write_file("/etc/passwd", data, pwlen);
	write_file("/etc/group", nul ? nul + 1 : data,
	           nul ? size - pwlen - 1 : 0);
	a = accounts_load(root, err, sizeof(err));
	for (size_t i = 0; i < accounts_user_count(a); i++) {
		const struct account_user *u = accounts_user_at(a, i);
		struct writer w = {u->name, NULL};

		(void)accounts_user_by_name(a, u->name);
		(void)accounts_user_by_uid(a, u->uid);
		(void)accounts_group_name(a, u->gid);
		(void)accounts_in_group(a, u, 12);
		(void)policy_can_create(a, &w, 0, u->gid, 0770);
		if (accounts_group_name(a, u->gid) != NULL)
			(void)accounts_group_by_name(
			    a, accounts_group_name(a, u->gid), &g);
		if (i == 16)
			break;
	}
	accounts_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *line, *next, v[256];
	struct mount_entry m;
	time_t t;

	if (size > 1 << 16)
		return 0;
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	(void)mtaconf_cf_option(text, "QueueDirectory", v, sizeof(v));
	(void)mtaconf_cf_option(text, "RunAsUser", v, sizeof(v));
	(void)mtaconf_main_cf(text, "queue_directory", v, sizeof(v));
	for (size_t i = 0; i + 14 <= size && i < 64; i++)
		(void)qid_time_near(text + i, 14, 1795000000, &t);
	(void)qid_time_near(text, size < 18 ? size : 18, 1795000000, &t);

	for (line = text; line != NULL && *line; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (mounts_parse_line(line, &m) == 0) {
			(void)mounts_is_pseudo(m.type);
			(void)mounts_is_network(m.type);
			(void)mounts_has_opt(m.opts, "ro");
		}
	}
	free(text);
	accounts_round(data, size);
	return 0;
}
