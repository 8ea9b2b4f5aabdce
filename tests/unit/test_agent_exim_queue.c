/*
 * test_agent_exim_queue.c - the Exim spool walk on the spool a real Exim
 * 4.96 left (tests/data/exim/real-4.96: two deferred, two frozen, one
 * never tried) and on a split spool with orphans either way, a damaged
 * -H, a symlink and a young -D still being written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include <cmocka.h>

#include "agent/probe/exim_queue.h"
#include "testdata.h"

struct seen {
	int n;
	char ids[16][EXIM_ID_MAX];
	long long size[16];
	int no_data[16];
	char status[16][128];
	char sub[16][2];
};

static void
collect(void *arg, const struct exim_queue_msg *m)
{
	struct seen *s = arg;
	int i = s->n++;

	if (i >= 16)
		fail_msg("too many messages");
	strcpy(s->ids[i], m->h->id);
	s->size[i] = m->size;
	s->no_data[i] = m->no_data;
	strcpy(s->sub[i], m->subdir);
	s->status[i][0] = '\0';
	if (m->log && m->log->reason.p)
		snprintf(s->status[i], sizeof(s->status[i]), "%.*s",
		         (int)m->log->reason.n, m->log->reason.p);
}

static int
find(const struct seen *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return i;
	fail_msg("message %s not handed over", id);
	return -1;
}

static void
test_real_spool(void **state)
{
	char path[TESTDATA_PATH_MAX], err[256];
	struct exim_queue q;
	struct seen s = {0};
	struct sl_clock clk;
	int fd, i;

	(void)state;
	fd =
	    open(testdata_path("exim/real-4.96", path), O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	sl_clock_init(&clk, 1796116930);
	assert_int_equal(exim_queue_scan(fd, 1796116930, &clk, &q, collect, &s,
	                                 err, sizeof(err)),
	                 0);
	close(fd);
	assert_int_equal(q.messages, 5);
	assert_int_equal(s.n, 5);
	assert_int_equal(q.frozen, 2);
	assert_int_equal(q.frozen_bounces, 1);
	assert_int_equal(q.journals, 2);
	assert_int_equal(q.orphan_data, 0);
	assert_int_equal(q.orphan_header, 0);
	assert_int_equal(q.unreadable, 0);
	assert_int_equal(q.malformed, 0);
	assert_false(q.split);
	assert_int_equal(q.oldest, 1796116926);
	assert_int_equal(q.oldest_frozen, 1796116926);
	assert_int_equal(q.nreasons, 2);
	assert_int_equal(q.reasons[0].count, 1);
	assert_int_equal(q.reasons_other, 0);
	assert_true((strcmp(q.reasons[0].text,
	                    "remote host address is the local host") == 0 &&
	             strcmp(q.reasons[1].text, "Unrouteable address") == 0) ||
	            (strcmp(q.reasons[1].text,
	                    "remote host address is the local host") == 0 &&
	             strcmp(q.reasons[0].text, "Unrouteable address") == 0));
	i = find(&s, "1xYK3q-0003B1-1l");
	assert_int_equal(s.size[i], 445);
	assert_string_equal(s.status[i], "Connection refused");
	i = find(&s, "1xYK3s-0003Gz-2G");
	assert_int_equal(s.size[i], 475);
	assert_string_equal(s.status[i], "");
}

static void
put(const char *dir, const char *name, const char *text, time_t mtime)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (mtime > 0) {
		struct utimbuf u = {mtime, mtime};
		utime(path, &u);
	}
}

#define H(id)                                                                  \
	id "-H\nroot 0 0\n<root@h>\n1796000000 0\n-frozen 1796000001\nXX\n1\n" \
	   "a@b\n\n013  Subject: hi!\n"

static void
test_split_and_orphans(void **state)
{
	char tmpl[] = "/tmp/exim-queue-XXXXXX", p[4200], err[256];
	struct exim_queue q;
	struct seen s = {0};
	struct sl_clock clk;
	time_t now = 1796116930;
	int fd, i;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(p, sizeof(p), "%s/input", tmpl);
	mkdir(p, 0750);
	snprintf(p, sizeof(p), "%s/input/q", tmpl);
	mkdir(p, 0750);
	snprintf(p, sizeof(p), "%s/msglog", tmpl);
	mkdir(p, 0750);
	snprintf(p, sizeof(p), "%s/msglog/q", tmpl);
	mkdir(p, 0750);
	snprintf(p, sizeof(p), "%s/input/q", tmpl);
	/* a whole message, frozen, its msglog in the split msglog/q/ */
	put(p, "1xYK3q-0003B1-1l-H", H("1xYK3q-0003B1-1l"), 0);
	put(p, "1xYK3q-0003B1-1l-D", "1xYK3q-0003B1-1l-D\nbody\n", 0);
	snprintf(p, sizeof(p), "%s/msglog/q", tmpl);
	put(p, "1xYK3q-0003B1-1l",
	    "2026-12-01 09:00:00 a@b R=r defer (-1): loop\n*** Frozen\n", 0);
	snprintf(p, sizeof(p), "%s/input/q", tmpl);
	/* -H without -D */
	put(p, "1xYK3q-0003B2-1l-H", H("1xYK3q-0003B2-1l"), 0);
	/* an old -D without -H: an orphan; a young one: arriving */
	put(p, "1xYK3q-0003B3-1l-D", "1xYK3q-0003B3-1l-D\n", now - 7200);
	put(p, "1xYK3q-0003B4-1l-D", "1xYK3q-0003B4-1l-D\n", now - 10);
	/* an -H naming another message, garbage, a symlink */
	put(p, "1xYK3q-0003B5-1l-H", H("1xYK3q-0003B6-1l"), 0);
	put(p, "1xYK3q-0003B7-1l-H", "garbage\n", 0);
	snprintf(p, sizeof(p), "%s/input/q/1xYK3q-0003B8-1l-H", tmpl);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	snprintf(p, sizeof(p), "%s/input", tmpl);
	put(p, "not-a-spool-file", "x", 0);

	fd = open(tmpl, O_RDONLY | O_DIRECTORY);
	sl_clock_init(&clk, now);
	assert_int_equal(
	    exim_queue_scan(fd, now, &clk, &q, collect, &s, err, sizeof(err)),
	    0);
	assert_true(q.split);
	assert_int_equal(q.messages, 2);
	assert_int_equal(q.frozen, 2);
	assert_int_equal(q.orphan_header, 1);
	assert_int_equal(q.orphan_data, 1);
	assert_int_equal(q.malformed, 2);
	assert_int_equal(q.unreadable, 1);
	assert_true(q.first_problem[0] != '\0');
	i = find(&s, "1xYK3q-0003B1-1l");
	assert_string_equal(s.sub[i], "q");
	assert_string_equal(s.status[i], "loop");
	assert_int_equal(s.size[i], 13 + 1 + 5);
	i = find(&s, "1xYK3q-0003B2-1l");
	assert_true(s.no_data[i]);
	assert_int_equal(s.size[i], -1);
	/* two reasons, once each (in directory order): "loop", and none
	 * for the message without a msglog */
	assert_int_equal(q.nreasons, 2);
	assert_int_equal(q.reasons[0].count + q.reasons[1].count, 2);
	assert_true(strcmp(q.reasons[0].text, "loop") == 0 ||
	            strcmp(q.reasons[1].text, "loop") == 0);
	assert_true(strcmp(q.reasons[0].text, "no reason in the msglog") == 0 ||
	            strcmp(q.reasons[1].text, "no reason in the msglog") == 0);
	close(fd);

	/* input/ unreadable: an error, not a crash */
	fd = open("/nonexistent-dir-for-test", O_RDONLY);
	assert_int_equal(exim_queue_scan(AT_FDCWD, now, &clk, &q, NULL, NULL,
	                                 err, sizeof(err)),
	                 -1);
	assert_string_equal(err, "input: No such file or directory");
	if (fd >= 0)
		close(fd);
	snprintf(p, sizeof(p), "rm -rf '%s'", tmpl);
	assert_int_equal(system(p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_spool),
	    cmocka_unit_test(test_split_and_orphans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
