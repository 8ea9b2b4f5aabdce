/*
 * test_agent_qf_queue.c - queue directories read into totals, groups and
 * bounded details: the real fixture's qf/df pair, damaged files (garbage,
 * truncated, qf without df) as errors[] entries, a qf/ df/ split queue, a
 * large queue summarised exactly with max_queued details; postqueue -j
 * read from a stand-in program, including one that hangs.
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
#include <unistd.h>
#include <cmocka.h>

#include "agent/cycle.h"
#include "agent/collect/mailq.h"
#include "agent/probe/postqueue.h"
#include "common/fsutil.h"
#include "testdata.h"

static struct cycle *
new_cycle(void)
{
	struct cycle *c = calloc(1, sizeof(*c));

	c->root = "";
	c->now = 1795877400;
	c->report = json_pack("{s:[], s:[]}", "errors", "findings");
	c->errors = json_object_get(c->report, "errors");
	c->findings = json_object_get(c->report, "findings");
	return c;
}

static void
free_cycle(struct cycle *c)
{
	json_decref(c->report);
	free(c);
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

static void
put_sample(const char *dir, const char *name)
{
	char rel[256], *text;
	size_t n;

	snprintf(rel, sizeof(rel), "samples/real-sendmail/%s", name);
	text = testdata_read(rel, &n);
	put(dir, name, text, n);
	free(text);
}

static char *
mktmp(void)
{
	char *d = strdup("/tmp/test_qfq.XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void
rmtree(const char *d)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	assert_int_equal(system(cmd), 0);
}

/* fx - what a test makes, released by fx_teardown whether the test
 * passes or fails: a cycle, a scratch queue directory, the queue read
 * into memory and up to two JSON answers taken from it. */
struct fx {
	struct cycle *c;
	char *d;
	struct mailq *q;
	json_t *det, *aux;
};

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->c = new_cycle();
	f->d = mktmp();
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	json_decref(f->det);
	json_decref(f->aux);
	if (f->q)
		mailq_free(f->q);
	free_cycle(f->c);
	rmtree(f->d);
	free(f->d);
	free(f);
	return 0;
}

static int
errors_mention(struct cycle *c, const char *src_part, const char *msg_part)
{
	size_t i;
	json_t *e;

	json_array_foreach(c->errors, i, e)
	{
		const char *s = json_string_value(json_object_get(e, "source"));
		const char *m = json_string_value(json_object_get(e, "error"));
		if (s && m && strstr(s, src_part) && strstr(m, msg_part))
			return 1;
	}
	return 0;
}

static const char *
sval(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* scan_sm - mailq_scan_sendmail on the directory path d */
static int
scan_sm(struct mailq *q, struct cycle *c, const char *d, const char *host)
{
	int fd = open(d, O_RDONLY | O_DIRECTORY);
	int r = mailq_scan_sendmail(q, c, fd, host);

	if (fd >= 0)
		close(fd);
	return r;
}

static void
test_real_and_damaged(void **state)
{
	struct mailq_opts o = {
	    .now = 1795877400, .max_queued = 200, .qf_max_bytes = 1 << 20};
	struct fx *f = *state;
	struct cycle *c = f->c;
	const char *d = f->d;
	struct mailq *q = f->q = mailq_new(&o);
	const char *trunc = "V8\nT1795877000\nSroot\nRPFD:root\nH??Subj";
	json_t *det, *qs, *st;
	unsigned char junk[3000];

	put_sample(d, "qf6ASEnAvr023598");
	put_sample(d, "df6ASEnAvr023598");
	put_sample(d, "qf6ASEnAbu023599"); /* its df is missing */
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	put(d, "qf6ASEnAxx000001", (const char *)junk, sizeof(junk));
	put(d, "qf6ASEnAyy000002", trunc, strlen(trunc));
	put(d, "df6ASEnAyy000002", "x\n", 2);
	put(d, "tf6ASEnAzz000003", "V8\n", 3); /* being written: skipped */
	assert_int_equal(
	    scan_sm(q, c, d, "/var/spool/clientmqueue"), 0);
	assert_int_equal(mailq_total(q), 4);
	det = f->det = mailq_details(q);
	assert_int_equal(json_array_size(det), 4);
	/* the real one */
	for (size_t i = 0; i < json_array_size(det); i++) {
		json_t *m = json_array_get(det, i);
		if (strcmp(sval(m, "id"), "6ASEnAvr023598") != 0)
			continue;
		assert_string_equal(
		    sval(m, "status"),
		    "Deferred: Connection refused by [127.0.0.1]");
		assert_string_equal(sval(m, "cron_command"), "/bin/freemem.py");
		assert_string_equal(sval(m, "created_ts"),
		                    "2026-11-28T14:49:10Z");
		assert_string_equal(sval(m, "queue"),
		                    "/var/spool/clientmqueue");
		assert_int_equal(json_integer_value(json_object_get(m, "size")),
		                 20);
		assert_false(json_is_true(json_object_get(m, "df_missing")));
	}
	assert_true(errors_mention(c, "qf6ASEnAbu023599", "without its df"));
	assert_true(errors_mention(c, "qf6ASEnAxx000001", "not a qf file"));
	assert_true(errors_mention(c, "qf6ASEnAyy000002", "truncated"));
	assert_false(errors_mention(c, "tf6ASEnAzz000003", ""));
	qs = f->aux = mailq_queues(q);
	st = json_object_get(json_array_get(qs, 0), "statuses");
	assert_string_equal(sval(json_array_get(st, 0), "status"),
	                    "Deferred: Connection refused by [127.0.0.1]");
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(st, 0), "count")),
	    2);
}

static void
test_split_queue_and_missing_dir(void **state)
{
	struct mailq_opts o = {.now = 0, .max_queued = 5, .qf_max_bytes = 4096};
	struct fx *f = *state;
	struct cycle *c = f->c;
	const char *d = f->d;
	char sub[4200];
	struct mailq *q = f->q = mailq_new(&o);

	snprintf(sub, sizeof(sub), "%s/qf", d);
	assert_int_equal(mkdir(sub, 0700), 0);
	put_sample(sub, "qf6ASEnAvr023598");
	snprintf(sub, sizeof(sub), "%s/df", d);
	assert_int_equal(mkdir(sub, 0700), 0);
	put_sample(sub, "df6ASEnAvr023598");
	assert_int_equal(scan_sm(q, c, d, "/var/spool/mqueue"), 0);
	assert_int_equal(mailq_total(q), 1);
	assert_int_equal(json_array_size(c->errors), 0);
	assert_int_equal(
	    scan_sm(q, c, "/nonexistent/q", "/var/spool/x"), -1);
	/* the caller opens the directory (root_open); an fd that is no
	 * directory is an error of the queue, not a crash */
	assert_true(errors_mention(c, "/var/spool/x", "read queue directory"));
}

static void
test_large_queue_bounded(void **state)
{
	struct mailq_opts o = {
	    .now = 0, .max_queued = 10, .qf_max_bytes = 4096};
	struct fx *f = *state;
	struct cycle *c = f->c;
	const char *d = f->d;
	char name[64], text[512];
	struct mailq *q = f->q = mailq_new(&o);
	unsigned long long other;
	json_t *det, *groups;
	int n;

	/* 1000 messages in shuffled creation order, two cron jobs, two
	 * statuses */
	for (int i = 0; i < 1000; i++) {
		int t = (i * 337) % 1000;
		n = snprintf(
		    text, sizeof(text),
		    "V8\nT%d\nN1\nSroot\nM%s\nRPFD:root\n"
		    "H??Subject: Cron <root@h> /bin/job%d\n.\n",
		    1000000 + t,
		    t % 10 == 0 ? "Deferred: Connection timed out"
		                : "Deferred: Connection refused by [127.0.0.1]",
		    t % 2);
		snprintf(name, sizeof(name), "qfq%07d", t);
		put(d, name, text, (size_t)n);
		name[0] = 'd';
		put(d, name, "body\n", 5);
	}
	assert_int_equal(scan_sm(q, c, d, "/q"), 0);
	assert_int_equal(mailq_total(q), 1000);
	det = f->det = mailq_details(q);
	assert_int_equal(json_array_size(det), 10);
	/* the five oldest and the five newest, oldest first */
	assert_string_equal(sval(json_array_get(det, 0), "id"), "q0000000");
	assert_string_equal(sval(json_array_get(det, 4), "id"), "q0000004");
	assert_string_equal(sval(json_array_get(det, 5), "id"), "q0000995");
	assert_string_equal(sval(json_array_get(det, 9), "id"), "q0000999");
	groups = f->aux = mailq_groups(q, &other);
	assert_int_equal(other, 0);
	/* job0 refused 400, job1 refused 500, job0 timed out 100 */
	assert_int_equal(json_array_size(groups), 3);
	assert_string_equal(sval(json_array_get(groups, 0), "cron_command"),
	                    "/bin/job1");
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(groups, 0), "count")),
	                 500);
	assert_int_equal(json_integer_value(json_object_get(
	                     json_array_get(groups, 2), "count")),
	                 100);
	assert_string_equal(sval(json_array_get(groups, 2), "status"),
	                    "Deferred: Connection timed out");
}

static void
test_postqueue(void **state)
{
	struct mailq_opts o = {
	    .now = 0, .max_queued = 10, .qf_max_bytes = 4096};
	struct fx *f = *state;
	char p[4200], err[256];
	const char *script =
	    "#!/bin/sh\n"
	    "[ \"$1\" = -j ] || exit 64\n"
	    "echo '{\"queue_name\": \"deferred\", \"queue_id\": "
	    "\"3CDD6604F980\","
	    " \"arrival_time\": 1795877350, \"message_size\": 512, \"sender\": "
	    "\"root@h\", \"recipients\": [{\"address\": \"root@h\", "
	    "\"delay_reason\": \"connect to 127.0.0.1[127.0.0.1]:25: "
	    "Connection refused\"}]}'\n"
	    "echo 'not json'\n"
	    "echo '{\"queue_name\": \"../../etc\", \"queue_id\": \"X\"}'\n"
	    "echo '{\"queue_name\": \"hold\", \"queue_id\": \"ABC\", "
	    "\"recipients\": []}'\n";
	struct mailq *q = f->q = mailq_new(&o);
	json_t *det;
	FILE *fp;

	snprintf(p, sizeof(p), "%s/postqueue", f->d);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(script, fp);
	fclose(fp);
	chmod(p, 0755);
	assert_int_equal(postqueue_run(p, -1, 10000, q, NULL, err, sizeof(err)), 2);
	assert_int_equal(mailq_total(q), 2);
	assert_int_equal(mailq_queue_count(q, "/var/spool/postfix/deferred"),
	                 1);
	det = f->det = mailq_details(q);
	assert_string_equal(
	    sval(json_array_get(det, 1), "status"),
	    "connect to 127.0.0.1[127.0.0.1]:25: Connection refused");

	/* one that never answers is killed at the deadline */
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\nexec sleep 30\n", fp);
	fclose(fp);
	assert_int_equal(postqueue_run(p, -1, 300, q, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no answer"));
	/* a failing one */
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\necho 'postqueue: fatal: bad' >&2\nexit 75\n", fp);
	fclose(fp);
	assert_int_equal(postqueue_run(p, -1, 5000, q, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "status 75"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_real_and_damaged, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_split_queue_and_missing_dir,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_large_queue_bounded, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_postqueue, fx_setup,
	                                    fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
