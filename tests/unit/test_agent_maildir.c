/*
 * test_agent_maildir.c - a root Maildir: counts, unread by the S flag,
 * cron jobs from the headers, and the second cycle opening only what is
 * new (a message moved from new/ to cur/ keeps its inode and is not
 * read again).  Hostile entries: a symlink, a second hard link.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <ftw.h>
#include <cmocka.h>

#include "agent/collect/maildir.h"
#include "common/fsutil.h"

static char md[256];

/* rm_tree - remove a scratch directory and what is in it */
static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
put(const char *rel, const char *subject, const char *body)
{
	/* the Date: the delivery time the name starts with */
	time_t t = (time_t)strtoll(strchr(rel, '/') + 1, NULL, 10);
	struct tm tm;
	char date[64];
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", md, rel);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fprintf(fp,
	        "Return-Path: <root@host1>\nFrom: root@host1 (Cron Daemon)\n"
	        "To: root@host1\nSubject: %s\nX-Cron-Env: <LOGNAME=root>\n"
	        "Date: %s\n\n%s\n",
	        subject, date, body);
	fclose(fp);
}

static json_t *
cron_of(json_t *e, const char *cmd)
{
	json_t *c = json_object_get(e, "cron"), *j;
	size_t i;

	json_array_foreach(
	    c, i,
	    j) if (strcmp(json_string_value(json_object_get(j, "command")),
	                  cmd) == 0) return j;
	return NULL;
}

static long long
num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* is_at, read_at - maildir_is and maildir_read on the directory path */
static int
is_at(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	int r = fd >= 0 && maildir_is(fd);

	if (fd >= 0)
		close(fd);
	return r;
}

static json_t *
read_at(const char *path, const char *host, const char *user, json_t *prev,
        const struct maildir_opts *o, json_t **state,
        struct maildir_note *note, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	json_t *e;

	if (fd < 0) {
		snprintf(err, errlen, "open: %s", strerror(errno));
		return NULL;
	}
	e = maildir_read(fd, host, user, prev, o, state, note, err, errlen);
	close(fd);
	return e;
}

static void
test_maildir_cycles(void **state)
{
	struct maildir_opts o = {1771200000, 50, 1000, 512};
	struct maildir_note note;
	char err[256], a[600], b[600];
	json_t *e, *st, *st2, *j;

	(void)state;
	snprintf(md, sizeof(md), "/tmp/sw-maildir-%d/Maildir", (int)getpid());
	snprintf(a, sizeof(a), "%s/new", md);
	assert_int_equal(mkdir_p(a, 0700), 0);
	snprintf(a, sizeof(a), "%s/cur", md);
	assert_int_equal(mkdir_p(a, 0700), 0);
	snprintf(a, sizeof(a), "%s/tmp", md);
	assert_int_equal(mkdir_p(a, 0700), 0);
	assert_true(is_at(md));

	put("new/1771143425.M1P4120.host1",
	    "Cron <root@host1> /usr/local/bin/backup.sh",
	    "rsync: connection unexpectedly closed");
	put("cur/1771143000.M2P4000.host1:2,S",
	    "Cron <root@host1> /usr/local/bin/backup.sh", "older, read");
	put("cur/1771140000.M3P3000.host1:2,", "Cron <root@host1> df -h",
	    "Filesystem  Size");
	put("cur/1771130000.M4P2000.host1:2,RS", "hello", "not cron");
	put("tmp/1771143500.M5P5000.host1", "Cron <root@host1> x", "in tmp");
	snprintf(a, sizeof(a), "%s/cur/1771143425.M1P4120.host1:2,S", md);
	snprintf(b, sizeof(b), "%s/new/1771999999.M9P9.host1", md);
	assert_int_equal(symlink("/etc/passwd", b), 0);
	snprintf(a, sizeof(a), "%s/cur/1771130000.M4P2000.host1:2,RS", md);
	snprintf(b, sizeof(b), "%s/cur/1771130001.M6P6.host1:2,", md);
	assert_int_equal(link(a, b), 0);

	e = read_at(md, "/root/Maildir", "root", NULL, &o, &st, &note, err,
	                 sizeof(err));
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "format")),
	                    "maildir");
	/* the symlink and both links of the hard-linked file are refused */
	assert_int_equal(note.skipped, 3);
	assert_int_equal(note.parsed, 3);
	assert_int_equal(num(e, "messages"), 3);
	assert_int_equal(num(e, "unread"), 2); /* new/ and the one without S */
	assert_int_equal(num(e, "new"), 1);
	j = cron_of(e, "/usr/local/bin/backup.sh");
	assert_non_null(j);
	assert_int_equal(num(j, "count"), 2);
	assert_int_equal(num(j, "unread"), 1);
	assert_string_equal(json_string_value(json_object_get(j, "excerpt")),
	                    "rsync: connection unexpectedly closed");
	assert_non_null(cron_of(e, "df -h"));
	json_decref(e);

	/* the reader saw the new message: new/ -> cur/ with S, same inode */
	snprintf(a, sizeof(a), "%s/new/1771143425.M1P4120.host1", md);
	snprintf(b, sizeof(b), "%s/cur/1771143425.M1P4120.host1:2,S", md);
	assert_int_equal(rename(a, b), 0);
	put("new/1771150000.M7P7000.host1", "Cron <root@host1> df -h",
	    "Filesystem  Size  Used");
	e = read_at(md, "/root/Maildir", "root", st, &o, &st2, &note, err,
	                 sizeof(err));
	assert_non_null(e);
	assert_int_equal(note.parsed, 1); /* only the new one */
	assert_int_equal(num(e, "messages"), 4);
	assert_int_equal(num(e, "unread"), 2); /* df -h twice */
	j = cron_of(e, "df -h");
	assert_int_equal(num(j, "count"), 2);
	assert_int_equal(num(j, "unread"), 2);
	assert_string_equal(json_string_value(json_object_get(j, "excerpt")),
	                    "Filesystem  Size  Used");
	assert_int_equal(num(cron_of(e, "/usr/local/bin/backup.sh"), "unread"),
	                 0);
	json_decref(e);
	json_decref(st);

	/* a job limit of one: the other job's mail is counted as other */
	o.max_jobs = 1;
	e = read_at(md, "/root/Maildir", "root", NULL, &o, &st, &note, err,
	                 sizeof(err));
	assert_int_equal(json_array_size(json_object_get(e, "cron")), 1);
	assert_int_equal(num(e, "cron_other"), 2);
	json_decref(e);
	json_decref(st);
	json_decref(st2);

	/* not a Maildir */
	snprintf(a, sizeof(a), "%s/new", md);
	assert_false(is_at(a));
	assert_null(read_at("/nonexistent", "/x", "root", NULL, &o, &st,
	                         &note, err, sizeof(err)));
	*strrchr(md, '/') = '\0'; /* the scratch directory above Maildir */
	rm_tree(md);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_maildir_cycles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
