/*
 * hex.c - hex encoding and checked decoding.
 */
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/xalloc.h"

void
hex_encode(const void *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[s[i] >> 4];
		out[2 * i + 1] = digits[s[i] & 15];
	}
	out[2 * n] = '\0';
}

/* digit - the value of one hex digit, or -1. */
static int
digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

ssize_t
hex_decode(const char *s, size_t n, void *out, size_t size)
{
	unsigned char *o = out;

	if (n % 2 != 0 || n / 2 > size)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = digit(s[i]), lo = digit(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		o[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (ssize_t)(n / 2);
}

char *
hex_encode_str(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(2 * n + 1);

	hex_encode(s, n, out);
	return out;
}

char *
hex_decode_str(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n / 2 + 1);
	ssize_t got = hex_decode(s, n, out, n / 2);

	if (got < 0 || memchr(out, '\0', (size_t)got) != NULL) {
		free(out);
		return NULL;
	}
	out[got] = '\0';
	return out;
}
