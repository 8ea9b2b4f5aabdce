/*
 * test_agent_cycle_buf.c - the cycle's shared read buffer: one mapping
 * for the readers that take it one after another, grown when one asks
 * for more, a mapping of its own for a reader that asks while it is
 * taken, and nothing left after cycle_buf_release().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "agent/cycle.h"

static void
test_readers_in_turn_share_one_buffer(void **state)
{
	struct cycle c;
	char *a, *b;

	(void)state;
	memset(&c, 0, sizeof(c));
	a = cycle_buf_take(&c, 64 << 10);
	assert_non_null(a);
	memset(a, 'x', 64 << 10); /* writable, all of it */
	cycle_buf_put(&c, a, 64 << 10);
	b = cycle_buf_take(&c, 4096);
	assert_ptr_equal(a, b); /* the same buffer again */
	cycle_buf_put(&c, b, 4096);
	assert_int_equal(c.rbuf_busy, 0);
	cycle_buf_release(&c);
	assert_null(c.rbuf);
	assert_int_equal(c.rbuf_cap, 0);
}

static void
test_a_larger_reader_grows_it(void **state)
{
	struct cycle c;
	char *a;

	(void)state;
	memset(&c, 0, sizeof(c));
	a = cycle_buf_take(&c, 4096);
	cycle_buf_put(&c, a, 4096);
	a = cycle_buf_take(&c, 1 << 20);
	assert_true(c.rbuf_cap >= (size_t)1 << 20);
	memset(a, 'y', 1 << 20);
	cycle_buf_put(&c, a, 1 << 20);
	cycle_buf_release(&c);
}

static void
test_a_reader_while_taken_gets_its_own(void **state)
{
	struct cycle c;
	char *a, *b;

	(void)state;
	memset(&c, 0, sizeof(c));
	a = cycle_buf_take(&c, 8192);
	b = cycle_buf_take(&c, 8192);
	assert_ptr_not_equal(a, b);
	memset(a, 'a', 8192);
	memset(b, 'b', 8192);
	assert_int_equal(a[8191], 'a'); /* neither overwrote the other */
	cycle_buf_put(&c, b, 8192);
	assert_int_equal(c.rbuf_busy, 1); /* still a's */
	cycle_buf_put(&c, a, 8192);
	assert_int_equal(c.rbuf_busy, 0);
	cycle_buf_release(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readers_in_turn_share_one_buffer),
	    cmocka_unit_test(test_a_larger_reader_grows_it),
	    cmocka_unit_test(test_a_reader_while_taken_gets_its_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
