/*
 * test_agent_queue_open.c - the queue readers open hostile entries
 * safely: sendmail's qf files, postfix's queue files, Exim's -H files,
 * nullmailer's queue and a Maildir's new/ hold a symbolic link to a
 * canary outside, a FIFO, a hard link to the canary, and a file that is
 * swapped for the canary between the reader's lstat and its open.  None
 * of the canary's bytes may reach the result; each is counted.
 *
 * The swap: this test defines fstatat(), so the readers' lstat of an
 * entry lands here; once armed for a name, it renames the canary over
 * that entry after the real lstat, just as a hostile owner of the
 * directory would between the two calls.  sendmail's reader takes the
 * listing's inode for the lstat (safe_open_listed): there the swap comes
 * just before the open (the test's openat(), swap.at_open).
 */
#undef _FORTIFY_SOURCE /* openat() below, not glibc's inline wrapper */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/cycle.h"
#include "agent/collect/mailq.h"
#include "agent/collect/relayq.h"
#include "agent/probe/exim_queue.h"

#define CANARY "CANARY-7f3e"
#define PN 512 /* bytes of a path below top */

/* ------------------------------------------------------------ the swap */

static struct {
	char name[256]; /* the entry to swap, "" when disarmed */
	char from[PN]; /* the canary renamed over it */
	char dir[PN];  /* the entry's directory */
	int fired;
	int at_open; /* swap before the open of the entry, not after its lstat */
} swap;

/* do_swap - rename the canary over the armed entry if it is name */
static void
do_swap(const char *name)
{
	char to[PN];

	if (swap.name[0] != '\0' && strcmp(name, swap.name) == 0) {
		snprintf(to, sizeof(to), "%.250s/%.250s", swap.dir, swap.name);
		if (rename(swap.from, to) == 0)
			swap.fired++;
		swap.name[0] = '\0';
	}
}

int
openat(int dirfd, const char *name, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (swap.at_open)
		do_swap(name);
	return (int)syscall(SYS_openat, dirfd, name, flags, mode);
}

int
fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
	long r = syscall(SYS_newfstatat, dirfd, name, st, flags);

	if (r == 0 && !swap.at_open)
		do_swap(name);
	return (int)r;
}

static void
arm(const char *dir, const char *name, const char *from)
{
	snprintf(swap.dir, sizeof(swap.dir), "%.250s", dir);
	snprintf(swap.name, sizeof(swap.name), "%s", name);
	snprintf(swap.from, sizeof(swap.from), "%.250s", from);
	swap.fired = 0;
	swap.at_open = 0;
}

/* ------------------------------------------------------------ helpers */

static char top[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/test_queue_open.XXXXXX");
	return mkdtemp(top) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static void
put(const char *dir, const char *name, const char *data, size_t n)
{
	char p[PN];
	FILE *fp;

	snprintf(p, sizeof(p), "%.250s/%.250s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void
sub(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%.250s/%.250s", top, name);
	assert_int_equal(mkdir(out, 0700), 0);
}

/* hostile - in dir: "link" a symbolic link to the canary at canary,
 * "fifo" a FIFO, "hard" a hard link to the canary (each prefixed) */
static void
hostile(const char *dir, const char *prefix, const char *canary)
{
	char p[PN];

	snprintf(p, sizeof(p), "%.250s/%.200slink", dir, prefix);
	assert_int_equal(symlink(canary, p), 0);
	snprintf(p, sizeof(p), "%.250s/%.200sfifo", dir, prefix);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%.250s/%.200shard", dir, prefix);
	assert_int_equal(link(canary, p), 0);
}

/* dir_fd - an fd of the directory path for one reader call (left open:
 * three in the whole run) */
static int
dir_fd(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	return fd;
}

static struct cycle *
new_cycle(void)
{
	struct cycle *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->root = "";
	c->now = 1795877400;
	c->report = json_pack("{s:[], s:[]}", "errors", "findings");
	c->errors = json_object_get(c->report, "errors");
	c->findings = json_object_get(c->report, "findings");
	return c;
}

/* has - whether the JSON text of j contains s */
static int
has(json_t *j, const char *s)
{
	char *t = json_dumps(j, 0);
	int r = t != NULL && strstr(t, s) != NULL;

	free(t);
	return r;
}

/* ------------------------------------------------------------ sendmail */

static const char qf_ok[] = "V8\nT1795877000\nSroot\nRPFD:root\n"
                            "H??Subject: Cron <root@h> /bin/ok\n.\n";
static const char qf_canary[] = "V8\nT1795877000\nSroot\nRPFD:root\n"
                                "H??Subject: Cron <root@h> " CANARY "\n.\n";

static void
test_sendmail(void **state)
{
	struct mailq_opts o = {
	    .now = 1795877400, .max_queued = 100, .qf_max_bytes = 1 << 20};
	struct mailq *q = mailq_new(&o);
	struct cycle *c = new_cycle();
	char qd[PN], out[PN], canary[PN], swapin[PN];
	json_t *det;

	(void)state;
	sub(qd, sizeof(qd), "mqueue");
	sub(out, sizeof(out), "outside-sm");
	put(out, "canary", qf_canary, sizeof(qf_canary) - 1);
	put(out, "swapin", qf_canary, sizeof(qf_canary) - 1);
	snprintf(canary, sizeof(canary), "%.250s/canary", out);
	snprintf(swapin, sizeof(swapin), "%.250s/swapin", out);
	hostile(qd, "qf6ASEnA", canary);
	put(qd, "qf6ASEnAok0001", qf_ok, sizeof(qf_ok) - 1);
	put(qd, "df6ASEnAok0001", "body\n", 5);
	put(qd, "qf6ASEnAsw0002", qf_ok, sizeof(qf_ok) - 1);
	put(qd, "df6ASEnAsw0002", "body\n", 5);
	arm(qd, "qf6ASEnAsw0002", swapin);
	swap.at_open = 1;
	assert_int_equal(mailq_scan_sendmail(q, c, dir_fd(qd),
	                                     "/var/spool/mqueue"),
	                 0);
	assert_int_equal(swap.fired, 1);
	assert_int_equal(mailq_total(q), 1);
	det = mailq_details(q);
	assert_int_equal(json_array_size(det), 1);
	assert_false(has(det, CANARY));
	assert_true(has(det, "/bin/ok"));
	json_decref(det);
	assert_false(has(c->errors, CANARY));
	assert_true(has(c->errors, "a symbolic link"));
	assert_true(has(c->errors, "a FIFO"));
	assert_true(has(c->errors, "2 hard links"));
	/* after the lstat, or the listing when it stands for one */
	assert_true(has(c->errors, "replaced between"));
	mailq_free(q);
	json_decref(c->report);
	free(c);
}

/* ------------------------------------------------------------ postfix */

struct buf {
	char b[PN];
	size_t n;
};

/* rec - append one postfix record: type, 7-bit length groups, data */
static void
rec(struct buf *o, char type, const char *data)
{
	size_t n = strlen(data), len = n;

	o->b[o->n++] = type;
	do {
		unsigned char ch = n & 0x7f;
		n >>= 7;
		o->b[o->n++] = (char)(ch | (n ? 0x80 : 0));
	} while (n);
	memcpy(o->b + o->n, data, len);
	o->n += len;
}

static void
pf_file(struct buf *o, const char *subject)
{
	o->n = 0;
	rec(o, 'C', "             100              100               1");
	rec(o, 'T', "1795877350 123456");
	rec(o, 'S', "root@h");
	rec(o, 'R', "root@h");
	rec(o, 'M', "");
	rec(o, 'N', subject);
	rec(o, 'N', "");
	rec(o, 'X', "");
	rec(o, 'E', "");
}

static void
test_postfix(void **state)
{
	struct mailq_opts o = {
	    .now = 1795877400, .max_queued = 100, .qf_max_bytes = 1 << 20};
	struct mailq *q = mailq_new(&o);
	struct cycle *c = new_cycle();
	char qd[PN], hd[PN], out[PN], canary[PN], swapin[PN];
	struct buf b;
	json_t *det;

	(void)state;
	sub(qd, sizeof(qd), "deferred");
	snprintf(hd, sizeof(hd), "%.250s/A", qd);
	assert_int_equal(mkdir(hd, 0700), 0);
	sub(out, sizeof(out), "outside-pf");
	pf_file(&b, "Subject: Cron <root@h> " CANARY);
	put(out, "canary", b.b, b.n);
	put(out, "swapin", b.b, b.n);
	snprintf(canary, sizeof(canary), "%.250s/canary", out);
	snprintf(swapin, sizeof(swapin), "%.250s/swapin", out);
	hostile(hd, "A1B2C3", canary);
	pf_file(&b, "Subject: Cron <root@h> /bin/ok");
	put(hd, "A1B2C3D4E5", b.b, b.n);
	put(hd, "A1B2C3D4E6", b.b, b.n);
	arm(hd, "A1B2C3D4E6", swapin);
	assert_int_equal(
	    mailq_scan_postfix(q, c, dir_fd(qd), -1,
	                       "/var/spool/postfix/deferred"),
	    0);
	assert_int_equal(swap.fired, 1);
	assert_int_equal(mailq_total(q), 1);
	det = mailq_details(q);
	assert_false(has(det, CANARY));
	assert_true(has(det, "/bin/ok"));
	json_decref(det);
	assert_true(has(c->errors, "a symbolic link"));
	assert_true(has(c->errors, "a FIFO"));
	assert_true(has(c->errors, "2 hard links"));
	assert_true(has(c->errors, "replaced between lstat and open"));
	mailq_free(q);
	json_decref(c->report);
	free(c);
}

/* ------------------------------------------------------------ exim */

#define EXIM_H(id)                                                             \
	id "-H\nroot 0 0\n<root@h>\n1796000000 0\nXX\n1\na@b\n\n013  Subject: hi!\n"

static void
count_msg(void *arg, const struct exim_queue_msg *m)
{
	(void)m;
	(*(int *)arg)++;
}

/* entry - path of name in dir, into out */
static const char *
entry(char *out, size_t n, const char *dir, const char *name)
{
	snprintf(out, n, "%.250s/%.250s", dir, name);
	return out;
}

static void
test_exim(void **state)
{
	static const char ok1[] = EXIM_H("1xYK3q-0003B1-1l");
	static const char ok3[] = EXIM_H("1xYK3q-0003B3-1l");
	/* the canary names another message: read, it would be "malformed" */
	static const char can[] = EXIM_H("1xYK3q-0003B2-1l");
	char sp[PN], in[PN], out[PN], canary[PN], swapin[PN];
	char err[256], p[PN];
	struct exim_queue eq;
	struct sl_clock clk;
	int fd, n = 0;

	(void)state;
	sub(sp, sizeof(sp), "exim4");
	snprintf(in, sizeof(in), "%.250s/input", sp);
	assert_int_equal(mkdir(in, 0700), 0);
	sub(out, sizeof(out), "outside-exim");
	put(out, "canary", can, sizeof(can) - 1);
	put(out, "swapin", can, sizeof(can) - 1);
	snprintf(canary, sizeof(canary), "%.250s/canary", out);
	snprintf(swapin, sizeof(swapin), "%.250s/swapin", out);
	assert_int_equal(
	    symlink(canary, entry(p, sizeof(p), in, "1xYK3q-0003B4-1l-H")), 0);
	assert_int_equal(
	    mkfifo(entry(p, sizeof(p), in, "1xYK3q-0003B5-1l-H"), 0600), 0);
	assert_int_equal(
	    link(canary, entry(p, sizeof(p), in, "1xYK3q-0003B6-1l-H")), 0);
	put(in, "1xYK3q-0003B1-1l-H", ok1, sizeof(ok1) - 1);
	put(in, "1xYK3q-0003B1-1l-D", "1xYK3q-0003B1-1l-D\nx\n", 21);
	/* the swap victim: a well-formed -H of its own id */
	put(in, "1xYK3q-0003B3-1l-H", ok3, sizeof(ok3) - 1);
	arm(in, "1xYK3q-0003B3-1l-H", swapin);
	fd = open(sp, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	sl_clock_init(&clk, 1796116930);
	assert_int_equal(exim_queue_scan(fd, 1796116930, &clk, &eq, count_msg,
	                                 &n, err, sizeof(err)),
	                 0);
	close(fd);
	assert_int_equal(swap.fired, 1);
	assert_int_equal(n, 1);
	assert_int_equal(eq.messages, 1);
	/* link, FIFO, hard link and swap: unreadable, none read (a canary
	 * read would be "malformed": it names another message) */
	assert_int_equal(eq.unreadable, 4);
	assert_int_equal(eq.malformed, 0);
}

/* ------------------------------------------------------------ nullmailer */

static void
test_nullmailer(void **state)
{
	static const char ok[] = "root@h\nroot@x\n\nSubject: Cron <r@h> ok\n\nb";
	static const char can[] =
	    "root@h\nroot@x\n\nSubject: Cron <r@h> " CANARY "\n\nb";
	struct mailq_opts o = {1771200000, 100, 1 << 20};
	struct mailq *q = mailq_new(&o);
	struct relayq_errs errs;
	char qd[PN], out[PN], canary[PN], swapin[PN];
	json_t *det;

	(void)state;
	memset(&errs, 0, sizeof(errs));
	sub(qd, sizeof(qd), "nullmailer");
	sub(out, sizeof(out), "outside-nm");
	put(out, "canary", can, sizeof(can) - 1);
	put(out, "swapin", can, sizeof(can) - 1);
	snprintf(canary, sizeof(canary), "%.250s/canary", out);
	snprintf(swapin, sizeof(swapin), "%.250s/swapin", out);
	put(qd, "1771143425.1", ok, sizeof(ok) - 1);
	put(qd, "1771143425.2", ok, sizeof(ok) - 1);
	arm(qd, "1771143425.2", swapin);
	assert_int_equal(relayq_scan_nullmailer(q, dir_fd(qd), "q", "queued", &errs),
	                 1);
	assert_int_equal(swap.fired, 1);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.first, "replaced between lstat and open"));
	det = mailq_details(q);
	assert_false(has(det, CANARY));
	json_decref(det);
	mailq_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sendmail),
	    cmocka_unit_test(test_postfix),
	    cmocka_unit_test(test_exim),
	    cmocka_unit_test(test_nullmailer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
