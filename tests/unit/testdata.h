/*
 * testdata.h - where the unit tests find their data files: under
 * $SPOOLWATCH_TOP/tests/data/ (tests/run.sh sets it; a test run by hand
 * from the top of the tree finds them through "."), never outside the
 * repository.  What each file is and where it came from: tests/data/
 * SOURCES.md.
 *
 * Include after <cmocka.h>: a file that cannot be read fails the running
 * test with its path and the reason.
 */
#ifndef SPOOLWATCH_TESTDATA_H
#define SPOOLWATCH_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>

#include "common/fsutil.h"

#define TESTDATA_PATH_MAX 4096
#define TESTDATA_READ_MAX (1u << 20)

/* testdata_path - the path of REL (e.g. "samples/maillog") in buf. */
static inline const char *
testdata_path(const char *rel, char buf[TESTDATA_PATH_MAX])
{
	const char *top = getenv("SPOOLWATCH_TOP");
	int n = snprintf(buf, TESTDATA_PATH_MAX, "%s/tests/data/%s",
	                 top && *top ? top : ".", rel);

	if (n < 0 || n >= TESTDATA_PATH_MAX)
		fail_msg("test data path too long: %s", rel);
	return buf;
}

/*
 * testdata_read - the bytes of REL, NUL-terminated, in a malloc'd buffer
 * the caller frees; their count in *len.  Call it before allocating what
 * a failure would leave behind (or keep that in a cmocka fixture).
 */
static inline char *
testdata_read(const char *rel, size_t *len)
{
	char path[TESTDATA_PATH_MAX], why[256], *text = NULL;
	ssize_t n;

	n = read_file_capped(testdata_path(rel, path), &text, TESTDATA_READ_MAX,
	                     why, sizeof(why));
	if (n < 0)
		fail_msg("test data: %s", why);
	*len = (size_t)n;
	return text;
}

#endif
