/*
 * test_agent_qf_postfix.c - postfix queue files (typed records) and defer
 * logs: a queue file as cleanup writes it, long header lines split over
 * L records, damaged files, and a hashed deferred queue read with the
 * reasons from defer/.
 */
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

#include "agent/cycle.h"
#include "agent/collect/mailq.h"
#include "agent/parse/pfq.h"
#include "agent/probe/postqueue.h"

struct buf {
	char b[8192];
	size_t n;
};

/* rec - append one record: type, 7-bit length groups, data */
static void
rec(struct buf *o, char type, const char *data)
{
	size_t n = strlen(data);

	o->b[o->n++] = type;
	do {
		unsigned char ch = n & 0x7f;
		n >>= 7;
		o->b[o->n++] = (char)(ch | (n ? 0x80 : 0));
	} while (n);
	memcpy(o->b + o->n, data, strlen(data));
	o->n += strlen(data);
}

static void
queue_file(struct buf *o, const char *subject)
{
	o->n = 0;
	rec(o, 'C', "             310              200               1");
	rec(o, 'T', "1795877350 123456");
	rec(o, 'F', "");
	rec(o, 'S', "root@host1.example.com");
	rec(o, 'A', "rewrite_context=local");
	rec(o, 'O', "root");
	rec(o, 'R', "root@host1.example.com");
	rec(o, 'D', "done@host1.example.com");
	rec(o, 'M', "");
	rec(o, 'N', "Received: by host1 (Postfix, from userid 0)");
	rec(o, 'N', "\tid 3CDD6604F980; Sat, 28 Nov 2026 14:49:10 +0000");
	rec(o, 'N', "From: root@host1.example.com (Cron Daemon)");
	rec(o, 'N', subject);
	rec(o, 'N', "X-Cron-Env: <LOGNAME=root>");
	rec(o, 'N', "");
	rec(o, 'N', "Subject: not a header, the body");
	rec(o, 'X', "");
	rec(o, 'E', "");
}

static void
test_queue_file(void **state)
{
	struct buf o;
	struct pfq_msg m;
	char err[256];

	(void)state;
	queue_file(&o, "Subject: Cron <root@host1> /bin/freemem.py");
	assert_int_equal(pfq_parse(o.b, o.n, &m, err, sizeof(err)), 0);
	assert_int_equal(m.arrival, 1795877350);
	assert_int_equal(m.sender.len, strlen("root@host1.example.com"));
	assert_int_equal(m.nrcpt, 1);
	assert_int_equal(m.ndone, 1);
	assert_memory_equal(m.rcpt[0].s, "root@host1.example.com", 22);
	assert_int_equal(m.subject.len,
	                 strlen("Cron <root@host1> /bin/freemem.py"));
	assert_memory_equal(m.subject.s, "Cron <root@host1> /bin/freemem.py",
	                    m.subject.len);
	assert_memory_equal(m.from.s, "root@host1.example.com (Cron Daemon)",
	                    m.from.len);
	assert_true(m.complete);
	/* the start of the file is enough */
	assert_int_equal(pfq_parse(o.b, o.n / 2, &m, err, sizeof(err)), 0);
	assert_false(m.complete);
	assert_int_equal(m.arrival, 1795877350);
}

static void
test_long_line_split(void **state)
{
	struct buf o;
	struct pfq_msg m;
	char err[256];

	(void)state;
	o.n = 0;
	rec(&o, 'T', "100 0");
	rec(&o, 'S', "a@b");
	rec(&o, 'M', "");
	rec(&o, 'L', "Subject: Cron <root@h> /usr/bin/a-very");
	rec(&o, 'L', "-long-command");
	rec(&o, 'N', " --with-args");
	rec(&o, 'N', "");
	rec(&o, 'E', "");
	assert_int_equal(pfq_parse(o.b, o.n, &m, err, sizeof(err)), 0);
	assert_int_equal(
	    m.subject.len,
	    strlen("Cron <root@h> /usr/bin/a-very-long-command --with-args"));
	assert_memory_equal(
	    m.subject.s,
	    "Cron <root@h> /usr/bin/a-very-long-command --with-args",
	    m.subject.len);
}

static void
test_damaged(void **state)
{
	struct pfq_msg m;
	char err[256];
	const char bad_len[] = {'T',        (char)0xff, (char)0xff, (char)0xff,
	                        (char)0xff, (char)0xff, (char)0xff, 'x'};

	(void)state;
	assert_int_equal(pfq_parse("", 0, &m, err, sizeof(err)), -1);
	assert_int_equal(pfq_parse("V8\nT1\n", 6, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a postfix queue file"));
	assert_int_equal(
	    pfq_parse(bad_len, sizeof(bad_len), &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad record length"));
}

static void
test_defer_reason(void **state)
{
	const char *n1 = "recipient=alice@example.org\noffset=190\n"
	                 "status=4.4.1\naction=delayed\n"
	                 "reason=connect to mx.example.com[192.0.2.25]:25: "
	                 "Connection timed out\n\n";
	const char *n2 = "<alice@example.org>: connect to 127.0.0.1[127.0.0.1]"
	                 ":25: Connection refused\n";
	const char *p;
	size_t n;

	(void)state;
	assert_int_equal(pfq_defer_reason(n1, strlen(n1), &p, &n), 0);
	assert_int_equal(n, strlen("connect to mx.example.com[192.0.2.25]:25: "
	                           "Connection timed out"));
	assert_int_equal(pfq_defer_reason(n2, strlen(n2), &p, &n), 0);
	assert_memory_equal(p, "connect to 127.0.0.1", 20);
	assert_int_equal(pfq_defer_reason("x=y\n", 4, &p, &n), -1);
}

static void
put(const char *path, const char *data, size_t n)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static void
test_scan_hashed_queue(void **state)
{
	struct mailq_opts o = {
	    .now = 0, .max_queued = 10, .qf_max_bytes = 65536};
	struct cycle c;
	char d[] = "/tmp/test_pfq.XXXXXX", p[4200], cmd[4300];
	struct mailq *q;
	struct buf b;
	json_t *det;
	const char *reason = "reason=connect to 127.0.0.1[127.0.0.1]:25: "
	                     "Connection refused\n";

	(void)state;
	memset(&c, 0, sizeof(c));
	c.report = json_pack("{s:[], s:[]}", "errors", "findings");
	c.errors = json_object_get(c.report, "errors");
	c.root = "";
	assert_non_null(mkdtemp(d));
	snprintf(p, sizeof(p), "%s/deferred/A", d);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s %s/defer/A", p, d);
	assert_int_equal(system(cmd), 0);
	queue_file(&b, "Subject: Cron <root@host1> /bin/freemem.py");
	snprintf(p, sizeof(p), "%s/deferred/A/A1B2C3D4E5", d);
	put(p, b.b, b.n);
	snprintf(p, sizeof(p), "%s/defer/A/A1B2C3D4E5", d);
	put(p, reason, strlen(reason));
	snprintf(p, sizeof(p), "%s/deferred/A/AFFFF00000", d);
	put(p, "garbage", 7);
	q = mailq_new(&o);
	snprintf(p, sizeof(p), "%s/deferred", d);
	snprintf(cmd, sizeof(cmd), "%s/defer", d);
	{
		int qfd = open(p, O_RDONLY | O_DIRECTORY);
		int dfd = open(cmd, O_RDONLY | O_DIRECTORY);
		assert_true(qfd >= 0 && dfd >= 0);
		assert_int_equal(mailq_scan_postfix(q, &c, qfd, dfd,
		                                    "/var/spool/postfix/deferred"),
		                 0);
		close(qfd);
		close(dfd);
	}
	assert_int_equal(mailq_total(q), 2);
	det = mailq_details(q);
	assert_int_equal(json_array_size(det), 2);
	{
		json_t *m = json_array_get(det, 1); /* the dated one */
		assert_string_equal(json_string_value(json_object_get(m, "id")),
		                    "A1B2C3D4E5");
		assert_string_equal(
		    json_string_value(json_object_get(m, "status")),
		    "connect to 127.0.0.1[127.0.0.1]:25: Connection refused");
		assert_string_equal(
		    json_string_value(json_object_get(m, "cron_command")),
		    "/bin/freemem.py");
	}
	assert_int_equal(json_array_size(c.errors), 1);
	json_decref(det);
	mailq_free(q);
	json_decref(c.report);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", d);
	assert_int_equal(system(cmd), 0);
}

/* one_detail - the one queued message of q, as the report shows it:
 * "id|from|size|subject|cron_command|created_ts|to" */
static void
one_detail(struct mailq *q, char *out, size_t n)
{
	json_t *det = mailq_details(q), *m;
	char *to;

	assert_int_equal(json_array_size(det), 1);
	m = json_array_get(det, 0);
	to = json_dumps(json_object_get(m, "to"), JSON_COMPACT);
	snprintf(out, n, "%s|%s|%lld|%s|%s|%s|%s",
	         json_string_value(json_object_get(m, "id")),
	         json_string_value(json_object_get(m, "from")),
	         (long long)json_integer_value(json_object_get(m, "size")),
	         json_string_value(json_object_get(m, "subject")),
	         json_string_value(json_object_get(m, "cron_command")),
	         json_string_value(json_object_get(m, "created_ts")), to);
	free(to);
	json_decref(det);
}

/* the two postfix paths give one report: the queue file read under
 * --root, and postqueue -j's showq line for the same message (its
 * fields as showq prints them: sender = the S record, message_size = the
 * C record's first number) with the queue file read by id for Subject
 * and the cron command.  The header From differs from the envelope
 * sender and the file size from the size record, as on a real host. */
static void
test_postqueue_and_files_agree(void **state)
{
	struct mailq_opts o = {
	    .now = 0, .max_queued = 10, .qf_max_bytes = 65536};
	struct cycle c;
	char d[] = "/tmp/test_pfq2.XXXXXX", p[4200], a[1024], b2[1024];
	const char *line =
	    "{\"queue_name\": \"deferred\", \"queue_id\": \"3CDD6604F980\", "
	    "\"arrival_time\": 1795877350, \"message_size\": 310, "
	    "\"forced_expire\": false, \"sender\": \"root@host1.example.com\", "
	    "\"recipients\": [{\"address\": \"root@host1.example.com\"}]}";
	struct mailq *q;
	struct buf b;
	int qfd, sfd;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.report = json_pack("{s:[], s:[]}", "errors", "findings");
	c.errors = json_object_get(c.report, "errors");
	c.root = "";
	assert_non_null(mkdtemp(d));
	snprintf(p, sizeof(p), "mkdir -p %s/deferred/3", d);
	assert_int_equal(system(p), 0);
	queue_file(&b, "Subject: Cron <root@host1> /bin/freemem.py");
	snprintf(p, sizeof(p), "%s/deferred/3/3CDD6604F980", d);
	put(p, b.b, b.n);
	assert_true(b.n != 310);

	/* --root: the queue files */
	q = mailq_new(&o);
	snprintf(p, sizeof(p), "%s/deferred", d);
	qfd = open(p, O_RDONLY | O_DIRECTORY);
	assert_true(qfd >= 0);
	assert_int_equal(mailq_scan_postfix(q, &c, qfd, -1,
	                                    "/var/spool/postfix/deferred"),
	                 0);
	close(qfd);
	one_detail(q, a, sizeof(a));
	mailq_free(q);

	/* live: postqueue -j, the queue file read by its id */
	q = mailq_new(&o);
	sfd = open(d, O_RDONLY | O_DIRECTORY);
	assert_true(sfd >= 0);
	assert_int_equal(postqueue_line(q, sfd, line, strlen(line)), 1);
	close(sfd);
	one_detail(q, b2, sizeof(b2));
	mailq_free(q);

	assert_string_equal(a, "3CDD6604F980|root@host1.example.com|310|"
	                       "Cron <root@host1> /bin/freemem.py|"
	                       "/bin/freemem.py|2026-11-28T14:49:10Z|"
	                       "[\"root@host1.example.com\"]");
	assert_string_equal(b2, a);
	json_decref(c.report);
	snprintf(p, sizeof(p), "rm -rf '%s'", d);
	assert_int_equal(system(p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_queue_file),
	    cmocka_unit_test(test_long_line_split),
	    cmocka_unit_test(test_damaged),
	    cmocka_unit_test(test_defer_reason),
	    cmocka_unit_test(test_scan_hashed_queue),
	    cmocka_unit_test(test_postqueue_and_files_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
