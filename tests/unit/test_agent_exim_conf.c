/*
 * test_agent_exim_conf.c - the Exim configuration reader on Debian's
 * exim4.conf.template (tests/data/exim, from exim4-config 4.96), on
 * RHEL-style and hand-written files, log_file_path lists and Debian's
 * update-exim4.conf.conf.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agent/parse/exim_conf.h"
#include "testdata.h"

static int
parse(const char *text, struct exim_conf *c, char *err, size_t errlen)
{
	return exim_conf_parse(text, strlen(text), c, err, errlen);
}

static void
test_debian_template(void **state)
{
	struct exim_conf c;
	char err[256], path[512];
	size_t len;
	char *t = testdata_read("exim/exim4.conf.template", &len);

	(void)state;
	exim_conf_defaults(&c, EXIM_DEBIAN);
	assert_int_equal(exim_conf_parse(t, len, &c, err, sizeof(err)), 0);
	/* spool_directory = SPOOLDIR, SPOOLDIR from its .ifndef */
	assert_string_equal(c.spool_directory, "/var/spool/exim4");
	assert_string_equal(c.exim_user, "Debian-exim");
	assert_false(c.split_spool);
	assert_int_equal(c.nincludes, 0);
	assert_int_equal(
	    exim_conf_log_path(&c, "", "main", path, sizeof(path), NULL), 0);
	assert_string_equal(path, "/var/log/exim4/mainlog");
	free(t);
}

static void
test_rhel_and_overrides(void **state)
{
	struct exim_conf c;
	char err[256] = "", path[512];
	int sys = -1;
	static const char conf[] =
	    "# /etc/exim/exim.conf\n"
	    "SPOOL = /srv/exim-spool\n"
	    ".ifdef NOT_DEFINED\n"
	    "spool_directory = /wrong\n"
	    ".else\n"
	    "spool_directory = SPOOL\n"
	    ".endif\n"
	    "log_file_path = syslog : /var/log/exim/%s.log\n"
	    "split_spool_directory\n"
	    "no_queue_only\n"
	    "exim_user = mailnull\n"
	    "exim_group = \"mail\\\"x\"\n"
	    "primary_hostname = a\\\n"
	    "    b.example\n"
	    "begin routers\n"
	    "spool_directory = /not/main\n";

	(void)state;
	exim_conf_defaults(&c, EXIM_RHEL);
	assert_string_equal(c.spool_directory, "/var/spool/exim");
	assert_string_equal(c.exim_user, "exim");
	assert_int_equal(parse(conf, &c, err, sizeof(err)), 0);
	assert_string_equal(c.spool_directory, "/srv/exim-spool");
	assert_true(c.split_spool);
	assert_false(c.queue_only);
	assert_string_equal(c.exim_user, "mailnull");
	assert_string_equal(c.exim_group, "mail\"x");
	assert_int_equal(exim_conf_log_path(&c, "/d/%slog", "panic", path,
	                                    sizeof(path), &sys),
	                 0);
	assert_string_equal(path, "/var/log/exim/panic.log");
	assert_int_equal(sys, 1);
}

static void
test_log_paths(void **state)
{
	struct exim_conf c;
	char path[64];
	int sys = 0;

	(void)state;
	memset(&c, 0, sizeof(c));
	strcpy(c.log_file_path, "syslog");
	assert_int_equal(exim_conf_log_path(&c, "/d/%slog", "main", path,
	                                    sizeof(path), &sys),
	                 -1);
	assert_int_equal(sys, 1);
	/* an empty item is the compiled default */
	strcpy(c.log_file_path, " : syslog");
	assert_int_equal(exim_conf_log_path(&c, "/d/%slog", "main", path,
	                                    sizeof(path), &sys),
	                 0);
	assert_string_equal(path, "/d/mainlog");
	/* unset: the default too */
	c.log_file_path[0] = '\0';
	assert_int_equal(exim_conf_log_path(&c, "/d/%slog", "reject", path,
	                                    sizeof(path), NULL),
	                 0);
	assert_string_equal(path, "/d/rejectlog");
	/* cut to the buffer, never past it */
	strcpy(c.log_file_path, "/a/very/long/directory/name/for/logs/%s");
	assert_int_equal(exim_conf_log_path(&c, "", "main", path, 16, NULL), 0);
	assert_int_equal(strlen(path), 15);
}

static void
test_bad_directives(void **state)
{
	struct exim_conf c;
	char err[256];

	(void)state;
	exim_conf_defaults(&c, EXIM_DEBIAN);
	assert_int_equal(parse(".endif\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: .endif without .ifdef");
	assert_int_equal(parse("a = 1\n.else\n", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "line 2: .else without .ifdef");
	assert_int_equal(
	    parse(".ifdef X\nspool_directory = /x\n", &c, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "line 2: .ifdef without .endif");
	{
		char deep[40 * 9 + 1] = "";
		for (int i = 0; i < 40; i++)
			strcat(deep, ".ifdef A\n");
		assert_int_equal(parse(deep, &c, err, sizeof(err)), -1);
		assert_string_equal(err, "line 17: .ifdef nested too deep");
	}
	/* an unknown option, a value-less line, an .include: fine */
	assert_int_equal(parse("nonsense here\n.include /etc/exim/x.conf\n"
	                       "= value\nspool_directory\n",
	                       &c, err, sizeof(err)),
	                 0);
	assert_int_equal(c.nincludes, 1);
	assert_string_equal(c.spool_directory, "/var/spool/exim4");
}

static void
test_debconf(void **state)
{
	struct exim_debconf d;
	static const char ue4cc[] = "# /etc/exim4/update-exim4.conf.conf\n"
	                            "dc_eximconfig_configtype='smarthost'\n"
	                            "dc_other_hostnames='host1'\n"
	                            "dc_local_interfaces='127.0.0.1 ; ::1'\n"
	                            "dc_smarthost='relay.example.com::587'\n"
	                            "CFILEMODE='644'\n"
	                            "dc_use_split_config='true'\n"
	                            "junk\n";

	(void)state;
	exim_debconf_parse(ue4cc, strlen(ue4cc), &d);
	assert_string_equal(d.configtype, "smarthost");
	assert_string_equal(d.smarthost, "relay.example.com::587");
	assert_string_equal(d.local_interfaces, "127.0.0.1 ; ::1");
	assert_true(d.split_config);
	exim_debconf_parse("", 0, &d);
	assert_string_equal(d.configtype, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_debian_template),
	    cmocka_unit_test(test_rhel_and_overrides),
	    cmocka_unit_test(test_log_paths),
	    cmocka_unit_test(test_bad_directives),
	    cmocka_unit_test(test_debconf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
