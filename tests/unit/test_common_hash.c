/*
 * test_common_hash.c - FNV-1a against the published 64-bit test vectors
 * (www.isthe.com/chongo/tech/comp/fnv), and chaining.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common/hash.h"

static void
test_vectors(void **state)
{
	(void)state;
	assert_true(hash_fnv1a(HASH_FNV1A_BASIS, "", 0) ==
	            0xcbf29ce484222325ULL);
	assert_true(hash_fnv1a(HASH_FNV1A_BASIS, "a", 1) ==
	            0xaf63dc4c8601ec8cULL);
	assert_true(hash_fnv1a(HASH_FNV1A_BASIS, "foobar", 6) ==
	            0x85944171f73967e8ULL);
}

static void
test_chaining(void **state)
{
	uint64_t h;
	(void)state;

	h = hash_fnv1a(hash_fnv1a(HASH_FNV1A_BASIS, "foo", 3), "bar", 3);
	assert_true(h == hash_fnv1a(HASH_FNV1A_BASIS, "foobar", 6));
	/* every byte counts, including NUL and bytes above 0x7f */
	assert_true(hash_fnv1a(HASH_FNV1A_BASIS, "a\0", 2) !=
	            hash_fnv1a(HASH_FNV1A_BASIS, "a", 1));
	assert_true(hash_fnv1a(HASH_FNV1A_BASIS, "\xff", 1) !=
	            hash_fnv1a(HASH_FNV1A_BASIS, "\x7f", 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_chaining),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
