/*
 * statedir.c - create, vet and lock the agent's state directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/ship/statedir.h"
#include "common/fsutil.h"
#include "common/xalloc.h"

struct statedir {
	int lockfd; /* -1 when not locked */
};

int
statedir_check(const char *dir, char *err, size_t errlen)
{
	struct stat sb;

	if (stat(dir, &sb) == -1) {
		int saved = errno;
		snprintf(err, errlen, "state_dir %s: %s", dir, strerror(errno));
		errno = saved;
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "state_dir %s: not a directory", dir);
		errno = ENOTDIR;
		return -1;
	}
	if (sb.st_uid != geteuid()) {
		snprintf(err, errlen,
		         "state_dir %s: owned by uid %lu, not by "
		         "the agent's uid %lu; refusing it",
		         dir, (unsigned long)sb.st_uid,
		         (unsigned long)geteuid());
		errno = EPERM;
		return -1;
	}
	if (sb.st_mode & S_IWOTH) {
		snprintf(err, errlen,
		         "state_dir %s: world-writable (mode "
		         "%04o); refusing it",
		         dir, (unsigned)(sb.st_mode & 07777));
		errno = EPERM;
		return -1;
	}
	return 0;
}

struct statedir *
statedir_open(const char *dir, int create, int lock, char *err, size_t errlen)
{
	struct statedir *sd;
	char path[PATH_MAX];
	int fd = -1;

	if (create && mkdir_p(dir, 0700) == -1) {
		snprintf(err, errlen, "state_dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	if (statedir_check(dir, err, errlen) == -1)
		return NULL;
	if (lock) {
		if (snprintf(path, sizeof(path), "%s/lock", dir) >=
		    (int)sizeof(path)) {
			snprintf(err, errlen, "state_dir %s: path too long",
			         dir);
			return NULL;
		}
		fd =
		    open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return NULL;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
			snprintf(
			    err, errlen, "%s: %s", path,
			    errno == EWOULDBLOCK
			        ? "another spoolwatch-agent uses this state_dir"
			        : strerror(errno));
			close(fd);
			return NULL;
		}
	}
	sd = xcalloc(1, sizeof(*sd));
	sd->lockfd = fd;
	return sd;
}

void
statedir_close(struct statedir *sd)
{
	if (sd == NULL)
		return;
	if (sd->lockfd != -1)
		close(sd->lockfd);
	free(sd);
}
