/*
 * test_common_timeutil.c - RFC 3339 formatting and parsing, leap years,
 * offsets, fractions, second 60 and junk; the clocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/timeutil.h"

/* P - parse a NUL-terminated string; returns the rc, epoch in *t. */
static int
P(const char *s, time_t *t)
{
	*t = (time_t)-12345;
	return rfc3339_parse(s, strlen(s), t);
}

static void
expect(const char *s, long long want)
{
	time_t t;
	if (P(s, &t) != 0)
		fail_msg("'%s' rejected", s);
	if ((long long)t != want)
		fail_msg("'%s': got %lld, want %lld", s, (long long)t, want);
}

static void
reject(const char *s)
{
	time_t t;
	if (P(s, &t) != -1)
		fail_msg("'%s' accepted as %lld", s, (long long)t);
}

static void
test_format(void **state)
{
	char buf[RFC3339_LEN];
	char small[RFC3339_LEN - 1];
	(void)state;

	assert_int_equal(rfc3339_format(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(rfc3339_format(1771118402, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2026-02-15T01:20:02Z");
	assert_int_equal(rfc3339_format(951782400, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2000-02-29T00:00:00Z");
	assert_int_equal(rfc3339_format(-1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	assert_int_equal(rfc3339_format(253402300799LL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	/* a buffer too small, and a year of five digits, are refused */
	assert_int_equal(rfc3339_format(0, small, sizeof(small)), -1);
	assert_int_equal(rfc3339_format(253402300800LL, buf, sizeof(buf)), -1);
}

static void
test_round_trip(void **state)
{
	char buf[RFC3339_LEN];
	time_t t;
	(void)state;

	for (long long v = -86400LL * 366 * 3; v < 4102444800LL;
	     v += 86400LL * 37 + 3601 * 7 + 13) {
		assert_int_equal(rfc3339_format((time_t)v, buf, sizeof(buf)),
		                 0);
		assert_int_equal(rfc3339_parse(buf, strlen(buf), &t), 0);
		assert_int_equal((long long)t, v);
	}
}

static void
test_leap_years(void **state)
{
	(void)state;
	assert_int_equal(days_in_month(2024, 2), 29);
	assert_int_equal(days_in_month(2023, 2), 28);
	assert_int_equal(days_in_month(2000, 2), 29); /* 400 rule */
	assert_int_equal(days_in_month(1900, 2), 28); /* 100 rule */
	assert_int_equal(days_in_month(2100, 2), 28);
	assert_int_equal(days_in_month(2024, 1), 31);
	assert_int_equal(days_in_month(2024, 4), 30);
	assert_int_equal(days_in_month(2024, 12), 31);
	assert_int_equal(days_in_month(2024, 0), 0);
	assert_int_equal(days_in_month(2024, 13), 0);

	expect("2024-02-29T12:00:00Z", 1709208000);
	expect("2000-02-29T00:00:00Z", 951782400);
	expect("1904-02-29T00:00:00Z", -2077747200LL);
	reject("1900-02-29T00:00:00Z");
	reject("2023-02-29T00:00:00Z");
	reject("2100-02-29T00:00:00Z");
	reject("2024-02-30T00:00:00Z");
	reject("2024-04-31T00:00:00Z");
	expect("2024-12-31T23:59:59Z", 1735689599);
}

static void
test_offsets(void **state)
{
	(void)state;
	/* 2026-02-15T09:20:02Z in every spelling */
	expect("2026-02-15T09:20:02Z", 1771147202);
	expect("2026-02-15T09:20:02z", 1771147202);
	expect("2026-02-15t09:20:02Z", 1771147202);
	expect("2026-02-15 09:20:02Z", 1771147202);
	expect("2026-02-15T10:20:02+01:00", 1771147202);
	expect("2026-02-15T10:20:02+0100", 1771147202);
	expect("2026-02-15T04:20:02-05:00", 1771147202);
	expect("2026-02-15T04:20:02-0500", 1771147202);
	expect("2026-02-15T14:50:02+05:30", 1771147202);
	expect("2026-02-15T09:20:02+00:00", 1771147202);
	expect("2026-02-15T09:20:02-00:00", 1771147202);
	/* offsets that cross a day and a year */
	expect("2026-02-14T23:20:02-10:00", 1771147202);
	expect("1970-01-01T01:00:00+01:00", 0);
	expect("1969-12-31T23:00:00-01:00", 0);
	expect("1969-12-31T23:59:59Z", -1);
	expect("1970-01-01T00:59:59+01:00", -1);
	expect("2026-01-01T00:30:00+01:00", 1767223800);
	/* bad offsets */
	reject("2026-02-15T09:20:02+24:00");
	reject("2026-02-15T09:20:02+01:60");
	reject("2026-02-15T09:20:02+1:00");
	reject("2026-02-15T09:20:02+01");
	reject("2026-02-15T09:20:02+01:0");
	reject("2026-02-15T09:20:02+01:000");
	reject("2026-02-15T09:20:02+01-00");
	reject("2026-02-15T09:20:02+ab:cd");
	reject("2026-02-15T09:20:02 +01:00");
	reject("2026-02-15T09:20:02"); /* no zone at all */
	reject("2026-02-15T09:20:02UTC");
	reject("2026-02-15T09:20:02ZZ");
}

static void
test_fractions(void **state)
{
	(void)state;
	expect("2026-02-15T09:20:02.5Z", 1771147202);
	expect("2026-02-15T09:20:02.999999999Z", 1771147202);
	expect("2026-02-15T10:20:02.123+01:00", 1771147202);
	reject("2026-02-15T09:20:02.Z");
	reject("2026-02-15T09:20:02.1234567890Z");
	reject("2026-02-15T09:20:02.12a4Z");
	reject("2026-02-15T09:20:02,5Z");
	reject("2026-02-15T09:20:02.5");
}

static void
test_second_60(void **state)
{
	(void)state;
	/* a leap second folds into the next minute */
	expect("2016-12-31T23:59:60Z", 1483228800);
	expect("2016-12-31T23:59:59Z", 1483228799);
	reject("2016-12-31T23:59:61Z");
}

static void
test_out_of_range_fields(void **state)
{
	(void)state;
	reject("2026-00-15T09:20:02Z");
	reject("2026-13-15T09:20:02Z");
	reject("2026-02-00T09:20:02Z");
	reject("2026-01-32T09:20:02Z");
	reject("2026-02-15T24:00:00Z");
	reject("2026-02-15T23:60:00Z");
	reject("2026-02-15T23:59:99Z");
	reject("-026-02-15T09:20:02Z");
	reject("2026-+2-15T09:20:02Z");
	reject("2026-02-1 T09:20:02Z");
}

static void
test_junk(void **state)
{
	time_t t;
	char buf[64];
	(void)state;

	reject("");
	reject("Z");
	reject("now");
	reject("2026-02-15");
	reject("2026-02-15T09:20Z");
	reject("2026/02/15T09:20:02Z");
	reject("2026-02-15X09:20:02Z");
	reject("2026-02-15T09.20.02Z");
	reject("20260215T092002Z");
	reject("Feb 15 09:20:02 host1 sendmail[7134]:");
	reject("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1"
	       "\xf0\xef\xee\xed\xec");
	/* the length is honoured: no reading past it, no NUL needed */
	memcpy(buf, "2026-02-15T09:20:02Zjunk", 24);
	assert_int_equal(rfc3339_parse(buf, 20, &t), 0);
	assert_int_equal((long long)t, 1771147202);
	assert_int_equal(rfc3339_parse(buf, 24, &t), -1);
	assert_int_equal(rfc3339_parse(buf, 19, &t), -1);
	assert_int_equal(rfc3339_parse(buf, 0, &t), -1);
	/* an embedded NUL is junk */
	memcpy(buf, "2026-02-15T09:20:02\0Z", 21);
	assert_int_equal(rfc3339_parse(buf, 21, &t), -1);
}

static void
test_clocks(void **state)
{
	int64_t m1, m2, r;
	(void)state;

	m1 = time_mono_ms();
	m2 = time_mono_ms();
	assert_true(m2 >= m1);
	r = time_real_ms();
	/* within a second of time(): the same clock, in milliseconds */
	assert_true(r / 1000 >= (int64_t)time(NULL) - 1);
	assert_true(r / 1000 <= (int64_t)time(NULL) + 1);
	assert_true(r > 1600000000000LL);
}

/* days_from_civil agrees with timegm() on every day from 1900 to 2400. */
static void
test_days_from_civil(void **state)
{
	(void)state;
	assert_true(days_from_civil(1970, 1, 1) == 0);
	assert_true(days_from_civil(1969, 12, 31) == -1);
	assert_true(days_from_civil(2000, 3, 1) == 11017);
	for (int y = 1900; y <= 2400; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= days_in_month(y, m); d++) {
				struct tm tm;
				memset(&tm, 0, sizeof(tm));
				tm.tm_year = y - 1900;
				tm.tm_mon = m - 1;
				tm.tm_mday = d;
				if ((long long)timegm(&tm) !=
				    days_from_civil(y, (unsigned)m,
				                    (unsigned)d) *
				        86400)
					fail_msg("%04d-%02d-%02d", y, m, d);
			}
}

static void
test_civil(void **state)
{
	struct civil c;
	(void)state;

	assert_int_equal(civil_parse("2026-02-15 01:20:02", &c), 0);
	assert_int_equal(c.year, 2026);
	assert_int_equal(c.month, 2);
	assert_int_equal(c.day, 15);
	assert_int_equal(c.hour, 1);
	assert_int_equal(c.min, 20);
	assert_int_equal(c.sec, 2);
	assert_true(civil_valid(&c));
	assert_true((long long)civil_to_time(&c) == 1771118402LL);
	/* second 60 folds into the next minute */
	assert_int_equal(civil_parse("2016-12-31T23:59:60", &c), 0);
	assert_true(civil_valid(&c));
	assert_true((long long)civil_to_time(&c) == 1483228800LL);
	assert_int_equal(time_digits("0907", 4), 907);
	assert_int_equal(time_digits("59", 2), 59);
	assert_int_equal(time_digits("5a", 2), -1);
	assert_int_equal(time_digits(" 5", 2), -1);
	assert_int_equal(time_digits("-1", 2), -1);
	/* digits only; ranges are civil_valid's */
	assert_int_equal(civil_parse("2026-0x-15 01:20:02", &c), -1);
	assert_int_equal(civil_parse("2026-02-15 01:2 :02", &c), -1);
	assert_int_equal(civil_parse("2025-02-29 00:00:00", &c), 0);
	assert_false(civil_valid(&c));
	assert_int_equal(civil_parse("2024-02-29 24:00:00", &c), 0);
	assert_false(civil_valid(&c));
	assert_int_equal(civil_parse("2024-13-01 00:00:00", &c), 0);
	assert_false(civil_valid(&c));
}

static void
test_month_from_abbr(void **state)
{
	static const char *names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	(void)state;
	for (int m = 0; m < 12; m++) {
		char up[4];
		assert_int_equal(month_from_abbr(names[m], 0), m + 1);
		assert_int_equal(month_from_abbr(names[m], 1), m + 1);
		for (int k = 0; k < 4; k++)
			up[k] = (char)(names[m][k] & ~0x20);
		assert_int_equal(month_from_abbr(up, 1), m + 1);
		assert_int_equal(month_from_abbr(up, 0), 0);
	}
	assert_int_equal(month_from_abbr("jan", 0), 0);
	assert_int_equal(month_from_abbr("jan", 1), 1);
	assert_int_equal(month_from_abbr("Jum", 1), 0);
	assert_int_equal(month_from_abbr("Ja\0", 1), 0);
	assert_int_equal(month_from_abbr("   ", 1), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_offsets),
	    cmocka_unit_test(test_fractions),
	    cmocka_unit_test(test_second_60),
	    cmocka_unit_test(test_out_of_range_fields),
	    cmocka_unit_test(test_junk),
	    cmocka_unit_test(test_clocks),
	    cmocka_unit_test(test_days_from_civil),
	    cmocka_unit_test(test_month_from_abbr),
	    cmocka_unit_test(test_civil),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
