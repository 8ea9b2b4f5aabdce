/*
 * test_collector_route.c - the route table lookup (route.c): exact paths,
 * a "{}" segment and its param, a path set given by a function, GET rows
 * answering HEAD, and for a known path with another method the Allow
 * list built from every row that takes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "collector/http/route.h"

static enum MHD_Result
serve_a(struct http_call *call)
{
	(void)call;
	return MHD_YES;
}

static enum MHD_Result
serve_b(struct http_call *call)
{
	(void)call;
	return MHD_NO;
}

static int
is_static(const char *path)
{
	return strcmp(path, "/") == 0 || strcmp(path, "/static/app.js") == 0;
}

static const struct route table[] = {
    {"POST", "/api/v1/reports", NULL, ROUTE_INGEST, serve_a, NULL},
    {"GET", "/api/v1/hosts", NULL, ROUTE_READ, serve_a, NULL},
    {"GET", "/api/v1/hosts/{}", NULL, ROUTE_READ, serve_b, NULL},
    {"DELETE", "/api/v1/hosts/{}", NULL, ROUTE_READ, serve_a, NULL},
    {"GET", "/healthz", NULL, ROUTE_OPEN, serve_b, NULL},
    {"GET", NULL, is_static, ROUTE_OPEN, serve_a, NULL},
    {NULL, NULL, NULL, ROUTE_OPEN, NULL, NULL},
};

/* find - the row index for method and path, or -1 with allow. */
static int
find(const char *method, const char *path, char *allow)
{
	const struct route *r =
	    route_find(table, method, path, allow, ROUTE_ALLOW_MAX);

	return r ? (int)(r - table) : -1;
}

static void
test_found(void **state)
{
	char allow[ROUTE_ALLOW_MAX];

	(void)state;
	assert_int_equal(find("POST", "/api/v1/reports", allow), 0);
	assert_int_equal(find("GET", "/api/v1/hosts", allow), 1);
	assert_int_equal(find("HEAD", "/api/v1/hosts", allow), 1);
	assert_int_equal(find("GET", "/api/v1/hosts/web01", allow), 2);
	assert_int_equal(find("DELETE", "/api/v1/hosts/web01", allow), 3);
	assert_int_equal(find("GET", "/healthz", allow), 4);
	assert_int_equal(find("GET", "/", allow), 5);
	assert_int_equal(find("HEAD", "/static/app.js", allow), 5);
	assert_string_equal(
	    route_param(&table[2], "/api/v1/hosts/web01.example.org"),
	    "web01.example.org");
	assert_null(route_param(&table[1], "/api/v1/hosts"));
	assert_null(route_param(&table[5], "/"));
}

static void
test_not_found(void **state)
{
	static const char *const paths[] = {
	    "/api/v1/hosts/",
	    "/api/v1/hosts/a/b",
	    "/api/v1/hostsx",
	    "/api/v1/report",
	    "/healthz/",
	    "/static/other.js",
	    "",
	    "/API/v1/hosts",
	};
	char allow[ROUTE_ALLOW_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(find("GET", paths[i], allow), -1);
		assert_string_equal(allow, "");
		assert_int_equal(find("POST", paths[i], allow), -1);
		assert_string_equal(allow, "");
	}
}

static void
test_method_not_allowed(void **state)
{
	char allow[ROUTE_ALLOW_MAX];

	(void)state;
	assert_int_equal(find("GET", "/api/v1/reports", allow), -1);
	assert_string_equal(allow, "POST");
	assert_int_equal(find("HEAD", "/api/v1/reports", allow), -1);
	assert_string_equal(allow, "POST");
	assert_int_equal(find("PUT", "/healthz", allow), -1);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(find("POST", "/", allow), -1);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(find("DELETE", "/api/v1/hosts", allow), -1);
	assert_string_equal(allow, "GET, HEAD");
	assert_int_equal(find("POST", "/api/v1/hosts/x", allow), -1);
	assert_string_equal(allow, "GET, HEAD, DELETE");
	/* methods are case-sensitive (RFC 9110) */
	assert_int_equal(find("get", "/healthz", allow), -1);
	assert_string_equal(allow, "GET, HEAD");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_found),
	    cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_method_not_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
