/*
 * test_agent_accounts.c - etc/passwd and etc/group under a root: lookups,
 * supplementary groups, malformed lines, missing files.
 */
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

#include "agent/probe/accounts.h"
#include "common/fsutil.h"

static char root[] = "/tmp/test_accounts.XXXXXX";

static void
put(const char *rel, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	char etc[512];

	(void)state;
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(etc, sizeof(etc), "%s/etc", root);
	return mkdir(etc, 0755);
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_lookups(void **state)
{
	struct accounts *a;
	const struct account_user *u;
	char err[256];
	gid_t g;

	(void)state;
	put("/etc/passwd", "# comment\n"
	                   "root:x:0:0:root:/root:/bin/bash\n"
	                   "smmsp:x:51:51::/var/spool/mqueue:/sbin/nologin\n"
	                   "broken line without fields\n"
	                   "bad:x:notanumber:1::/:/bin/sh\n"
	                   "+nisuser::::::\n"
	                   "postfix:x:89:89::/var/spool/postfix:/sbin/nologin\n"
	                   "root:x:999:999:dup:/nowhere:/bin/sh\n"
	                   "nohome:x:7:7");
	put("/etc/group", "root:x:0:\n"
	                  "mail:x:12:postfix\n"
	                  "smmsp:x:51:\n"
	                  "postdrop:x:90: alice , postfix\n"
	                  "garbage\n"
	                  "trailing:x:77\n");
	a = accounts_load(root, err, sizeof(err));
	assert_string_equal(err, "");
	assert_int_equal(accounts_user_count(a), 4); /* with the dup */

	u = accounts_user_by_name(a, "smmsp");
	assert_non_null(u);
	assert_int_equal(u->uid, 51);
	assert_int_equal(u->gid, 51);
	assert_string_equal(u->home, "/var/spool/mqueue");
	/* the first of two entries wins, as with getpwnam() */
	u = accounts_user_by_name(a, "root");
	assert_non_null(u);
	assert_int_equal(u->uid, 0);
	assert_null(accounts_user_by_name(a, "bad"));
	assert_null(accounts_user_by_name(a, "nohome"));
	assert_null(accounts_user_by_name(a, "+nisuser"));
	assert_string_equal(accounts_user_by_uid(a, 89)->name, "postfix");
	assert_null(accounts_user_by_uid(a, 12345));
	assert_string_equal(accounts_user_at(a, 0)->name, "root");
	assert_null(accounts_user_at(a, 4));

	assert_string_equal(accounts_group_name(a, 12), "mail");
	assert_string_equal(accounts_group_name(a, 77), "trailing");
	assert_null(accounts_group_name(a, 4242));
	assert_int_equal(accounts_group_by_name(a, "postdrop", &g), 0);
	assert_int_equal(g, 90);
	assert_int_equal(accounts_group_by_name(a, "nogroup", &g), -1);

	/* primary group, supplementary groups (blanks tolerated), neither */
	u = accounts_user_by_name(a, "postfix");
	assert_true(accounts_in_group(a, u, 89));
	assert_true(accounts_in_group(a, u, 12));
	assert_true(accounts_in_group(a, u, 90));
	assert_false(accounts_in_group(a, u, 51));
	u = accounts_user_by_name(a, "smmsp");
	assert_false(accounts_in_group(a, u, 12));
	assert_false(accounts_in_group(a, NULL, 12));
	accounts_free(a);
}

static void
test_member_prefix_is_not_membership(void **state)
{
	struct accounts *a;
	char err[256];

	(void)state;
	put("/etc/passwd", "post:x:5:5::/:/bin/sh\n"
	                   "postfix:x:89:89::/:/bin/sh\n");
	put("/etc/group", "postdrop:x:90:postfix\nother:x:91:postx,pos\n");
	a = accounts_load(root, err, sizeof(err));
	assert_false(
	    accounts_in_group(a, accounts_user_by_name(a, "post"), 90));
	assert_false(
	    accounts_in_group(a, accounts_user_by_name(a, "post"), 91));
	assert_true(
	    accounts_in_group(a, accounts_user_by_name(a, "postfix"), 90));
	accounts_free(a);
}

static void
test_missing_group_file(void **state)
{
	struct accounts *a;
	char path[512], err[512];
	gid_t g;

	(void)state;
	put("/etc/passwd", "smmsp:x:51:51::/:/sbin/nologin\n");
	snprintf(path, sizeof(path), "%s/etc/group", root);
	unlink(path);
	a = accounts_load(root, err, sizeof(err));
	assert_non_null(strstr(err, "/etc/group"));
	assert_null(strstr(err, "/etc/passwd"));
	assert_int_equal(accounts_user_count(a), 1);
	assert_null(accounts_group_name(a, 51));
	assert_int_equal(accounts_group_by_name(a, "smmsp", &g), -1);
	/* the primary group still counts without etc/group */
	assert_true(
	    accounts_in_group(a, accounts_user_by_name(a, "smmsp"), 51));
	accounts_free(a);
}

static void
test_nothing_there(void **state)
{
	struct accounts *a;
	char err[512];

	(void)state;
	a = accounts_load("/nonexistent/spoolwatch-root", err, sizeof(err));
	assert_non_null(a);
	assert_non_null(strstr(err, "passwd"));
	assert_non_null(strstr(err, "group"));
	assert_int_equal(accounts_user_count(a), 0);
	assert_null(accounts_user_by_uid(a, 0));
	accounts_free(a);
}

static void
test_file_is_a_directory(void **state)
{
	struct accounts *a;
	char path[512], err[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/etc/group", root);
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	a = accounts_load(root, err, sizeof(err));
	assert_non_null(strstr(err, "not a regular file"));
	accounts_free(a);
	rmdir(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_member_prefix_is_not_membership),
	    cmocka_unit_test(test_missing_group_file),
	    cmocka_unit_test(test_nothing_there),
	    cmocka_unit_test(test_file_is_a_directory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
