/*
 * notify_body.c - webhook bodies and Alertmanager alerts (see
 * notify_body.h).
 */
#include <ctype.h>
#include <string.h>

#include "collector/notify/notify_body.h"
#include "collector/store/db.h"
#include "common/jsonutil.h"
#include "common/timeutil.h"

const char *
notify_event_name(enum notify_event ev)
{
	switch (ev) {
	case NOTIFY_OPENED:
		return "opened";
	case NOTIFY_STILL_OPEN:
		return "still_open";
	case NOTIFY_RESOLVED:
		break;
	}
	return "resolved";
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
time_or_null(long long t)
{
	return t > 0 ? jsonutil_ts(t) : json_null();
}

char *
webhook_body(const struct notify_finding *f, enum notify_event ev,
             const char *delivery, long long now)
{
	json_t *labels =
	    json_is_object(f->labels) ? json_incref(f->labels) : json_object();
	json_t *o = json_pack(
	    "{s:s,s:s,s:o,s:{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o}}",
	    "id", delivery, "event", notify_event_name(ev), "created_at",
	    jsonutil_ts(now), "finding", "id", (json_int_t)f->id, "host",
	    str_or_null(f->host), "code", str_or_null(f->code), "subject",
	    str_or_null(f->subject), "severity", str_or_null(f->severity),
	    "message", str_or_null(f->message), "remedy",
	    str_or_null(f->remedy), "first_seen", time_or_null(f->first_seen),
	    "last_seen", time_or_null(f->last_seen), "resolved_at",
	    time_or_null(f->resolved_at), "state",
	    f->resolved_at > 0 ? "resolved" : "open", "labels", labels);
	char *text;

	if (o == NULL)
		return NULL;
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

/* label_name_ok - a Prometheus label name, [a-zA-Z_][a-zA-Z0-9_]*, and
 * not one reserved for internal use (a leading "__").  Alertmanager
 * refuses a whole request over one bad name. */
static int
label_name_ok(const char *k)
{
	if (!isalpha((unsigned char)k[0]) && k[0] != '_')
		return 0;
	if (k[0] == '_' && k[1] == '_')
		return 0;
	for (const char *p = k; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

/* label_set - labels[key] = value unless value is NULL or key taken. */
static void
label_set(json_t *labels, const char *key, const char *value)
{
	if (value && *value && json_object_get(labels, key) == NULL)
		json_object_set_new(labels, key, json_string(value));
}

char *
alert_body(const struct notify_finding *f, enum notify_event ev)
{
	json_t *labels = json_object(), *ann = json_object(), *o, *v;
	const char *k;
	char *text;

	label_set(labels, "alertname", f->code);
	label_set(labels, "host", f->host);
	label_set(labels, "code", f->code);
	label_set(labels, "subject", f->subject);
	label_set(labels, "severity", f->severity);
	if (json_is_object(f->labels)) {
		json_object_foreach(f->labels, k, v)
		{
			if (json_is_string(v) && label_name_ok(k))
				label_set(labels, k, json_string_value(v));
		}
	}
	label_set(ann, "message", f->message);
	label_set(ann, "remedy", f->remedy);
	o = json_pack("{s:o,s:o,s:o}", "labels", labels, "annotations", ann,
	              "startsAt", time_or_null(f->first_seen));
	if (o == NULL)
		return NULL;
	if (ev == NOTIFY_RESOLVED)
		json_object_set_new(o, "endsAt", time_or_null(f->resolved_at));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

json_t *
alert_ends(const char *alert, long long ends, long long now)
{
	json_t *o = json_loads(alert, 0, NULL), *e;
	time_t t;

	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	e = json_object_get(o, "endsAt");
	if (!json_is_string(e))
		json_object_set_new(o, "endsAt", jsonutil_ts(ends));
	else if (rfc3339_parse(json_string_value(e), json_string_length(e),
	                       &t) == 0 &&
	         (long long)t > now)
		json_object_set_new(o, "endsAt", jsonutil_ts(now));
	return o;
}
