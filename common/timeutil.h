/*
 * timeutil.h - clocks and RFC 3339 timestamps, always in UTC.
 */
#ifndef SPOOLWATCH_TIMEUTIL_H
#define SPOOLWATCH_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RFC3339_LEN 21 /* "2026-02-15T01:20:02Z" plus NUL */

int64_t time_mono_ms(void);
int64_t time_real_ms(void);

/* rfc3339_format - "YYYY-MM-DDTHH:MM:SSZ" into buf (>= RFC3339_LEN). */
int rfc3339_format(time_t t, char *buf, size_t n);
/*
 * rfc3339_parse - parse "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)" (also
 * 't'/' ' separators, 'z', and +hhmm) into UTC epoch seconds; the
 * fraction is dropped.  Fields are range-checked, including Feb 29 and
 * second 60 (folded into the next minute).  0 or -1.
 */
int rfc3339_parse(const char *s, size_t len, time_t *out);
/* days_in_month - 1-based month; 0 for a bad month. */
int days_in_month(int year, int month);
/*
 * days_from_civil - days since 1970-01-01 of a proleptic Gregorian date
 * (H. Hinnant's algorithm), negative before it; month is 1-based.  No
 * range check: callers check the date first.  timegm() costs far more,
 * and this runs for every message of a mailbox.
 */
long long days_from_civil(long long year, unsigned month, unsigned day);
/* time_digits - the value of the n (at most 9) decimal digits at p, or
 * -1 if any is not a digit: one field of a date or a time. */
int time_digits(const char *p, size_t n);
/* A broken-down UTC date and time; month is 1-based. */
struct civil {
	int year, month, day, hour, min, sec;
};
/*
 * civil_parse - the digits of "YYYY-MM-DD?HH:MM:SS" at p (19 bytes; the
 * separators are the caller's to check).  0, or -1 if a field is not all
 * digits.  Fields are not range-checked: see civil_valid.
 */
int civil_parse(const char *p, struct civil *c);
/* civil_valid - 1 if every field is in range (Feb 29 in leap years,
 * second 60 allowed), else 0. */
int civil_valid(const struct civil *c);
/* civil_to_time - UTC epoch seconds of a valid c; second 60 folds into
 * the next minute, as timegm() does. */
time_t civil_to_time(const struct civil *c);
/*
 * month_from_abbr - 1..12 for the three bytes "Jan" .. "Dec" at p (in
 * any case when fold is set, else exactly so), 0 for anything else.
 */
int month_from_abbr(const char *p, int fold);

#endif
