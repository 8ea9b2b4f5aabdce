/*
 * test_agent_exim_dirscan.c - the spool scan's Exim mode on an input/
 * directory: -H/-D/-J/-T counted, ages from the ids (no stat), orphans
 * either way past the grace, split subdirectories; and Exim ids folded
 * to "<id>" in signatures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/probe/dirscan.h"
#include "agent/parse/event_sig.h"

static void
touch(const char *dir, const char *name)
{
	char p[4200];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_CREAT | O_WRONLY, 0640);
	assert_true(fd >= 0);
	close(fd);
}

static void
test_exim_input(void **state)
{
	char tmpl[] = "/tmp/exim-dirscan-XXXXXX", sub[4200], err[256];
	struct dirscan_opts o;
	struct dirscan_result r;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	/* 1xYK3q = 1796116926 (2026-12-01 09:22:06 UTC) */
	touch(tmpl, "1xYK3q-0003B1-1l-H");
	touch(tmpl, "1xYK3q-0003B1-1l-D");
	touch(tmpl, "1xYK3q-0003B1-1l-J");
	touch(tmpl, "1xYK3q-0003Be-2L-D"); /* orphan -D */
	touch(tmpl, "1xYK3q-0003Bf-2L-H"); /* -H without -D */
	touch(tmpl, "1xYK3q-0003Bg-2L-T");
	touch(tmpl, "db-lock");
	snprintf(sub, sizeof(sub), "%s/q", tmpl);
	mkdir(sub, 0750);
	/* split: an older one, 1xYJ00 */
	touch(sub, "1xYJ00-0001AA-00-H");
	touch(sub, "1xYJ00-0001AA-00-D");
	/* too young to be judged: arrived a minute before now */
	touch(sub, "1xYK4k-0001AB-00-D");

	fd = open(tmpl, O_RDONLY | O_DIRECTORY);
	memset(&o, 0, sizeof(o));
	o.now = 1796116926 + 3600;
	o.exim = 1;
	o.ages = 1;
	o.orphan_grace = 600;
	o.budget_ms = 10000;
	o.limit_ms = 10000;
	assert_int_equal(dirscan(fd, &o, &r, err, sizeof(err)), 0);
	close(fd);
	assert_int_equal(r.by_prefix[DS_QF], 3);
	assert_int_equal(r.by_prefix[DS_DF], 4);
	assert_int_equal(r.by_prefix[DS_XF], 1);
	assert_int_equal(r.by_prefix[DS_TF], 1);
	assert_int_equal(r.by_prefix[DS_OTHER], 1);
	assert_int_equal(r.queued, 3);
	/* the -D alone and the -H alone; the young -D is not judged */
	assert_int_equal(r.orphans, 2);
	assert_true(r.orphans_exact);
	assert_int_equal(r.stats, 0);
	/* 1xYJ00: the oldest */
	{
		const char *b62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                  "abcdefghijklmnopqrstuvwxyz";
		long long t = 0;
		for (const char *p = "1xYJ00"; *p; p++)
			t = t * 62 + (strchr(b62, *p) - b62);
		assert_int_equal(r.oldest, t);
	}
	snprintf(sub, sizeof(sub), "rm -rf '%s'", tmpl);
	assert_int_equal(system(sub), 0);
}

static void
test_exim_ids_in_signatures(void **state)
{
	char out[EVENT_SIG_MAX];
	static const char a[] = "Failed to create spool file "
	                        "/var/spool/exim4//input//1xYK3d-0002Kh-1p-D: "
	                        "Permission denied";
	static const char b[] = "1tixMn-00000000C5j-1wRa <= root@domain.ru";

	(void)state;
	event_normalise(a, strlen(a), out, sizeof(out));
	assert_string_equal(out, "Failed to create spool file "
	                         "/var/spool/exim4//input//<id>-D: "
	                         "Permission denied");
	event_normalise(b, strlen(b), out, sizeof(out));
	/* the sender is the variable part too (event_sig.c: "addr") */
	assert_string_equal(out, "<id> <= addr");
	/* not an id: a longer run, or one with a bad separator */
	event_normalise("x1xYK3d-0002Kh-1p", 17, out, sizeof(out));
	assert_string_equal(out, "xNxYKNd-NKh-Np"); /* short words, no <id> */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exim_input),
	    cmocka_unit_test(test_exim_ids_in_signatures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
