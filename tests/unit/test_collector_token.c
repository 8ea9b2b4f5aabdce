/*
 * test_collector_token.c - bearer token matching (token.c): the scheme
 * in any case, spaces around the token, prefixes and extensions of a
 * token refused, no token, no configured token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "collector/http/token.h"

static void
test_tokens(void **state)
{
	char *toks[] = {"alpha-1", "beta-22"};

	(void)state;
	assert_true(token_match("Bearer alpha-1", toks, 2));
	assert_true(token_match("bearer beta-22", toks, 2));
	assert_true(token_match("Bearer   beta-22  ", toks, 2));
	assert_false(token_match("Bearer alpha-", toks, 2));
	assert_false(token_match("Bearer alpha-12", toks, 2));
	assert_false(token_match("Bearer ", toks, 2));
	assert_false(token_match("Basic YWxwaGEtMQ==", toks, 2));
	assert_false(token_match("alpha-1", toks, 2));
	assert_false(token_match(NULL, toks, 2));
	assert_false(token_match("Bearer alpha-1", toks, 0));
}

/* "NAME:SECRET": the client presents SECRET; the name is told apart
 * only when it is a plain name (so a secret may hold a colon). */
static void
test_named_tokens(void **state)
{
	char *toks[] = {"read-1", "alice:s3cret", "bob.ops:xyz:1", "a b:c",
	                ":lead", "tail:"};
	char name[TOKEN_NAME_MAX + 1];

	(void)state;
	assert_int_equal(token_find("Bearer s3cret", toks, 6), 1);
	assert_int_equal(token_find("Bearer alice:s3cret", toks, 6), -1);
	assert_int_equal(token_find("Bearer xyz:1", toks, 6), 2);
	/* "a b" is no name: the whole entry is the secret */
	assert_int_equal(token_find("Bearer a b:c", toks, 6), 3);
	assert_int_equal(token_find("Bearer c", toks, 6), -1);
	assert_int_equal(token_find("Bearer :lead", toks, 6), 4);
	assert_int_equal(token_find("Bearer tail:", toks, 6), 5);
	assert_int_equal(token_find("Bearer read-1", toks, 6), 0);
	assert_int_equal(token_find("Bearer nope", toks, 6), -1);
	token_name(toks[1], name, sizeof(name));
	assert_string_equal(name, "alice");
	token_name(toks[2], name, sizeof(name));
	assert_string_equal(name, "bob.ops");
	token_name(toks[0], name, sizeof(name));
	assert_string_equal(name, "");
	token_name(toks[4], name, sizeof(name));
	assert_string_equal(name, "");
	assert_string_equal(token_secret("tail:"), "tail:");
	assert_string_equal(token_secret("x:y"), "y");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_named_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
