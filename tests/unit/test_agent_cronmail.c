/*
 * test_agent_cronmail.c - cron job attribution: Subject forms of vixie,
 * cronie, Debian cron and anacron; X-Cron-Env; the From variants.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "agent/parse/cronmail.h"

static int
subj(const char *s, struct cron_job *j)
{
	return cron_subject(s, strlen(s), j);
}

static void
test_subjects(void **state)
{
	struct cron_job j;

	(void)state;
	assert_true(subj("Cron <root@host1> /bin/freemem.py", &j));
	assert_string_equal(j.user, "root");
	assert_string_equal(j.host, "host1");
	assert_string_equal(j.command, "/bin/freemem.py");
	assert_int_equal(j.command_len, strlen("/bin/freemem.py"));
	/* leading blank (raw header value), trailing blanks trimmed */
	assert_true(subj(" Cron <www-data@web2> cd /srv && ./x.sh  \r", &j));
	assert_string_equal(j.user, "www-data");
	assert_string_equal(j.command, "cd /srv && ./x.sh");
	/* Debian's daily job line */
	assert_true(subj("Cron <root@deb> test -x /usr/sbin/anacron || "
	                 "( cd / && run-parts --report /etc/cron.daily )",
	                 &j));
	assert_string_equal(
	    j.command,
	    "test -x /usr/sbin/anacron || ( cd / && run-parts --report "
	    "/etc/cron.daily )");
	/* anacron */
	assert_true(subj("Anacron job 'cron.daily' on host7", &j));
	assert_string_equal(j.command, "anacron cron.daily");
	assert_string_equal(j.user, "root");
	assert_string_equal(j.host, "host7");
	/* not cron */
	assert_false(subj("Re: Cron <root@h> x", &j));
	assert_false(subj("Cron <root@h", &j));
	assert_false(subj("Cron <a b> x", &j));
	assert_false(subj("", &j));
}

static void
test_long_command_cut(void **state)
{
	struct cron_job j;
	char s[3000];

	(void)state;
	strcpy(s, "Cron <root@h> ");
	memset(s + 14, 'a', 2500);
	s[2514] = '\0';
	assert_true(subj(s, &j));
	assert_true(j.cut);
	assert_int_equal(j.command_len, CRON_CMD_MAX - 1);
	assert_int_equal(strlen(j.command), CRON_CMD_MAX - 1);
}

static void
test_env_user(void **state)
{
	char u[CRON_USER_MAX];

	(void)state;
	assert_true(cron_env_user("<LOGNAME=root>", 14, u));
	assert_string_equal(u, "root");
	assert_true(cron_env_user(" <USER=backup>", 14, u));
	assert_string_equal(u, "backup");
	assert_false(cron_env_user("<SHELL=/bin/sh>", 15, u));
	assert_false(cron_env_user("<LOGNAME=>", 10, u));
}

static void
test_variants(void **state)
{
	const char *v1 = "root (Cron Daemon)";
	const char *v2 = "\"(Cron Daemon)\" <root@host1>";
	const char *v3 = "root@host1.localdomain (Cron Daemon)";
	const char *v4 = "Anacron <root@host1>";

	(void)state;
	assert_string_equal(
	    cron_variant_name(cron_variant_of(v1, strlen(v1), 1)), "vixie");
	assert_string_equal(
	    cron_variant_name(cron_variant_of(v2, strlen(v2), 1)), "cronie");
	assert_string_equal(
	    cron_variant_name(cron_variant_of(v3, strlen(v3), 0)), "debian");
	/* vixie's From qualified by sendmail: Auto-Submitted tells */
	assert_string_equal(
	    cron_variant_name(cron_variant_of(v3, strlen(v3), 1)), "vixie");
	assert_string_equal(
	    cron_variant_name(cron_variant_of(v4, strlen(v4), 0)), "anacron");
	assert_string_equal(cron_variant_name(cron_variant_of("x", 1, 0)),
	                    "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_subjects),
	    cmocka_unit_test(test_long_command_cut),
	    cmocka_unit_test(test_env_user),
	    cmocka_unit_test(test_variants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
