/*
 * test_agent_qf_listing.c - a sendmail queue read on the spool scan's
 * listing (mailq_listing_*, dirscan's on_entry and ctl_keys): whether a
 * qf has its df now comes from the listing's pairing, and the size of a
 * kept message from one fstatat at keep time.  Both are checked against
 * the old source, an fstatat of every qf's df, on queues built from the
 * real sendmail samples (tests/data/samples/real-sendmail): qf files with
 * and without df, a quarantined hf, a "d" record, ids too young for the
 * orphan table, a refused symbolic link; past the table's capacity
 * (every df looked for); a df outside the df/ directory.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/collect/mailq.h"
#include "agent/cycle.h"
#include "agent/probe/dirscan.h"
#include "testdata.h"

#define NOW 1795884600 /* 2026-11-28T16:50:00Z, 2 h after the samples */

static const char alpha[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";

struct fx {
	struct cycle c;
	char dir[64];
	char *qf, *df; /* the real samples */
	size_t qfn, dfn;
	struct mailq *q;
	json_t *det;
};

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->c.root = "";
	f->c.now = NOW;
	f->c.report = json_pack("{s:[], s:[]}", "errors", "findings");
	f->c.errors = json_object_get(f->c.report, "errors");
	f->c.findings = json_object_get(f->c.report, "findings");
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_qfl.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	f->qf =
	    testdata_read("samples/real-sendmail/qf6ASEnAvr023598", &f->qfn);
	f->df =
	    testdata_read("samples/real-sendmail/df6ASEnAvr023598", &f->dfn);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	json_decref(f->det);
	mailq_free(f->q);
	json_decref(f->c.report);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f->qf);
	free(f->df);
	free(f);
	return 0;
}

static void
put(const char *dir, const char *name, const char *data, size_t n)
{
	char p[4096];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

/* qid - an 8.12+ queue id created at t, sequence n */
static void
qid(char *out, size_t len, time_t t, unsigned n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "%c%c%c%c%c%c%c%c%06u", alpha[tm.tm_year % 60],
	         alpha[tm.tm_mon], alpha[tm.tm_mday], alpha[tm.tm_hour],
	         alpha[tm.tm_min], alpha[tm.tm_sec], alpha[(n / 60) % 60],
	         alpha[n % 60], n % 1000000);
}

/* pair - in dir: prefix+id as the real qf, and its df unless without */
static void
pair(struct fx *f, const char *dir, char prefix, const char *id, int with_df,
     size_t dfbytes)
{
	char name[64];

	snprintf(name, sizeof(name), "%cf%s", prefix, id);
	put(dir, name, f->qf, f->qfn);
	if (!with_df)
		return;
	snprintf(name, sizeof(name), "df%s", id);
	put(dir, name, f->df, dfbytes < f->dfn ? dfbytes : f->dfn);
}

/* read_queue - the queue f->dir read on a spool-style scan (orphan grace
 * grace, no time limit) as host "/q"; the scan's result in *r */
static void
read_queue(struct fx *f, long long grace, size_t max_queued,
           struct dirscan_result *r)
{
	struct mailq_opts o = {
	    .now = NOW, .max_queued = max_queued, .qf_max_bytes = 1 << 16};
	struct dirscan_opts so;
	struct mailq_listing *l;
	char why[256];
	int fd = open(f->dir, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	f->q = mailq_new(&o);
	memset(&so, 0, sizeof(so));
	so.now = NOW;
	so.sendmail = 1;
	so.ages = 1;
	so.orphan_grace = grace;
	so.budget_ms = -1;
	l = mailq_listing_begin(f->q, &f->c, fd, "/q");
	assert_non_null(l);
	mailq_listing_opts(l, &so);
	assert_int_equal(dirscan(fd, &so, r, why, sizeof(why)), 0);
	mailq_listing_end(l, r);
	close(fd);
	assert_true(mailq_queue_listed(f->q, "/q"));
	f->det = mailq_details(f->q);
}

/* df_errors - errors[] entries saying a qf has no df, plus the summary's
 * count of further ones when none but those can be left out */
static size_t
df_errors(struct fx *f)
{
	size_t i, n = 0;
	json_t *e;

	json_array_foreach(f->c.errors, i, e)
	{
		const char *m = json_string_value(json_object_get(e, "error"));
		unsigned long more;
		if (strstr(m, "without its df"))
			n++;
		else if (sscanf(m, "%lu more queue files", &more) == 1)
			n += more;
	}
	return n;
}

/* check_against_stat - every message of the details, the whole queue:
 * df_missing and size as an fstatat of its df says (the old source);
 * the number of qf files found without df; 0 or more such qf files that
 * have a "d" record or are refused must not count.  The count. */
static size_t
check_against_stat(struct fx *f, const char *dfdir)
{
	size_t i, missing = 0;
	json_t *m;
	int dfd = open(dfdir, O_RDONLY | O_DIRECTORY);

	assert_true(dfd >= 0);
	json_array_foreach(f->det, i, m)
	{
		const char *id = json_string_value(json_object_get(m, "id"));
		char name[64];
		struct stat st;
		int there;

		snprintf(name, sizeof(name), "df%s", id);
		there = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
		if (strstr(id, "Dd") != NULL) { /* the "d" record one */
			assert_false(
			    json_is_true(json_object_get(m, "df_missing")));
			continue;
		}
		assert_int_equal(json_is_true(json_object_get(m, "df_missing")),
		                 !there);
		missing += !there;
		if (there)
			assert_int_equal(
			    json_integer_value(json_object_get(m, "size")),
			    st.st_size);
		else
			assert_true(json_is_null(json_object_get(m, "size")));
	}
	close(dfd);
	return missing;
}

static void
test_real_samples_against_stat(void **state)
{
	struct fx *f = *state;
	struct dirscan_result r;
	const char *d_rec = "V8\nT1795877350\ndelsewhere\nSroot\nRPFD:root\n"
	                    "H??Subject: x\n.\n";
	char id[32], path[4200];
	size_t missing;

	for (unsigned i = 0; i < 40; i++) {
		qid(id, sizeof(id), NOW - 7200 - (time_t)i * 60, i);
		/* every fifth without its df; sizes differ */
		pair(f, f->dir, 'q', id, i % 5 != 0, 1 + i % 20);
	}
	/* young ones (inside the grace): one with, one without */
	qid(id, sizeof(id), NOW - 10, 500);
	pair(f, f->dir, 'q', id, 1, 7);
	qid(id, sizeof(id), NOW - 20, 501);
	pair(f, f->dir, 'q', id, 0, 0);
	/* quarantined, no df */
	qid(id, sizeof(id), NOW - 9000, 502);
	pair(f, f->dir, 'h', id, 0, 0);
	/* the real sample without its df, the real pair */
	pair(f, f->dir, 'q', "6ASEnAbu023599", 0, 0);
	pair(f, f->dir, 'q', "6ASEnAvr023598", 1, 20);
	/* a "d" record: the df is elsewhere, not looked for */
	put(f->dir, "qf6ASEnDd0000001", d_rec, strlen(d_rec));
	/* a link named as a qf is refused and judged no further */
	snprintf(path, sizeof(path), "%s/qf6ASEnAl0000009", f->dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);

	read_queue(f, 3600, 200, &r);
	/* the listing: 8 + hf + the sample + the "d" record + the link
	 * left without df (the young one is not in the table) */
	assert_int_equal(r.ctl_unmatched, 12);
	assert_true(r.ctl_exact);
	assert_int_equal(mailq_total(f->q), 46); /* the link is not read */
	assert_int_equal(json_array_size(f->det), 46);
	missing = check_against_stat(f, f->dir);
	assert_int_equal(missing, 8 + 1 + 1 + 1);
	assert_int_equal(df_errors(f), missing);
}

static void
test_kept_only_stat(void **state)
{
	struct fx *f = *state;
	struct dirscan_result r;
	char id[32];

	/* two kept (max_queued 2): their size comes from a stat at keep
	 * time, df_missing from the listing for them all */
	for (unsigned i = 0; i < 30; i++) {
		qid(id, sizeof(id), NOW - 7200 - (time_t)i * 60, i);
		pair(f, f->dir, 'q', id, i % 3 != 0, 3 + i);
	}
	read_queue(f, 3600, 2, &r);
	/* the copies share one T: the first is both oldest and newest */
	assert_int_equal(json_array_size(f->det), 1);
	check_against_stat(f, f->dir);
	assert_int_equal(df_errors(f), 10);
}

static void
test_beyond_table(void **state)
{
	struct fx *f = *state;
	struct dirscan_result r;
	char id[32];

	/* more qf without df than ctl_keys holds: every df is looked for */
	for (unsigned i = 0; i < MAILQ_CTL_KEYS + 200; i++) {
		qid(id, sizeof(id), NOW - 7200 - (time_t)(i % 3000), i);
		pair(f, f->dir, 'q', id, 0, 0);
	}
	qid(id, sizeof(id), NOW - 9000, 999999);
	pair(f, f->dir, 'q', id, 1, 5);
	read_queue(f, 3600, 10, &r);
	assert_false(r.ctl_exact);
	check_against_stat(f, f->dir);
	assert_int_equal(df_errors(f), MAILQ_CTL_KEYS + 200);
}

static void
test_df_outside_df_dir(void **state)
{
	struct fx *f = *state;
	struct dirscan_result r;
	char id[32], sub[4200];

	/* qf/ and df/ split: a df left next to them is not the one sendmail
	 * (or the df check) uses, although the listing pairs it */
	snprintf(sub, sizeof(sub), "%s/qf", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	qid(id, sizeof(id), NOW - 7200, 1);
	pair(f, sub, 'q', id, 0, 0);
	pair(f, f->dir, 'q', id, 1, 4); /* the df at the top, a stray qf */
	{
		char p[4300];
		snprintf(p, sizeof(p), "%s/qf%s", f->dir, id);
		assert_int_equal(unlink(p), 0);
	}
	qid(id, sizeof(id), NOW - 7300, 2);
	pair(f, sub, 'q', id, 0, 0);
	snprintf(sub, sizeof(sub), "%s/df", f->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	pair(f, sub, 'x', id, 1, 4); /* xf + df in df/ for id 2 */
	read_queue(f, 3600, 10, &r);
	assert_int_equal(mailq_total(f->q), 2);
	/* id 1's df is not in df/: missing, as the old check said */
	assert_int_equal(check_against_stat(f, sub), 1);
	assert_int_equal(df_errors(f), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_real_samples_against_stat,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_kept_only_stat, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_beyond_table, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_df_outside_df_dir, fx_setup,
	                                    fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
