/*
 * test_common_gzip.c - gzip round trips, truncated and trailing data,
 * empty input, multi-member files (cat a.gz b.gz) and a gzip bomb
 * stopped at the cap with bounded memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "common/gzip.h"
#include "common/strbuf.h"

static void
fill_text(unsigned char *p, size_t n, unsigned seed)
{
	/* compressible but not trivial: words with a varying counter */
	static const char *const w[] = {"SYSERR(root): ", "collect: ",
	    "Cannot write ./df", "u1F1K2am007134 ", "Permission denied\n"};
	size_t i = 0;
	while (i < n) {
		const char *s = w[(seed = seed * 1103515245u + 12345u) >> 29 & 3];
		size_t l = strlen(s);
		if (l > n - i)
			l = n - i;
		memcpy(p + i, s, l);
		i += l;
	}
}

static void
round_trip(const unsigned char *in, size_t n, int level)
{
	struct strbuf z, out;
	char err[256] = "";

	strbuf_init(&z, 64u << 20);
	strbuf_init(&out, 64u << 20);
	assert_int_equal(gzip_compress(in, n, level, &z), 0);
	/* a gzip member: magic, deflate, and ISIZE = n mod 2^32 */
	assert_true(z.len >= 18);
	assert_int_equal((unsigned char)z.buf[0], 0x1f);
	assert_int_equal((unsigned char)z.buf[1], 0x8b);
	assert_int_equal((unsigned char)z.buf[2], 8);
	assert_int_equal(gzip_decompress(z.buf, z.len, n, &out, err,
	    sizeof(err)), GZIP_OK);
	assert_int_equal(out.len, n);
	if (n)
		assert_memory_equal(out.buf, in, n);
	strbuf_free(&z);
	strbuf_free(&out);
}

static void
test_round_trips(void **state)
{
	static const size_t sizes[] = {0, 1, 17, 16383, 16384, 16385,
	    100000, 3u << 20};
	(void)state;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = malloc(sizes[i] + 1);
		fill_text(p, sizes[i], (unsigned)i);
		round_trip(p, sizes[i], 6);
		round_trip(p, sizes[i], 1);
		round_trip(p, sizes[i], 9);
		free(p);
	}
	/* incompressible bytes too */
	{
		unsigned char *p = malloc(200000);
		unsigned x = 1;
		for (size_t i = 0; i < 200000; i++)
			p[i] = (unsigned char)((x = x * 1664525u + 1013904223u) >>
			    24);
		round_trip(p, 200000, 6);
		free(p);
	}
}

static void
test_decoded_by_zlib_too(void **state)
{
	/* what gzip_compress writes is what zlib's own reader expects */
	const char *msg = "Cron <root@host1> /bin/freemem.py\n";
	struct strbuf z;
	unsigned char out[128];
	z_stream zs;
	(void)state;

	strbuf_init(&z, 4096);
	assert_int_equal(gzip_compress(msg, strlen(msg), 6, &z), 0);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (unsigned char *)z.buf;
	zs.avail_in = (uInt)z.len;
	zs.next_out = out;
	zs.avail_out = sizeof(out);
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	assert_int_equal(zs.total_out, strlen(msg));
	assert_memory_equal(out, msg, strlen(msg));
	inflateEnd(&zs);
	strbuf_free(&z);
}

static void
test_bad_level_and_full_output(void **state)
{
	struct strbuf z;
	unsigned char p[5000];
	(void)state;

	strbuf_init(&z, 1 << 20);
	assert_int_equal(gzip_compress("x", 1, 42, &z), -1);
	strbuf_free(&z);
	/* the output buffer's own cap is honoured, not passed */
	fill_text(p, sizeof(p), 3);
	for (size_t i = 0; i < sizeof(p); i += 7)
		p[i] ^= (unsigned char)i;
	strbuf_init(&z, 64);
	assert_int_equal(gzip_compress(p, sizeof(p), 6, &z), -1);
	assert_true(z.len <= 64);
	strbuf_free(&z);
}

/* compress - helper: the gzip of n bytes of text into a fresh strbuf. */
static struct strbuf
gz_text(size_t n)
{
	struct strbuf z;
	unsigned char *p = malloc(n + 1);
	fill_text(p, n, 7);
	strbuf_init(&z, 64u << 20);
	assert_int_equal(gzip_compress(p, n, 6, &z), 0);
	free(p);
	return z;
}

static void
test_truncated(void **state)
{
	struct strbuf z = gz_text(50000), out;
	char err[256];
	(void)state;

	/* every prefix is rejected: header, body, trailer cut short */
	for (size_t cut = 0; cut < z.len; cut += (cut < 40 ? 1 : 97)) {
		strbuf_init(&out, 1 << 20);
		err[0] = '\0';
		if (gzip_decompress(z.buf, cut, 1 << 20, &out, err,
		    sizeof(err)) != GZIP_EDATA)
			fail_msg("prefix of %zu/%zu bytes accepted", cut, z.len);
		assert_true(err[0] != '\0');
		strbuf_free(&out);
	}
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len - 1, 1 << 20, &out, err,
	    sizeof(err)), GZIP_EDATA);
	assert_non_null(strstr(err, "truncated"));
	strbuf_free(&out);
	strbuf_free(&z);
}

static void
test_trailing_garbage_and_corruption(void **state)
{
	struct strbuf z = gz_text(5000), out;
	char err[256];
	(void)state;

	strbuf_append(&z, "JUNK", 4);
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 1 << 20, &out, err,
	    sizeof(err)), GZIP_EDATA);
	assert_non_null(strstr(err, "trailing"));
	strbuf_free(&out);

	/* a flipped byte in the trailer's CRC */
	z.len -= 4;
	z.buf[z.len - 6] ^= 0x55;
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 1 << 20, &out, err,
	    sizeof(err)), GZIP_EDATA);
	strbuf_free(&out);

	/* a wrong magic number */
	z.buf[z.len - 6] ^= 0x55;
	z.buf[0] = 0x1e;
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 1 << 20, &out, err,
	    sizeof(err)), GZIP_EDATA);
	strbuf_free(&out);

	/* plain text and binary junk */
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress("{\"schema\":1}", 12, 1 << 20, &out,
	    err, sizeof(err)), GZIP_EDATA);
	assert_int_equal(gzip_decompress("\x1f\x8b\x08\0\0\0\0\0\0\x03\xff\xff",
	    12, 1 << 20, &out, err, sizeof(err)), GZIP_EDATA);
	strbuf_free(&out);
	strbuf_free(&z);
}

static void
test_multi_member(void **state)
{
	struct strbuf z, out;
	char err[256] = "";
	(void)state;

	/* two members, as `cat a.gz b.gz` or a client that gzips in
	 * pieces writes them: the concatenation of both */
	strbuf_init(&z, 1 << 20);
	assert_int_equal(gzip_compress("{\"a\":", 5, 6, &z), 0);
	size_t first = z.len;
	assert_int_equal(gzip_compress("1}", 2, 1, &z), 0);
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 1 << 20, &out, err,
	    sizeof(err)), GZIP_OK);
	assert_int_equal(out.len, 7);
	assert_memory_equal(out.buf, "{\"a\":1}", 7);
	strbuf_free(&out);

	/* the cap counts both members */
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 6, &out, err,
	    sizeof(err)), GZIP_TOOBIG);
	strbuf_free(&out);

	/* the second member cut short, or only its magic number */
	for (size_t cut = first + 1; cut < z.len; cut++) {
		strbuf_init(&out, 1 << 20);
		if (gzip_decompress(z.buf, cut, 1 << 20, &out, err,
		    sizeof(err)) != GZIP_EDATA)
			fail_msg("prefix of %zu/%zu bytes accepted", cut, z.len);
		strbuf_free(&out);
	}
	/* garbage after the last member is still refused */
	strbuf_append(&z, "JUNK", 4);
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 1 << 20, &out, err,
	    sizeof(err)), GZIP_EDATA);
	assert_non_null(strstr(err, "trailing"));
	strbuf_free(&out);
	strbuf_free(&z);
}

static void
test_empty_input(void **state)
{
	struct strbuf out;
	char err[256] = "";
	(void)state;

	strbuf_init(&out, 1024);
	assert_int_equal(gzip_decompress("", 0, 1024, &out, err, sizeof(err)),
	    GZIP_EDATA);
	assert_true(err[0] != '\0');
	assert_int_equal(out.len, 0);
	strbuf_free(&out);
}

static void
test_bomb_stops_at_cap(void **state)
{
	/* 256 MiB of zeros compress to about 256 KiB; the decoder must stop
	 * at the cap without ever holding more than it. */
	struct strbuf z, out;
	unsigned char *zeros = calloc(1, 1 << 20);
	char err[256] = "";
	z_stream zs;
	unsigned char buf[65536];
	(void)state;

	strbuf_init(&z, 8u << 20);
	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	for (int i = 0; i < 256; i++) {
		zs.next_in = zeros;
		zs.avail_in = 1 << 20;
		do {
			zs.next_out = buf;
			zs.avail_out = sizeof(buf);
			deflate(&zs, i == 255 ? Z_FINISH : Z_NO_FLUSH);
			assert_int_equal(strbuf_append(&z, buf,
			    sizeof(buf) - zs.avail_out), 0);
		} while (zs.avail_out == 0);
	}
	deflateEnd(&zs);
	free(zeros);
	assert_true(z.len < (1u << 20));

	strbuf_init(&out, 64u << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 1u << 20, &out, err,
	    sizeof(err)), GZIP_TOOBIG);
	assert_non_null(strstr(err, "exceeds 1048576"));
	/* no more than the cap was kept, so memory stayed bounded */
	assert_true(out.len <= (1u << 20));
	assert_true(out.cap <= (2u << 20) + 1);
	strbuf_free(&out);

	/* the output strbuf's own max stops it just the same */
	strbuf_init(&out, 100000);
	assert_int_equal(gzip_decompress(z.buf, z.len, (size_t)-1, &out, err,
	    sizeof(err)), GZIP_TOOBIG);
	assert_true(out.len <= 100000);
	strbuf_free(&out);
	strbuf_free(&z);
}

static void
test_cap_exact(void **state)
{
	struct strbuf z = gz_text(40000), out;
	char err[256];
	(void)state;

	/* exactly the cap is fine; one byte less is too big */
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 40000, &out, err,
	    sizeof(err)), GZIP_OK);
	assert_int_equal(out.len, 40000);
	strbuf_free(&out);
	strbuf_init(&out, 1 << 20);
	assert_int_equal(gzip_decompress(z.buf, z.len, 39999, &out, err,
	    sizeof(err)), GZIP_TOOBIG);
	strbuf_free(&out);
	/* appends after what the buffer already held */
	strbuf_init(&out, 1 << 20);
	strbuf_appends(&out, "head:");
	assert_int_equal(gzip_decompress(z.buf, z.len, 40000, &out, err,
	    sizeof(err)), GZIP_OK);
	assert_int_equal(out.len, 40005);
	assert_memory_equal(out.buf, "head:", 5);
	strbuf_free(&out);
	strbuf_free(&z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trips),
	    cmocka_unit_test(test_decoded_by_zlib_too),
	    cmocka_unit_test(test_bad_level_and_full_output),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_trailing_garbage_and_corruption),
	    cmocka_unit_test(test_multi_member),
	    cmocka_unit_test(test_empty_input),
	    cmocka_unit_test(test_bomb_stops_at_cap),
	    cmocka_unit_test(test_cap_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
