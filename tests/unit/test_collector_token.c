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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
