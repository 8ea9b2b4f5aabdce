/*
 * test_collector_api_req.c - what the read API's endpoints share
 * (api_req.c): limit and cursor arguments, timestamps, enumerations, the
 * error shape, LIKE escaping, hex cursors, and list_page() over a small
 * in-memory table (pages, next_cursor, a database error).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collector/api/api_req.h"
#include "common/hex.h"
#include "common/report_schema.h"

struct kv {
	const char *k[4], *v[4];
};

static const char *
arg(void *cls, const char *key)
{
	struct kv *a = cls;

	for (int i = 0; i < 4 && a->k[i]; i++)
		if (strcmp(a->k[i], key) == 0)
			return a->v[i];
	return NULL;
}

static struct api_req
req(sqlite3 *db, struct kv *a)
{
	struct api_req r = {db, 0, 0, arg, a, NULL, NULL};
	return r;
}

/* err_code - the error code of ans (its body freed). */
static const char *
err_code(struct api_answer *ans)
{
	static char code[64];
	json_t *e = json_object_get(ans->body, "error");

	assert_non_null(e);
	assert_true(json_is_string(json_object_get(e, "message")));
	snprintf(code, sizeof(code), "%s",
	         json_string_value(json_object_get(e, "code")));
	json_decref(ans->body);
	ans->body = NULL;
	return code;
}

static void
test_list_args(void **state)
{
	struct kv a = {{"limit", "cursor"}, {NULL, NULL}};
	struct api_req r = req(NULL, &a);
	struct api_answer ans = {.status = 0};
	long limit;
	long long cursor;

	(void)state;
	a.k[0] = "none";
	assert_int_equal(list_args(&r, &ans, &limit, &cursor), 0);
	assert_int_equal(limit, API_LIMIT_DEFAULT);
	assert_int_equal(cursor, 0);
	a.k[0] = "limit";
	a.v[0] = "7";
	a.v[1] = "42";
	assert_int_equal(list_args(&r, &ans, &limit, &cursor), 0);
	assert_int_equal(limit, 7);
	assert_int_equal(cursor, 42);
	a.v[0] = "999999999999";
	assert_int_equal(list_args(&r, &ans, &limit, NULL), 0);
	assert_int_equal(limit, API_LIMIT_MAX);
	static const char *const bad_limits[] = {
	    "0", "-1", "+5", " 5", "5x", "", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad_limits) / sizeof(*bad_limits); i++) {
		a.v[0] = bad_limits[i];
		assert_int_equal(list_args(&r, &ans, &limit, &cursor), -1);
		assert_int_equal(ans.status, 400);
		assert_string_equal(err_code(&ans), "bad_request");
	}
	a.v[0] = "5";
	a.v[1] = "0";
	assert_int_equal(list_args(&r, &ans, &limit, &cursor), -1);
	assert_string_equal(err_code(&ans), "bad_request");
	/* the caller that reads its own cursor is not bothered */
	assert_int_equal(list_args(&r, &ans, &limit, NULL), 0);
}

static void
test_time_and_enum(void **state)
{
	static const char *const colours[] = {"red", "green", NULL};
	struct kv a = {{"since", "colour"}, {"2026-02-15T09:21:00Z", "red"}};
	struct api_req r = req(NULL, &a);
	struct api_answer ans = {.status = 0};
	long long t = 0;

	(void)state;
	assert_int_equal(time_arg(&r, &ans, "since", &t), 1);
	assert_int_equal(t, 1771147260);
	assert_int_equal(time_arg(&r, &ans, "until", &t), 0);
	a.v[0] = "";
	assert_int_equal(time_arg(&r, &ans, "since", &t), 0);
	a.v[0] = "15 Feb 2026";
	assert_int_equal(time_arg(&r, &ans, "since", &t), -1);
	assert_string_equal(err_code(&ans), "bad_request");

	assert_int_equal(enum_arg(&r, &ans, "colour", colours, "red or green"),
	                 0);
	assert_int_equal(enum_arg(&r, &ans, "shape", colours, "red or green"),
	                 0);
	a.v[1] = "blue";
	assert_int_equal(enum_arg(&r, &ans, "colour", colours, "red or green"),
	                 -1);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(ans.body, "error"), "message")),
	                    "colour: expected red or green");
	assert_string_equal(err_code(&ans), "bad_request");
	assert_true(report_schema_find(report_schema_severities, "warning") >= 0);
	assert_false(report_schema_find(report_schema_severities, "fatal") >= 0);
	assert_true(report_schema_find(report_schema_kinds, "fatal") >= 0);
}

static void
test_error_shape(void **state)
{
	struct api_answer ans = {.status = 0};
	char big[2 * API_MSG_MAX];

	(void)state;
	api_error(&ans, 404, "not_found", "no host named '%s'", "x");
	assert_int_equal(ans.status, 404);
	assert_string_equal(json_string_value(json_object_get(
	                        json_object_get(ans.body, "error"), "message")),
	                    "no host named 'x'");
	assert_string_equal(err_code(&ans), "not_found");
	/* a long message is cut, not overflowed */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	api_db_error(&ans, big);
	assert_int_equal(ans.status, 503);
	assert_int_equal(strlen(json_string_value(json_object_get(
	                     json_object_get(ans.body, "error"), "message"))),
	                 API_MSG_MAX - 1);
	assert_string_equal(err_code(&ans), "database_unavailable");
}

static void
test_escape_and_hex(void **state)
{
	char *s, *d;

	(void)state;
	s = like_escape("50%_a\\b");
	assert_string_equal(s, "50\\%\\_a\\\\b");
	free(s);
	s = hex_encode_str("web/01 é");
	assert_string_equal(s, "7765622f303120c3a9");
	d = hex_decode_str(s);
	assert_string_equal(d, "web/01 é");
	free(d);
	free(s);
	d = hex_decode_str("C3A9");
	assert_string_equal(d, "é");
	free(d);
	assert_null(hex_decode_str("abc"));  /* odd */
	assert_null(hex_decode_str("zz"));   /* not hex */
	assert_null(hex_decode_str("6100")); /* a NUL byte */
	d = hex_decode_str("");
	assert_string_equal(d, "");
	free(d);
	json_t *c = id_cursor(1234567890123LL);
	assert_string_equal(json_string_value(c), "1234567890123");
	json_decref(c);
}

static json_t *
row(sqlite3_stmt *st, void *ctx)
{
	*(long long *)ctx = sqlite3_column_int64(st, 0);
	return json_integer(sqlite3_column_int64(st, 0));
}

static json_t *
cur(const json_t *last, void *ctx)
{
	assert_int_equal(json_integer_value(last), *(long long *)ctx);
	return id_cursor(*(long long *)ctx);
}

/* page - one page of t after id `after`, limit n; next_cursor out. */
static size_t
page(sqlite3 *db, long long after, long n, char *next, size_t nl)
{
	struct kv a = {{NULL}, {NULL}};
	struct api_req r = req(db, &a);
	struct api_answer ans = {.status = 0};
	struct qb qb;
	long long last = 0;
	size_t items;
	json_t *nc;

	qb_init(&qb, "SELECT id FROM t");
	qb_where(&qb, "id > ?");
	qb_int(&qb, after);
	qb_tail(&qb, "ORDER BY id LIMIT ?");
	list_page(&r, &ans, &qb, n, row, cur, &last);
	assert_int_equal(ans.status, 200);
	items = json_array_size(json_object_get(ans.body, "items"));
	nc = json_object_get(ans.body, "next_cursor");
	snprintf(next, nl, "%s", json_is_null(nc) ? "" : json_string_value(nc));
	json_decref(ans.body);
	return items;
}

static void
test_list_page(void **state)
{
	struct kv a = {{NULL}, {NULL}};
	struct api_answer ans = {.status = 0};
	struct api_req r;
	sqlite3 *db;
	struct qb qb;
	char next[32];
	long long last;

	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "CREATE TABLE t (id INTEGER PRIMARY KEY); "
	                 "INSERT INTO t VALUES (1), (2), (3), (4), (5), (6), "
	                 "(7)",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(page(db, 0, 3, next, sizeof(next)), 3);
	assert_string_equal(next, "3");
	assert_int_equal(page(db, 3, 3, next, sizeof(next)), 3);
	assert_string_equal(next, "6");
	assert_int_equal(page(db, 6, 3, next, sizeof(next)), 1);
	assert_string_equal(next, "");
	/* exactly limit rows left: no next page */
	assert_int_equal(page(db, 4, 3, next, sizeof(next)), 3);
	assert_string_equal(next, "");

	/* a query the database refuses: 503 in the error shape */
	r = req(db, &a);
	qb_init(&qb, "SELECT id FROM missing");
	qb_tail(&qb, "LIMIT ?");
	list_page(&r, &ans, &qb, 3, row, cur, &last);
	assert_int_equal(ans.status, 503);
	assert_string_equal(err_code(&ans), "database_unavailable");
	sqlite3_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_args),
	    cmocka_unit_test(test_time_and_enum),
	    cmocka_unit_test(test_error_shape),
	    cmocka_unit_test(test_escape_and_hex),
	    cmocka_unit_test(test_list_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
