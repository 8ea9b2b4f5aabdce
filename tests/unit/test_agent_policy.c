/*
 * test_agent_policy.c - the packaged policy table and the permission
 * rules applied to the MTA's account: root, owner class first, primary
 * and supplementary groups, other, unknown accounts.
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
#include "agent/probe/mtaconf.h"
#include "agent/diagnose/policy.h"

static char root[] = "/tmp/test_policy.XXXXXX";
static struct accounts *acc;

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
	char etc[512], err[256];

	(void)state;
	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(etc, sizeof(etc), "%s/etc", root);
	if (mkdir(etc, 0755) == -1)
		return -1;
	put("/etc/passwd", "root:x:0:0::/root:/bin/sh\n"
	                   "smmsp:x:51:51::/var/spool/mqueue:/sbin/nologin\n"
	                   "postfix:x:89:89::/var/spool/postfix:/sbin/nologin\n"
	                   "clamav:x:60:60::/:/sbin/nologin\n");
	put("/etc/group", "root:x:0:\nmail:x:12:postfix\nsmmsp:x:51:clamav\n"
	                  "postfix:x:89:\npostdrop:x:90:\nclamav:x:60:\n");
	acc = accounts_load(root, err, sizeof(err));
	return err[0] == '\0' ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	accounts_free(acc);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_policy_table(void **state)
{
	struct policy p;

	(void)state;
	policy_default(ROLE_MSP_QUEUE, FLAVOR_RHEL, &p);
	assert_string_equal(p.owner, "smmsp");
	assert_string_equal(p.group, "smmsp");
	assert_int_equal(p.modes[0], 0770);
	policy_default(ROLE_MSP_QUEUE, FLAVOR_DEBIAN, &p);
	assert_int_equal(p.modes[0], 02770);
	assert_true(policy_mode_ok(&p, 0770));
	assert_false(policy_mode_ok(&p, 0755));

	policy_default(ROLE_MTA_QUEUE, FLAVOR_RHEL, &p);
	assert_string_equal(p.owner, "root");
	assert_string_equal(p.group, "mail");
	assert_int_equal(p.modes[0], 0700);
	assert_false(policy_mode_ok(&p, 0750));
	policy_default(ROLE_MTA_QUEUE, FLAVOR_DEBIAN, &p);
	assert_string_equal(p.owner, "smmta");
	assert_int_equal(p.modes[0], 02750);

	policy_default(ROLE_POSTFIX_MAILDROP, FLAVOR_DEBIAN, &p);
	assert_string_equal(p.owner, "postfix");
	assert_string_equal(p.group, "postdrop");
	assert_int_equal(p.modes[0], 0730);
	assert_false(policy_mode_ok(&p, 01730));
	policy_default(ROLE_POSTFIX_DEFERRED, FLAVOR_RHEL, &p);
	assert_null(p.group); /* postfix-files leaves the group alone */
	assert_int_equal(p.modes[0], 0700);

	policy_default(ROLE_MAILBOX, FLAVOR_RHEL, &p);
	assert_int_equal(p.modes[0], 0775);
	assert_true(policy_mode_ok(&p, 02775));
	assert_true(policy_mode_ok(&p, 01777));
	assert_false(policy_mode_ok(&p, 0777));
	policy_default(ROLE_MAILBOX, FLAVOR_DEBIAN, &p);
	assert_int_equal(p.modes[0], 02775);

	policy_default(ROLE_CUSTOM, FLAVOR_RHEL, &p);
	assert_null(p.owner);
	assert_int_equal(p.nmodes, 0);
	assert_true(policy_mode_ok(&p, 0));
}

static void
test_roles(void **state)
{
	(void)state;
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_int_equal(policy_role_parse(policy_role_name(r)), r);
	assert_int_equal(policy_role_parse("postfix_deferred"),
	                 ROLE_POSTFIX_DEFERRED);
	assert_int_equal(policy_role_parse("queue"), -1);
	/* the enum and the schema's names (common/report_schema) line up */
	assert_string_equal(policy_role_name(ROLE_MSP_QUEUE), "msp_queue");
	assert_string_equal(policy_role_name(ROLE_MTA_QUEUE), "mta_queue");
	assert_string_equal(policy_role_name(ROLE_POSTFIX_MAILDROP),
	                    "postfix_maildrop");
	assert_string_equal(policy_role_name(ROLE_POSTFIX_CORRUPT),
	                    "postfix_corrupt");
	assert_string_equal(policy_role_name(ROLE_MAILBOX), "mailbox");
	assert_string_equal(policy_role_name(ROLE_CUSTOM), "custom");
	assert_true(policy_is_queue(ROLE_POSTFIX_HOLD));
	assert_false(policy_is_queue(ROLE_MAILBOX));
	assert_true(policy_is_sendmail(ROLE_MSP_QUEUE));
	assert_false(policy_is_sendmail(ROLE_POSTFIX_ACTIVE));
}

static void
test_writers(void **state)
{
	struct mtaconf mc;
	struct writer w;

	(void)state;
	memset(&mc, 0, sizeof(mc));
	mc.kind = MTA_SENDMAIL;
	snprintf(mc.msp_user, sizeof(mc.msp_user), "smmsp");
	policy_writer(ROLE_MSP_QUEUE, &mc, &w);
	assert_string_equal(w.user, "smmsp");
	assert_null(w.group);
	/* no RunAsUser: any user through the set-gid smmsp binary */
	mc.msp_user[0] = '\0';
	policy_writer(ROLE_MSP_QUEUE, &mc, &w);
	assert_null(w.user);
	assert_string_equal(w.group, "smmsp");
	policy_writer(ROLE_MTA_QUEUE, &mc, &w);
	assert_string_equal(w.user, "root");

	mc.kind = MTA_POSTFIX;
	snprintf(mc.postfix_owner, sizeof(mc.postfix_owner), "postfix");
	snprintf(mc.postfix_setgid, sizeof(mc.postfix_setgid), "postdrop");
	policy_writer(ROLE_POSTFIX_MAILDROP, &mc, &w);
	assert_null(w.user);
	assert_string_equal(w.group, "postdrop");
	policy_writer(ROLE_POSTFIX_INCOMING, &mc, &w);
	assert_string_equal(w.user, "postfix");
	policy_writer(ROLE_MAILBOX, &mc, &w);
	assert_string_equal(w.group, "mail");
}

static void
test_can_create(void **state)
{
	struct writer smmsp = {"smmsp", NULL}, clamav = {"clamav", NULL};
	struct writer postdrop = {NULL, "postdrop"}, rootw = {"root", NULL};
	struct writer postfix = {"postfix", NULL}, nobody = {"nobody", NULL};
	struct writer nogroup = {NULL, "nosuchgroup"};

	(void)state;
	/* the incident: root:root 0755 */
	assert_int_equal(policy_can_create(acc, &smmsp, 0, 0, 0755), 0);
	/* fixed: smmsp:smmsp 0770 */
	assert_int_equal(policy_can_create(acc, &smmsp, 51, 51, 040770), 1);
	/* owner class first: u=rx even though g=rwx */
	assert_int_equal(policy_can_create(acc, &smmsp, 51, 51, 0570), 0);
	/* write without search is not enough */
	assert_int_equal(policy_can_create(acc, &smmsp, 51, 51, 0670), 0);
	/* root:smmsp 0770 through the primary group */
	assert_int_equal(policy_can_create(acc, &smmsp, 0, 51, 0770), 1);
	/* clamav is in group smmsp only as a supplementary member */
	assert_int_equal(policy_can_create(acc, &clamav, 0, 51, 0770), 1);
	assert_int_equal(policy_can_create(acc, &clamav, 0, 51, 0750), 0);
	/* postfix is a supplementary member of mail */
	assert_int_equal(policy_can_create(acc, &postfix, 0, 12, 0775), 1);
	assert_int_equal(policy_can_create(acc, &postfix, 0, 0, 0775), 0);
	/* the other class */
	assert_int_equal(policy_can_create(acc, &smmsp, 0, 0, 01777), 1);
	assert_int_equal(policy_can_create(acc, &smmsp, 0, 0, 0775), 0);
	/* group-only writer: postdrop into postfix:postdrop 0730 / 0700 */
	assert_int_equal(policy_can_create(acc, &postdrop, 89, 90, 0730), 1);
	assert_int_equal(policy_can_create(acc, &postdrop, 89, 90, 0700), 0);
	assert_int_equal(policy_can_create(acc, &postdrop, 89, 0, 0733), 1);
	/* root passes whatever the mode */
	assert_int_equal(policy_can_create(acc, &rootw, 51, 51, 0), 1);
	/* an account or group the host does not have: no guess */
	assert_int_equal(policy_can_create(acc, &nobody, 0, 0, 0777), -1);
	assert_int_equal(policy_can_create(acc, &nogroup, 0, 0, 0777), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_table),
	    cmocka_unit_test(test_roles),
	    cmocka_unit_test(test_writers),
	    cmocka_unit_test(test_can_create),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
