/*
 * jsonutil.c - typed member getters over jansson.
 */
#include "common/jsonutil.h"
#include "common/timeutil.h"

const char *
jsonutil_str(const json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : dflt;
}

long long
jsonutil_int(const json_t *o, const char *key, long long dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

long long
jsonutil_need_int(const json_t *o, const char *key, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v)) {
		*bad = 1;
		return 0;
	}
	return (long long)json_integer_value(v);
}

json_t *
jsonutil_ts(long long t)
{
	char buf[RFC3339_LEN];

	if (rfc3339_format((time_t)t, buf, sizeof(buf)) != 0)
		return json_null();
	return json_string(buf);
}

json_t *
jsonutil_ts_known(long long t)
{
	return t < 0 ? json_null() : jsonutil_ts(t);
}
