/*
 * test_common_hmac.c - HMAC-SHA256 against the test cases of RFC 4231
 * section 4 (1-7: short keys, data longer than the key, a key longer
 * than the block, data longer than the block, 128-bit truncation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/hmac.h"

static void
check(const unsigned char *key, size_t kl, const void *msg, size_t ml,
      const char *want)
{
	char h[2 * SHA256_LEN + 1];

	hmac_sha256_hex(key, kl, msg, ml, h);
	assert_memory_equal(h, want, strlen(want));
}

static void
test_rfc4231(void **state)
{
	unsigned char k[131], d[50];

	(void)state;
	memset(k, 0x0b, 20);
	check(
	    k, 20, "Hi There", 8,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check(
	    (const unsigned char *)"Jefe", 4, "what do ya want for nothing?",
	    28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	memset(k, 0xaa, 20);
	memset(d, 0xdd, 50);
	check(
	    k, 20, d, 50,
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	for (int i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(d, 0xcd, 50);
	check(
	    k, 25, d, 50,
	    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	memset(k, 0x0c, 20);
	check(k, 20, "Test With Truncation", 20,
	      "a3b6167473100ee06e0c796c2955552b");
	memset(k, 0xaa, 131);
	check(
	    k, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
	    54,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	check(
	    k, 131,
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.",
	    152,
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

/* A key of exactly one block is used as it is, one byte more is hashed:
 * the two must differ from each other and from the hashed-key form. */
static void
test_block_sized_key(void **state)
{
	unsigned char k[65], a[SHA256_LEN], b[SHA256_LEN], hk[SHA256_LEN],
	    c[SHA256_LEN];

	(void)state;
	memset(k, 'k', sizeof(k));
	hmac_sha256(k, 64, "m", 1, a);
	hmac_sha256(k, 65, "m", 1, b);
	assert_memory_not_equal(a, b, SHA256_LEN);
	sha256(k, 65, hk);
	hmac_sha256(hk, SHA256_LEN, "m", 1, c);
	assert_memory_equal(b, c, SHA256_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4231),
	    cmocka_unit_test(test_block_sized_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
