/*
 * test_common_memfind.c - memfind_byte() and memfind_lit() against
 * memchr() and memmem(), in every implementation this CPU has (32, 16,
 * byte by byte), at every offset and length of pseudo-random buffers of
 * few distinct bytes (so that partial matches are common); and with the
 * buffer's end against an unreadable page, so that a read past p + n
 * faults.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/memfind.h"

static const int widths[] = {0, 16, 32};

/* fill - n bytes of "ab\nF" and a few others, from seed */
static void
fill(char *p, size_t n, unsigned seed)
{
	static const char set[] = "aabbb\nFrom ";

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = set[(seed >> 16) % (sizeof(set) - 1)];
	}
}

static void
test_byte_agrees(void **state)
{
	char buf[300];
	(void)state;

	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		if (memfind_use(widths[k]) == -1)
			continue;
		for (unsigned seed = 1; seed < 40; seed++) {
			fill(buf, sizeof(buf), seed);
			for (size_t off = 0; off < 70; off++)
				for (size_t n = 0; off + n <= sizeof(buf);
				     n++) {
					const char *p = buf + off;
					assert_ptr_equal(
					    memfind_byte(p, n, '\n'),
					    memchr(p, '\n', n));
					assert_ptr_equal(
					    memfind_byte(p, n, 'F'),
					    memchr(p, 'F', n));
					assert_ptr_equal(
					    memfind_byte(p, n, 'z'), NULL);
				}
		}
	}
}

static void
test_lit_agrees(void **state)
{
	static const char *const lits[] = {"\nFrom ", "ab",     "b\n", "From",
	                                   "bbb",     "aab\nF", "zz",  "a b",
	                                   "F",       ""};
	char buf[200];
	(void)state;

	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		if (memfind_use(widths[k]) == -1)
			continue;
		for (unsigned seed = 1; seed < 12; seed++) {
			fill(buf, sizeof(buf), seed);
			for (size_t li = 0; li < sizeof(lits) / sizeof(lits[0]);
			     li++) {
				const char *lit = lits[li];
				size_t l = strlen(lit);

				for (size_t off = 0; off < 40; off++)
					for (size_t n = 0;
					     off + n <= sizeof(buf); n++)
						assert_ptr_equal(
						    memfind_lit(buf + off, n,
						                lit, l),
						    memmem(buf + off, n, lit,
						           l));
			}
		}
	}
}

/* test_no_read_past_end - buffers ending where an unreadable page
 * starts: every length, the match absent or at the last byte */
static void
test_no_read_past_end(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end;
	(void)state;

	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
	end = map + pg;
	memset(map, 'a', (size_t)pg);
	for (size_t k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
		if (memfind_use(widths[k]) == -1)
			continue;
		for (size_t n = 0; n <= 200; n++) {
			char *p = end - n;

			assert_null(memfind_byte(p, n, '\n'));
			assert_null(memfind_lit(p, n, "\nFrom ", 6));
			if (n == 0)
				continue;
			p[n - 1] = '\n';
			assert_ptr_equal(memfind_byte(p, n, '\n'), p + n - 1);
			p[n - 1] = 'a';
			if (n >= 6) {
				memcpy(end - 6, "\nFrom ", 6);
				assert_ptr_equal(
				    memfind_lit(p, n, "\nFrom ", 6), end - 6);
				memset(end - 6, 'a', 6);
			}
		}
	}
	munmap(map, (size_t)pg * 2);
}

static void
test_use(void **state)
{
	(void)state;
	assert_int_equal(memfind_use(0), 0);
	assert_int_equal(memfind_width(), 0);
	assert_int_equal(memfind_use(7), -1);
	assert_int_equal(memfind_width(), 0); /* unchanged */
	if (memfind_use(16) == 0)
		assert_int_equal(memfind_width(), 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_byte_agrees),
	    cmocka_unit_test(test_lit_agrees),
	    cmocka_unit_test(test_no_read_past_end),
	    cmocka_unit_test(test_use),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
