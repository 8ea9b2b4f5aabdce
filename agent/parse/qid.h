/*
 * qid.h - the creation time encoded in a sendmail queue id.
 *
 * Since 8.12 a queue id starts with six characters of the 60-character
 * alphabet 0-9A-Za-x (y and z for leap seconds) giving year % 60, month,
 * day, hour, minute and second in UTC, then two sequence characters and
 * a PID of at least six digits.  Reading the time from the name saves a
 * stat() per queue file (formats.md, 1.3).
 */
#ifndef SPOOLWATCH_QID_H
#define SPOOLWATCH_QID_H

#include <stddef.h>
#include <time.h>

/*
 * qid_time - the creation time of the queue id id[0..n) (without its
 * qf/df prefix).  The year is the one of the 60-year cycle closest to
 * now (qid_time_near) or to the current clock (qid_time).  0 and *out,
 * or -1 if id is not a well-formed 8.12+ queue id.
 */
int qid_time(const char *id, size_t n, time_t *out);
int qid_time_near(const char *id, size_t n, time_t now, time_t *out);

/*
 * For decoding many ids against one clock (a queue directory): the year
 * of "now" is worked out once, and each id then costs a few table
 * lookups and no libc time call; the day of the id decoded last is kept
 * (the ids of a queue share their first three characters in runs).
 */
struct qid_clock {
	int nowyear;
	unsigned char ymd[3]; /* the year, month, day characters of day */
	long long day;        /* their days since 1970; -1: none yet */
};

void qid_clock_init(struct qid_clock *qc, time_t now);
int qid_time_at(struct qid_clock *qc, const char *id, size_t n, time_t *out);

#endif
