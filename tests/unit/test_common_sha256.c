/*
 * test_common_sha256.c - SHA-256 against the FIPS 180-2 appendix B
 * examples ("abc", the 448-bit message, a million 'a') and the empty
 * message; the incremental interface split at every offset gives the
 * same digest as the one-shot call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/sha256.h"

static void
hex(const unsigned char *d, char *out)
{
	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
check(const void *msg, size_t len, const char *want)
{
	unsigned char d[SHA256_LEN];
	char h[2 * SHA256_LEN + 1];

	sha256(msg, len, d);
	hex(d, h);
	assert_string_equal(h, want);
}

static void
test_fips_vectors(void **state)
{
	(void)state;
	check(
	    "abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check(
	    "", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check(
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_million_a(void **state)
{
	unsigned char chunk[1000], d[SHA256_LEN];
	char h[2 * SHA256_LEN + 1];
	struct sha256 c;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, chunk, sizeof(chunk));
	sha256_final(&c, d);
	hex(d, h);
	assert_string_equal(
	    h,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding edges (55, 56, 63, 64, 65 bytes), fed in
 * two pieces split at every offset. */
static void
test_split_updates(void **state)
{
	unsigned char msg[130], whole[SHA256_LEN], parts[SHA256_LEN];
	static const size_t lens[] = {0,  1,  55,  56,  57,  63,
	                              64, 65, 119, 120, 128, 130};

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		sha256(msg, lens[l], whole);
		for (size_t cut = 0; cut <= lens[l]; cut++) {
			struct sha256 c;
			sha256_init(&c);
			sha256_update(&c, msg, cut);
			sha256_update(&c, msg + cut, lens[l] - cut);
			sha256_final(&c, parts);
			assert_memory_equal(whole, parts, SHA256_LEN);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fips_vectors),
	    cmocka_unit_test(test_million_a),
	    cmocka_unit_test(test_split_updates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
