/*
 * qid.c - decode the creation time of a sendmail 8.12+ queue id.
 */
#include <string.h>
#include <time.h>

#include "agent/qid.h"

#define QID_HEAD	8	/* six time characters, two of sequence */
#define QID_PID_MIN	6
#define QID_PID_MAX	10

static int
abs_diff(int a, int b)
{
	return a > b ? a - b : b - a;
}

/* qid_digit - the value of one base-60 character (62 with y/z), or -1. */
static int
qid_digit(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 36;
	return -1;
}

int
qid_time_near(const char *id, size_t n, time_t now, time_t *out)
{
	static const int maxv[6] = { 59, 11, 31, 23, 59, 61 };
	int v[6], i, nowyear, year, best, d;
	struct tm tm, check;
	time_t t;
	size_t k;

	if (n < QID_HEAD + QID_PID_MIN || n > QID_HEAD + QID_PID_MAX)
		return -1;
	for (i = 0; i < 6; i++) {
		v[i] = qid_digit((unsigned char)id[i]);
		if (v[i] < 0 || v[i] > maxv[i])
			return -1;
	}
	if (v[2] < 1)
		return -1;
	for (i = 6; i < QID_HEAD; i++) {
		d = qid_digit((unsigned char)id[i]);
		if (d < 0 || d > 59)
			return -1;
	}
	for (k = QID_HEAD; k < n; k++)
		if (id[k] < '0' || id[k] > '9')
			return -1;

	if (gmtime_r(&now, &tm) == NULL)
		return -1;
	nowyear = tm.tm_year + 1900;
	/* The year of the 60-year cycle closest to now. */
	best = 0;
	for (d = -1; d <= 1; d++) {
		year = nowyear - ((nowyear - 1900) % 60) + v[0] + 60 * d;
		if (best == 0 || abs_diff(year, nowyear) <
		    abs_diff(best, nowyear))
			best = year;
	}

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = best - 1900;
	tm.tm_mon = v[1];
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	check = tm;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	/* Reject 31 February and the like: timegm() would roll them over. */
	if (tm.tm_mday != check.tm_mday && check.tm_sec < 60)
		return -1;
	*out = t;
	return 0;
}

int
qid_time(const char *id, size_t n, time_t *out)
{
	return qid_time_near(id, n, time(NULL), out);
}
