/*
 * test_common_uuid.c - version 4 UUIDs: text form, version and variant
 * bits, uniqueness; uuid_valid on good and bad text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/uuid.h"

static void
test_format_and_bits(void **state)
{
	char u[UUID_STR_LEN];
	int seen_variant[4] = {0};
	(void)state;

	for (int i = 0; i < 2000; i++) {
		memset(u, 'X', sizeof(u));
		assert_int_equal(uuid_v4(u), 0);
		assert_int_equal(strlen(u), 36);
		assert_true(uuid_valid(u));
		for (int j = 0; j < 36; j++) {
			if (j == 8 || j == 13 || j == 18 || j == 23)
				assert_int_equal(u[j], '-');
			else
				/* lower case hex only */
				assert_non_null(strchr("0123456789abcdef", u[j]));
		}
		assert_int_equal(u[14], '4');	/* version 4 */
		/* RFC 4122 variant: 10xx, so the digit is 8, 9, a or b */
		assert_non_null(strchr("89ab", u[19]));
		seen_variant[strchr("89ab", u[19]) - "89ab"] = 1;
	}
	/* all four variant digits show up: the low bits are random */
	for (int i = 0; i < 4; i++)
		assert_true(seen_variant[i]);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void
test_unique(void **state)
{
	enum { N = 20000 };
	char (*u)[UUID_STR_LEN] = malloc(N * sizeof(*u));
	(void)state;

	for (int i = 0; i < N; i++)
		assert_int_equal(uuid_v4(u[i]), 0);
	qsort(u, N, sizeof(*u), cmp);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(u[i - 1], u[i]);
	free(u);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(uuid_valid("123e4567-e89b-12d3-a456-426614174000"));
	assert_true(uuid_valid("123E4567-E89B-12D3-A456-426614174000"));
	assert_true(uuid_valid("00000000-0000-0000-0000-000000000000"));
	assert_false(uuid_valid(""));
	assert_false(uuid_valid("123e4567"));
	assert_false(uuid_valid("123e4567-e89b-12d3-a456-42661417400"));
	assert_false(uuid_valid("123e4567-e89b-12d3-a456-4266141740000"));
	assert_false(uuid_valid("123e4567e89b-12d3-a456-4266141740000"));
	assert_false(uuid_valid("123e4567-e89b-12d3-a456_426614174000"));
	assert_false(uuid_valid("g23e4567-e89b-12d3-a456-426614174000"));
	assert_false(uuid_valid("{23e4567-e89b-12d3-a456-426614174000}"));
	assert_false(uuid_valid("123e4567-e89b-12d3-a456-42661417400\n"));
	assert_false(uuid_valid(" 23e4567-e89b-12d3-a456-426614174000"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_and_bits),
	    cmocka_unit_test(test_unique),
	    cmocka_unit_test(test_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
