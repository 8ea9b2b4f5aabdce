/*
 * test_agent_json_str.c - json_str_safe: plain text as it is, cut at the
 * cap; tab and newline kept; controls, DEL and invalid UTF-8 as \xNN; a
 * multi-byte character never cut; and the seams between the plain ASCII
 * prefix (copied at once) and the rest (byte by byte).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "agent/json_str.h"

/* is - json_str_safe(in, n, max) is the string want */
static void
is(const char *in, size_t n, size_t max, const char *want)
{
	json_t *j = json_str_safe(in, n, max);

	assert_non_null(j);
	assert_int_equal(json_string_length(j), strlen(want));
	assert_memory_equal(json_string_value(j), want, strlen(want));
	json_decref(j);
}

static void
test_plain_text_as_it_is(void **state)
{
	(void)state;
	is("hello world", 11, 64, "hello world");
	is("tab\tand\nnewline", 15, 64, "tab\tand\nnewline");
	is("", 0, 64, "");
	is("abc", 0, 64, "");
	is("abc", 3, 0, "");
}

static void
test_plain_text_cut_at_the_cap(void **state)
{
	(void)state;
	is("abcdef", 6, 4, "abcd");
	is("abcdef", 6, 6, "abcdef");
	is("abcdef", 6, 5, "abcde");
}

static void
test_escapes_after_a_plain_prefix(void **state)
{
	(void)state;
	is("ab\x01"
	   "cd",
	   5, 64, "ab\\x01cd");
	is("ab\x7f", 3, 64, "ab\\x7f");
	is("ab\xff"
	   "c",
	   4, 64, "ab\\xffc");
	is("a\0b", 3, 64, "a\\x00b");
	is("\x1b[0m", 4, 64, "\\x1b[0m");
	/* the cap counts the escape's bytes: what is there stops it */
	is("abc\x01"
	   "defgh",
	   9, 5, "abc\\x01");
	is("abc\x01"
	   "defgh",
	   9, 3, "abc");
}

static void
test_utf8_kept_whole(void **state)
{
	(void)state;
	is("caf\xc3\xa9", 5, 64, "caf\xc3\xa9");
	/* the character does not fit: cut before it, not inside */
	is("caf\xc3\xa9", 5, 4, "caf");
	is("ab\xe2\x82\xac"
	   "cd",
	   7, 64,
	   "ab\xe2\x82\xac"
	   "cd");
	/* a lone continuation byte, an overlong form, a surrogate */
	is("a\x80"
	   "b",
	   3, 64, "a\\x80b");
	is("a\xc0\xaf", 3, 64, "a\\xc0\\xaf");
	is("a\xed\xa0\x80", 4, 64, "a\\xed\\xa0\\x80");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_text_as_it_is),
	    cmocka_unit_test(test_plain_text_cut_at_the_cap),
	    cmocka_unit_test(test_escapes_after_a_plain_prefix),
	    cmocka_unit_test(test_utf8_kept_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
