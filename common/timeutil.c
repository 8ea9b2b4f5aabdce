/*
 * timeutil.c - clocks and RFC 3339 formatting and parsing.
 */
#include <string.h>

#include "common/timeutil.h"

int64_t
time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
rfc3339_format(time_t t, char *buf, size_t n)
{
	struct tm tm;
	if (n < RFC3339_LEN || gmtime_r(&t, &tm) == NULL)
		return -1;
	if (strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

int
days_in_month(int year, int month)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30,
	                         31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (month < 1 || month > 12)
		return 0;
	return dm[month - 1] + (month == 2 && leap);
}

long long
days_from_civil(long long year, unsigned month, unsigned day)
{
	long long era;
	unsigned yoe, doy, doe;

	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	yoe = (unsigned)(year - era * 400);
	doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

int
month_from_abbr(const char *p, int fold)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char c[3];

	for (int k = 0; k < 3; k++)
		c[k] = fold ? (char)(p[k] | 0x20) : p[k];
	for (int m = 0; m < 12; m++) {
		const char *nm = names + 3 * m;
		char first = fold ? (char)(nm[0] | 0x20) : nm[0];

		if (c[0] == first && c[1] == nm[1] && c[2] == nm[2])
			return m + 1;
	}
	return 0;
}

int
time_digits(const char *p, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

int
civil_parse(const char *p, struct civil *c)
{
	c->year = time_digits(p, 4);
	c->month = time_digits(p + 5, 2);
	c->day = time_digits(p + 8, 2);
	c->hour = time_digits(p + 11, 2);
	c->min = time_digits(p + 14, 2);
	c->sec = time_digits(p + 17, 2);
	return c->year < 0 || c->month < 0 || c->day < 0 || c->hour < 0 ||
	               c->min < 0 || c->sec < 0
	           ? -1
	           : 0;
}

int
civil_valid(const struct civil *c)
{
	return c->year >= 0 && c->month >= 1 && c->month <= 12 && c->day >= 1 &&
	       c->day <= days_in_month(c->year, c->month) && c->hour >= 0 &&
	       c->hour <= 23 && c->min >= 0 && c->min <= 59 && c->sec >= 0 &&
	       c->sec <= 60;
}

time_t
civil_to_time(const struct civil *c)
{
	return (time_t)(days_from_civil(c->year, (unsigned)c->month,
	                                (unsigned)c->day) *
	                    86400 +
	                c->hour * 3600 + c->min * 60 + c->sec);
}

int
rfc3339_parse(const char *s, size_t len, time_t *out)
{
	struct civil c;
	int off = 0;
	size_t i = 19;

	if (len < 20)
		return -1;
	if (s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':')
		return -1;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	if (civil_parse(s, &c) == -1 || !civil_valid(&c))
		return -1;
	if (s[i] == '.') {
		size_t start = ++i;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || i - start > 9)
			return -1;
	}
	if (i >= len)
		return -1;
	if (s[i] == 'Z' || s[i] == 'z') {
		i++;
	} else if (s[i] == '+' || s[i] == '-') {
		int sign = s[i] == '-' ? -1 : 1, oh, om;
		if (len - i == 6 && s[i + 3] == ':') {
			oh = time_digits(s + i + 1, 2);
			om = time_digits(s + i + 4, 2);
			i += 6;
		} else if (len - i == 5) {
			oh = time_digits(s + i + 1, 2);
			om = time_digits(s + i + 3, 2);
			i += 5;
		} else {
			return -1;
		}
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (i != len)
		return -1;
	*out = civil_to_time(&c) - off; /* second 60: the next minute */
	return 0;
}
