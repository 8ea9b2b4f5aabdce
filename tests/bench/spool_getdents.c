/*
 * spool_getdents.c - the baselines of bench_spool.sh: a bare getdents64
 * loop over a directory ("count"), and the same loop with an fstatat of
 * every qf file ("statqf"), which is what an age without queue-id
 * decoding costs.  Prints the entry count.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct d64 {
	unsigned long long ino;
	long long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

int
main(int argc, char **argv)
{
	static char buf[64 << 10];
	unsigned long long n = 0, stats = 0;
	int fd, statqf;
	long got;

	if (argc != 3) {
		fprintf(stderr, "usage: %s count|statqf DIR\n", argv[0]);
		return 2;
	}
	statqf = strcmp(argv[1], "statqf") == 0;
	fd = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (fd == -1) {
		perror(argv[2]);
		return 1;
	}
	while ((got = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			struct d64 *d = (struct d64 *)(buf + off);
			struct stat st;

			off += d->reclen;
			n++;
			if (statqf && d->name[0] == 'q' && d->name[1] == 'f' &&
			    fstatat(fd, d->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
				stats++;
		}
	}
	close(fd);
	printf("%llu %llu\n", n, stats);
	return got == 0 ? 0 : 1;
}
