/*
 * compat.h - the system calls that Linux 2.6.18 (RHEL 5) or a libc other
 * than a recent glibc lacks, each with a fallback that gives the same
 * answer: getrandom -> /dev/urandom, statx -> fstatat, pipe2 -> pipe and
 * FD_CLOEXEC, /proc/PID/comm -> /proc/PID/stat, /proc/self/mounts ->
 * /proc/mounts, and glibc-only calls.
 *
 * A fallback, once needed, is remembered for the process: the kernel
 * does not gain a system call while we run.
 */
#ifndef SPOOLWATCH_COMPAT_H
#define SPOOLWATCH_COMPAT_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/*
 * compat_random - fill buf with n bytes from the kernel's CSPRNG:
 * getrandom(2), or /dev/urandom where the kernel has no getrandom.
 * nonblock: fail with EAGAIN rather than wait for the pool at boot
 * (getrandom only; /dev/urandom never waits).  0, or -1 with errno
 * (ENOSYS/ENOENT: no source at all, as in a chroot without /dev).
 */
int compat_random(void *buf, size_t n, int nonblock);

/*
 * compat_random_check - whether compat_random() can work here; 0, or -1
 * with the reason in err (meant for the operator: what is missing).
 */
int compat_random_check(char *err, size_t errlen);

/* The times of a file that the agent looks at. */
struct compat_times {
	mode_t mode;
	time_t btime; /* creation; 0 where the kernel or fs cannot tell */
	time_t mtime;
	time_t ctime;
};

/*
 * compat_times_at - dirfd/name's times without following a symlink:
 * statx(2) for the birth time, fstatat(2) where statx is missing (btime
 * is then 0).  0, or -1 with errno.
 */
int compat_times_at(int dirfd, const char *name, struct compat_times *t);

/* compat_pipe_cloexec - pipe2(O_CLOEXEC), or pipe(2) and FD_CLOEXEC
 * on both ends where pipe2 is missing.  0, or -1 with errno. */
int compat_pipe_cloexec(int fds[2]);

/*
 * compat_proc_comm - the command name of the process whose /proc
 * directory is pfd: its "comm" file (2.6.33+), else the name in
 * parentheses of its "stat" file (the same 15-byte name).  Length
 * (> 0), or -1.
 */
ssize_t compat_proc_comm(int pfd, char *buf, size_t n);

/*
 * compat_mounts_table - the host's mount table: /proc/self/mounts
 * (2.4.19 on), else /proc/mounts.  Neither needs mountinfo (2.6.26+),
 * which the agent never reads.
 */
const char *compat_mounts_table(void);

/* compat_malloc_trim - hand freed heap back to the kernel where the
 * libc can (glibc's malloc_trim); elsewhere nothing to do. */
void compat_malloc_trim(void);

#endif
