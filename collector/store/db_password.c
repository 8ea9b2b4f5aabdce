/*
 * db_password.c - reading db_password_file (see db_password.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collector/store/db_password.h"
#include "common/fsutil.h"

int
db_password_read(const char *path, char **out, char *err, size_t errlen)
{
	struct stat sb;
	char why[256], *text = NULL;
	ssize_t n;

	*out = NULL;
	if (stat(path, &sb) == 0 && (sb.st_mode & 004)) {
		snprintf(err, errlen,
		         "db_password_file %s is world-readable (chmod o-r)",
		         path);
		return -1;
	}
	if ((n = read_file_capped(path, &text, DB_PASSWORD_MAX, why,
	                          sizeof(why))) < 0) {
		snprintf(err, errlen, "db_password_file: %s", why);
		return -1;
	}
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	if (n == 0 || memchr(text, '\n', (size_t)n) ||
	    memchr(text, '\0', (size_t)n)) {
		snprintf(err, errlen,
		         "db_password_file %s: %s", path,
		         n == 0 ? "empty" : "not one line of text");
		memset(text, 0, (size_t)n);
		free(text);
		return -1;
	}
	*out = text;
	return 0;
}
