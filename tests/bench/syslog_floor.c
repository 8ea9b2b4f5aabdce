/*
 * syslog_floor.c - the floor of bench_syslog.sh: read a log as the agent
 * does (pread() into a buffer of 128 KiB and the 64 KiB of a partial
 * line, the agent's default) and count its line ends, 64 bytes a round
 * with AVX2 (or SSE2) compares and a popcount (bench_syslog.sh builds it
 * with -march=native): what any reader that looks at every line must do,
 * before it judges one.  Prints the lines counted.
 *
 *   syslog_floor FILE
 */
#include <immintrin.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BUF ((128u + 64u) << 10)

/* count - the line ends of p[0..len) */
static unsigned long long
count(const char *p, size_t len)
{
	unsigned long long lines = 0;
	size_t i = 0;

	for (; i + 64 <= len; i += 64) {
		unsigned long long m = 0;
#ifdef __AVX2__
		const __m256i lf2 = _mm256_set1_epi8('\n');
		for (int k = 0; k < 2; k++)
			m |= (unsigned long long)(unsigned)_mm256_movemask_epi8(
			         _mm256_cmpeq_epi8(
			             _mm256_loadu_si256(
			                 (const __m256i *)(p + i + 32 * k)),
			             lf2))
			     << (32 * k);
#else
		const __m128i lf = _mm_set1_epi8('\n');
		for (int k = 0; k < 4; k++)
			m |= (unsigned long long)(unsigned)_mm_movemask_epi8(
			         _mm_cmpeq_epi8(
			             _mm_loadu_si128(
			                 (const __m128i *)(p + i + 16 * k)),
			             lf))
			     << (16 * k);
#endif
		lines += (unsigned long long)__builtin_popcountll(m);
	}
	for (; i < len; i++)
		lines += p[i] == '\n';
	return lines;
}

int
main(int argc, char **argv)
{
	unsigned long long lines = 0;
	char *buf;
	ssize_t r;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: syslog_floor FILE\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) == -1) {
		perror(argv[1]);
		return 1;
	}
	if ((buf = aligned_alloc(4096, BUF)) == NULL) {
		perror("aligned_alloc");
		return 1;
	}
	for (off_t off = 0; (r = pread(fd, buf, BUF, off)) > 0; off += r)
		lines += count(buf, (size_t)r);
	if (r == -1) {
		perror(argv[1]);
		return 1;
	}
	printf("%llu\n", lines);
	free(buf);
	return 0;
}
