/*
 * test_agent_syslog_tail.c - resumable reading of real files in a
 * scratch directory: read-back on first start, partial lines, create and
 * copytruncate rotation, a restart between rotation steps, inode reuse,
 * lines over max_line, and every line exactly once throughout; all of it
 * twice, read with pread() and read through a mapping (a window the size
 * of the read buffer), and a file truncated under its mapping.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/probe/syslog_tail.h"
#include "common/strbuf.h"

static char dir[PATH_MAX], logp[PATH_MAX + 16];
static struct strbuf got; /* every line handed out, in order */
static int cut_lines;
static char buf[8192], hold[1024];
static struct tail_opts opts = {1 << 20, 1024, buf, sizeof(buf), hold};

/* on_block - record the lines; like the logs collector, cut in-block
 * lines longer than max_line ("LONG:"); lines the tail had to cut
 * itself come flagged ("CUT:"). */
static void
on_block(void *arg, const struct tail_src *src, const char *p, size_t n,
         int cut)
{
	(void)arg;
	assert_non_null(src->path);
	if (cut) {
		cut_lines++;
		assert_int_equal(n, opts.max_line);
		strbuf_append(&got, "CUT:", 4);
		strbuf_append(&got, p, 8);
		strbuf_appendc(&got, '\n');
		return;
	}
	assert_true(n > 0 && p[n - 1] == '\n');
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t l = (size_t)(nl - p) + 1;
		if (l - 1 > opts.max_line) {
			strbuf_append(&got, "LONG:", 5);
			strbuf_append(&got, p, 8);
			strbuf_appendc(&got, '\n');
		} else {
			strbuf_append(&got, p, l);
		}
		p += l;
		n -= l;
	}
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/tailtest.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	snprintf(logp, sizeof(logp), "%s/maillog", dir);
	strbuf_init(&got, 64 << 20);
	cut_lines = 0;
	opts.readback = 1 << 20;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	strbuf_free(&got);
	return 0;
}

static void
append(const char *path, const char *text)
{
	FILE *fp = fopen(path, "a");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
sh(const char *fmt, const char *a, const char *b)
{
	char cmd[3 * PATH_MAX];
	snprintf(cmd, sizeof(cmd), fmt, a, b);
	assert_int_equal(system(cmd), 0);
}

/* cycle - one agent cycle with the position committed afterwards. */
static struct tail_result
cycle(json_t **pos)
{
	struct tail_result res;
	json_t *next = NULL;
	char err[512];

	assert_int_equal(tail_run(logp, "/var/log/maillog", *pos, &opts,
	                          on_block, NULL, &next, &res, err,
	                          sizeof(err)),
	                 0);
	if (next) {
		json_decref(*pos);
		*pos = next;
	}
	return res;
}

static void
expect(const char *want)
{
	assert_string_equal(strbuf_str(&got), want);
}

static void
test_first_start_reads_back_from_a_line_boundary(void **state)
{
	json_t *pos = NULL;
	(void)state;
	append(logp,
	       "line-1 aaaaaaaaaa\nline-2 bbbbbbbbbb\nline-3 cccccccccc\n");
	opts.readback = 30; /* lands inside line-2 */
	struct tail_result r = cycle(&pos);
	assert_true(r.first_start);
	expect("line-3 cccccccccc\n");
	r = cycle(&pos);
	assert_false(r.first_start);
	expect("line-3 cccccccccc\n");
	json_decref(pos);
}

static void
test_readback_on_exact_boundary(void **state)
{
	json_t *pos = NULL;
	(void)state;
	append(logp, "0123456789\nabcdefghij\n");
	opts.readback = 11; /* exactly the second line */
	cycle(&pos);
	expect("abcdefghij\n");
	json_decref(pos);
}

static void
test_partial_line_waits_for_newline(void **state)
{
	json_t *pos = NULL;
	(void)state;
	append(logp, "one\ntw");
	cycle(&pos);
	expect("one\n");
	assert_int_equal(json_integer_value(json_object_get(pos, "off")), 4);
	append(logp, "o\nthree\n");
	cycle(&pos);
	expect("one\ntwo\nthree\n");
	cycle(&pos);
	expect("one\ntwo\nthree\n");
	json_decref(pos);
}

static void
test_uncommitted_position_rereads(void **state)
{
	json_t *pos = NULL, *next = NULL;
	struct tail_result res;
	char err[256];
	(void)state;
	append(logp, "a\n");
	cycle(&pos);
	append(logp, "b\n");
	/* a cycle whose report never became durable: position dropped */
	assert_int_equal(tail_run(logp, "/var/log/maillog", pos, &opts,
	                          on_block, NULL, &next, &res, err,
	                          sizeof(err)),
	                 0);
	json_decref(next);
	cycle(&pos);
	expect("a\nb\nb\n");
	json_decref(pos);
}

static void
test_create_rotation(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32];
	(void)state;
	snprintf(old, sizeof(old), "%s.1", logp);
	append(logp, "a1\na2\n");
	cycle(&pos);
	append(logp, "a3\n");
	sh("mv '%s' '%s'", logp, old);
	append(old, "a4\n"); /* syslogd still writes until its HUP */
	append(logp, "b1\n");
	struct tail_result r = cycle(&pos);
	assert_true(r.rotated);
	assert_string_equal(r.rotated_from, "/var/log/maillog.1");
	expect("a1\na2\na3\na4\nb1\n");
	append(old, "a5\n"); /* one more late line to the old file */
	append(logp, "b2\n");
	cycle(&pos);
	expect("a1\na2\na3\na4\nb1\na5\nb2\n");
	assert_non_null(json_object_get(pos, "prev"));
	cycle(&pos); /* nothing new anywhere: stop following the old one */
	assert_null(json_object_get(pos, "prev"));
	expect("a1\na2\na3\na4\nb1\na5\nb2\n");
	json_decref(pos);
}

static void
test_restart_between_rename_and_create(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32];
	(void)state;
	snprintf(old, sizeof(old), "%s-20260215", logp); /* dateext */
	append(logp, "a1\n");
	cycle(&pos);
	append(logp, "a2\n");
	sh("mv '%s' '%s'", logp, old);
	struct tail_result r = cycle(&pos); /* the new file is not there yet */
	assert_true(r.missing);
	expect("a1\na2\n");
	append(old, "a3\n");
	append(logp, "b1\n");
	cycle(&pos);
	expect("a1\na2\na3\nb1\n");
	cycle(&pos);
	expect("a1\na2\na3\nb1\n");
	json_decref(pos);
}

static void
test_rotated_file_removed_is_noted(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32];
	(void)state;
	snprintf(old, sizeof(old), "%s.1.xz", logp);
	append(logp, "a1\n");
	cycle(&pos);
	append(logp, "a2\n");
	/* compressed at once with something we cannot read */
	sh("mv '%s' '%s'", logp, old);
	sh("printf '\\375' | dd of='%s' bs=1 count=1 conv=notrunc "
	   "2>/dev/null%s",
	   old, "");
	append(logp, "b1\n");
	struct tail_result r = cycle(&pos);
	assert_non_null(strstr(r.note, "compressed"));
	expect("a1\nb1\n");
	/* and a file simply removed */
	append(logp, "b2\n");
	cycle(&pos);
	sh("rm '%s'%s", logp, "");
	append(logp, "c1 another file\n");
	r = cycle(&pos);
	expect("a1\nb1\nb2\nc1 another file\n");
	json_decref(pos);
}

static void
test_compressed_before_finished(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32];
	(void)state;
	snprintf(old, sizeof(old), "%s.1", logp);
	append(logp, "a1 the first line, long enough to fingerprint\n");
	cycle(&pos);
	append(logp, "a2\na3\n");
	/* logrotate compress without delaycompress: mv, then gzip at once */
	sh("mv '%s' '%s'", logp, old);
	sh("gzip -n '%s'%s", old, "");
	append(logp, "b1\n");
	struct tail_result r = cycle(&pos);
	/* the new file may even get the freed inode number back */
	assert_true(r.rotated || r.truncated);
	assert_string_equal(r.rotated_from, "/var/log/maillog.1.gz");
	assert_string_equal(r.note, "");
	expect("a1 the first line, long enough to fingerprint\na2\na3\nb1\n");
	cycle(&pos);
	expect("a1 the first line, long enough to fingerprint\na2\na3\nb1\n");
	json_decref(pos);
}

static void
test_empty_file_rotated_matches_nothing_else(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32], other[PATH_MAX + 32];
	(void)state;
	snprintf(old, sizeof(old), "%s.1", logp);
	snprintf(other, sizeof(other), "%s.2", logp);
	append(other, "an older generation, already read\n");
	append(logp, ""); /* created empty by logrotate */
	cycle(&pos);
	assert_int_equal(json_integer_value(json_object_get(pos, "fpl")), 0);
	/* replaced by a new empty-then-written file: not the .2 sibling */
	sh("rm '%s'%s", logp, "");
	append(logp, "n1\n");
	cycle(&pos);
	expect("n1\n");
	json_decref(pos);
}

static void
test_copytruncate(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32];
	(void)state;
	snprintf(old, sizeof(old), "%s.1", logp);
	append(logp, "a1 first line of the file\n");
	cycle(&pos);
	append(logp, "a2\n");
	sh("cp '%s' '%s'", logp, old);
	sh("truncate -s 0 '%s'%s", logp, "");
	append(logp, "b1\n");
	struct tail_result r = cycle(&pos);
	assert_true(r.truncated);
	expect("a1 first line of the file\na2\nb1\n");
	append(logp, "b2\n");
	cycle(&pos);
	expect("a1 first line of the file\na2\nb1\nb2\n");
	json_decref(pos);
}

static void
test_copytruncate_regrown_past_offset(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32];
	(void)state;
	snprintf(old, sizeof(old), "%s.1", logp);
	append(logp, "a1\n");
	cycle(&pos);
	append(logp, "a2\n");
	sh("cp '%s' '%s'", logp, old);
	sh("truncate -s 0 '%s'%s", logp, "");
	/* the new content outgrows the old offset before we look */
	append(logp, "b1 a much longer line than before\n");
	cycle(&pos);
	expect("a1\na2\nb1 a much longer line than before\n");
	json_decref(pos);
}

static void
test_inode_reuse_detected_by_fingerprint(void **state)
{
	json_t *pos = NULL;
	(void)state;
	append(logp, "a1 original\na2 original\n");
	cycle(&pos);
	/* another file now has this inode: rewrite it in place with other
	 * content of the same length, as a new file with a reused inode
	 * number looks to stat() */
	FILE *fp = fopen(logp, "r+");
	assert_non_null(fp);
	fputs("b1 replaced!\nb2 replaced!\nb3\n", fp);
	fclose(fp);
	struct tail_result r = cycle(&pos);
	assert_true(r.truncated);
	expect("a1 original\na2 original\nb1 replaced!\nb2 replaced!\nb3\n");
	json_decref(pos);
}

static void
test_long_lines_are_cut_and_counted(void **state)
{
	json_t *pos = NULL;
	char *big = malloc(5000);
	(void)state;
	memset(big, 'x', 4999);
	big[4999] = '\0';
	memcpy(big, "LONGLINE", 8);
	append(logp, "before\n");
	append(logp, big); /* no newline yet: waits */
	struct tail_result r = cycle(&pos);
	expect("before\n");
	assert_int_equal(cut_lines, 0);
	append(logp, "\nafter\n");
	r = cycle(&pos); /* it fits the read buffer: handed out whole */
	assert_int_equal(r.lines_cut, 0);
	expect("before\nLONG:LONGLINE\nafter\n");
	/* a huge one, far bigger than the read buffer */
	char *huge = malloc(100000);
	memset(huge, 'y', 99999);
	huge[99999] = '\0';
	memcpy(huge, "HUGELINE", 8);
	append(logp, huge);
	append(logp, "\nend\n");
	r = cycle(&pos);
	assert_int_equal(r.lines_cut, 1);
	expect("before\nLONG:LONGLINE\nafter\nCUT:HUGELINE\nend\n");
	free(big);
	free(huge);
	json_decref(pos);
}

static void
test_binary_junk_passes_through(void **state)
{
	json_t *pos = NULL;
	(void)state;
	int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a\0\xff\xfe\n\x01\x02\n", 8), 8);
	close(fd);
	cycle(&pos);
	assert_int_equal(got.len, 8);
	assert_memory_equal(got.buf, "a\0\xff\xfe\n\x01\x02\n", 8);
	json_decref(pos);
}

static void
test_missing_file_and_bad_state(void **state)
{
	json_t *pos = NULL;
	(void)state;
	struct tail_result r = cycle(&pos);
	assert_true(r.missing);
	assert_null(pos);
	/* a corrupt saved position is a first start, not a crash */
	pos = json_pack("{s:s}", "off", "nonsense");
	append(logp, "x\n");
	r = cycle(&pos);
	assert_true(r.first_start);
	expect("x\n");
	json_decref(pos);
}

static void
test_many_rotations_exactly_once(void **state)
{
	json_t *pos = NULL;
	char old[PATH_MAX + 32], old2[PATH_MAX + 32], line[64];
	struct strbuf want;
	int n = 0;
	(void)state;
	strbuf_init(&want, 1 << 20);
	snprintf(old, sizeof(old), "%s.1", logp);
	snprintf(old2, sizeof(old2), "%s.2", logp);
	cycle(&pos); /* the agent runs before the first line */
	for (int round = 0; round < 12; round++) {
		for (int i = 0; i < 5; i++) {
			snprintf(line, sizeof(line), "line %d\n", n++);
			append(logp, line);
			strbuf_appends(&want, line);
		}
		if (round % 2 == 0)
			cycle(&pos);
		/* logrotate: shift the old generations, then rotate */
		if (access(old, F_OK) == 0)
			assert_int_equal(rename(old, old2), 0);
		if (round % 3 == 0) {
			sh("mv '%s' '%s'", logp, old); /* create */
			snprintf(line, sizeof(line), "line %d\n", n++);
			append(old, line); /* before syslogd's HUP */
			strbuf_appends(&want, line);
		} else if (round % 3 == 1) {
			sh("cp '%s' '%s'", logp, old); /* copytruncate */
			sh("truncate -s 0 '%s'%s", logp, "");
		}
		snprintf(line, sizeof(line), "line %d\n", n++);
		append(logp, line);
		strbuf_appends(&want, line);
		cycle(&pos);
	}
	cycle(&pos);
	expect(strbuf_str(&want));
	strbuf_free(&want);
	json_decref(pos);
}

static void
test_two_rotations_while_down(void **state)
{
	json_t *pos = NULL;
	char g1[PATH_MAX + 32], g2[PATH_MAX + 32], g3[PATH_MAX + 32];
	(void)state;
	snprintf(g1, sizeof(g1), "%s.1", logp);
	snprintf(g2, sizeof(g2), "%s.2", logp);
	snprintf(g3, sizeof(g3), "%s.3", logp);
	append(g3, "very old, never to be read\n");
	append(logp, "x1\n");
	cycle(&pos);
	append(logp, "x2\n");
	usleep(20000);
	sh("mv '%s' '%s'", logp, g1); /* X -> .1, Y created */
	append(logp, "y1\n");
	usleep(20000);
	sh("mv '%s' '%s'", g1, g2); /* X -> .2, Y -> .1, Z created */
	sh("mv '%s' '%s'", logp, g1);
	append(logp, "z1\n");
	/* not a rotated generation of maillog, however new */
	char other[PATH_MAX + 32];
	snprintf(other, sizeof(other), "%s.save", logp);
	append(other, "unrelated\n");
	struct tail_result r = cycle(&pos);
	assert_true(r.rotated);
	assert_int_equal(r.between, 1);
	expect("x1\nx2\ny1\nz1\n");
	append(logp, "z2\n");
	cycle(&pos);
	cycle(&pos);
	expect("x1\nx2\ny1\nz1\nz2\n");
	json_decref(pos);
}

/* on_block_truncating - truncate the file while its first block is
 * handed out, after reading the block */
static void
on_block_truncating(void *arg, const struct tail_src *src, const char *p,
                    size_t n, int cut)
{
	int *calls = arg;

	on_block(NULL, src, p, n, cut);
	if ((*calls)++ == 0)
		assert_int_equal(truncate(logp, 0), 0);
}

/* A file truncated under the read: the read ends at the last line handed
 * out, and the next cycle finds it truncated and reads it from 0. */
static void
test_truncated_under_the_read(void **state)
{
	struct tail_result res;
	json_t *next = NULL, *pos;
	char err[512], line[64];
	int calls = 0;
	(void)state;
	for (int i = 0; i < 4000; i++) { /* 4000 * 31 bytes: many blocks */
		snprintf(line, sizeof(line), "line %06d xxxxxxxxxxxxxxxxxx\n",
		         i);
		append(logp, line);
	}
	assert_int_equal(tail_run(logp, "/var/log/maillog", NULL, &opts,
	                          on_block_truncating, &calls, &next, &res, err,
	                          sizeof(err)),
	                 0);
	assert_int_equal(calls, 1); /* the truncation ended the read */
	/* the block's lines, whole, and nothing after them */
	assert_true(got.len > 0 && got.len < sizeof(buf));
	assert_int_equal(got.len % 31, 0);
	assert_int_equal(res.offset, (off_t)got.len);
	pos = next;
	strbuf_reset(&got);
	append(logp, "after truncation\n");
	cycle(&pos);
	expect("after truncation\n");
	json_decref(pos);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_first_start_reads_back_from_a_line_boundary, setup,
	        teardown),
	    cmocka_unit_test_setup_teardown(test_readback_on_exact_boundary,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_partial_line_waits_for_newline,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_uncommitted_position_rereads,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_create_rotation, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        test_restart_between_rename_and_create, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rotated_file_removed_is_noted,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_copytruncate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_compressed_before_finished,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_empty_file_rotated_matches_nothing_else, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_rotations_while_down,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_copytruncate_regrown_past_offset, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_inode_reuse_detected_by_fingerprint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_lines_are_cut_and_counted,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_binary_junk_passes_through,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_file_and_bad_state,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_rotations_exactly_once,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_truncated_under_the_read,
	                                    setup, teardown),
	};
	return cmocka_run_group_tests_name("syslog_tail", tests, NULL, NULL);
}
