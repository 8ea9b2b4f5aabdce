/*
 * compat.c - fallbacks for the system calls that old kernels (Linux
 * 2.6.18, RHEL 5) and libcs other than glibc lack; see compat.h.
 *
 * The calls are made through syscall(2) so that the same code works with
 * glibc and with musl (whose 1.2.3 has no statx wrapper) and so that
 * ENOSYS from the kernel, not the libc's opinion, decides.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "common/compat.h"
#include "common/fsutil.h"

#define URANDOM "/dev/urandom"

#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
#endif

/* 1 once the kernel said ENOSYS to the call */
static int no_getrandom, no_statx, no_pipe2;

/* --- randomness ------------------------------------------------------- */

static int
urandom_read(void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t got = 0;
	int fd, e;

	fd = open(URANDOM, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd == -1)
		return -1;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			e = r == 0 ? EIO : errno;
			close(fd);
			errno = e;
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

int
compat_random(void *buf, size_t n, int nonblock)
{
	unsigned char *p = buf;
	size_t got = 0;

#ifdef SYS_getrandom
	while (!no_getrandom && got < n) {
		/* GRND_NONBLOCK is 1 */
		long r = syscall(SYS_getrandom, p + got, n - got,
		                 nonblock ? 1u : 0u);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno == ENOSYS) {
			no_getrandom = 1;
			break;
		}
		if (r == -1)
			return -1;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
#endif
	return urandom_read(p + got, n - got);
}

int
compat_random_check(char *err, size_t errlen)
{
	unsigned char b[1];

	if (compat_random(b, sizeof(b), 1) == 0 || errno == EAGAIN)
		return 0;
	snprintf(err, errlen,
	         "no source of randomness: the kernel has no getrandom(2) "
	         "and " URANDOM " cannot be read (%s); in a chroot, create "
	         "it: mknod -m 444 DIR" URANDOM " c 1 9",
	         strerror(errno));
	return -1;
}

/* --- file times ------------------------------------------------------- */

/* The kernel's struct statx (include/uapi/linux/stat.h), under our own
 * name: glibc declares it, musl 1.2.3 does not. */
struct kstatx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct kstatx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct kstatx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};

#define KSTATX_TYPE 0x001u
#define KSTATX_MTIME 0x040u
#define KSTATX_CTIME 0x080u
#define KSTATX_BTIME 0x800u

int
compat_times_at(int dirfd, const char *name, struct compat_times *t)
{
	struct stat st;

#ifdef SYS_statx
	if (!no_statx) {
		struct kstatx sx;

		if (syscall(SYS_statx, dirfd, name,
		            AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
		            KSTATX_TYPE | KSTATX_MTIME | KSTATX_CTIME |
		                KSTATX_BTIME,
		            &sx) == 0) {
			t->mode = (mode_t)sx.mode;
			t->btime = sx.mask & KSTATX_BTIME
			               ? (time_t)sx.btime.tv_sec
			               : 0;
			t->mtime = (time_t)sx.mtime.tv_sec;
			t->ctime = (time_t)sx.ctime.tv_sec;
			return 0;
		}
		if (errno != ENOSYS)
			return -1;
		no_statx = 1;
	}
#endif
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return -1;
	t->mode = st.st_mode;
	t->btime = 0;
	t->mtime = st.st_mtime;
	t->ctime = st.st_ctime;
	return 0;
}

/* --- descriptors ------------------------------------------------------ */

int
compat_pipe_cloexec(int fds[2])
{
#ifdef SYS_pipe2
	if (!no_pipe2) {
		if (syscall(SYS_pipe2, fds, O_CLOEXEC) == 0)
			return 0;
		if (errno != ENOSYS)
			return -1;
		no_pipe2 = 1;
	}
#endif
	if (pipe(fds) == -1)
		return -1;
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) == -1) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		errno = e;
		return -1;
	}
	return 0;
}

/* --- /proc ------------------------------------------------------------ */

ssize_t
compat_proc_comm(int pfd, char *buf, size_t n)
{
	/* "PID (COMM) STATE ...": COMM is at most 15 bytes but may hold
	 * spaces and ')', so it ends at the last ')' */
	char stat[256];
	char *open_p, *close_p;
	ssize_t len;
	size_t cl;

	if (n == 0)
		return -1;
	len = read_small_at(pfd, "comm", buf, n);
	if (len > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		return (ssize_t)strlen(buf);
	}
	if (read_small_at(pfd, "stat", stat, sizeof(stat)) <= 0)
		return -1;
	open_p = strchr(stat, '(');
	close_p = strrchr(stat, ')');
	if (open_p == NULL || close_p == NULL || close_p <= open_p + 1)
		return -1;
	cl = (size_t)(close_p - open_p - 1);
	if (cl >= n)
		cl = n - 1;
	memcpy(buf, open_p + 1, cl);
	buf[cl] = '\0';
	return (ssize_t)cl;
}

const char *
compat_mounts_table(void)
{
	static const char self[] = "/proc/self/mounts", old[] = "/proc/mounts";

	return access(self, R_OK) == 0 || access(old, R_OK) != 0 ? self : old;
}

/* --- libc ------------------------------------------------------------- */

void
compat_malloc_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
