/*
 * test_agent_cron_aside.c - cron's CMD lines put aside and carried from
 * block to block (agent/collect/cron_aside.c) leave cron_lost as feeding
 * every line at once does: the same jobs claimed by the same complaints,
 * the same state saved.  Runs of CMD lines longer than cron_lost's ring,
 * commands long enough to fill the carry, lines longer than it,
 * complaints for jobs inside and outside the ring, each block's bytes
 * overwritten after its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agent/collect/cron_aside.h"
#include "agent/parse/cron_log.h"
#include "agent/parse/syslog_parse.h"

static struct sl_clock clk;

/* feed - one line to cl, as the log collector's parse does */
static void
feed(struct cron_lost *cl, const char *p, size_t n)
{
	struct sl_event ev;

	assert_int_equal(sl_parse_header(p, n, &clk, &ev), 0);
	cron_lost_feed(cl, &ev);
}

static void
feed_aside(void *arg, const char *p, size_t n)
{
	feed(arg, p, n);
}

/* cmd_line - a CMD line of pid with a command of about len bytes */
static size_t
cmd_line(char *b, size_t cap, long pid, size_t len)
{
	int n = snprintf(b, cap,
	                 "Dec  1 10:%02ld:%02ld host1 CROND[%ld]: (root) "
	                 "CMD (job-%ld ",
	                 pid / 60 % 60, pid % 60, pid, pid);
	size_t l = (size_t)n;

	while (l < len && l + 2 < cap)
		b[l++] = 'a' + (char)(pid % 26);
	b[l++] = ')';
	b[l] = '\0';
	return l;
}

/* compare - the two cron_losts agree */
static void
compare(struct cron_lost *a, struct cron_lost *b)
{
	json_t *ja = cron_lost_json(a), *jb = cron_lost_json(b);
	json_t *sa = cron_lost_save(a), *sb = cron_lost_save(b);
	char *x = json_dumps(ja, JSON_SORT_KEYS),
	     *y = json_dumps(jb, JSON_SORT_KEYS);
	char *u = json_dumps(sa, JSON_SORT_KEYS),
	     *v = json_dumps(sb, JSON_SORT_KEYS);

	assert_string_equal(x, y);
	assert_string_equal(u, v);
	free(x);
	free(y);
	free(u);
	free(v);
	json_decref(ja);
	json_decref(jb);
	json_decref(sa);
	json_decref(sb);
}

/* claimed - the complaints of cl that named a job's command */
static unsigned long long
claimed(struct cron_lost *cl)
{
	json_t *j = cron_lost_json(cl), *job;
	unsigned long long n = 0;
	size_t i;

	json_array_foreach(json_object_get(j, "jobs"), i, job)
	{
		if (json_is_string(json_object_get(job, "command")))
			n += (unsigned long long)json_integer_value(
			    json_object_get(job, "count"));
	}
	json_decref(j);
	return n;
}

/* run - lines of a seeded stream, in blocks, both ways; returns the
 * complaints that named a job's command (so that a run that claims none
 * cannot pass unnoticed) */
static unsigned long long
run(unsigned seed, size_t lines, size_t max_cmd, int complaints_per_mille,
    int giants_per_mille)
{
	struct cron_lost *direct = cron_lost_new(), *aside = cron_lost_new();
	struct cron_aside *a = malloc(sizeof(*a));
	static char block[1 << 18];
	size_t used = 0;
	long pid = 1000;
	unsigned long long named;

	assert_non_null(a);
	srand(seed);
	sl_clock_init(&clk, 1764583200);
	cron_aside_init(a, aside, feed_aside, aside);
	for (size_t i = 0; i < lines; i++) {
		char *b = block + used;
		size_t cap = sizeof(block) - used, n;
		int r = rand() % 1000;

		if (cap < CRON_ASIDE_CARRY + 2048 || r < 20) {
			/* the block ends; its bytes are read over */
			cron_aside_carry(a);
			memset(block, 'Z', used);
			used = 0;
			continue;
		}
		if (r < 20 + complaints_per_mille) {
			/* a complaint about a recent job, or an old one */
			long of = pid - 1 - rand() % 700;
			n = (size_t)snprintf(
			    b, cap,
			    "Dec  1 11:00:00 host1 CROND[%ld]: "
			    "(root) MAIL (mailed 10 bytes of "
			    "output but got status 0x004b)",
			    of);
			cron_aside_flush(a);
			feed(direct, b, n);
			feed(aside, b, n);
		} else {
			struct sl_head hd;
			/* a giant: longer than the whole carry */
			size_t len = rand() % 1000 < giants_per_mille
			                 ? CRON_ASIDE_CARRY + 1000
			                 : 40 + (size_t)rand() % (max_cmd - 39);
			n = cmd_line(b, cap, pid++, len);
			assert_int_equal(sl_tag_class_head(b, n, &hd),
			                 SL_TAG_CRON);
			feed(direct, b, n);
			cron_aside_put(a, b, n);
		}
		used += n;
	}
	cron_aside_flush(a);
	compare(direct, aside);
	named = claimed(direct);
	cron_lost_free(direct);
	cron_lost_free(aside);
	free(a);
	return named;
}

static void
test_short_commands(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 20; seed++)
		assert_true(run(seed, 20000, 100, 2, 0) > 0);
}

static void
test_commands_that_fill_the_carry(void **state)
{
	(void)state;
	/* 512 lines of up to 600 bytes: more than the carry holds */
	for (unsigned seed = 1; seed <= 20; seed++)
		assert_true(run(seed, 20000, 600, 2, 0) > 0);
}

static void
test_many_complaints(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 10; seed++)
		assert_true(run(seed, 5000, 200, 100, 0) > 0);
}

static void
test_lines_longer_than_the_carry(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 10; seed++)
		assert_true(run(seed, 5000, 200, 5, 5) > 0);
}

static void
test_no_complaint(void **state)
{
	(void)state;
	assert_int_equal(run(7, 50000, 150, 0, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_short_commands),
	    cmocka_unit_test(test_commands_that_fill_the_carry),
	    cmocka_unit_test(test_many_complaints),
	    cmocka_unit_test(test_lines_longer_than_the_carry),
	    cmocka_unit_test(test_no_complaint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
