/*
 * test_agent_outbox.c - the on-disk outbox: order, persistence across
 * reopen, interrupted writes, the cap and its drop count, rejected/,
 * file names, and the state_dir ownership rules.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "agent/ship/outbox.h"
#include "agent/ship/statedir.h"
#include "common/uuid.h"

static char tmpdir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_outbox.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* count_files - regular entries of dir (not . and ..) */
static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_type == DT_REG)
			n++;
	closedir(d);
	return n;
}

static void
add_one(struct outbox *ob, char id[UUID_STR_LEN], const char *body,
        unsigned carried, unsigned *dropped)
{
	char err[256];
	assert_int_equal(uuid_v4(id), 0);
	assert_int_equal(outbox_add(ob, id, carried, body, strlen(body),
	                            dropped, err, sizeof(err)),
	                 0);
}

static void
test_order_and_reopen(void **state)
{
	char ids[3][UUID_STR_LEN], id[UUID_STR_LEN], err[256], *data;
	struct outbox *ob;
	unsigned dropped;
	size_t n;
	(void)state;

	ob = outbox_open(tmpdir, 1 << 20, err, sizeof(err));
	assert_non_null(ob);
	assert_int_equal(outbox_count(ob), 0);
	add_one(ob, ids[0], "first", 0, &dropped);
	add_one(ob, ids[1], "second", 0, &dropped);
	add_one(ob, ids[2], "third", 0, &dropped);
	assert_int_equal(dropped, 0);
	assert_int_equal(outbox_count(ob), 3);
	assert_int_equal(outbox_bytes(ob), 5 + 6 + 5);
	assert_int_equal(outbox_oldest(ob, &data, &n, id, err, sizeof(err)), 0);
	assert_string_equal(id, ids[0]);
	assert_memory_equal(data, "first", n);
	free(data);
	assert_int_equal(outbox_done(ob, err, sizeof(err)), 0);
	outbox_close(ob);

	/* a new process sees what is left, in order, and keeps numbering
	 * after the files it found */
	ob = outbox_open(tmpdir, 1 << 20, err, sizeof(err));
	assert_non_null(ob);
	assert_int_equal(outbox_count(ob), 2);
	add_one(ob, ids[0], "fourth", 0, &dropped);
	for (int i = 1; i <= 2; i++) {
		assert_int_equal(
		    outbox_oldest(ob, &data, &n, id, err, sizeof(err)), 0);
		assert_string_equal(id, ids[i]);
		free(data);
		assert_int_equal(outbox_done(ob, err, sizeof(err)), 0);
	}
	assert_int_equal(outbox_oldest(ob, &data, &n, id, err, sizeof(err)), 0);
	assert_string_equal(id, ids[0]);
	assert_memory_equal(data, "fourth", n);
	free(data);
	assert_int_equal(outbox_done(ob, err, sizeof(err)), 0);
	assert_int_equal(outbox_count(ob), 0);
	assert_int_equal(outbox_bytes(ob), 0);
	outbox_close(ob);
}

static void
test_interrupted_write_is_cleaned(void **state)
{
	char path[PATH_MAX + 64], err[256], id[UUID_STR_LEN];
	struct outbox *ob;
	unsigned dropped;
	int fd;
	(void)state;

	ob = outbox_open(tmpdir, 1 << 20, err, sizeof(err));
	assert_non_null(ob);
	add_one(ob, id, "kept", 0, &dropped);
	outbox_close(ob);
	/* what a SIGKILL between write and rename leaves behind */
	snprintf(path, sizeof(path), "%s/outbox/.tmp-00000000000000000099",
	         tmpdir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "half", 4), 4);
	close(fd);
	/* and a stranger's file, which is neither sent nor removed */
	snprintf(path, sizeof(path), "%s/outbox/README", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);

	ob = outbox_open(tmpdir, 1 << 20, err, sizeof(err));
	assert_non_null(ob);
	assert_int_equal(outbox_count(ob), 1);
	snprintf(path, sizeof(path), "%s/outbox/.tmp-00000000000000000099",
	         tmpdir);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/outbox/README", tmpdir);
	assert_int_equal(access(path, F_OK), 0);
	outbox_close(ob);
}

static void
test_cap_drops_oldest_and_counts(void **state)
{
	char id[UUID_STR_LEN], first[UUID_STR_LEN], err[256], *data;
	char body[101], path[PATH_MAX + 16];
	struct outbox *ob;
	unsigned dropped, total = 0;
	size_t n;
	(void)state;

	memset(body, 'x', 100);
	body[100] = '\0';
	ob = outbox_open(tmpdir, 350, err, sizeof(err));
	assert_non_null(ob);
	add_one(ob, first, body, 0, &dropped);
	add_one(ob, id, body, 5, &dropped); /* carries 5 earlier losses */
	add_one(ob, id, body, 0, &dropped);
	assert_int_equal(dropped, 0);
	assert_int_equal(outbox_count(ob), 3);
	/* the fourth does not fit: the oldest goes */
	add_one(ob, id, body, 0, &dropped);
	assert_int_equal(dropped, 1);
	total += dropped;
	/* the fifth pushes out the one that carried 5: 1 + 5 lost */
	add_one(ob, id, body, 0, &dropped);
	assert_int_equal(dropped, 6);
	total += dropped;
	assert_int_equal(total, 7);
	assert_int_equal(outbox_count(ob), 3);
	assert_true(outbox_bytes(ob) <= 350);
	snprintf(path, sizeof(path), "%s/outbox", tmpdir);
	assert_int_equal(count_files(path), 3);
	assert_int_equal(outbox_oldest(ob, &data, &n, id, err, sizeof(err)), 0);
	assert_string_not_equal(id, first);
	free(data);

	/* one report larger than the whole cap is not stored, but counted */
	{
		char big[400];
		memset(big, 'y', sizeof(big));
		assert_int_equal(uuid_v4(id), 0);
		assert_int_equal(outbox_add(ob, id, 2, big, sizeof(big),
		                            &dropped, err, sizeof(err)),
		                 1);
		assert_int_equal(dropped, 3);
		assert_int_equal(outbox_count(ob), 3);
	}
	outbox_close(ob);
}

static void
test_reject(void **state)
{
	char id[UUID_STR_LEN], id2[UUID_STR_LEN], err[256], *data;
	char path[PATH_MAX + 32];
	struct outbox *ob;
	unsigned dropped;
	size_t n;
	(void)state;

	ob = outbox_open(tmpdir, 1 << 20, err, sizeof(err));
	assert_non_null(ob);
	add_one(ob, id, "refused", 0, &dropped);
	add_one(ob, id2, "next", 0, &dropped);
	assert_int_equal(outbox_reject(ob, err, sizeof(err)), 0);
	assert_int_equal(outbox_count(ob), 1);
	assert_int_equal(outbox_rejected_count(ob), 1);
	assert_int_equal(outbox_oldest(ob, &data, &n, id, err, sizeof(err)), 0);
	assert_string_equal(id, id2);
	free(data);
	assert_int_equal(uuid_v4(id), 0);
	assert_int_equal(
	    outbox_reject_new(ob, id, "direct", 6, err, sizeof(err)), 0);
	assert_int_equal(outbox_rejected_count(ob), 2);
	snprintf(path, sizeof(path), "%s/outbox/rejected", tmpdir);
	assert_int_equal(count_files(path), 2);
	outbox_close(ob);

	/* rejected reports are never queued again by a new process */
	ob = outbox_open(tmpdir, 1 << 20, err, sizeof(err));
	assert_non_null(ob);
	assert_int_equal(outbox_count(ob), 1);
	outbox_close(ob);
}

static void
test_names(void **state)
{
	unsigned long long seq;
	unsigned carried;
	char id[UUID_STR_LEN];
	const char *good =
	    "00000000000000000042-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-d17.gz";
	static const char *const bad[] = {
	    "",
	    "42-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-d0.gz",
	    "00000000000000000042-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-d.gz",
	    "00000000000000000042-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-d0",
	    "00000000000000000042-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10.gz",
	    "00000000000000000042-not-a-uuid-at-all-xxxxxxxxxxxxxxxxxx-d0.gz",
	    "00000000000000000042-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-d0.gz.x",
	    "0000000000000000004x-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-d0.gz",
	    "00000000000000000042-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-"
	    "d12345678901.gz",
	    "99999999999999999999-0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10-d0.gz",
	    ".tmp-00000000000000000042",
	};
	(void)state;

	assert_int_equal(outbox_parse_name(good, &seq, id, &carried), 0);
	assert_true(seq == 42);
	assert_int_equal(carried, 17);
	assert_string_equal(id, "0b0f4c3e-8d7a-4b7e-9f51-6a2f1c7d9e10");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(outbox_parse_name(bad[i], &seq, id, &carried),
		                 -1);
}

static void
test_statedir_rules(void **state)
{
	char dir[PATH_MAX + 16], err[512];
	struct statedir *sd, *sd2;
	(void)state;

	snprintf(dir, sizeof(dir), "%s/st", tmpdir);
	sd = statedir_open(dir, 1, 1, err, sizeof(err));
	assert_non_null(sd);
	/* a second agent on the same state_dir is refused */
	sd2 = statedir_open(dir, 1, 1, err, sizeof(err));
	assert_null(sd2);
	assert_non_null(strstr(err, "another spoolwatch-agent"));
	statedir_close(sd);
	sd = statedir_open(dir, 0, 1, err, sizeof(err));
	assert_non_null(sd);
	statedir_close(sd);

	assert_int_equal(chmod(dir, 0777), 0);
	assert_null(statedir_open(dir, 0, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "world-writable"));
	assert_int_equal(chmod(dir, 0700), 0);

	if (geteuid() == 0) {
		assert_int_equal(chown(dir, 65534, 65534), 0);
		assert_null(statedir_open(dir, 0, 0, err, sizeof(err)));
		assert_non_null(strstr(err, "owned by uid 65534"));
		assert_int_equal(chown(dir, 0, 0), 0);
	}
	/* the outbox below it is vetted the same way */
	{
		char ob_dir[PATH_MAX + 32];
		struct outbox *ob;
		snprintf(ob_dir, sizeof(ob_dir), "%s/outbox", dir);
		assert_int_equal(mkdir(ob_dir, 0700), 0);
		assert_int_equal(chmod(ob_dir, 0777), 0);
		ob = outbox_open(dir, 1 << 20, err, sizeof(err));
		assert_null(ob);
		assert_non_null(strstr(err, "world-writable"));
	}
	/* a file where the directory should be */
	snprintf(dir, sizeof(dir), "%s/file", tmpdir);
	close(open(dir, O_WRONLY | O_CREAT, 0600));
	assert_null(statedir_open(dir, 1, 0, err, sizeof(err)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_order_and_reopen, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_interrupted_write_is_cleaned,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cap_drops_oldest_and_counts,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reject, setup, teardown),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test_setup_teardown(test_statedir_rules, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
