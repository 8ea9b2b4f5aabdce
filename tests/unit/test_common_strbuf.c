/*
 * test_common_strbuf.c - the capped buffer: growth, the cap, steal.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/strbuf.h"

static void
test_append_grows(void **state)
{
	struct strbuf sb;
	(void)state;
	strbuf_init(&sb, 1 << 20);
	assert_string_equal(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		assert_int_equal(strbuf_appends(&sb, "abc"), 0);
	assert_int_equal(sb.len, 3000);
	assert_int_equal(strlen(strbuf_str(&sb)), 3000);
	assert_int_equal(strbuf_printf(&sb, "%d-%s", 42, "x"), 0);
	assert_string_equal(strbuf_str(&sb) + 3000, "42-x");
	strbuf_free(&sb);
}

static void
test_cap_refuses_without_truncating(void **state)
{
	struct strbuf sb;
	(void)state;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_appends(&sb, "12345"), 0);
	errno = 0;
	assert_int_equal(strbuf_appends(&sb, "6789"), -1);
	assert_int_equal(errno, E2BIG);
	assert_string_equal(strbuf_str(&sb), "12345");
	assert_int_equal(strbuf_appends(&sb, "678"), 0);
	assert_int_equal(strbuf_appendc(&sb, 'x'), -1);
	assert_int_equal(strbuf_printf(&sb, "%s", "y"), -1);
	assert_string_equal(strbuf_str(&sb), "12345678");
	strbuf_free(&sb);
}

static void
test_steal_and_reset(void **state)
{
	struct strbuf sb;
	char *p;
	(void)state;
	strbuf_init(&sb, 100);
	p = strbuf_steal(&sb);
	assert_string_equal(p, "");
	free(p);
	strbuf_appends(&sb, "hello");
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(strbuf_str(&sb), "");
	strbuf_append(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	p = strbuf_steal(&sb);
	assert_memory_equal(p, "a\0b", 4);
	assert_null(sb.buf);
	free(p);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_grows),
	    cmocka_unit_test(test_cap_refuses_without_truncating),
	    cmocka_unit_test(test_steal_and_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
