/*
 * test_agent_mbox.c - the streaming mbox parser: the real mailbox of the
 * real-sendmail fixture and mailutils' samples, quoting, Content-Length,
 * CRLF, appends in progress, resuming, and damaged or huge input.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/parse/mbox.h"
#include "testdata.h"

struct got {
	size_t n;
	long long start[64], len[64], body_start[64];
	time_t ts[64];
	int read[64], old[64], cron_env[64];
	char subject[64][128];
	char cron_user[64][64];
};

static void
collect(const struct mbox_msg *m, void *arg)
{
	struct got *g = arg;
	size_t i = g->n++;

	if (i >= 64)
		return;
	g->start[i] = m->start;
	g->len[i] = m->len;
	g->body_start[i] = m->body_start;
	g->ts[i] = m->ts;
	g->read[i] = m->seen_read;
	g->old[i] = m->seen_old;
	g->cron_env[i] = m->cron_env;
	snprintf(g->subject[i], sizeof(g->subject[i]), "%.*s",
	         (int)m->subject_len, m->subject);
	snprintf(g->cron_user[i], sizeof(g->cron_user[i]), "%s", m->cron_user);
}

static int
open_sample(const char *rel, long long *size)
{
	char path[TESTDATA_PATH_MAX];
	struct stat st;
	int fd = open(testdata_path(rel, path), O_RDONLY);

	if (fd < 0)
		fail_msg("test data: %s: %s", path, strerror(errno));
	assert_int_equal(fstat(fd, &st), 0);
	*size = st.st_size;
	return fd;
}

/* tmp_with - a temporary file holding s (unlinked at once). */
static int
tmp_with(const void *s, size_t n)
{
	char path[] = "/tmp/test_mbox.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, s, n), (ssize_t)n);
	return fd;
}

static int
scan(int fd, long long start, long long end, int settled, struct got *g,
     struct mbox_result *r)
{
	char err[256];

	memset(g, 0, sizeof(*g));
	return mbox_scan(fd, start, end, settled, collect, g, r, err,
	                 sizeof(err));
}

static void
test_real_sendmail_mbox(void **state)
{
	struct got g;
	struct mbox_result r;
	long long size;
	int fd = open_sample("samples/real-sendmail/mbox-root", &size);
	char ex[MBOX_EXCERPT];
	size_t n;

	(void)state;
	/* ends with an empty line: complete without being settled */
	assert_int_equal(scan(fd, 0, size, 0, &g, &r), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(r.messages, 2);
	assert_int_equal(r.end, size);
	assert_false(r.pending);
	assert_int_equal(r.junk, 0);
	assert_string_equal(g.subject[0], "Cron <root@host1> /bin/freemem.py");
	assert_string_equal(
	    g.subject[1],
	    "Cron <root@host1> /usr/sbin/ntpdate time.example.com");
	assert_int_equal(g.ts[0], 1795877350); /* Sat, 28 Nov 2026 14:49:10 */
	assert_false(g.read[0]);
	assert_true(g.cron_env[1]);
	assert_string_equal(g.cron_user[1], "root");
	assert_int_equal(g.start[1], g.start[0] + g.len[0]);
	assert_int_equal(g.start[1] + g.len[1], size);
	n = mbox_excerpt(fd, g.body_start[0],
	                 g.start[0] + g.len[0] - g.body_start[0], ex,
	                 sizeof(ex));
	assert_int_equal(n, strlen("free memory: 118 MB\n"));
	assert_memory_equal(ex, "free memory: 118 MB\n", n);
	close(fd);
}

static void
test_mailutils_samples(void **state)
{
	struct got g;
	struct mbox_result r;
	long long size;
	int fd = open_sample("samples/mailutils-mbox1.mbox", &size), unread = 0;

	(void)state;
	/* the file does not end with an empty line: the last message is
	 * held back until the file has settled */
	assert_int_equal(scan(fd, 0, size, 0, &g, &r), 0);
	assert_int_equal(g.n, 4);
	assert_true(r.pending);
	assert_int_equal(r.end, g.start[3] + g.len[3]);
	assert_int_equal(scan(fd, 0, size, 1, &g, &r), 0);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.subject[0], "Jabberwocky");
	assert_string_equal(g.subject[1], "Re: Jabberwocky");
	assert_int_equal(r.end, size);
	close(fd);

	fd = open_sample("samples/mailutils-search-status.mbox", &size);
	assert_int_equal(scan(fd, 0, size, 1, &g, &r), 0);
	assert_int_equal(g.n, 8);
	for (size_t i = 0; i < g.n; i++)
		unread += !g.read[i];
	assert_int_equal(unread, 5); /* three have Status: OR / ORA */
	assert_true(g.old[0] && g.read[0]);
	close(fd);
}

static void
test_quoting_and_content_length(void **state)
{
	struct got g;
	struct mbox_result r;
	char ex[MBOX_EXCERPT];
	size_t n;
	/* mboxo: ">From" in the body is not a boundary, excerpt unquoted */
	const char *a = "From a@b Mon Jan  5 10:00:00 2015\n"
	                "Subject: one\n\nline\n>From here\n>>From there\n\n"
	                "From a@b Mon Jan  5 10:00:01 2015\n"
	                "Subject: two\n\nx\n\n";
	/* mboxcl2: an unquoted From line inside a consistent body */
	const char *b = "From a@b Mon Jan  5 10:00:00 2015\n"
	                "Content-Length: 16\n\nhi\n\nFrom inside\n\n"
	                "From a@b Mon Jan  5 10:00:01 2015\n\nz\n\n";
	/* a lying Content-Length: the From line wins */
	const char *c = "From a@b Mon Jan  5 10:00:00 2015\n"
	                "Content-Length: 9999\n\nhi\n\n"
	                "From a@b Mon Jan  5 10:00:01 2015\n\nz\n\n";
	int fd;

	(void)state;
	fd = tmp_with(a, strlen(a));
	assert_int_equal(scan(fd, 0, (long long)strlen(a), 0, &g, &r), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.ts[1], 1420452001);
	n = mbox_excerpt(fd, g.body_start[0],
	                 g.start[0] + g.len[0] - g.body_start[0], ex,
	                 sizeof(ex));
	assert_int_equal(n, strlen("line\nFrom here\n>From there\n"));
	assert_memory_equal(ex, "line\nFrom here\n>From there\n", n);
	close(fd);

	fd = tmp_with(b, strlen(b));
	assert_int_equal(scan(fd, 0, (long long)strlen(b), 0, &g, &r), 0);
	assert_int_equal(g.n, 2);
	close(fd);

	fd = tmp_with(c, strlen(c));
	assert_int_equal(scan(fd, 0, (long long)strlen(c), 0, &g, &r), 0);
	assert_int_equal(g.n, 2);
	close(fd);
}

static void
test_crlf(void **state)
{
	struct got g;
	struct mbox_result r;
	const char *a = "From a@b Mon Jan  5 10:00:00 2015\r\n"
	                "Subject: Cron <root@h> /x\r\nStatus: RO\r\n\r\n"
	                "body\r\n\r\n"
	                "From a@b Mon Jan  5 10:00:01 2015\r\n"
	                "Subject: two\r\n\r\nx\r\n\r\n";
	int fd = tmp_with(a, strlen(a));

	(void)state;
	assert_int_equal(scan(fd, 0, (long long)strlen(a), 0, &g, &r), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.subject[0], "Cron <root@h> /x");
	assert_true(g.read[0]);
	assert_false(r.pending);
	close(fd);
}

static void
test_append_in_progress_and_resume(void **state)
{
	struct got g;
	struct mbox_result r;
	const char *one = "From a@b Mon Jan  5 10:00:00 2015\n"
	                  "Subject: one\n\nbody\n\n";
	const char *half = "From a@b Mon Jan  5 10:00:01 2015\n"
	                   "Subject: two\n\npartial li";
	const char *rest = "ne\n\n";
	int fd = tmp_with(one, strlen(one));
	long long l1 = (long long)strlen(one);

	(void)state;
	assert_int_equal(write(fd, half, strlen(half)), (ssize_t)strlen(half));
	assert_int_equal(scan(fd, 0, l1 + (long long)strlen(half), 0, &g, &r),
	                 0);
	assert_int_equal(g.n, 1);
	assert_true(r.pending);
	assert_int_equal(r.end, l1); /* resume at the half message */
	/* a writer holds the mailbox: even a complete-looking end waits */
	{
		struct got g2;
		struct mbox_result r2;
		assert_int_equal(scan(fd, 0, l1, MBOX_WRITING, &g2, &r2), 0);
		assert_int_equal(g2.n, 0);
		assert_true(r2.pending);
		assert_int_equal(r2.end, 0);
	}
	assert_int_equal(write(fd, rest, strlen(rest)), (ssize_t)strlen(rest));
	assert_int_equal(scan(fd, r.end,
	                      l1 + (long long)(strlen(half) + strlen(rest)), 0,
	                      &g, &r),
	                 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.subject[0], "two");
	assert_int_equal(g.start[0], l1);
	assert_false(r.pending);
	close(fd);
}

static void
test_missing_from_and_binary(void **state)
{
	struct got g;
	struct mbox_result r;
	const char *a = "Subject: no envelope line\n\ntext\n\n"
	                "From a@b Mon Jan  5 10:00:00 2015\n\nbody\n\n";
	unsigned char bin[65536];
	uint32_t x = 7;
	int fd;

	(void)state;
	fd = tmp_with(a, strlen(a));
	assert_int_equal(scan(fd, 0, (long long)strlen(a), 0, &g, &r), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(r.junk, (long long)strlen("Subject: no envelope "
	                                           "line\n\ntext\n\n"));
	close(fd);

	for (size_t i = 0; i < sizeof(bin); i++) {
		x = x * 1103515245 + 12345;
		bin[i] = (unsigned char)(x >> 16);
	}
	/* make sure no "\nFrom " sneaks in: it would be a real boundary */
	fd = tmp_with(bin, sizeof(bin));
	assert_int_equal(scan(fd, 0, (long long)sizeof(bin), 1, &g, &r), 0);
	assert_int_equal(g.n, 0);
	assert_int_equal(r.junk, (long long)sizeof(bin));
	assert_int_equal(r.end, (long long)sizeof(bin));
	close(fd);

	/* binary bytes inside a body are just body */
	memcpy(bin, "From a@b Mon Jan  5 10:00:00 2015\n\n", 35);
	for (size_t i = 35; i < sizeof(bin); i++)
		if (bin[i] == '\n')
			bin[i] = 'n';
	bin[sizeof(bin) - 2] = '\n';
	bin[sizeof(bin) - 1] = '\n';
	fd = tmp_with(bin, sizeof(bin));
	assert_int_equal(scan(fd, 0, (long long)sizeof(bin), 0, &g, &r), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.len[0], (long long)sizeof(bin));
	close(fd);
}

static void
test_huge_message_and_header_line(void **state)
{
	struct got g;
	struct mbox_result r;
	const char *hdr = "From a@b Mon Jan  5 10:00:00 2015\nX-Long: ";
	const char *mid = "\nSubject: after the long line\n\n";
	const char *next = "\n\nFrom a@b Mon Jan  5 10:00:01 2015\n\nz\n\n";
	size_t line = 1 << 20, body = 100u << 20;
	char *chunk = malloc(1 << 20);
	long long total;
	int fd = tmp_with(hdr, strlen(hdr));

	(void)state;
	memset(chunk, 'h', 1 << 20);
	assert_int_equal(write(fd, chunk, line), (ssize_t)line);
	assert_int_equal(write(fd, mid, strlen(mid)), (ssize_t)strlen(mid));
	/* a 100 MiB body of 80-byte lines */
	for (size_t i = 79; i < (1 << 20); i += 80)
		chunk[i] = '\n';
	for (size_t done = 0; done < body; done += 1 << 20)
		assert_int_equal(write(fd, chunk, 1 << 20), 1 << 20);
	assert_int_equal(write(fd, next, strlen(next)), (ssize_t)strlen(next));
	total =
	    (long long)(strlen(hdr) + line + strlen(mid) + body + strlen(next));
	assert_int_equal(scan(fd, 0, total, 0, &g, &r), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(r.cut_lines, 1);
	assert_string_equal(g.subject[0], "after the long line");
	assert_int_equal(g.len[0], total - (long long)strlen(next) + 2);
	assert_int_equal(r.end, total);
	free(chunk);
	close(fd);
}

static void
test_dates(void **state)
{
	const char *d1 = "Sat, 28 Nov 2026 14:49:10 GMT";
	const char *d2 = "28 Nov 2026 22:49:10 +0800 (CST)";
	const char *d3 = "Mon, 5 Jan 2015 10:00 -0500";
	const char *f1 = "From root@localhost.localdomain  Wed Jun 17 21:26:01 "
	                 "2015";
	const char *f2 = "From x Thu Aug  1 10:00:13 EDT 2002 remote from y";

	(void)state;
	assert_int_equal(mbox_date_rfc2822(d1, strlen(d1)), 1795877350);
	assert_int_equal(mbox_date_rfc2822(d2, strlen(d2)), 1795877350);
	assert_int_equal(mbox_date_rfc2822(d3, strlen(d3)), 1420470000);
	assert_int_equal(mbox_date_rfc2822("garbage", 7), -1);
	assert_int_equal(mbox_date_from_line(f1, strlen(f1)), 1434576361);
	assert_int_equal(mbox_date_from_line(f2, strlen(f2)), 1028196013);
	assert_int_equal(mbox_date_from_line("From x", 6), -1);
}

/* fake_clock - a clock that moves one second per question: the budget
 * is decided by how many reads the scan made, not by real time */
static int64_t fake_now;

static int64_t
fake_clock(void)
{
	return fake_now += 1000;
}

/* the time budget: asked before each read after the first (of up to
 * MBOX_BUF bytes), the scan stops at a message start and the next one
 * goes on from there, so that nothing is lost or counted twice */
static void
test_time_budget(void **state)
{
	enum { MSGS = 32, BODY = 32 << 10 };
	size_t n = 0, cap = MSGS * (BODY + 256);
	char *mb = malloc(cap), *body = malloc(BODY);
	struct mbox_budget b = {0, fake_clock};
	struct mbox_result r, r2;
	struct got g;
	char err[256];
	int fd;

	(void)state;
	assert_non_null(mb);
	assert_non_null(body);
	for (size_t i = 0; i < BODY; i++)
		body[i] = (i % 64 == 63) ? '\n' : 'b';
	body[BODY - 1] = '\n';
	for (int i = 0; i < MSGS; i++)
		n += (size_t)snprintf(mb + n, cap - n,
		                      "From root@h Tue Dec  1 10:00:%02d 2026\n"
		                      "Subject: m%d\n\n%.*s\n",
		                      i % 60, i, BODY, body);
	fd = tmp_with(mb, n);
	/* the clock reads 1000, 2000, 3000: the fourth read is refused */
	fake_now = 0;
	b.deadline_ms = 2500;
	memset(&g, 0, sizeof(g));
	assert_int_equal(mbox_scan_until(fd, 0, (long long)n, MBOX_SETTLED, &b,
	                                 collect, &g, &r, err, sizeof(err)),
	                 0);
	assert_true(r.timed_out);
	assert_true(r.messages > 0 && r.messages < MSGS);
	assert_true(r.end > 0 && r.end < (long long)n);
	assert_true(r.end <= 3 * (long long)MBOX_BUF);
	assert_memory_equal(mb + r.end, "From ", 5);
	/* the rest, without a budget: every message once */
	memset(&g, 0, sizeof(g));
	assert_int_equal(mbox_scan_until(fd, r.end, (long long)n, MBOX_SETTLED,
	                                 NULL, collect, &g, &r2, err,
	                                 sizeof(err)),
	                 0);
	assert_false(r2.timed_out);
	assert_int_equal(r.messages + r2.messages, MSGS);
	assert_int_equal(r2.end, (long long)n);
	/* no deadline: one scan reads it all */
	b.deadline_ms = 0;
	memset(&g, 0, sizeof(g));
	assert_int_equal(mbox_scan_until(fd, 0, (long long)n, MBOX_SETTLED, &b,
	                                 collect, &g, &r, err, sizeof(err)),
	                 0);
	assert_int_equal(r.messages, MSGS);
	close(fd);
	free(mb);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_sendmail_mbox),
	    cmocka_unit_test(test_mailutils_samples),
	    cmocka_unit_test(test_quoting_and_content_length),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_append_in_progress_and_resume),
	    cmocka_unit_test(test_missing_from_and_binary),
	    cmocka_unit_test(test_huge_message_and_header_line),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_time_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
