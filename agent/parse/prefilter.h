/*
 * prefilter.h - find the next syslog line that may be a mail or cron
 * line, fast.
 *
 * sl_parse_line() makes an event only of a line whose tag is sendmail's
 * (sendmail, sm-*), postfix's, a small relay's (nullmailer, msmtp, sSMTP,
 * dma) or cron's, or of one holding "SYSERR("; handle_line() reads a
 * line after a NUL from the byte after it.  So the prefilter works per
 * line, not per byte: one vector pass finds the line ends and any
 * "SYSERR(" or NUL (32 (AVX2) or 16 (SSE2) bytes at a time, three
 * compares on two loads), and each line's tag is judged by the shape of
 * its header (sl_tag_class(), no time converted).  Lines of any other tag
 * are never parsed.  A line handed out for its tag holds no NUL (one
 * that does is PF_FORCED), so the caller need not look for one.  The
 * implementation is chosen once at run time from the CPU's features.
 */
#ifndef SPOOLWATCH_PREFILTER_H
#define SPOOLWATCH_PREFILTER_H

#include <stddef.h>

enum pf_class {
	PF_SKIP = 0, /* no event, no cron line */
	PF_PARSE,    /* parse it: a mail tag, and no NUL in the line */
	PF_CRON,     /* a cron daemon's tag: CMD lines, complaints */
	PF_FORCED,   /* parse it: "SYSERR(" or a NUL in it, whatever its tag */
};

/*
 * prefilter_next - the first line of p[0..n) (p[0] starts a line; each
 * line ends in '\n', the last one may not) that is not PF_SKIP: its
 * start, or n if there is none.  *end is its end (its '\n', or n), *cls
 * its class.  A line is judged by the tag of its first max_line bytes,
 * as much of it as the parser is given.
 */
size_t prefilter_next(const char *p, size_t n, size_t max_line, size_t *end,
                      enum pf_class *cls);

/* prefilter_use - force "avx2", "sse2" or "scalar" (tests, benchmarks);
 * -1 if that one is not available on this CPU or build. */
int prefilter_use(const char *name);
/* prefilter_name - the implementation in use. */
const char *prefilter_name(void);

#endif
