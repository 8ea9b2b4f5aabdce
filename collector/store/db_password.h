/*
 * db_password.h - db_password_file: the PostgreSQL password, read once at
 * start from a file that is not world-readable (so that no secret is on
 * a command line or in collector.conf).
 */
#ifndef SPOOLWATCH_DB_PASSWORD_H
#define SPOOLWATCH_DB_PASSWORD_H

#include <stddef.h>

/* The largest password file read. */
#define DB_PASSWORD_MAX 1024

/*
 * db_password_read - the first line of path (trailing CR/LF dropped) in
 * *out (free it, after zeroing).  -1 with err (which never holds the
 * password) when the file cannot be read, is world-readable, is empty
 * or has more than one line.
 */
int db_password_read(const char *path, char **out, char *err, size_t errlen);

#endif
