/*
 * test_collector_dashboard.c - the compiled-in dashboard assets: lookup by
 * path, content types, every asset the page references is there, and the
 * page keeps to its rules (no outside host, nothing the collector's CSP
 * "default-src 'self'" would block, no HTML parsing of data in app.js).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "collector/web/dashboard.h"

/* has - does the asset body contain needle? */
static int
has(const struct dashboard_asset *a, const char *needle)
{
	return memmem(a->body, a->len, needle, strlen(needle)) != NULL;
}

static const struct dashboard_asset *
must(const char *path)
{
	const struct dashboard_asset *a = dashboard_lookup(path);
	if (a == NULL)
		fail_msg("no asset at %s", path);
	return a;
}

static void
test_lookup(void **state)
{
	const struct dashboard_asset *root, *idx;
	(void)state;
	root = must("/");
	idx = must("/index.html");
	assert_ptr_equal(root->body, idx->body);
	assert_string_equal(root->content_type, "text/html; charset=utf-8");
	assert_true(root->len > 100);
	assert_memory_equal(root->body, "<!doctype html>", 15);
	assert_int_equal(root->body[root->len], 0);
	assert_string_equal(must("/static/app.js")->content_type,
	                    "text/javascript; charset=utf-8");
	assert_string_equal(must("/static/app.css")->content_type,
	                    "text/css; charset=utf-8");
	assert_string_equal(must("/static/favicon.svg")->content_type,
	                    "image/svg+xml");

	assert_null(dashboard_lookup(NULL));
	assert_null(dashboard_lookup(""));
	assert_null(dashboard_lookup("/static/"));
	assert_null(dashboard_lookup("/static/../index.html"));
	assert_null(dashboard_lookup("/static/app.js/"));
	assert_null(dashboard_lookup("/app.js"));
	assert_null(dashboard_lookup("/api/v1/summary"));
	assert_null(dashboard_lookup("/static/embed.sh"));
}

/* Every src="/..." and href="/..." in the page names a served asset. */
static void
test_references_resolve(void **state)
{
	const struct dashboard_asset *root = must("/");
	const char *attrs[] = {"src=\"", "href=\""};
	int seen = 0;
	(void)state;
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const unsigned char *p = root->body, *end = p + root->len;
		size_t alen = strlen(attrs[i]);
		while ((p = memmem(p, (size_t)(end - p), attrs[i], alen))) {
			const unsigned char *v = p + alen, *q;
			char path[256];
			q = memchr(v, '"', (size_t)(end - v));
			assert_non_null(q);
			p = q;
			if (*v != '/')
				continue; /* "#/..." in-page links */
			assert_true((size_t)(q - v) < sizeof(path));
			memcpy(path, v, (size_t)(q - v));
			path[q - v] = '\0';
			must(path);
			seen++;
		}
	}
	assert_true(seen >= 3); /* app.js, app.css, the icon */
}

/* No asset points at another host; the SVG namespace is a name only. */
static void
test_no_outside_host(void **state)
{
	(void)state;
	for (const struct dashboard_asset *a = dashboard_assets; a->path; a++) {
		const unsigned char *p = a->body, *end = a->body + a->len;
		while ((p = memmem(p, (size_t)(end - p), "://", 3))) {
			const char *ns = "://www.w3.org/2000/svg";
			if ((size_t)(end - p) < strlen(ns) ||
			    memcmp(p, ns, strlen(ns)) != 0)
				fail_msg("%s: a URL at byte %zu", a->path,
				         (size_t)(p - a->body));
			p += 3;
		}
		assert_false(has(a, "@import"));
		assert_false(has(a, "@font-face"));
	}
}

/* What CSP default-src 'self' forbids, and HTML parsing of data. */
static void
test_csp_and_escaping_rules(void **state)
{
	const struct dashboard_asset *root = must("/");
	const struct dashboard_asset *js = must("/static/app.js");
	const char *html_bad[] = {"<style",   "style=\"",    " onclick=",
	                          " onload=", "javascript:", "<script>"};
	const char *js_bad[] = {"innerHTML",
	                        "outerHTML",
	                        "insertAdjacentHTML",
	                        "document.write",
	                        "eval(",
	                        "new Function",
	                        "setAttribute('style'",
	                        "DOMParser",
	                        "createContextualFragment"};
	(void)state;
	for (size_t i = 0; i < sizeof(html_bad) / sizeof(html_bad[0]); i++)
		if (has(root, html_bad[i]))
			fail_msg("index.html contains %s", html_bad[i]);
	for (size_t i = 0; i < sizeof(js_bad) / sizeof(js_bad[0]); i++)
		if (has(js, js_bad[i]))
			fail_msg("app.js contains %s", js_bad[i]);
	assert_true(has(root, "<script src=\"/static/app.js\""));
	assert_true(has(js, "textContent") || has(js, "createTextNode"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_references_resolve),
	    cmocka_unit_test(test_no_outside_host),
	    cmocka_unit_test(test_csp_and_escaping_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
