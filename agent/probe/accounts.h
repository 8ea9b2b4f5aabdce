/*
 * accounts.h - users and groups of the watched host, read from
 * ROOT/etc/passwd and ROOT/etc/group.
 *
 * Never NSS: with --root the running host's users are not the image's,
 * and even on the live host a permission verdict must match the files
 * the MTA itself will consult.  The database is loaded once per cycle
 * and owns every string it returns; pointers stay valid until
 * accounts_free().
 */
#ifndef SPOOLWATCH_ACCOUNTS_H
#define SPOOLWATCH_ACCOUNTS_H

#include <stddef.h>
#include <sys/types.h>

struct account_user {
	const char *name;
	uid_t uid;
	gid_t gid; /* primary group */
	const char *home;
};

struct accounts;

/*
 * accounts_load - read root's etc/passwd and etc/group (root "" or NULL:
 * the live "/").  Never NULL: a missing, unreadable or oversized file
 * gives an empty table for that file and a reason in err; err[0] is '\0'
 * when both files were read.  Malformed lines are skipped.
 */
struct accounts *accounts_load(const char *root, char *err, size_t errlen);
void accounts_free(struct accounts *a);

/* The first entry wins when a name or id is listed twice, as getpwnam(). */
const struct account_user *accounts_user_by_name(const struct accounts *a,
                                                 const char *name);
const struct account_user *accounts_user_by_uid(const struct accounts *a,
                                                uid_t uid);
size_t accounts_user_count(const struct accounts *a);
const struct account_user *accounts_user_at(const struct accounts *a, size_t i);

/* accounts_group_name - the group's name, NULL if unknown. */
const char *accounts_group_name(const struct accounts *a, gid_t gid);
/* accounts_group_by_name - 0 and *out, or -1 if there is no such group. */
int accounts_group_by_name(const struct accounts *a, const char *name,
                           gid_t *out);
/*
 * accounts_in_group - 1 if u's primary group is gid or u is listed as a
 * member of (any group entry with) gid in etc/group, else 0.
 */
int accounts_in_group(const struct accounts *a, const struct account_user *u,
                      gid_t gid);

#endif
