/*
 * test_agent_dedup.c - the cross-file line set: duplicates only across
 * sources, exact past the in-memory bound (the set moves to its file and
 * forgets nothing, leaving no file behind), and a clear error when the
 * spill directory cannot be used.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent/collect/dedup.h"

static size_t
line(char *b, size_t n, unsigned i)
{
	return (size_t)snprintf(b, n,
	                        "Feb 15 09:00:00 mx postfix/qmgr[9]: "
	                        "%08X: status=deferred",
	                        i);
}

static void
test_across_sources_only(void **state)
{
	struct dedup *d = dedup_new("/tmp");
	char err[256];
	(void)state;
	assert_int_equal(dedup_seen(d, "a", 1, 0, err, sizeof(err)), 0);
	assert_int_equal(dedup_seen(d, "a", 1, 0, err, sizeof(err)), 0);
	assert_int_equal(dedup_seen(d, "a", 1, 1, err, sizeof(err)), 1);
	assert_int_equal(dedup_seen(d, "b", 1, 1, err, sizeof(err)), 0);
	assert_int_equal(dedup_seen(d, "b", 1, 0, err, sizeof(err)), 1);
	assert_false(dedup_spilled(d));
	dedup_free(d);
}

/* past the in-memory bound of distinct lines from source 0, then
 * all of them and as many new ones from source 1 */
static void
test_exact_past_the_memory_bound(void **state)
{
	char dir[PATH_MAX], b[128], err[256];
	const unsigned n = DEDUP_MEM_SLOTS / 2 + 1000;
	struct dedup *d;
	unsigned dups = 0, fresh = 0;
	DIR *dp;
	struct dirent *de;
	int files = 0;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/deduptest.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	d = dedup_new(dir);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(dedup_seen(d, b, line(b, sizeof(b), i), 0, err,
		                            sizeof(err)),
		                 0);
	assert_true(dedup_spilled(d));
	for (unsigned i = 0; i < 2 * n; i++) {
		int r = dedup_seen(d, b, line(b, sizeof(b), i), 1, err,
		                   sizeof(err));
		assert_int_not_equal(r, -1);
		if (r == 1)
			dups++;
		else
			fresh++;
	}
	assert_int_equal(dups, n);
	assert_int_equal(fresh, n);
	/* the spill file is unlinked from the start */
	dp = opendir(dir);
	assert_non_null(dp);
	while ((de = readdir(dp)) != NULL)
		files += de->d_name[0] != '.' || strlen(de->d_name) > 2;
	closedir(dp);
	assert_int_equal(files, 0);
	dedup_free(d);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_spill_dir_unusable_is_an_error(void **state)
{
	char b[128], err[256] = "";
	struct dedup *d = dedup_new("/nonexistent/spoolwatch-dedup");
	int r = 0;
	(void)state;
	for (unsigned i = 0; i <= DEDUP_MEM_SLOTS / 2 && r != -1; i++)
		r = dedup_seen(d, b, line(b, sizeof(b), i), 0, err,
		               sizeof(err));
	assert_int_equal(r, -1);
	assert_non_null(strstr(err, "/nonexistent/spoolwatch-dedup"));
	dedup_free(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_across_sources_only),
	    cmocka_unit_test(test_exact_past_the_memory_bound),
	    cmocka_unit_test(test_spill_dir_unusable_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
