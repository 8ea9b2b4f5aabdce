/*
 * test_collector_pg_array.c - PostgreSQL array literals
 * (collector/store/pg_array.c): quoting, NULL, integers, an empty array,
 * the buffer reused after a longer literal; and, when SPOOLWATCH_TEST_PG
 * names a database, the server reads each literal back element by
 * element as it was built.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collector/store/pg_array.h"
#include "collector/store/sql.h"

/* the texts a report may carry: quotes, backslashes, braces, commas,
 * blanks, the word NULL, an empty string, UTF-8 */
static const char *const hostile[] = {
    "plain",
    "a \"quoted\" word",
    "back\\slash\\",
    "{braces},commas",
    " leading and trailing ",
    "NULL",
    "",
    "line\nbreak\ttab",
    "héllo ✓",
    "{\"json\":[1,\"x\\\"y\"]}",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static void
test_literals(void **state)
{
	struct pg_array a = {0};

	(void)state;
	pg_array_start(&a);
	assert_string_equal(pg_array_end(&a), "{}");
	pg_array_start(&a);
	pg_array_text(&a, "a\"b\\c");
	pg_array_null(&a);
	pg_array_text(&a, NULL);
	pg_array_text(&a, "NULL");
	pg_array_text(&a, "");
	assert_string_equal(pg_array_end(&a),
	                    "{\"a\\\"b\\\\c\",NULL,NULL,\"NULL\",\"\"}");
	assert_int_equal(a.n, 5);
	pg_array_start(&a);
	pg_array_int(&a, 0);
	pg_array_int(&a, -9223372036854775807LL - 1);
	pg_array_int(&a, 42);
	assert_string_equal(pg_array_end(&a), "{0,-9223372036854775808,42}");
	pg_array_free(&a);
}

/* a literal of a few thousand long elements grows its buffer; the next
 * one in the same buffer is whole */
static void
test_growth(void **state)
{
	struct pg_array a = {0};
	char big[300];

	(void)state;
	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pg_array_start(&a);
	for (int i = 0; i < 2000; i++)
		pg_array_text(&a, big);
	pg_array_end(&a);
	/* braces, commas, quotes, and every byte escaped */
	assert_int_equal(strlen(a.buf),
	                 2 + 1999 + 2000 * (2 + 2 * (sizeof(big) - 1)));
	pg_array_start(&a);
	pg_array_text(&a, "x");
	assert_string_equal(pg_array_end(&a), "{\"x\"}");
	pg_array_free(&a);
}

/* the server's reading of the literals: each element back as built */
static void
test_server_reads(void **state)
{
	const char *uri = getenv("SPOOLWATCH_TEST_PG");
	struct pg_array a = {0};
	sql_db *db;
	sql_stmt *st;
	char err[512];
	size_t i = 0;
	int rc;

	(void)state;
	if (sql_open(uri, NULL, 0, &db, err, sizeof(err)) != SQL_OK)
		fail_msg("%s", err);
	pg_array_start(&a);
	for (i = 0; i < NHOSTILE; i++)
		pg_array_text(&a, hostile[i]);
	pg_array_null(&a);
	assert_int_equal(sql_prepare(db,
	                             "SELECT v, n FROM unnest(CAST(? AS "
	                             "text[])) WITH ORDINALITY AS t(v, n) "
	                             "ORDER BY n",
	                             0, &st),
	                 SQL_OK);
	sql_bind_text(st, 1, pg_array_end(&a), -1, SQL_STATIC);
	for (i = 0; (rc = sql_step(st)) == SQL_ROW; i++) {
		if (i < NHOSTILE)
			assert_string_equal(
			    (const char *)sql_column_text(st, 0), hostile[i]);
		else
			assert_int_equal(sql_column_type(st, 0), SQL_NULL);
	}
	assert_int_equal(rc, SQL_DONE);
	assert_int_equal(i, NHOSTILE + 1);
	sql_finalize(st);
	sql_close(db);
	pg_array_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literals),
	    cmocka_unit_test(test_growth),
	};
	const struct CMUnitTest pg_tests[] = {
	    cmocka_unit_test(test_server_reads),
	};
	const char *uri = getenv("SPOOLWATCH_TEST_PG");
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	if (uri && *uri)
		rc |= cmocka_run_group_tests(pg_tests, NULL, NULL);
	return rc;
}
