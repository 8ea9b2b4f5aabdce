/*
 * collector_fixture.h - what the collector's unit tests share: a real
 * SQLite file in a temporary directory (or, when SPOOLWATCH_TEST_PG names
 * a PostgreSQL URI, that database with its public schema emptied), opened
 * as the writer opens it,
 * filled through the store with reports built from tests/data, and read
 * API requests with query arguments from a small table.  Included by
 * test_collector_*.c only (every function is static; not all are used
 * by every test).
 */
#ifndef SPOOLWATCH_TEST_COLLECTOR_FIXTURE_H
#define SPOOLWATCH_TEST_COLLECTOR_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "collector/api/api.h"
#include "collector/store/db.h"
#include "collector/store/store.h"
#include "collector/ingest/validate.h"
#include "common/fsutil.h"

#define FX_FN static __attribute__((unused))

/* The "now" of the API requests: a little after the reports below. */
#define FX_NOW 1771147400
#define FX_STALE_AFTER 900

struct fx {
	char dir[64];
	char path[1024];
	sql_db *db;
	struct store *st;
	json_t *incident; /* tests/data/report-incident.json */
};

static char fx_top[4096];

/* fx_init_top - where tests/data is (SPOOLWATCH_TOP, else "."). */
FX_FN void
fx_init_top(void)
{
	const char *t = getenv("SPOOLWATCH_TOP");

	snprintf(fx_top, sizeof(fx_top), "%s", t && *t ? t : ".");
}

/* fx_load - a report of the repository, parsed. */
FX_FN json_t *
fx_load(const char *rel)
{
	char path[8192], why[256], err[256], *text;
	ssize_t n;
	json_t *r;

	snprintf(path, sizeof(path), "%s/%s", fx_top, rel);
	n = read_file_capped(path, &text, 1u << 24, why, sizeof(why));
	if (n < 0)
		fail_msg("%s", why);
	r = report_parse(text, (size_t)n, err, sizeof(err));
	free(text);
	assert_non_null(r);
	return r;
}

/* fx_pg_uri - SPOOLWATCH_TEST_PG, or NULL (SQLite). */
FX_FN const char *
fx_pg_uri(void)
{
	const char *u = getenv("SPOOLWATCH_TEST_PG");

	return u && *u ? u : NULL;
}

/* fx_setup - a new database (schema included) and its store. */
FX_FN int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/sw-coll.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/c.db", f->dir);
	if (fx_pg_uri()) {
		sql_db *c = NULL;
		snprintf(f->path, sizeof(f->path), "%s", fx_pg_uri());
		if (sql_open(f->path, NULL, 0, &c, err, sizeof(err)) != SQL_OK)
			fail_msg("%s", err);
		if (sql_exec(c, "SET client_min_messages = warning; "
		                "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
		             err, sizeof(err)) != SQL_OK)
			fail_msg("%s", err);
		sql_close(c);
	}
	f->db = db_open(f->path, 1, "normal", 8 << 20, err, sizeof(err));
	if (f->db == NULL)
		fail_msg("%s", err);
	f->st = store_new(f->db, err, sizeof(err));
	assert_non_null(f->st);
	f->incident = fx_load("tests/data/report-incident.json");
	*state = f;
	return 0;
}

FX_FN int
fx_teardown(void **state)
{
	struct fx *f = *state;
	char p[1100];

	store_free(f->st);
	sql_close(f->db);
	json_decref(f->incident);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* fx_put - store one report in its own transaction; returns duplicate. */
FX_FN int
fx_put(struct fx *f, json_t *r, long long now)
{
	char err[256];
	int dup = -1, use_prep;
	struct report_prep prep;
	static unsigned calls;

	/* two thirds of the reports with prepared text, as the HTTP threads
	 * do: dumped from the tree, or copied from an indented text of it */
	memset(&prep, 0, sizeof(prep));
	if ((use_prep = calls++ % 3) == 1) {
		store_prepare(r, &prep);
	} else if (use_prep == 2) {
		struct report_text txt;
		char *text = json_dumps(r, JSON_INDENT(2));
		assert_non_null(text);
		memset(&txt, 0, sizeof(txt));
		txt.text = text;
		txt.len = strlen(text);
		txt.exact = 1;
		store_prepare_text(r, &txt, &prep);
		free(text);
	}
	assert_int_equal(sql_exec(f->db, "BEGIN", NULL, 0), 0);
	if (store_report(f->st, r, use_prep ? &prep : NULL, now, &dup, err,
	                 sizeof(err)) != SQL_OK)
		fail_msg("store_report: %s", err);
	store_prep_free(&prep);
	assert_int_equal(sql_exec(f->db, "COMMIT", NULL, 0), 0);
	return dup;
}

/* fx_count - the first column of the first row of sql (-1: no row). */
FX_FN long long
fx_count(struct fx *f, const char *sql)
{
	sql_stmt *st;
	long long v = -1;

	assert_int_equal(sql_prepare(f->db, sql, 0, &st), 0);
	if (sql_step(st) == SQL_ROW)
		v = sql_column_int64(st, 0);
	sql_finalize(st);
	return v;
}

/* fx_variant - a copy of r with a new id, collected_at and host name. */
FX_FN json_t *
fx_variant(json_t *r, int n, const char *host, const char *collected)
{
	json_t *c = json_deep_copy(r);
	char id[40];

	snprintf(id, sizeof(id), "5f0c6a0e-3b7d-4c2a-9d1e-%012d", n);
	json_object_set_new(c, "report_id", json_string(id));
	if (host)
		json_object_set_new(json_object_get(c, "host"), "name",
		                    json_string(host));
	if (collected)
		json_object_set_new(c, "collected_at", json_string(collected));
	return c;
}

/* fx_set_cause - caused_by {ccode, csubj} on r's first finding with that
 * code (fails the test if there is none). */
FX_FN void
fx_set_cause(json_t *r, const char *code, const char *ccode,
             const char *csubj)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(r, "findings"), i, f)
	{
		if (strcmp(json_string_value(json_object_get(f, "code")),
		           code) == 0) {
			json_object_set_new(f, "caused_by",
			                    json_pack("{s:s,s:s}", "code",
			                              ccode, "subject", csubj));
			return;
		}
	}
	fail_msg("no %s finding", code);
}

/* fx_drop - r without its findings of that code. */
FX_FN void
fx_drop(json_t *r, const char *code)
{
	json_t *all = json_object_get(r, "findings");

	for (size_t i = json_array_size(all); i-- > 0;)
		if (strcmp(json_string_value(
		               json_object_get(json_array_get(all, i), "code")),
		           code) == 0)
			json_array_remove(all, i);
}

/* fx_fleet - hosts web000.. from the incident report; the last two last
 * reported long before FX_NOW (stale). */
FX_FN void
fx_fleet(struct fx *f, int hosts)
{
	char host[32];

	for (int i = 0; i < hosts; i++) {
		snprintf(host, sizeof(host), "web%03d", i);
		json_t *v = fx_variant(f->incident, 100 + i, host, NULL);
		fx_put(f, v, i < hosts - 2 ? 1771147300 : 1771140000);
		json_decref(v);
	}
}

/* Query arguments of a request: k[i]=v[i], up to 8. */
struct fx_args {
	const char *k[8], *v[8];
};

FX_FN const char *
fx_arg(void *cls, const char *key)
{
	struct fx_args *a = cls;

	for (int i = 0; i < 8 && a->k[i]; i++)
		if (strcmp(a->k[i], key) == 0)
			return a->v[i];
	return NULL;
}

/* fx_all - every value of key (api_req.args). */
FX_FN size_t
fx_all(void *cls, const char *key, const char **out, size_t max)
{
	struct fx_args *a = cls;
	size_t n = 0;

	for (int i = 0; i < 8 && a->k[i]; i++)
		if (strcmp(a->k[i], key) == 0) {
			if (n < max)
				out[n] = a->v[i];
			n++;
		}
	return n;
}

/* fx_add - add argument key = value (a repeated key: another value). */
FX_FN void
fx_add(struct fx_args *a, const char *key, const char *value)
{
	int i;

	for (i = 0; i < 8 && a->k[i]; i++)
		;
	assert_true(i < 8);
	a->k[i] = key;
	a->v[i] = value;
}

/* fx_set - set argument key to value (added if new). */
FX_FN void
fx_set(struct fx_args *a, const char *key, const char *value)
{
	int i;

	for (i = 0; i < 8 && a->k[i] && strcmp(a->k[i], key) != 0; i++)
		;
	assert_true(i < 8);
	a->k[i] = key;
	a->v[i] = value;
}

FX_FN struct api_req
fx_req(struct fx *f, struct fx_args *a)
{
	struct api_req r = {f->db, FX_NOW, FX_STALE_AFTER, fx_arg, a, NULL,
	                    fx_all};
	return r;
}

/* fx_call - answer one request to ep; the body is the caller's. */
FX_FN json_t *
fx_call(struct fx *f, void (*ep)(struct api_req *, struct api_answer *),
        struct fx_args *a, const char *param, int want_status)
{
	struct api_req r = fx_req(f, a);
	struct api_answer ans = {.status = 0};

	r.param = param;
	ep(&r, &ans);
	assert_int_equal(ans.status, want_status);
	assert_non_null(ans.body);
	return ans.body;
}

/* fx_error_code - the code of an error answer (freed). */
FX_FN const char *
fx_error_code(json_t *body)
{
	static char code[64];
	json_t *e = json_object_get(body, "error");

	assert_true(json_is_object(e));
	assert_true(json_is_string(json_object_get(e, "message")));
	snprintf(code, sizeof(code), "%s",
	         json_string_value(json_object_get(e, "code")));
	json_decref(body);
	return code;
}

/* fx_num - integer member key of o (asserted to be one). */
FX_FN long long
fx_num(json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);

	assert_true(json_is_integer(x));
	return json_integer_value(x);
}

/* fx_bad_args - each {key, value} of bad[n], alone, is answered 400
 * bad_request in the error shape. */
FX_FN void
fx_bad_args(struct fx *f, void (*ep)(struct api_req *, struct api_answer *),
            const char *const (*bad)[2], size_t n)
{
	struct fx_args a;

	for (size_t i = 0; i < n; i++) {
		memset(&a, 0, sizeof(a));
		fx_set(&a, bad[i][0], bad[i][1]);
		assert_string_equal(
		    fx_error_code(fx_call(f, ep, &a, NULL, 400)),
		    "bad_request");
	}
}

/* fx_walk - page through ep with limit 5 (arguments a); returns the
 * items seen.  insert_between: store another host after the first page
 * (keyset pages must not shift). */
FX_FN size_t
fx_walk(struct fx *f, void (*ep)(struct api_req *, struct api_answer *),
        struct fx_args *a, int insert_between)
{
	char cursor[256] = "";
	size_t seen = 0;
	int pages = 0;

	fx_set(a, "limit", "5");
	fx_set(a, "cursor", cursor);
	for (;;) {
		json_t *body = fx_call(f, ep, a, NULL, 200);
		json_t *items = json_object_get(body, "items");
		json_t *next = json_object_get(body, "next_cursor");
		assert_true(json_array_size(items) <= 5);
		seen += json_array_size(items);
		if (json_is_null(next)) {
			json_decref(body);
			break;
		}
		assert_int_equal(json_array_size(items), 5);
		snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
		json_decref(body);
		if (insert_between && pages++ == 0) {
			json_t *v =
			    fx_variant(f->incident, 900, "zz-late", NULL);
			fx_put(f, v, 1771147300);
			json_decref(v);
		}
	}
	return seen;
}

/* fx_walk_with - fx_walk with up to two arguments (k2 NULL: one, k1
 * NULL: none). */
FX_FN size_t
fx_walk_with(struct fx *f, void (*ep)(struct api_req *, struct api_answer *),
             const char *k1, const char *v1, const char *k2, const char *v2)
{
	struct fx_args a;

	memset(&a, 0, sizeof(a));
	if (k1)
		fx_set(&a, k1, v1);
	if (k2)
		fx_set(&a, k2, v2);
	return fx_walk(f, ep, &a, 0);
}

#endif
