/*
 * qid.c - decode the creation time of a sendmail 8.12+ queue id.
 */
#include <string.h>
#include <time.h>

#include "agent/parse/qid.h"
#include "common/timeutil.h"

#define QID_HEAD 8 /* six time characters, two of sequence */
#define QID_PID_MIN 6
#define QID_PID_MAX 10

static int
abs_diff(int a, int b)
{
	return a > b ? a - b : b - a;
}

/* The value of each base-60 character (y, z: 60, 61), -1 for others. */
static signed char qid_val[256];
static int qid_val_ready;

static void
qid_val_init(void)
{
	memset(qid_val, -1, sizeof(qid_val));
	for (int c = '0'; c <= '9'; c++)
		qid_val[c] = (signed char)(c - '0');
	for (int c = 'A'; c <= 'Z'; c++)
		qid_val[c] = (signed char)(c - 'A' + 10);
	for (int c = 'a'; c <= 'z'; c++)
		qid_val[c] = (signed char)(c - 'a' + 36);
	qid_val_ready = 1;
}

void
qid_clock_init(struct qid_clock *qc, time_t now)
{
	struct tm tm;

	if (!qid_val_ready)
		qid_val_init();
	qc->nowyear = gmtime_r(&now, &tm) != NULL ? tm.tm_year + 1900 : 1970;
	qc->day = -1;
}

/* id_day - the days since 1970 of the year % 60, month, day values v
 * (already range-checked), or -1 if that day does not exist. */
static long long
id_day(const struct qid_clock *qc, const int *v)
{
	int year, best = 0;

	/* the year of the 60-year cycle closest to now */
	for (int d = -1; d <= 1; d++) {
		year =
		    qc->nowyear - ((qc->nowyear - 1900) % 60) + v[0] + 60 * d;
		if (best == 0 ||
		    abs_diff(year, qc->nowyear) < abs_diff(best, qc->nowyear))
			best = year;
	}
	if (v[2] < 1 || v[2] > days_in_month(best, v[1] + 1))
		return -1;
	return days_from_civil(best, (unsigned)v[1] + 1, (unsigned)v[2]);
}

int
qid_time_at(struct qid_clock *qc, const char *id, size_t n, time_t *out)
{
	static const int maxv[6] = {59, 11, 31, 23, 59, 61};
	const unsigned char *u = (const unsigned char *)id;
	int v[6];

	if (n < QID_HEAD + QID_PID_MIN || n > QID_HEAD + QID_PID_MAX)
		return -1;
	for (int i = 0; i < 6; i++) {
		v[i] = qid_val[u[i]];
		if (v[i] < 0 || v[i] > maxv[i])
			return -1;
	}
	if (qid_val[u[6]] < 0 || qid_val[u[6]] > 59 || qid_val[u[7]] < 0 ||
	    qid_val[u[7]] > 59)
		return -1;
	for (size_t k = QID_HEAD; k < n; k++)
		if (u[k] < '0' || u[k] > '9')
			return -1;
	/* three bytes, compared as such (musl's memcmp is a call and a
	 * loop) */
	if (qc->day == -1 || qc->ymd[0] != u[0] || qc->ymd[1] != u[1] ||
	    qc->ymd[2] != u[2]) {
		long long day = id_day(qc, v);

		if (day == -1)
			return -1;
		memcpy(qc->ymd, u, 3);
		qc->day = day;
	}
	*out = (time_t)(qc->day * 86400 + v[3] * 3600 + v[4] * 60 + v[5]);
	return 0;
}

int
qid_time_near(const char *id, size_t n, time_t now, time_t *out)
{
	struct qid_clock qc;

	qid_clock_init(&qc, now);
	return qid_time_at(&qc, id, n, out);
}

int
qid_time(const char *id, size_t n, time_t *out)
{
	return qid_time_near(id, n, time(NULL), out);
}
