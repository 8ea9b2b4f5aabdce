/*
 * test_agent_exim_spool.c - the Exim -H/-D parser on the spool a real
 * Exim 4.96 wrote (tests/data/exim/real-4.96, see SOURCES.md), on the
 * recipient line forms of older and newer Exims, and on damaged input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "agent/parse/exim_spool.h"
#include "testdata.h"

#define REAL "exim/real-4.96/input/"

static long long
file_size(const char *rel)
{
	char path[TESTDATA_PATH_MAX];
	struct stat st;

	if (stat(testdata_path(rel, path), &st) < 0)
		fail_msg("stat %s", path);
	return (long long)st.st_size;
}

static void
assert_field(const char *p, size_t n, const char *want)
{
	if (n != strlen(want) || memcmp(p, want, n) != 0)
		fail_msg("got '%.*s', want '%s'", (int)n, p, want);
}

static struct exim_msg *
parse_real(const char *id, int want)
{
	struct exim_msg *m = malloc(sizeof(*m));
	char rel[256], err[256];
	size_t len;
	char *t;

	snprintf(rel, sizeof(rel), REAL "%s-H", id);
	t = testdata_read(rel, &len);
	assert_int_equal(exim_hdr_parse(t, len, m, err, sizeof(err)), want);
	free(t);
	return m;
}

/* a partly delivered message: root's copy is in the non-recipients tree
 * (as "NY admin@..." with "NN root@..." on its right), ops@ waits */
static void
test_real_partly_delivered(void **state)
{
	struct exim_msg *m = parse_real("1xYK3q-0003B1-1l", 0);

	(void)state;
	assert_string_equal(m->id, "1xYK3q-0003B1-1l");
	assert_field(m->login.s, m->login.len, "root");
	assert_int_equal(m->uid, 0);
	assert_int_equal(m->gid, 0);
	assert_field(m->sender.s, m->sender.len, "root@host1.localdomain");
	assert_false(m->bounce);
	assert_int_equal(m->received, 1796116926);
	assert_int_equal(m->warnings, 0);
	assert_int_equal(m->frozen_since, -1);
	assert_true(m->local);
	assert_int_equal(m->body_lines, 1);
	assert_int_equal(m->ndelivered, 2);
	assert_int_equal(m->nrcpt, 2);
	assert_int_equal(m->npending, 1);
	assert_field(m->rcpt[0].addr.s, m->rcpt[0].addr.len, "ops@example.net");
	assert_false(m->rcpt[0].delivered);
	assert_field(m->rcpt[1].addr.s, m->rcpt[1].addr.len,
	             "root@host1.localdomain");
	assert_true(m->rcpt[1].delivered);
	assert_field(m->subject.s, m->subject.len,
	             "Cron <root@host1> /usr/local/bin/backup.sh");
	/* the "*" From (rewritten) is not the one sent */
	assert_field(m->from.s, m->from.len,
	             "root@host1.localdomain (Cron Daemon)");
	assert_true(m->complete);
	/* S=445 in the mainlog's "<=" line for this message */
	assert_int_equal(exim_msg_size(m, file_size(REAL "1xYK3q-0003B1-1l-D")),
	                 445);
	free(m);
}

static void
test_real_frozen_bounce(void **state)
{
	struct exim_msg *m = parse_real("1xYK3q-0003CB-32", 0);

	(void)state;
	assert_true(m->bounce);
	assert_int_equal(m->sender.len, 0);
	assert_int_equal(m->frozen_since, 1796116927);
	assert_false(m->manual_thaw);
	assert_int_equal(m->ndelivered, 0);
	assert_int_equal(m->npending, 1);
	assert_field(m->rcpt[0].addr.s, m->rcpt[0].addr.len,
	             "nosuchuser@host1.localdomain");
	assert_field(m->subject.s, m->subject.len,
	             "Mail delivery failed: returning message to sender");
	assert_int_equal(m->from.len, 0);
	assert_int_equal(exim_msg_size(m, file_size(REAL "1xYK3q-0003CB-32-D")),
	                 308);
	free(m);
}

/* every -H of the real spool parses, and its size is the S= logged */
static void
test_real_sizes(void **state)
{
	static const struct {
		const char *id;
		long long size;
	} want[] = {
	    {"1xYK3q-0003Be-2L", 451},
	    {"1xYK3q-0003Bz-2j", 463},
	    {"1xYK3s-0003Gz-2G", 475},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char rel[256];
		struct exim_msg *m = parse_real(want[i].id, 0);
		snprintf(rel, sizeof(rel), REAL "%s-D", want[i].id);
		assert_int_equal(exim_msg_size(m, file_size(rel)),
		                 want[i].size);
		free(m);
	}
}

static void
test_data_file(void **state)
{
	size_t len;
	char *t = testdata_read(REAL "1xYK3q-0003B1-1l-D", &len);

	(void)state;
	assert_int_equal(exim_data_start(t, len, "1xYK3q-0003B1-1l"), 19);
	assert_int_equal(exim_data_start(t, len, NULL), 19);
	assert_int_equal(exim_data_start(t, len, "1xYK3q-0003B1-1m"), -1);
	assert_int_equal(exim_data_start("1xYK3q-0003B1-1l-H\n", 19, NULL), -1);
	assert_int_equal(exim_data_start("no newline", 10, NULL), -1);
	free(t);
}

static void
test_ids_and_names(void **state)
{
	size_t idl = 0;

	(void)state;
	assert_true(exim_id_valid("1xYK3q-0003B1-1l", 16));
	assert_true(exim_id_valid("1tixMn-00000000C5j-1wRa", 23));
	assert_false(exim_id_valid("1xYK3q-0003B1_1l", 16));
	assert_false(exim_id_valid("1xYK3q-0003B1-1", 15));
	assert_int_equal(exim_file_kind("1xYK3q-0003B1-1l-H", 18, &idl),
	                 EXIM_FILE_H);
	assert_int_equal(idl, 16);
	assert_int_equal(exim_file_kind("1xYK3q-0003B1-1l-D", 18, NULL),
	                 EXIM_FILE_D);
	assert_int_equal(exim_file_kind("1xYK3q-0003B1-1l-J", 18, NULL),
	                 EXIM_FILE_J);
	assert_int_equal(exim_file_kind("1tixMn-00000000C5j-1wRa-T", 25, NULL),
	                 EXIM_FILE_T);
	assert_int_equal(exim_file_kind("1xYK3q-0003B1-1l-X", 18, NULL),
	                 EXIM_FILE_OTHER);
	assert_int_equal(exim_file_kind("db", 2, NULL), EXIM_FILE_OTHER);
	assert_int_equal(exim_file_kind("-H", 2, NULL), EXIM_FILE_OTHER);
}

static int
parse_text(const char *text, struct exim_msg *m)
{
	char err[256] = "";
	int rc = exim_hdr_parse(text, strlen(text), m, err, sizeof(err));
	if (rc < 0 && err[0] == '\0')
		fail_msg("rejected without a reason");
	return rc;
}

#define HEAD                                                                   \
	"1tixMn-00000000C5j-1wRa-H\nmail 8 12\n<a@b.example>\n1700000000 1\n"

/* recipient lines with DSN and errors_to data (Exim 4 "#bits"; 4.96
 * writes "addr orcpt len,dsn errors_to len,pno#3", empty parts too), the
 * early Exim 4 " pno" form, a 4.97 id, a tree of three */
static void
test_recipient_forms(void **state)
{
	struct exim_msg *m = malloc(sizeof(*m));

	(void)state;
	assert_int_equal(
	    parse_text(HEAD "-manual_thaw\n-frozen 1700000100\n"
	                    "YY b@x.example\n"
	                    "NN a@x.example\n"
	                    "NN c@x.example\n"
	                    "4\n"
	                    "a@x.example rfc822;a@x.example 18,0 err@x.example "
	                    "13,-1#3\n"
	                    "b@x.example 3\n"
	                    "d@x.example  0,0  0,-1#3\n"
	                    "e@x.example\n"
	                    "\n"
	                    "014  Subject: a\n\tb\n"
	                    "003  X:\n",
	               m),
	    0);
	assert_string_equal(m->id, "1tixMn-00000000C5j-1wRa");
	assert_int_equal(m->uid, 8);
	assert_int_equal(m->gid, 12);
	assert_int_equal(m->warnings, 1);
	assert_true(m->manual_thaw);
	assert_int_equal(m->frozen_since, 1700000100);
	assert_int_equal(m->ndelivered, 3);
	assert_int_equal(m->nrcpt, 4);
	assert_field(m->rcpt[0].addr.s, m->rcpt[0].addr.len, "a@x.example");
	assert_true(m->rcpt[0].delivered);
	assert_field(m->rcpt[1].addr.s, m->rcpt[1].addr.len, "b@x.example");
	assert_true(m->rcpt[1].delivered);
	assert_field(m->rcpt[2].addr.s, m->rcpt[2].addr.len, "d@x.example");
	assert_false(m->rcpt[2].delivered);
	assert_field(m->rcpt[3].addr.s, m->rcpt[3].addr.len, "e@x.example");
	assert_int_equal(m->npending, 2);
	assert_field(m->subject.s, m->subject.len, "a\tb");
	assert_int_equal(m->nheaders, 2);
	assert_int_equal(m->hdr_size, 17);
	assert_true(m->complete);
	free(m);
}

/* a header longer than what is left: parsed, but not complete */
static void
test_truncated_headers(void **state)
{
	struct exim_msg *m = malloc(sizeof(*m));

	(void)state;
	assert_int_equal(parse_text(HEAD "XX\n1\nr@x\n\n"
	                                 "099  Subject: cut short\n",
	                            m),
	                 0);
	assert_false(m->complete);
	assert_int_equal(m->subject.len, 0);
	assert_int_equal(parse_text(HEAD "XX\n1\nr@x\n\n", m), 0);
	assert_true(m->complete);
	assert_int_equal(m->nheaders, 0);
	free(m);
}

static void
test_garbage_rejected(void **state)
{
	static const char *const bad[] = {
	    "",
	    "hello\n",
	    "1xYK3q-0003B1-1l-D\nbody\n",   /* a -D file */
	    "1xYK3q-0003B1-1l-H\nroot 0\n", /* no gid */
	    "1xYK3q-0003B1-1l-H\nroot 0 0\nnobrackets\n",
	    "1xYK3q-0003B1-1l-H\nroot 0 0\n<>\nnotime\n",
	    "1xYK3q-0003B1-1l-H\nroot 0 0\n<>\n1 0\n-local\n",
	    HEAD "YN a@x\n",             /* tree ends early */
	    HEAD "QQ a@x\n1\nr@x\n\n",   /* not a tree node */
	    HEAD "XX\nmany\n",           /* no count */
	    HEAD "XX\n99999\n",          /* over Exim's bound */
	    HEAD "XX\n3\nr@x\ns@x\n",    /* fewer than counted */
	    HEAD "XX\n1\nr@x\n",         /* no empty line */
	    HEAD "XX\n1\nr@x 5,5#1\n\n", /* errors_to past start */
	    HEAD "XX\n1\nr@x 0,5#1\n\n", /* no blank before it */
	};
	struct exim_msg *m = malloc(sizeof(*m));

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_text(bad[i], m) != -1)
			fail_msg("accepted case %zu", i);
	free(m);
}

/* more recipients and a longer subject than kept: counted, cut */
static void
test_caps(void **state)
{
	static char text[1 << 16];
	struct exim_msg *m = malloc(sizeof(*m));
	size_t o = 0;

	(void)state;
	o += (size_t)snprintf(text + o, sizeof(text) - o, HEAD "XX\n40\n");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		                      "r%d@x.example\n", i);
	o += (size_t)snprintf(text + o, sizeof(text) - o,
	                      "\n%04d  Subject: ", 2000 + 10);
	memset(text + o, 's', 2000);
	o += 2000;
	text[o++] = '\n';
	assert_int_equal(exim_hdr_parse(text, o, m, (char[64]){0}, 64), 0);
	assert_int_equal(m->nrcpt, 40);
	assert_int_equal(m->npending, 40);
	assert_field(m->rcpt[QF_MAX_RCPT - 1].addr.s,
	             m->rcpt[QF_MAX_RCPT - 1].addr.len, "r7@x.example");
	assert_int_equal(m->subject.len, QF_FIELD_MAX);
	assert_true(m->subject.cut);
	assert_true(m->complete);
	free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_partly_delivered),
	    cmocka_unit_test(test_real_frozen_bounce),
	    cmocka_unit_test(test_real_sizes),
	    cmocka_unit_test(test_data_file),
	    cmocka_unit_test(test_ids_and_names),
	    cmocka_unit_test(test_recipient_forms),
	    cmocka_unit_test(test_truncated_headers),
	    cmocka_unit_test(test_garbage_rejected),
	    cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
