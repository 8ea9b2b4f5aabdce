/*
 * test_agent_spool_dirscan.c - the streaming spool scan: prefix counts,
 * orphans (exact, and a lower bound past the table's capacity), the
 * orphan grace, qf/ df/ subdirectories, ages from queue ids and from
 * files, postfix T records in hashed subdirectories, the time budget and
 * the time limit.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <cmocka.h>

#include "agent/probe/dirscan.h"

static const char alpha[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";

/* qid - a queue id for time t, sequence n. */
static void
qid(char *out, size_t len, time_t t, unsigned n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "%c%c%c%c%c%c%c%c%06u", alpha[(tm.tm_year) % 60],
	         alpha[tm.tm_mon], alpha[tm.tm_mday], alpha[tm.tm_hour],
	         alpha[tm.tm_min], alpha[tm.tm_sec], alpha[(n / 60) % 60],
	         alpha[n % 60], n % 1000000);
}

static void
touch(const char *dir, const char *name)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static void
make_dir(char *tmpl)
{
	assert_non_null(mkdtemp(tmpl));
}

static void
rm_rf(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
scan(const char *dir, const struct dirscan_opts *o, struct dirscan_result *r)
{
	char err[256];
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	assert_int_equal(dirscan(fd, o, r, err, sizeof(err)), 0);
	close(fd);
}

static void
sendmail_opts(struct dirscan_opts *o, time_t now)
{
	memset(o, 0, sizeof(*o));
	o->now = now;
	o->sendmail = 1;
	o->ages = 1;
	o->orphan_grace = 3600;
	o->budget_ms = 10000;
	o->limit_ms = 600000;
}

static void
test_pairs_and_orphans(void **state)
{
	char dir[] = "/tmp/test_dirscan.XXXXXX", id[32], name[40];
	time_t now = time(NULL), old = now - 5 * 86400;
	struct dirscan_opts o;
	struct dirscan_result r;
	unsigned i;

	(void)state;
	make_dir(dir);
	for (i = 0; i < 5000; i++) { /* pairs */
		qid(id, sizeof(id), old + i, i);
		snprintf(name, sizeof(name), "qf%s", id);
		touch(dir, name);
		snprintf(name, sizeof(name), "df%s", id);
		touch(dir, name);
	}
	for (i = 0; i < 37; i++) { /* orphans */
		qid(id, sizeof(id), old - 86400 + i, 100000 + i);
		snprintf(name, sizeof(name), "df%s", id);
		touch(dir, name);
	}
	for (i = 0; i < 11; i++) { /* control files without data */
		qid(id, sizeof(id), old + 1000 + i, 200000 + i);
		snprintf(name, sizeof(name), "qf%s", id);
		touch(dir, name);
	}
	qid(id, sizeof(id), old, 300000); /* a lost qf keeps its df */
	snprintf(name, sizeof(name), "Qf%s", id);
	touch(dir, name);
	snprintf(name, sizeof(name), "df%s", id);
	touch(dir, name);
	touch(dir, "tfsomething");
	touch(dir, "xfsomething");
	touch(dir, "unrelated.txt");
	qid(id, sizeof(id), now - 10, 400000); /* too young to judge */
	snprintf(name, sizeof(name), "df%s", id);
	touch(dir, name);

	sendmail_opts(&o, now);
	scan(dir, &o, &r);
	assert_int_equal(r.entries, 10000 + 37 + 11 + 2 + 3 + 1);
	assert_int_equal(r.by_prefix[DS_QF], 5011);
	assert_int_equal(r.by_prefix[DS_DF], 5000 + 37 + 1 + 1);
	assert_int_equal(r.by_prefix[DS_QF_LOST], 1);
	assert_int_equal(r.by_prefix[DS_TF], 1);
	assert_int_equal(r.by_prefix[DS_XF], 1);
	assert_int_equal(r.by_prefix[DS_OTHER], 1);
	assert_int_equal(r.queued, 5011);
	assert_int_equal(r.orphans, 37);
	assert_true(r.orphans_exact);
	assert_int_equal(r.oldest, old);
	assert_int_equal(r.stats, 0); /* every age from a queue id */
	assert_true(r.complete);
	assert_false(r.age_lower_bound);
	assert_true(r.dirent_bytes >= 10048 * 24); /* 16-char names */

	/* with no grace the young df is an orphan too */
	o.orphan_grace = 0;
	scan(dir, &o, &r);
	assert_int_equal(r.orphans, 38);

	/* the time limit stops the scan: partial counts, said so */
	o.limit_ms = 1;
	scan(dir, &o, &r);
	if (!r.complete) {
		assert_true(r.entries < 10054);
		assert_false(r.orphans_exact);
		assert_true(r.age_lower_bound);
	}
	rm_rf(dir);
}

static void
test_too_many_orphans(void **state)
{
	char dir[] = "/tmp/test_dirscan.XXXXXX", id[32], name[40];
	time_t now = time(NULL);
	struct dirscan_opts o;
	struct dirscan_result r;

	(void)state;
	make_dir(dir);
	for (unsigned i = 0; i < 15000; i++) {
		qid(id, sizeof(id), now - 86400 - i, i);
		snprintf(name, sizeof(name), "df%s", id);
		touch(dir, name);
	}
	sendmail_opts(&o, now);
	scan(dir, &o, &r);
	assert_int_equal(r.by_prefix[DS_DF], 15000);
	assert_false(r.orphans_exact); /* past the table: a lower bound */
	assert_true(r.orphans <= 15000);
	assert_int_equal(r.oldest, 0); /* nothing queued */
	rm_rf(dir);
}

static void
test_split_dirs_and_foreign_ids(void **state)
{
	char dir[] = "/tmp/test_dirscan.XXXXXX", sub[64], id[32], name[40];
	char path[128];
	time_t now = time(NULL);
	struct utimbuf ut;
	struct dirscan_opts o;
	struct dirscan_result r;

	(void)state;
	make_dir(dir);
	snprintf(sub, sizeof(sub), "%s/qf", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	qid(id, sizeof(id), now - 7200, 1);
	snprintf(name, sizeof(name), "qf%s", id);
	touch(sub, name);
	snprintf(sub, sizeof(sub), "%s/df", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(name, sizeof(name), "df%s", id);
	touch(sub, name);
	/* an 8.11 queue id: dated by the file itself */
	touch(dir, "qfe9HExOW21601");
	snprintf(path, sizeof(path), "%s/qfe9HExOW21601", dir);
	ut.actime = ut.modtime = now - 3 * 86400;
	assert_int_equal(utime(path, &ut), 0);

	sendmail_opts(&o, now);
	scan(dir, &o, &r);
	assert_int_equal(r.entries, 3); /* qf/, df/, the old qf */
	assert_int_equal(r.by_prefix[DS_QF], 2);
	assert_int_equal(r.by_prefix[DS_DF], 1);
	assert_int_equal(r.orphans, 0);
	assert_int_equal(r.stats, 1);
	/* birth time when the filesystem has it, else mtime/ctime */
	assert_true(r.oldest <= now - 7200);

	/* out of budget: the foreign id is not looked at */
	o.budget_ms = 0;
	scan(dir, &o, &r);
	assert_int_equal(r.stats, 0);
	assert_true(r.age_lower_bound);
	assert_int_equal(r.oldest, now - 7200);
	rm_rf(dir);
}

/* postfix record: type, 7-bit length, data */
static size_t
rec(unsigned char *out, char type, const char *data)
{
	size_t n = strlen(data), i = 0, len = n;

	out[i++] = (unsigned char)type;
	do {
		unsigned char ch = len & 0x7f;

		len >>= 7;
		out[i++] = ch | (len ? 0x80 : 0);
	} while (len);
	memcpy(out + i, data, n);
	return i + n;
}

static void
test_postfix_records(void **state)
{
	char dir[] = "/tmp/test_dirscan.XXXXXX", sub[64], path[128];
	char tbuf[64], big[300];
	unsigned char buf[1024];
	time_t now = time(NULL);
	struct dirscan_opts o;
	struct dirscan_result r;
	size_t n;
	FILE *fp;

	(void)state;
	make_dir(dir);
	snprintf(sub, sizeof(sub), "%s/A", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	/* a C record longer than 127 bytes: a two-byte length */
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	n = rec(buf, 'C', big);
	snprintf(tbuf, sizeof(tbuf), "%lld 123456", (long long)now - 4000);
	n += rec(buf + n, 'T', tbuf);
	n += rec(buf + n, 'E', "");
	snprintf(path, sizeof(path), "%s/A/A1B2C3D4E5", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(buf, 1, n, fp);
	fclose(fp);
	/* junk: dated by the file */
	snprintf(path, sizeof(path), "%s/A/FFFFF", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs("\xff\xff\xff", fp);
	fclose(fp);

	memset(&o, 0, sizeof(o));
	o.now = now;
	o.ages = 1;
	o.postfix = 1;
	o.max_depth = 3;
	o.budget_ms = 10000;
	o.limit_ms = 600000;
	scan(dir, &o, &r);
	assert_int_equal(r.entries, 1);
	assert_int_equal(r.files, 2);
	assert_int_equal(r.queued, 2);
	assert_int_equal(r.oldest, now - 4000);

	/* without depth the hashed files are not seen */
	o.max_depth = 0;
	scan(dir, &o, &r);
	assert_int_equal(r.queued, 0);
	rm_rf(dir);
}

static void
test_unreadable(void **state)
{
	char err[256];
	struct dirscan_opts o;
	struct dirscan_result r;
	int fd = open("/dev/null", O_RDONLY);

	(void)state;
	sendmail_opts(&o, time(NULL));
	assert_int_equal(dirscan(fd, &o, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "getdents64"));
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pairs_and_orphans),
	    cmocka_unit_test(test_too_many_orphans),
	    cmocka_unit_test(test_split_dirs_and_foreign_ids),
	    cmocka_unit_test(test_postfix_records),
	    cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
