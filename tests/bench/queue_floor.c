/*
 * queue_floor.c - the floor of bench_queue.sh: list a queue directory
 * with getdents64 and open, read to the end (64 KiB reads) and close
 * every qf file once, as any reader of a sendmail queue must.  Prints the
 * qf files and bytes read.
 *
 *   queue_floor DIR
 */
#include <fcntl.h>
#include <stdio.h>
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
	static char dents[64 << 10], buf[64 << 10];
	unsigned long long files = 0, bytes = 0;
	long got;
	int dfd;

	if (argc != 2) {
		fprintf(stderr, "usage: queue_floor DIR\n");
		return 2;
	}
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1) {
		perror(argv[1]);
		return 1;
	}
	while ((got = syscall(SYS_getdents64, dfd, dents, sizeof(dents))) > 0) {
		for (long i = 0; i < got;) {
			struct d64 *d = (struct d64 *)(dents + i);
			i += d->reclen;
			if (d->name[0] == 'q' && d->name[1] == 'f') {
				int fd =
				    openat(dfd, d->name,
				           O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
				ssize_t r;
				if (fd == -1)
					continue;
				while ((r = read(fd, buf, sizeof(buf))) > 0)
					bytes += (unsigned long long)r;
				close(fd);
				files++;
			}
		}
	}
	printf("%llu qf files, %llu bytes\n", files, bytes);
	return 0;
}
