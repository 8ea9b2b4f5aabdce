/*
 * test_agent_spool_mtaconf.c - which MTA a root has and where it queues:
 * sendmail.cf/submit.cf options, postfix main.cf parameters, detection
 * order, "q*" queue groups, distribution defaults.
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

#include "agent/probe/mtaconf.h"

static char root[64];

static void
put(const char *rel, const char *text)
{
	char path[512], cmd[600];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_mtaconf.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
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
test_cf_option(void **state)
{
	const char *cf = "# comment\n"
	                 "#O QueueDirectory=/commented\n"
	                 "O QueueDirectory=/var/spool/first\n"
	                 "O  QueueDirectoryX=/not/this\n"
	                 "O queuedirectory = /var/spool/last \r\n"
	                 "O RunAsUser=smmsp:smmsp\n"
	                 "O QueueDirectory\n";
	char v[256];

	(void)state;
	assert_int_equal(mtaconf_cf_option(cf, "QueueDirectory", v, sizeof(v)),
	                 0);
	assert_string_equal(v, "/var/spool/last"); /* the last wins */
	assert_int_equal(mtaconf_cf_option(cf, "RunAsUser", v, sizeof(v)), 0);
	assert_string_equal(v, "smmsp:smmsp");
	assert_int_equal(mtaconf_cf_option(cf, "TrustedUser", v, sizeof(v)),
	                 -1);
	assert_int_equal(mtaconf_cf_option("", "X", v, sizeof(v)), -1);
}

static void
test_main_cf(void **state)
{
	const char *cf = "# queue_directory = /nope\n"
	                 "queue_directory_x = /nope\n"
	                 "queue_directory=/var/spool/postfix\n"
	                 "mail_owner = pfx\n"
	                 "  setgid_group = continuation, not a parameter\n";
	char v[256];

	(void)state;
	assert_int_equal(mtaconf_main_cf(cf, "queue_directory", v, sizeof(v)),
	                 0);
	assert_string_equal(v, "/var/spool/postfix");
	assert_int_equal(mtaconf_main_cf(cf, "mail_owner", v, sizeof(v)), 0);
	assert_string_equal(v, "pfx");
	assert_int_equal(mtaconf_main_cf(cf, "setgid_group", v, sizeof(v)), -1);
}

static void
test_sendmail_rhel(void **state)
{
	struct mtaconf mc;
	char err[512];

	(void)state;
	put("/etc/redhat-release", "CentOS release 5.11\n");
	put("/etc/mail/sendmail.cf", "O QueueDirectory=/var/spool/mqueue/q*\n");
	put("/etc/mail/submit.cf", "O QueueDirectory=/var/spool/cmq\n"
	                           "O RunAsUser=smmsp\n");
	put("/var/spool/mqueue/q1/.keep", "");
	put("/var/spool/mqueue/q2/.keep", "");
	put("/var/spool/mqueue/notq/.keep", "");
	mtaconf_load(&mc, root, "auto", err, sizeof(err));
	assert_string_equal(err, "");
	assert_int_equal(mc.kind, MTA_SENDMAIL);
	assert_int_equal(mc.flavor, FLAVOR_RHEL);
	assert_string_equal(mc.how, "etc/mail/sendmail.cf");
	assert_int_equal(mc.n_msp, 1);
	assert_string_equal(mc.msp_queues[0], "/var/spool/cmq");
	assert_int_equal(mc.n_mta, 2); /* q1, q2 in any order */
	assert_true((strcmp(mc.mta_queues[0], "/var/spool/mqueue/q1") == 0 &&
	             strcmp(mc.mta_queues[1], "/var/spool/mqueue/q2") == 0) ||
	            (strcmp(mc.mta_queues[0], "/var/spool/mqueue/q2") == 0 &&
	             strcmp(mc.mta_queues[1], "/var/spool/mqueue/q1") == 0));
	assert_string_equal(mc.msp_user, "smmsp");
	assert_string_equal(mc.mta_user, "");
	mtaconf_free(&mc);

	/* forced by agent.conf */
	mtaconf_load(&mc, root, "none", err, sizeof(err));
	assert_int_equal(mc.kind, MTA_NONE);
	assert_string_equal(mc.how, "agent.conf");
	mtaconf_free(&mc);
}

static void
test_debian_defaults_and_postfix(void **state)
{
	struct mtaconf mc;
	char err[512], cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/*", root);
	assert_int_equal(system(cmd), 0);
	put("/etc/debian_version", "12.5\n");
	put("/etc/passwd", "smmsp:x:105:108::/:/bin/false\n");
	mtaconf_load(&mc, root, NULL, err, sizeof(err));
	assert_int_equal(mc.kind, MTA_SENDMAIL);
	assert_string_equal(mc.how, "smmsp user");
	assert_string_equal(mc.msp_queues[0], "/var/spool/mqueue-client");
	assert_string_equal(mc.mta_queues[0], "/var/spool/mqueue");
	assert_string_equal(mc.msp_user, "smmsp");
	mtaconf_free(&mc);

	/* postfix beside a leftover sendmail.cf: the alternatives decide */
	put("/etc/postfix/main.cf", "queue_directory = /srv/pq\n"
	                            "mail_owner = $other\n");
	put("/etc/mail/sendmail.cf", "O QueueDirectory=/var/spool/mqueue\n");
	snprintf(cmd, sizeof(cmd),
	         "mkdir -p '%s/etc/alternatives' && ln -s "
	         "/usr/sbin/sendmail.postfix '%s/etc/alternatives/mta'",
	         root, root);
	assert_int_equal(system(cmd), 0);
	mtaconf_load(&mc, root, "auto", err, sizeof(err));
	assert_int_equal(mc.kind, MTA_POSTFIX);
	assert_string_equal(mc.how, "etc/alternatives/mta");
	assert_string_equal(mc.postfix_queue_dir, "/srv/pq");
	assert_string_equal(mc.postfix_owner, "postfix"); /* $other: default */
	assert_string_equal(mc.postfix_setgid, "postdrop");
	mtaconf_free(&mc);
}

static void
test_nothing(void **state)
{
	struct mtaconf mc;
	char err[512];

	(void)state;
	mtaconf_load(&mc, "/nonexistent/spoolwatch", "auto", err, sizeof(err));
	assert_int_equal(mc.kind, MTA_NONE);
	assert_int_equal(mc.flavor, FLAVOR_OTHER);
	assert_string_equal(err, ""); /* missing files are no error */
	assert_string_equal(mtaconf_kind_name(mc.kind), "none");
	mtaconf_free(&mc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cf_option),
	    cmocka_unit_test(test_main_cf),
	    cmocka_unit_test(test_sendmail_rhel),
	    cmocka_unit_test(test_debian_defaults_and_postfix),
	    cmocka_unit_test(test_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
