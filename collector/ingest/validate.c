/*
 * validate.c - table-driven validation of a report (see validate.h).
 *
 * Each object the report may hold has a table of fields: name, type,
 * whether it is required, whether null is allowed, a bound (string length,
 * array length or the largest integer) and, for objects and arrays of
 * objects, the table of the nested object.  Errors name the path, e.g.
 * "events[3].pid: expected an integer".
 *
 * The rules are schema/report.schema.json's, read as JSON Schema reads
 * them: string lengths in characters (code points), not bytes; an
 * integer is any number without a fraction (60.0 is 60, and is stored as
 * the integer 60); integers at most 2^53 in magnitude; no second 60.
 * tests/e2e/collector_schema.sh runs both on the same corpus.
 */
#include <stdio.h>
#include <string.h>

#include "collector/ingest/json_cost.h"
#include "collector/ingest/validate.h"
#include "common/gzip.h"
#include "common/labels.h"
#include "common/strbuf.h"
#include "common/timeutil.h"
#include "common/uuid.h"

enum vtype {
	T_STR, /* string, min..max characters */
	T_INT, /* integer min..max (max 0: V_MAX_COUNT) */
	T_NUM, /* number min..max */
	T_BOOL,
	T_TS,     /* RFC 3339 UTC: YYYY-MM-DDTHH:MM:SS[.frac]Z */
	T_MODE,   /* octal mode text, 3 to 6 digits */
	T_ENUM,   /* string out of enumv */
	T_OBJ,    /* object with sub fields */
	T_OBJARR, /* array (<= max) of objects with sub fields */
	T_STRARR, /* array (<= max) of strings (<= V_MAX_STR) */
	T_INTMAP, /* object whose values are integers >= 0 */
	T_JOBJ,   /* any object, serialized size <= max */
	T_STRINT, /* string (<= max) or integer (errno) */
	T_LABELS, /* host labels (common/labels.h) */
};

#define REQ 1u /* must be present */
#define NUL 2u /* null allowed */

struct vfield {
	const char *name;
	enum vtype type;
	unsigned flags;
	long long min, max;
	const struct vfield *sub;
	const char *const *enumv;
};

#define END                                                                    \
	{                                                                      \
		NULL, 0, 0, 0, 0, NULL, NULL                                   \
	}
#define ID_MAX 4294967295LL

static const char *const schemas[] = {REPORT_SCHEMA, NULL};

static const struct vfield f_host[] = {
    {"name", T_STR, REQ, 1, 253, NULL, NULL},
    {"os", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"kernel", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"labels", T_LABELS, 0, 0, 0, NULL, NULL},
    END,
};
static const struct vfield f_agent[] = {
    {"version", T_STR, REQ, 1, 256, NULL, NULL},
    END,
};
static const struct vfield f_expected[] = {
    {"owner", T_STR, NUL, 0, 256, NULL, NULL},
    {"group", T_STR, NUL, 0, 256, NULL, NULL},
    {"mode", T_MODE, NUL, 0, 0, NULL, NULL},
    END,
};
static const struct vfield f_spool[] = {
    {"path", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    {"role", T_ENUM, REQ, 0, 0, NULL, report_schema_roles},
    {"exists", T_BOOL, REQ, 0, 0, NULL, NULL},
    {"owner", T_STR, NUL, 0, 256, NULL, NULL},
    {"group", T_STR, NUL, 0, 256, NULL, NULL},
    {"uid", T_INT, NUL, 0, ID_MAX, NULL, NULL},
    {"gid", T_INT, NUL, 0, ID_MAX, NULL, NULL},
    {"mode", T_MODE, NUL, 0, 0, NULL, NULL},
    {"expected", T_OBJ, NUL, 0, 0, f_expected, NULL},
    {"writable_by_mta", T_BOOL, NUL, 0, 0, NULL, NULL},
    {"entries", T_INT, NUL, 0, 0, NULL, NULL},
    {"by_prefix", T_INTMAP, NUL, 0, 256, NULL, NULL},
    {"orphans", T_INT, NUL, 0, 0, NULL, NULL},
    {"oldest_age_s", T_INT, NUL, 0, 0, NULL, NULL},
    {"dir_size_bytes", T_INT, NUL, 0, 0, NULL, NULL},
    {"ok", T_BOOL, REQ, 0, 0, NULL, NULL},
    END,
};
static const struct vfield f_fs[] = {
    {"mount", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    {"device", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"fstype", T_STR, NUL, 0, 256, NULL, NULL},
    {"inodes_total", T_INT, NUL, 0, 0, NULL, NULL},
    {"inodes_used", T_INT, NUL, 0, 0, NULL, NULL},
    {"inodes_free", T_INT, NUL, 0, 0, NULL, NULL},
    {"inodes_used_pct", T_NUM, NUL, 0, 100, NULL, NULL},
    {"bytes_total", T_INT, NUL, 0, 0, NULL, NULL},
    {"bytes_free", T_INT, NUL, 0, 0, NULL, NULL},
    END,
};
static const struct vfield f_mta[] = {
    {"kind", T_STR, REQ, 1, 64, NULL, NULL},
    {"daemon_running", T_BOOL, NUL, 0, 0, NULL, NULL},
    {"smtp_listening", T_BOOL, NUL, 0, 0, NULL, NULL},
    END,
};
static const struct vfield f_event[] = {
    {"id", T_STR, REQ, 1, 256, NULL, NULL},
    {"ts", T_TS, REQ, 0, 0, NULL, NULL},
    {"source", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"program", T_STR, NUL, 0, 256, NULL, NULL},
    {"pid", T_INT, NUL, 0, 0, NULL, NULL},
    {"queue_id", T_STR, NUL, 0, 256, NULL, NULL},
    {"kind", T_ENUM, REQ, 0, 0, NULL, report_schema_kinds},
    {"stage", T_STR, NUL, 0, 256, NULL, NULL},
    {"message", T_STR, REQ, 0, V_MAX_TEXT, NULL, NULL},
    {"errno", T_STRINT, NUL, 0, 256, NULL, NULL},
    {"path", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"uid", T_INT, NUL, 0, ID_MAX, NULL, NULL},
    {"gid", T_INT, NUL, 0, ID_MAX, NULL, NULL},
    {"signature", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"raw", T_STR, REQ, 0, V_MAX_TEXT, NULL, NULL},
    END,
};
static const struct vfield f_group[] = {
    {"signature", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    {"kind", T_ENUM, REQ, 0, 0, NULL, report_schema_kinds},
    {"count", T_INT, REQ, 1, 0, NULL, NULL},
    {"first_ts", T_TS, REQ, 0, 0, NULL, NULL},
    {"last_ts", T_TS, REQ, 0, 0, NULL, NULL},
    {"example", T_STR, NUL, 0, V_MAX_TEXT, NULL, NULL},
    END,
};
static const struct vfield f_cron[] = {
    {"user", T_STR, NUL, 0, 256, NULL, NULL},
    {"command", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    {"count", T_INT, REQ, 1, 0, NULL, NULL},
    {"unread", T_INT, 0, 0, 0, NULL, NULL},
    {"last_ts", T_TS, NUL, 0, 0, NULL, NULL},
    {"subject", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"excerpt", T_STR, NUL, 0, V_MAX_TEXT, NULL, NULL},
    END,
};
static const struct vfield f_mailbox[] = {
    {"user", T_STR, REQ, 1, 256, NULL, NULL},
    {"path", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    {"messages", T_INT, REQ, 0, 0, NULL, NULL},
    {"unread", T_INT, REQ, 0, 0, NULL, NULL},
    {"bytes", T_INT, NUL, 0, 0, NULL, NULL},
    {"oldest_ts", T_TS, NUL, 0, 0, NULL, NULL},
    {"newest_ts", T_TS, NUL, 0, 0, NULL, NULL},
    {"cron", T_OBJARR, 0, 0, V_MAX_SMALL, f_cron, NULL},
    END,
};
static const struct vfield f_queued[] = {
    {"queue", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    {"id", T_STR, REQ, 1, 256, NULL, NULL},
    {"from", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"to", T_STRARR, 0, 0, V_MAX_SMALL, NULL, NULL},
    {"subject", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"created_ts", T_TS, NUL, 0, 0, NULL, NULL},
    {"tries", T_INT, NUL, 0, 0, NULL, NULL},
    {"status", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    {"cron_command", T_STR, NUL, 0, V_MAX_STR, NULL, NULL},
    END,
};
static const struct vfield f_mail[] = {
    {"mailboxes", T_OBJARR, REQ, 0, V_MAX_SMALL, f_mailbox, NULL},
    {"queued", T_OBJARR, REQ, 0, V_MAX_ITEMS, f_queued, NULL},
    {"queued_total", T_INT, REQ, 0, 0, NULL, NULL},
    END,
};
static const struct vfield f_cause[] = {
    {"code", T_ENUM, REQ, 0, 0, NULL, report_schema_codes},
    {"subject", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    END,
};
static const struct vfield f_finding[] = {
    {"code", T_ENUM, REQ, 0, 0, NULL, report_schema_codes},
    {"severity", T_ENUM, REQ, 0, 0, NULL, report_schema_severities},
    {"subject", T_STR, REQ, 1, V_MAX_STR, NULL, NULL},
    {"message", T_STR, REQ, 1, V_MAX_TEXT, NULL, NULL},
    {"evidence", T_JOBJ, REQ, 0, V_MAX_TEXT, NULL, NULL},
    {"remedy", T_STR, REQ, 0, V_MAX_TEXT, NULL, NULL},
    {"caused_by", T_OBJ, 0, 0, 0, f_cause, NULL},
    END,
};
static const struct vfield f_error[] = {
    {"source", T_STR, REQ, 0, V_MAX_STR, NULL, NULL},
    {"error", T_STR, REQ, 0, V_MAX_TEXT, NULL, NULL},
    END,
};
static const struct vfield f_report[] = {
    {"schema", T_ENUM, REQ, 0, 0, NULL, schemas},
    {"report_id", T_STR, REQ, 1, 64, NULL, NULL},
    {"host", T_OBJ, REQ, 0, 0, f_host, NULL},
    {"agent", T_OBJ, REQ, 0, 0, f_agent, NULL},
    {"collected_at", T_TS, REQ, 0, 0, NULL, NULL},
    {"interval_s", T_INT, REQ, 1, 30 * 86400, NULL, NULL},
    {"outbox_dropped", T_INT, 0, 0, 0, NULL, NULL},
    {"spools", T_OBJARR, 0, 0, V_MAX_SMALL, f_spool, NULL},
    {"filesystems", T_OBJARR, 0, 0, V_MAX_SMALL, f_fs, NULL},
    {"mta", T_OBJ, 0, 0, 0, f_mta, NULL},
    {"events", T_OBJARR, 0, 0, V_MAX_ITEMS, f_event, NULL},
    {"event_groups", T_OBJARR, 0, 0, V_MAX_ITEMS, f_group, NULL},
    {"mail", T_OBJ, 0, 0, 0, f_mail, NULL},
    {"findings", T_OBJARR, REQ, 0, V_MAX_SMALL, f_finding, NULL},
    {"errors", T_OBJARR, REQ, 0, V_MAX_SMALL, f_error, NULL},
    END,
};

struct vctx {
	char path[512]; /* "events[3]" */
	char *err;
	size_t errlen;
	time_t now;
	long long max_skew;
	int normalized; /* a value was rewritten: 60.0 became 60 */
};

static int
fail(struct vctx *v, const char *field, const char *what)
{
	snprintf(v->err, v->errlen, "%s%s%s: %s", v->path,
	         v->path[0] && field ? "." : "", field ? field : "", what);
	return -1;
}

static int check_object(struct vctx *v, json_t *o, const struct vfield *fs);

static int
utf8_ok(const char *s, size_t n)
{
	/* jansson already rejects invalid UTF-8; NUL bytes are refused. */
	return memchr(s, '\0', n) == NULL;
}

/* chars - the length of valid UTF-8 s of n bytes in code points, as
 * JSON Schema's minLength and maxLength count it. */
static long long
chars(const char *s, size_t n)
{
	long long c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* ts_strict - the schema's timestamp form: UTC with 'Z', optional
 * fraction of 1 to 9 digits, fields in range (rfc3339_parse). */
static int
ts_strict(const char *s, size_t n, time_t *t)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n < 20)
		return -1;
	for (i = 0; i < sizeof(pat) - 1; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return -1;
	}
	if (s[i] == '.') {
		size_t d = 0;
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			d++;
		if (d < 1 || d > 9)
			return -1;
	}
	if (i != n - 1 || s[i] != 'Z')
		return -1;
	if (s[17] > '5') /* second 60: Unix time has no leap seconds */
		return -1;
	return rfc3339_parse(s, n, t);
}

static int
mode_ok(const char *s, size_t n)
{
	if (n < 3 || n > 6)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '7')
			return 0;
	return 1;
}

/* check_string - T_STR, T_ENUM, T_TS and T_MODE. */
static int
check_string(struct vctx *v, const struct vfield *f, json_t *x)
{
	const char *s;
	size_t n;
	char msg[160];
	time_t t;

	if (!json_is_string(x))
		return fail(v, f->name, "expected a string");
	s = json_string_value(x);
	n = json_string_length(x);
	if (!utf8_ok(s, n))
		return fail(v, f->name, "contains a NUL byte");
	switch (f->type) {
	case T_STR:
		if (chars(s, n) > f->max) {
			snprintf(msg, sizeof(msg),
			         "string longer than %lld characters", f->max);
			return fail(v, f->name, msg);
		}
		if (chars(s, n) < f->min)
			return fail(v, f->name, "must not be empty");
		return 0;
	case T_ENUM:
		if (report_schema_find(f->enumv, s) < 0)
			return fail(v, f->name,
			            "not one of the allowed values");
		return 0;
	case T_MODE:
		if (!mode_ok(s, n))
			return fail(v, f->name,
			            "expected an octal mode "
			            "of 3 to 6 digits, e.g. \"0770\"");
		return 0;
	default: /* T_TS */
		if (ts_strict(s, n, &t) == -1)
			return fail(v, f->name,
			            "not an RFC 3339 UTC "
			            "timestamp (YYYY-MM-DDTHH:MM:SSZ)");
		if ((long long)t > (long long)v->now + v->max_skew)
			return fail(v, f->name,
			            "timestamp too far in the future");
		return 0;
	}
}

/* integral - 1 if x is an integer, or a real without a fraction within
 * V_MAX_COUNT (JSON Schema: 60.0 is the integer 60). */
static int
integral(json_t *x)
{
	double d;

	if (json_is_integer(x))
		return 1;
	if (!json_is_real(x))
		return 0;
	d = json_real_value(x);
	return d >= -(double)V_MAX_COUNT && d <= (double)V_MAX_COUNT &&
	       d == (double)(long long)d;
}

/* int_value - the value of x, integral() true. */
static long long
int_value(json_t *x)
{
	return json_is_integer(x) ? (long long)json_integer_value(x)
	                          : (long long)json_real_value(x);
}

/* check_number - T_INT and T_NUM within min..max. */
static int
check_number(struct vctx *v, const struct vfield *f, json_t *x)
{
	char msg[160];
	long long max = f->max ? f->max : V_MAX_COUNT;

	if (f->type == T_NUM) {
		if (!json_is_number(x))
			return fail(v, f->name, "expected a number");
		if (json_number_value(x) < (double)f->min ||
		    json_number_value(x) > (double)f->max) {
			snprintf(msg, sizeof(msg), "outside %lld..%lld", f->min,
			         f->max);
			return fail(v, f->name, msg);
		}
		return 0;
	}
	if (!integral(x))
		return fail(v, f->name, "expected an integer");
	if (int_value(x) < f->min) {
		snprintf(msg, sizeof(msg), "must be at least %lld", f->min);
		return fail(v, f->name, msg);
	}
	if (int_value(x) > max) {
		snprintf(msg, sizeof(msg), "larger than %lld", max);
		return fail(v, f->name, msg);
	}
	return 0;
}

/* check_nested - T_OBJ: the object against f->sub, its path extended. */
static int
check_nested(struct vctx *v, const struct vfield *f, json_t *x)
{
	size_t plen = strlen(v->path);

	if (!json_is_object(x))
		return fail(v, f->name, "expected an object");
	snprintf(v->path + plen, sizeof(v->path) - plen, "%s%s",
	         plen ? "." : "", f->name);
	if (check_object(v, x, f->sub) == -1)
		return -1;
	v->path[plen] = '\0';
	return 0;
}

/* check_item - one element e of a T_OBJARR or T_STRARR (path set). */
static int
check_item(struct vctx *v, const struct vfield *f, json_t *e)
{
	if (f->type == T_OBJARR) {
		if (!json_is_object(e))
			return fail(v, NULL, "expected an object");
		return check_object(v, e, f->sub);
	}
	if (!json_is_string(e))
		return fail(v, NULL, "expected a string");
	if (chars(json_string_value(e), json_string_length(e)) > V_MAX_STR ||
	    !utf8_ok(json_string_value(e), json_string_length(e)))
		return fail(v, NULL, "string too long or with NUL");
	return 0;
}

/* check_array - T_OBJARR and T_STRARR: at most f->max items, each
 * checked with "name[i]" in the path. */
static int
check_array(struct vctx *v, const struct vfield *f, json_t *x)
{
	char msg[160];
	size_t plen;

	if (!json_is_array(x))
		return fail(v, f->name, "expected an array");
	if ((long long)json_array_size(x) > f->max) {
		snprintf(msg, sizeof(msg), "more than %lld items", f->max);
		return fail(v, f->name, msg);
	}
	plen = strlen(v->path);
	for (size_t i = 0; i < json_array_size(x); i++) {
		snprintf(v->path + plen, sizeof(v->path) - plen, "%s%s[%zu]",
		         plen ? "." : "", f->name, i);
		if (check_item(v, f, json_array_get(x, i)) == -1)
			return -1;
	}
	v->path[plen] = '\0';
	return 0;
}

/* check_intmap - T_INTMAP: at most f->max short keys, integers >= 0. */
static int
check_intmap(struct vctx *v, const struct vfield *f, json_t *x)
{
	const char *k;
	json_t *val;
	size_t plen;

	if (!json_is_object(x))
		return fail(v, f->name, "expected an object");
	if ((long long)json_object_size(x) > f->max)
		return fail(v, f->name, "too many keys");
	plen = strlen(v->path);
	json_object_foreach(x, k, val)
	{
		if (chars(k, strlen(k)) > V_MAX_MAP_KEY)
			return fail(v, f->name,
			            "key longer than 64 characters");
		if (!integral(val) || int_value(val) < 0 ||
		    int_value(val) > V_MAX_COUNT) {
			snprintf(v->path + plen, sizeof(v->path) - plen, "%s%s",
			         plen ? "." : "", f->name);
			return fail(v, k, "expected an integer 0..2^53");
		}
		if (json_is_real(val)) {
			json_object_set_new(x, k, json_integer(int_value(val)));
			v->normalized = 1;
		}
	}
	return 0;
}

/* check_labels - T_LABELS: labels_check, the path naming the key. */
static int
check_labels(struct vctx *v, const struct vfield *f, json_t *x)
{
	const char *key, *why = labels_check(x, &key);
	size_t plen = strlen(v->path);
	int rc;

	if (why == NULL)
		return 0;
	if (key == NULL)
		return fail(v, f->name, why);
	snprintf(v->path + plen, sizeof(v->path) - plen, "%s%s",
	         plen ? "." : "", f->name);
	rc = fail(v, key, why);
	v->path[plen] = '\0';
	return rc;
}

/* compact_bound - at least the length of x as compact JSON, without
 * writing it: a string takes at most 6 bytes a byte (\u00XX), a number
 * 24.  Recursion is bounded by the parser's depth limit. */
static size_t
compact_bound(json_t *x)
{
	const char *k;
	json_t *v;
	size_t n, i;

	switch (json_typeof(x)) {
	case JSON_OBJECT:
		n = 2;
		json_object_foreach(x, k, v) n +=
		    2 + 6 * strlen(k) + 2 + compact_bound(v);
		return n;
	case JSON_ARRAY:
		n = 2;
		json_array_foreach(x, i, v) n += 1 + compact_bound(v);
		return n;
	case JSON_STRING:
		return 2 + 6 * json_string_length(x);
	default:
		return 24;
	}
}

/* check_value - x (present, not null) against field f, by its type. */
static int
check_value(struct vctx *v, const struct vfield *f, json_t *x)
{
	switch (f->type) {
	case T_STR:
	case T_ENUM:
	case T_TS:
	case T_MODE:
		return check_string(v, f, x);
	case T_INT:
	case T_NUM:
		return check_number(v, f, x);
	case T_BOOL:
		if (!json_is_boolean(x))
			return fail(v, f->name, "expected true or false");
		return 0;
	case T_STRINT:
		if (integral(x)) {
			if (int_value(x) < -V_MAX_COUNT ||
			    int_value(x) > V_MAX_COUNT)
				return fail(v, f->name, "integer beyond 2^53");
			return 0;
		}
		if (!json_is_string(x))
			return fail(v, f->name, "expected a string or integer");
		if (chars(json_string_value(x), json_string_length(x)) > f->max)
			return fail(v, f->name, "string too long");
		return 0;
	case T_OBJ:
		return check_nested(v, f, x);
	case T_OBJARR:
	case T_STRARR:
		return check_array(v, f, x);
	case T_INTMAP:
		return check_intmap(v, f, x);
	case T_LABELS:
		return check_labels(v, f, x);
	case T_JOBJ:
		if (!json_is_object(x))
			return fail(v, f->name, "expected an object");
		/* the exact size only when the bound does not settle it */
		if ((long long)compact_bound(x) > f->max &&
		    (long long)json_dumpb(x, NULL, 0, JSON_COMPACT) > f->max)
			return fail(v, f->name, "too large");
		return 0;
	}
	return fail(v, f->name, "unknown type");
}

static int
check_object(struct vctx *v, json_t *o, const struct vfield *fs)
{
	for (const struct vfield *f = fs; f->name; f++) {
		json_t *x = json_object_get(o, f->name);
		if (x == NULL) {
			if (f->flags & REQ)
				return fail(v, f->name, "missing");
			continue;
		}
		if (json_is_null(x)) {
			if (f->flags & NUL)
				continue;
			return fail(v, f->name, "must not be null");
		}
		if (check_value(v, f, x) == -1)
			return -1;
		/* an integral real (60.0) is stored as the integer it is */
		if ((f->type == T_INT || f->type == T_STRINT) &&
		    json_is_real(x)) {
			json_object_set_new(o, f->name,
			                    json_integer(int_value(x)));
			v->normalized = 1;
		}
	}
	return 0;
}

/* host_name_routable - 1 if name can be one segment of a URL path: no
 * '/', not "." or ".." (which a browser folds away). */
static int
host_name_routable(const char *name)
{
	return strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

json_t *
report_parse(const char *text, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *r;

	r = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (r == NULL) {
		snprintf(err, errlen, "malformed JSON at line %d column %d: %s",
		         je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(r)) {
		json_decref(r);
		snprintf(err, errlen, "the report must be a JSON object");
		return NULL;
	}
	return r;
}

/* validate - report_validate; *normalized (if not NULL) tells whether a
 * value of r was rewritten. */
static int
validate(json_t *r, time_t now, long long max_skew, char *err, size_t errlen,
         int *normalized)
{
	struct vctx v;

	memset(&v, 0, sizeof(v));
	v.err = err;
	v.errlen = errlen;
	v.now = now;
	v.max_skew = max_skew;
	if (!json_is_object(r))
		return fail(&v, NULL, "the report must be a JSON object");
	if (check_object(&v, r, f_report) == -1)
		return -1;
	if (!uuid_valid(json_string_value(json_object_get(r, "report_id"))))
		return fail(&v, "report_id", "not a UUID");
	if (!host_name_routable(json_string_value(
	        json_object_get(json_object_get(r, "host"), "name"))))
		return fail(&v, "host.name",
		            "must not contain '/' nor be '.' or '..' (it is "
		            "a path segment of /api/v1/hosts/{name})");
	if (normalized)
		*normalized = v.normalized;
	return 0;
}

int
report_validate(json_t *r, time_t now, long long max_skew, char *err,
                size_t errlen)
{
	return validate(r, now, max_skew, err, errlen, NULL);
}

long long
json_ts(json_t *o, const char *key, long long dflt)
{
	json_t *x = json_object_get(o, key);
	time_t t;

	if (!json_is_string(x) ||
	    rfc3339_parse(json_string_value(x), json_string_length(x), &t) ==
	        -1)
		return dflt;
	return (long long)t;
}

enum decode_status
report_decode(const void *body, size_t len, int gzip, size_t max_json,
              time_t now, long long max_skew, json_t **out,
              struct report_text *txt, char *err, size_t errlen)
{
	struct strbuf plain;
	const char *text = len ? body : "";
	json_t *r;
	int normalized = 0;

	*out = NULL;
	strbuf_init(&plain, max_json);
	if (gzip) {
		enum gzip_status g =
		    gzip_decompress(body, len, max_json, &plain, err, errlen);
		if (g != GZIP_OK) {
			strbuf_free(&plain);
			if (g == GZIP_TOOBIG) {
				snprintf(err, errlen,
				         "decoded report larger "
				         "than max_json (%zu bytes)",
				         max_json);
				return DECODE_TOO_LARGE;
			}
			return DECODE_GZIP;
		}
		text = plain.buf ? plain.buf : "";
		len = plain.len;
	} else if (len > max_json) {
		snprintf(err, errlen, "report larger than max_json (%zu bytes)",
		         max_json);
		return DECODE_TOO_LARGE;
	}
	/* max_json bounds the memory of one decoding: the text and the
	 * tree jansson would build from it, counted before it is built */
	if (json_cost(text, len, max_json - len) > max_json - len) {
		strbuf_free(&plain);
		snprintf(err, errlen,
		         "decoded report would take more than max_json (%zu "
		         "bytes) of memory: too many values",
		         max_json);
		return DECODE_TOO_LARGE;
	}
	r = report_parse(text, len, err, errlen);
	if (r == NULL) {
		strbuf_free(&plain);
		return DECODE_MALFORMED;
	}
	if (validate(r, now, max_skew, err, errlen, &normalized) == -1) {
		strbuf_free(&plain);
		json_decref(r);
		return DECODE_INVALID;
	}
	*out = r;
	if (txt == NULL) {
		strbuf_free(&plain);
		return DECODE_OK;
	}
	txt->plain = plain;
	txt->text = text;
	txt->len = len;
	txt->exact = !normalized;
	return DECODE_OK;
}

void
report_text_free(struct report_text *txt)
{
	strbuf_free(&txt->plain);
	memset(txt, 0, sizeof(*txt));
}
