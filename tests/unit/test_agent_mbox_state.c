/*
 * test_agent_mbox_state.c - a mailbox read across cycles: only what was
 * appended is parsed, the aggregates carry over through the saved state
 * (as JSON, the way state.c stores it), and a mailbox that was truncated,
 * rewritten in place or replaced is read again from the start.
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

#include "agent/collect/mailbox.h"

static const char *cron_msg =
    "From root@host1.localdomain Sat Nov 28 14:49:%02d 2026\n"
    "From: root (Cron Daemon)\nTo: root\n"
    "Subject: Cron <root@host1> %s\n"
    "Auto-Submitted: auto-generated\n"
    "X-Cron-Env: <LOGNAME=root>\n%s\n"
    "output %d\n\n";

static char path[64];

static void
append(int sec, const char *cmd, const char *status)
{
	FILE *fp = fopen(path, "a");

	assert_non_null(fp);
	fprintf(fp, cron_msg, sec, cmd, status, sec);
	fclose(fp);
}

/* cycle - read the mailbox with the state of the last cycle, keep the
 * new state (through a JSON text round trip, as state.json does). */
static json_t *
cycle(json_t **st, struct mailbox_note *note)
{
	struct mailbox_opts o = {
	    .now = time(NULL), .settle = 60, .max_jobs = 2, .excerpt_max = 512};
	char err[256];
	json_t *ns = NULL, *e;
	char *text;

	e = mailbox_read(AT_FDCWD, path, "/var/spool/mail/root", "root", *st, &o, &ns,
	                 note, err, sizeof(err));
	if (e == NULL)
		fail_msg("%s", err);
	text = json_dumps(ns, JSON_COMPACT);
	json_decref(ns);
	json_decref(*st);
	*st = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(*st);
	return e;
}

static long long
ival(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void
setup_file(void)
{
	int fd;

	strcpy(path, "/tmp/test_mbox_state.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

static void
test_incremental(void **state)
{
	struct mailbox_note note;
	json_t *st = NULL, *e, *cron;

	(void)state;
	setup_file();
	append(1, "/bin/freemem.py", "");
	append(2, "/bin/freemem.py", "Status: RO\n");
	e = cycle(&st, &note);
	assert_int_equal(ival(e, "messages"), 2);
	assert_int_equal(ival(e, "unread"), 1);
	assert_int_equal(note.parsed, 2);
	assert_false(note.restarted);
	json_decref(e);

	/* nothing new: nothing parsed, same totals */
	e = cycle(&st, &note);
	assert_int_equal(note.parsed, 0);
	assert_int_equal(ival(e, "messages"), 2);
	json_decref(e);

	/* appended: only the new messages are parsed */
	append(3, "/usr/sbin/ntpdate pool", "");
	append(4, "/bin/freemem.py", "");
	append(5, "/bin/third-job", ""); /* beyond max_jobs = 2 */
	e = cycle(&st, &note);
	assert_int_equal(note.parsed, 3);
	assert_int_equal(ival(e, "messages"), 5);
	assert_int_equal(ival(e, "unread"), 4);
	assert_int_equal(ival(e, "cron_other"), 1);
	cron = json_object_get(e, "cron");
	assert_int_equal(json_array_size(cron), 2);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(cron, 0), "command")),
	                    "/bin/freemem.py");
	assert_int_equal(ival(json_array_get(cron, 0), "count"), 3);
	assert_int_equal(ival(json_array_get(cron, 0), "unread"), 2);
	/* the excerpt is the newest message's body, read back by offset */
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(cron, 0), "excerpt")),
	                    "output 4");
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(cron, 0), "last_ts")),
	                    "2026-11-28T14:49:04Z");
	json_decref(e);
	json_decref(st);
	unlink(path);
}

static void
test_rewritten_truncated_replaced(void **state)
{
	struct mailbox_note note;
	json_t *st = NULL, *e;
	FILE *fp;

	(void)state;
	setup_file();
	append(1, "/bin/a", "");
	append(2, "/bin/a", "");
	json_decref(cycle(&st, &note));

	/* a MUA rewrote it in place, marking both read: same size class,
	 * same inode, different bytes */
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	append(1, "/bin/a", "Status: RO\n");
	append(2, "/bin/a", "Status: RO\n");
	e = cycle(&st, &note);
	assert_true(note.restarted);
	assert_int_equal(ival(e, "messages"), 2);
	assert_int_equal(ival(e, "unread"), 0);
	json_decref(e);

	/* truncated (all mail read and deleted) */
	assert_int_equal(truncate(path, 0), 0);
	e = cycle(&st, &note);
	assert_true(note.restarted);
	assert_int_equal(ival(e, "messages"), 0);
	json_decref(e);

	/* replaced by a new file (another inode) */
	append(7, "/bin/b", "");
	json_decref(cycle(&st, &note));
	unlink(path);
	append(8, "/bin/c", "");
	e = cycle(&st, &note);
	assert_true(note.restarted);
	assert_int_equal(ival(e, "messages"), 1);
	json_decref(e);

	/* a damaged state is not trusted */
	json_object_set_new(st, "jobs", json_string("garbage"));
	e = cycle(&st, &note);
	assert_true(note.restarted);
	assert_int_equal(ival(e, "messages"), 1);
	json_decref(e);
	json_decref(st);
	unlink(path);
}

static void
test_writer_holds_dotlock(void **state)
{
	struct mailbox_note note;
	json_t *st = NULL, *e;
	char lock[80];
	FILE *fp;

	(void)state;
	setup_file();
	append(1, "/bin/a", "");
	append(2, "/bin/a", "");
	snprintf(lock, sizeof(lock), "%s.lock", path);
	fp = fopen(lock, "w");
	assert_non_null(fp);
	fclose(fp);
	/* a delivery in progress: the last message may not be whole */
	e = cycle(&st, &note);
	assert_int_equal(ival(e, "messages"), 1);
	assert_true(note.pending);
	json_decref(e);
	unlink(lock);
	e = cycle(&st, &note);
	assert_int_equal(ival(e, "messages"), 2);
	assert_int_equal(note.parsed, 1);
	assert_false(note.pending);
	json_decref(e);
	json_decref(st);
	unlink(path);
}

static void
test_not_a_file(void **state)
{
	struct mailbox_opts o = {
	    .now = 0, .settle = 60, .max_jobs = 5, .excerpt_max = 512};
	struct mailbox_note note;
	char err[256];
	json_t *ns = NULL;

	(void)state;
	assert_null(mailbox_read(AT_FDCWD, "/tmp", "/tmp", "root", NULL, &o, &ns,
	                         &note, err, sizeof(err)));
	assert_non_null(strstr(err, "not a regular file"));
	assert_null(mailbox_read(AT_FDCWD, "/nonexistent/mbox", "/x", "root",
	                         NULL, &o, &ns, &note, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
	assert_null(ns);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_incremental),
	    cmocka_unit_test(test_rewritten_truncated_replaced),
	    cmocka_unit_test(test_writer_holds_dotlock),
	    cmocka_unit_test(test_not_a_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
