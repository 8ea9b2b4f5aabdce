/*
 * test_common_hex.c - hex encoding, checked decoding (odd length, bad
 * digits, no room), and the string forms used for API cursors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/hex.h"

static void
test_encode(void **state)
{
	char out[2 * 4 + 1];
	(void)state;

	hex_encode("\x00\x7f\x80\xff", 4, out);
	assert_string_equal(out, "007f80ff");
	hex_encode("", 0, out);
	assert_string_equal(out, "");
}

static void
test_round_trip(void **state)
{
	unsigned char in[256], back[256];
	char text[2 * 256 + 1];
	(void)state;

	for (int i = 0; i < 256; i++)
		in[i] = (unsigned char)i;
	hex_encode(in, sizeof(in), text);
	assert_int_equal(strlen(text), 512);
	assert_int_equal(hex_decode(text, 512, back, sizeof(back)), 256);
	assert_memory_equal(in, back, sizeof(in));
}

static void
test_decode_checks(void **state)
{
	unsigned char out[4];
	(void)state;

	assert_int_equal(hex_decode("AbCd", 4, out, sizeof(out)), 2);
	assert_int_equal(out[0], 0xab);
	assert_int_equal(out[1], 0xcd);
	assert_int_equal(hex_decode("abc", 3, out, sizeof(out)), -1);
	assert_int_equal(hex_decode("zz", 2, out, sizeof(out)), -1);
	assert_int_equal(hex_decode("0g", 2, out, sizeof(out)), -1);
	assert_int_equal(hex_decode("- 1", 2, out, sizeof(out)), -1);
	/* five bytes do not fit in four */
	assert_int_equal(hex_decode("0102030405", 10, out, sizeof(out)), -1);
	assert_int_equal(hex_decode("01020304", 8, out, sizeof(out)), 4);
	assert_int_equal(hex_decode("", 0, out, sizeof(out)), 0);
}

static void
test_strings(void **state)
{
	char *h, *s;
	(void)state;

	h = hex_encode_str("host-1.example");
	s = hex_decode_str(h);
	assert_string_equal(s, "host-1.example");
	free(h);
	free(s);
	s = hex_decode_str("");
	assert_string_equal(s, "");
	free(s);
	assert_null(hex_decode_str("61006200")); /* a NUL inside */
	assert_null(hex_decode_str("616"));
	assert_null(hex_decode_str("6x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_decode_checks),
	    cmocka_unit_test(test_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
