/*
 * test_agent_initsys.c - the init system and the MTA's boot links read
 * from a root, and the start command each host is told.
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

#include "agent/probe/initsys.h"

static char root[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/test_initsys.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
sh(const char *fmt)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s", root, fmt);
	assert_int_equal(system(cmd), 0);
}

static void
start(const char *svc, int enable, const char *want)
{
	struct initsys is;
	char out[256];

	initsys_load(&is, root);
	initsys_start(&is, svc, enable, out, sizeof(out));
	assert_string_equal(out, want);
}

static void
test_debian_sysv(void **state)
{
	(void)state;
	sh("rm -rf * && mkdir -p etc/rc2.d && echo 12 >etc/debian_version");
	start("sendmail", 1,
	      "update-rc.d sendmail defaults && service "
	      "sendmail start");
	/* disabled with update-rc.d disable: K links are left */
	sh("ln -s ../init.d/sendmail etc/rc2.d/K01sendmail");
	start("sendmail", 1,
	      "update-rc.d sendmail enable && service sendmail "
	      "start");
	sh("rm etc/rc2.d/K01sendmail && "
	   "ln -s ../init.d/sendmail etc/rc2.d/S20sendmail");
	start("sendmail", 1, "service sendmail start");
	/* sendmail's links do not enable postfix */
	start("postfix", 1,
	      "update-rc.d postfix defaults && service postfix "
	      "start");
}

static void
test_redhat_sysv(void **state)
{
	(void)state;
	sh("rm -rf * && mkdir -p etc && echo 'Red Hat' >etc/redhat-release");
	start("sendmail", 1, "chkconfig sendmail on && service sendmail start");
	start("sendmail", 0, "service sendmail start");
	sh("mkdir -p etc/rc.d/rc3.d && "
	   "ln -s ../init.d/sendmail etc/rc.d/rc3.d/S80sendmail");
	start("sendmail", 1, "service sendmail start");
}

static void
test_systemd(void **state)
{
	(void)state;
	/* systemd wins over the distribution files */
	sh("rm -rf * && mkdir -p run/systemd/system etc && "
	   "echo 'Red Hat' >etc/redhat-release");
	start("postfix", 1,
	      "systemctl enable postfix && systemctl start "
	      "postfix");
	sh("mkdir -p etc/systemd/system/multi-user.target.wants && "
	   "ln -s /lib/systemd/system/postfix.service "
	   "etc/systemd/system/multi-user.target.wants/postfix.service");
	start("postfix", 1, "systemctl start postfix");
}

static void
test_unknown(void **state)
{
	struct initsys is;
	char out[256];

	(void)state;
	memset(&is, 0, sizeof(is));
	initsys_start(&is, "sendmail", 1, out, sizeof(out));
	assert_string_equal(
	    out, "systemctl start sendmail || service sendmail start");
	initsys_restart(&is, "sendmail", out, sizeof(out));
	assert_string_equal(
	    out, "systemctl restart sendmail || service sendmail restart");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_debian_sysv),
	    cmocka_unit_test(test_redhat_sysv),
	    cmocka_unit_test(test_systemd),
	    cmocka_unit_test(test_unknown),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
