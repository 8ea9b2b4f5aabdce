/*
 * oldkernel.c - run a program as if on an old x86_64 Linux kernel: a
 * seccomp filter (libseccomp) makes every system call that the kernel
 * did not have yet answer ENOSYS, and gives the flag arguments that it
 * did not know yet the errors that kernel gave.  For the tests of the
 * static agent (tests/e2e/static_*.sh); not part of spoolwatch.
 *
 * Usage: oldkernel [--chroot DIR] TABLE KERNEL PROGRAM [ARG...]
 *        oldkernel TABLE KERNEL --probe
 *   DIR     chroot(2) there first (after reading TABLE): PROGRAM is a
 *           path inside DIR.  A glibc chroot(1) cannot run under the
 *           filter (glibc aborts on ENOSYS from private futexes).
 *   TABLE   "NR NAME  # SINCE" lines (tests/data/x86_64-syscalls-after-
 *           2.6.18.txt): each system call since a later kernel than
 *           KERNEL answers ENOSYS, and so does every number above the
 *           table's last (all of them newer).  A line without SINCE is
 *           newer than any kernel simulated here (5.0 on).
 *   KERNEL  2.6.18, 2.6.32, 3.10, ... (only 2.6.18 on needs the table).
 *   --probe prints, under the filter, what a few calls answer, for the
 *           tests of this launcher itself.
 *
 * Flag behaviour older than the kernel (whatever the table says):
 *   < 2.6.22  futex with FUTEX_PRIVATE_FLAG      -> ENOSYS
 *   < 2.6.24  fcntl F_DUPFD_CLOEXEC              -> EINVAL
 *   < 2.6.27  socket/socketpair with SOCK_CLOEXEC or SOCK_NONBLOCK in
 *             the type                            -> EINVAL
 * (O_CLOEXEC in open flags was silently ignored before 2.6.23: a filter
 * cannot ignore a flag, so it is let through.)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_MAX 1024 /* numbers above the table's last, up to here */

/* kver - "2.6.18" as 0x020612; -1 if it does not parse. */
static long
kver(const char *s)
{
	unsigned a = 0, b = 0, c = 0;
	int n = sscanf(s, "%u.%u.%u", &a, &b, &c);

	if (n < 2 || a > 255 || b > 255 || c > 255)
		return -1;
	return (long)(a << 16 | b << 8 | c);
}

static int
deny(scmp_filter_ctx ctx, int err, int nr, unsigned n,
     const struct scmp_arg_cmp *cmp)
{
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((unsigned)err), nr,
	                                n, cmp);
	if (rc < 0)
		fprintf(stderr, "oldkernel: rule for syscall %d: %s\n", nr,
		        strerror(-rc));
	return rc;
}

/* table_rules - ENOSYS for every call of the table newer than k;
 * the highest number listed into *last. */
static int
table_rules(scmp_filter_ctx ctx, const char *path, long k, int *last)
{
	char line[256];
	FILE *fp = fopen(path, "r");
	int n = 0;

	if (fp == NULL) {
		fprintf(stderr, "oldkernel: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*last = -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *hash = strchr(line, '#');
		long since = 0x050000; /* no annotation: 5.0 or later */
		int nr;

		if (line[0] == '#' || sscanf(line, "%d", &nr) != 1)
			continue;
		if (hash != NULL) {
			long v = kver(hash + 1 + strspn(hash + 1, " "));
			if (v > 0)
				since = v;
		}
		if (nr > *last)
			*last = nr;
		if (since > k && deny(ctx, ENOSYS, nr, 0, NULL) < 0) {
			fclose(fp);
			return -1;
		}
		n++;
	}
	fclose(fp);
	if (n == 0) {
		fprintf(stderr, "oldkernel: %s: no system calls listed\n",
		        path);
		return -1;
	}
	return 0;
}

static int
flag_rules(scmp_filter_ctx ctx, long k)
{
	int rc = 0;

	if (k < 0x020616) { /* 2.6.22: private futexes */
		struct scmp_arg_cmp c = SCMP_A1(
		    SCMP_CMP_MASKED_EQ, FUTEX_PRIVATE_FLAG, FUTEX_PRIVATE_FLAG);
		rc |= deny(ctx, ENOSYS, SCMP_SYS(futex), 1, &c);
	}
	if (k < 0x020618) { /* 2.6.24: F_DUPFD_CLOEXEC */
		struct scmp_arg_cmp c = SCMP_A1(SCMP_CMP_EQ, F_DUPFD_CLOEXEC);
		rc |= deny(ctx, EINVAL, SCMP_SYS(fcntl), 1, &c);
	}
	if (k < 0x02061b) { /* 2.6.27: SOCK_CLOEXEC, SOCK_NONBLOCK */
		const int calls[2] = {SCMP_SYS(socket), SCMP_SYS(socketpair)};
		const unsigned flags[2] = {SOCK_CLOEXEC, SOCK_NONBLOCK};

		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++) {
				struct scmp_arg_cmp c = SCMP_A1(
				    SCMP_CMP_MASKED_EQ, flags[j], flags[j]);
				rc |= deny(ctx, EINVAL, calls[i], 1, &c);
			}
	}
	return rc < 0 ? -1 : 0;
}

static void
show(const char *what, long r)
{
	printf("%s %s\n", what, r >= 0 ? "ok" : strerror(errno));
}

/* probe - what the filter answers to a few calls, one line each. */
static int
probe(void)
{
	char b[8];
	int p[2], f = 0;
	long r;

	show("getrandom", syscall(SYS_getrandom, b, sizeof(b), 1));
	show("pipe2", syscall(SYS_pipe2, p, O_CLOEXEC));
	show("statx", syscall(SYS_statx, AT_FDCWD, "/", 0, 0x7ff, b));
	r = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	show("socket+SOCK_CLOEXEC", r);
	r = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	show("socket", r);
	show("fcntl+F_DUPFD_CLOEXEC",
	     syscall(SYS_fcntl, 0, F_DUPFD_CLOEXEC, 3));
	show("futex+PRIVATE",
	     syscall(SYS_futex, &f, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0,
	             0));
	show("futex", syscall(SYS_futex, &f, FUTEX_WAKE, 1, 0, 0, 0));
	show("epoll_create1", syscall(SYS_epoll_create1, 0));
	show("openat", syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY));
	return 0;
}

int
main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	const char *root = NULL;
	long k;
	int last, rc;

	if (argc > 2 && strcmp(argv[1], "--chroot") == 0) {
		root = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 4) {
		fprintf(stderr,
		        "usage: oldkernel [--chroot DIR] TABLE KERNEL PROGRAM "
		        "[ARG...]\n"
		        "       oldkernel TABLE KERNEL --probe\n");
		return 2;
	}
	if ((k = kver(argv[2])) < 0x020612) {
		fprintf(stderr,
		        "oldkernel: kernel '%s': want 2.6.18 or later\n",
		        argv[2]);
		return 2;
	}
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL) {
		fprintf(stderr, "oldkernel: seccomp_init failed\n");
		return 1;
	}
	if (table_rules(ctx, argv[1], k, &last) == -1 ||
	    flag_rules(ctx, k) == -1)
		return 1;
	for (int nr = last + 1; nr < NR_MAX; nr++)
		if (deny(ctx, ENOSYS, nr, 0, NULL) < 0)
			return 1;
	if (root != NULL && (chroot(root) == -1 || chdir("/") == -1)) {
		fprintf(stderr, "oldkernel: chroot %s: %s\n", root,
		        strerror(errno));
		return 1;
	}
	if ((rc = seccomp_load(ctx)) < 0) {
		fprintf(stderr, "oldkernel: seccomp_load: %s\n", strerror(-rc));
		return 1;
	}
	seccomp_release(ctx);
	if (strcmp(argv[3], "--probe") == 0)
		return probe();
	execvp(argv[3], argv + 3);
	fprintf(stderr, "oldkernel: %s: %s\n", argv[3], strerror(errno));
	return 127;
}
