/*
 * test_agent_qid.c - sendmail queue id to creation time (formats.md 1.3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "agent/parse/qid.h"

static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

static int
decode(const char *id, time_t now, time_t *out)
{
	return qid_time_near(id, strlen(id), now, out);
}

static void
test_documented_examples(void **state)
{
	time_t now = utc(2026, 11, 28, 12, 0, 0), t;

	(void)state;
	/* formats.md: u1F1K2am007134 = 2016-02-15 01:20:02 UTC */
	assert_int_equal(decode("u1F1K2am007134", now, &t), 0);
	assert_int_equal(t, utc(2016, 2, 15, 1, 20, 2));
	/* 7-digit PID */
	assert_int_equal(decode("xA32R2PQ3529566", now, &t), 0);
	assert_int_equal(t, utc(2019, 11, 3, 2, 27, 2));
	/* 2026 -> '6'; December is 'B'; day 31 is 'V' */
	assert_int_equal(decode("6BVNxx00123456", now, &t), 0);
	assert_int_equal(t, utc(2026, 12, 31, 23, 59, 59));
	/* 2000 -> 'e' */
	assert_int_equal(decode("e01000aa000001", now, &t), 0);
	assert_int_equal(t, utc(2000, 1, 1, 0, 0, 0));
}

static void
test_year_closest_to_now(void **state)
{
	time_t t;

	(void)state;
	/* '0' is 2020 seen from 2026, but 2080 seen from 2075 */
	assert_int_equal(decode("0011000000001", utc(2026, 1, 1, 0, 0, 0), &t),
	                 -1); /* 5-digit pid: too short */
	assert_int_equal(decode("00110000000001", utc(2026, 1, 1, 0, 0, 0), &t),
	                 0);
	assert_int_equal(t, utc(2020, 1, 1, 1, 0, 0));
	assert_int_equal(decode("00110000000001", utc(2075, 1, 1, 0, 0, 0), &t),
	                 0);
	assert_int_equal(t, utc(2080, 1, 1, 1, 0, 0));
	/* 'x' (59) seen from early 2020 is 2019, not 2079 */
	assert_int_equal(decode("xB1000aa000001", utc(2020, 1, 1, 0, 0, 0), &t),
	                 0);
	assert_int_equal(t, utc(2019, 12, 1, 0, 0, 0));
}

static void
test_leap_second(void **state)
{
	time_t now = utc(2026, 11, 28, 12, 0, 0), t;

	(void)state;
	/* 2016-12-31 23:59:60 ('y' = 60) */
	assert_int_equal(decode("uBVNxyaa000001", now, &t), 0);
	assert_int_equal(t, utc(2017, 1, 1, 0, 0, 0));
}

static void
test_rejects(void **state)
{
	time_t now = utc(2026, 11, 28, 12, 0, 0), t = 42;
	static const char *bad[] = {
	    "",
	    "u1F1K2am",            /* no pid */
	    "u1F1K2am00713",       /* 5-digit pid */
	    "u1F1K2am00713412345", /* 11-digit pid */
	    "uC11K2am007134",      /* month 12 */
	    "u101K2am007134",      /* day 0 */
	    "u1FO02am007134",      /* hour 24 ('O') */
	    "u1F1y2am007134",      /* minute 60 */
	    "u1FyK2am007134",      /* y (60) as an hour */
	    "u1F1K2a-007134",      /* bad sequence char */
	    "u1F1K2ay007134",      /* 'y' is no sequence char */
	    "u1F1K2am00713x",      /* pid not decimal */
	    "u1U1K2am007134",      /* 30 February */
	    "e9HExOW21601",        /* 8.10/8.11 format */
	    "3CDD6604F980",        /* a postfix queue id */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (decode(bad[i], now, &t) != -1)
			fail_msg("accepted %s", bad[i]);
	}
	assert_int_equal(t, 42);
	/* the length given wins over the NUL */
	assert_int_equal(qid_time_near("u1F1K2am007134junk", 14, now, &t), 0);
	assert_int_equal(qid_time("u1F1K2am007134", 14, &t), 0);
	assert_int_equal(t, utc(2016, 2, 15, 1, 20, 2));
}

/* one clock over ids of several days, as a queue listing decodes them
 * (the day of the id before is kept): each gets its own day, a bad day
 * after a good one is still refused, and the day before comes back */
static void
test_clock_over_days(void **state)
{
	static const char *const ids[] = {
	    "6ASEnAvr023598", "6ASEnBvr023599", "6ASFnAvr023600",
	    "6BVNxx00123456", "6ASEnAvr023601", "u1F1K2am007134",
	    "6ASEnAvr023602",
	};
	time_t now = utc(2026, 11, 30, 12, 0, 0), t, want;
	struct qid_clock qc;

	(void)state;
	qid_clock_init(&qc, now);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(decode(ids[i], now, &want), 0);
		assert_int_equal(qid_time_at(&qc, ids[i], 14, &t), 0);
		assert_int_equal(t, want);
	}
	/* February 30th: refused, also right after February 15th */
	assert_int_equal(qid_time_at(&qc, "u1F1K2am007134", 14, &t), 0);
	assert_int_equal(qid_time_at(&qc, "u1U1K2am007134", 14, &t), -1);
	assert_int_equal(qid_time_at(&qc, "6ASEnAvr023598", 14, &t), 0);
	assert_int_equal(t, utc(2026, 11, 28, 14, 49, 10));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_documented_examples),
	    cmocka_unit_test(test_year_closest_to_now),
	    cmocka_unit_test(test_leap_second),
	    cmocka_unit_test(test_rejects),
	    cmocka_unit_test(test_clock_over_days),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
