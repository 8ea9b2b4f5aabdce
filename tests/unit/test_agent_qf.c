/*
 * test_agent_qf.c - the qf parser on the real queue files of the
 * real-sendmail fixture, op.me's example, and damaged input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agent/parse/qf.h"
#include "testdata.h"

/* fx - what a test allocates, freed by fx_teardown whether it passes or
 * fails: the parsed message and the input text. */
struct fx {
	struct qf_msg m;
	char *text;
	size_t len;
};

static int
fx_setup(void **state)
{
	*state = calloc(1, sizeof(struct fx));
	return *state ? 0 : -1;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	free(f->text);
	free(f);
	return 0;
}

static void
assert_field(const char *p, size_t n, const char *want)
{
	if (n != strlen(want) || memcmp(p, want, n) != 0)
		fail_msg("got '%.*s', want '%s'", (int)n, p, want);
}

static void
test_real_sendmail_qf(void **state)
{
	struct fx *f = *state;
	struct qf_msg *m = &f->m;
	char err[256];

	f->text =
	    testdata_read("samples/real-sendmail/qf6ASEnAvr023598", &f->len);
	assert_int_equal(qf_parse(f->text, f->len, m, err, sizeof(err)), 0);
	assert_int_equal(m->version, 8);
	assert_int_equal(m->created, 1795877350);
	assert_int_equal(m->last_try, 1795877350);
	assert_int_equal(m->tries, 1);
	assert_true(m->complete);
	assert_int_equal(m->nbad, 0);
	assert_field(m->sender.s, m->sender.len, "root");
	assert_int_equal(m->nrcpt, 1);
	assert_field(m->rcpt[0].s, m->rcpt[0].len, "root");
	assert_field(m->subject.s, m->subject.len,
	             "Cron <root@host1> /bin/freemem.py");
	assert_field(m->from.s, m->from.len, "root (Cron Daemon)");
	assert_field(qf_status(m)->s, qf_status(m)->len,
	             "Deferred: Connection refused by [127.0.0.1]");
}

static void
test_opme_example(void **state)
{
	struct fx *f = *state;
	struct qf_msg *m = &f->m;
	char err[256];

	f->text =
	    testdata_read("samples/qf-example-sendmail-opme.txt", &f->len);
	assert_int_equal(qf_parse(f->text, f->len, m, err, sizeof(err)), 0);
	assert_int_equal(m->version, 4);
	assert_int_equal(m->created, 711358135);
	assert_int_equal(m->tries, 0);
	assert_true(m->complete);
	assert_int_equal(m->nrcpt, 2);
	assert_field(m->rcpt[1].s, m->rcpt[1].len,
	             "bostic@okeeffe.CS.Berkeley.EDU");
	assert_field(m->subject.s, m->subject.len,
	             "this is an example message");
	assert_field(m->from.s, m->from.len,
	             "eric@foo.bar.baz.de (Eric Allman)");
	assert_int_equal(qf_status(m)->len, 0);
}

static void
test_truncated_is_incomplete(void **state)
{
	struct fx *f = *state;
	struct qf_msg *m = &f->m;
	char err[256];

	f->text =
	    testdata_read("samples/real-sendmail/qf6ASEnAbu023599", &f->len);
	/* cut in the middle of the H records */
	assert_int_equal(qf_parse(f->text, f->len / 2, m, err, sizeof(err)), 0);
	assert_false(m->complete);
	assert_int_equal(m->created, 1795877350);
}

static void
test_garbage_rejected(void **state)
{
	struct qf_msg *m = &((struct fx *)*state)->m;
	char err[256], junk[4096];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245 + 12345;
		junk[i] = (char)(x >> 16);
	}
	assert_int_equal(qf_parse(junk, sizeof(junk), m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a qf file"));
	assert_int_equal(qf_parse("", 0, m, err, sizeof(err)), -1);
	assert_string_equal(err, "empty file");
	assert_int_equal(qf_parse("hello\nworld\n", 12, m, err, sizeof(err)),
	                 -1);
}

static void
test_recipient_status_and_folding(void **state)
{
	struct qf_msg *m = &((struct fx *)*state)->m;
	char err[256];
	const char *t = "V8\nT100\nN3\nMenvelope says\nSroot\n"
	                "MDeferred: 451 try later\nC:root\nRPFD:a@b\n"
	                "RPFD:c@d\n"
	                "H??Subject: Cron <root@h> /usr/bin/long\n"
	                "\t--flag value\n"
	                "H??X-Other: y\n.\n";

	assert_int_equal(qf_parse(t, strlen(t), m, err, sizeof(err)), 0);
	assert_field(m->env_status.s, m->env_status.len, "envelope says");
	assert_field(qf_status(m)->s, qf_status(m)->len,
	             "Deferred: 451 try later");
	assert_int_equal(m->nrcpt, 2);
	assert_field(m->subject.s, m->subject.len,
	             "Cron <root@h> /usr/bin/long\t--flag value");
	assert_int_equal(m->tries, 3);
	assert_true(m->complete);
}

static void
test_huge_header_and_many_recipients(void **state)
{
	struct fx *f = *state;
	struct qf_msg *m = &f->m;
	char err[256];
	size_t n = 0;
	char *t = f->text = malloc(2u << 20);

	n += (size_t)sprintf(t + n, "V8\nT5\nSroot\n");
	for (int i = 0; i < 20; i++)
		n += (size_t)sprintf(t + n, "RPFD:user%d@example.org\n", i);
	n += (size_t)sprintf(t + n, "H??Subject: ");
	memset(t + n, 'x', 1 << 20); /* a 1 MiB header line */
	n += 1 << 20;
	n += (size_t)sprintf(t + n, "\n.\n");
	assert_int_equal(qf_parse(t, n, m, err, sizeof(err)), 0);
	assert_int_equal(m->nrcpt, 20);
	assert_field(m->rcpt[7].s, m->rcpt[7].len, "user7@example.org");
	assert_int_equal(m->subject.len, QF_FIELD_MAX);
	assert_true(m->subject.cut);
	assert_true(m->complete);
}

/* The edges of reading a qf a 64-byte block at a time: a line end on
 * the last byte of a block and on the first, a file shorter than a
 * block and one whose last block is short, DOS line ends, a header
 * folded across a block, and numbers read eight digits a step up to
 * where a digit at a time stops (past 922337203685477579). */
static void
test_block_edges(void **state)
{
	struct qf_msg *m = &((struct fx *)*state)->m;
	char err[256], t[512];
	size_t n = 0;

	/* "V8\n" then a T line whose '\n' is byte 63, then one at 64 */
	n += (size_t)sprintf(t + n, "V8\r\nT%058d\n", 1234567);
	assert_int_equal(n, 64);
	n += (size_t)sprintf(t + n, "\nK9223372036854775807\r\nN 12345678 \n");
	n += (size_t)sprintf(t + n, "Sroot\r\nRPFD:a@b\r\n");
	while (n < 125)
		t[n++] = 'P';
	n += (size_t)sprintf(t + n, "\nH??Subject: Cron <root@h> /bin/x");
	/* the fold crosses the block boundary at 128 */
	n += (size_t)sprintf(t + n, "\r\n\t--long\r\nH??From: r\r\n.\r\n");
	assert_int_equal(qf_parse(t, n, m, err, sizeof(err)), 0);
	assert_int_equal(m->version, 8);
	assert_int_equal(m->created, 1234567);
	assert_int_equal(m->last_try, -1); /* past 922337203685477579 */
	assert_int_equal(m->tries, 12345678);
	assert_field(m->sender.s, m->sender.len, "root");
	assert_field(m->rcpt[0].s, m->rcpt[0].len, "a@b");
	assert_field(m->subject.s, m->subject.len,
	             "Cron <root@h> /bin/x\t--long");
	assert_field(m->from.s, m->from.len, "r");
	assert_true(m->complete);
	assert_int_equal(m->nbad, 1); /* the empty line at 64 */
	assert_int_equal(m->nlines, 12);

	/* shorter than a block, no final line end */
	strcpy(t, "T922337203685477579\nSx\nN000009223372036854775808\n.");
	assert_int_equal(qf_parse(t, strlen(t), m, err, sizeof(err)), 0);
	assert_int_equal(m->created, 922337203685477579LL);
	assert_int_equal(m->tries, -1); /* 2^63, behind five zeros */
	assert_true(m->complete);
	assert_int_equal(m->nlines, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_real_sendmail_qf, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_opme_example, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_is_incomplete,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_garbage_rejected, fx_setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_recipient_status_and_folding,
	                                    fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(
	        test_huge_header_and_many_recipients, fx_setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_block_edges, fx_setup,
	                                    fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
