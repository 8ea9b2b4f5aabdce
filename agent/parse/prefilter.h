/*
 * prefilter.h - find the next syslog line that may be a mail or cron
 * line, fast.
 *
 * sl_parse_line() makes an event only of a line whose tag is sendmail's
 * (sendmail, sm-*), postfix's, a small relay's (nullmailer, msmtp, sSMTP,
 * dma) or cron's, or of one holding "SYSERR("; handle_line() reads a
 * line after a NUL from the byte after it.  So the prefilter works per
 * line, not per byte: one vector pass finds the line ends and any
 * "SYSERR(" or NUL (32 bytes at a time with AVX2, a table lookup and a
 * compare; 16 with SSE2, three compares), and each line's tag is judged
 * where the header of the lines before it puts it, or where its own
 * header does (sl_tag_class()'s rules, no time converted).  Lines of any
 * other tag are never parsed.  A line handed out for its tag holds no
 * NUL (one that does is PF_FORCED), so the caller need not look for one.
 * The implementation is chosen once at run time from the CPU's features.
 */
#ifndef SPOOLWATCH_PREFILTER_H
#define SPOOLWATCH_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "agent/parse/syslog_parse.h"

enum pf_class {
	PF_SKIP = 0, /* no event, no cron line */
	PF_PARSE,    /* parse it: a mail tag, and no NUL in the line */
	PF_CRON,     /* a cron daemon's tag: CMD lines, complaints */
	PF_FORCED,   /* parse it: "SYSERR(" or a NUL in it, whatever its tag */
};

/* A line prefilter_step() handed out: p[start..end) (end: its '\n', or
 * the buffer's end), its class, and for PF_PARSE and PF_CRON the header
 * the tag was judged by (sl_parse_line_head(), sl_cron_cmd_head()). */
struct pf_line {
	size_t start, end;
	enum pf_class cls;
	struct sl_head head;
};

/* The line ends found at once: a block of this many bytes */
#define PF_BLOCK 2048

/* A scan of one buffer, resumed line after line.  The vector rounds fill
 * a block's marks (its line ends, and the bytes that may force a line)
 * into an array first; the lines are then judged one after another from
 * it, a loop whose every branch but the rare one goes the same way from
 * line to line. */
struct pf_scan {
	const char *p;
	size_t n, max_line;
	size_t c;        /* the next block's offset */
	size_t base;     /* the block's offset */
	size_t ls;       /* the start of the line being read */
	unsigned ne, ei; /* the block's marks, the next one to read */
	int forced;      /* a forced byte already seen in the line at ls */
	int tail;        /* past the vector rounds: byte by byte from c */
	int done;
	int (*fill)(struct pf_scan *);
	/* the header template of the lines before (prefilter.c): their
	 * first 32 bytes, the tag's offset (0: none yet), the bits of those
	 * bytes a line must share, its least length, and how many lines in
	 * a row since had another header */
	char shape[32];
	unsigned tag_at, shape_want, misses;
	size_t shape_need;
	uint16_t ends[PF_BLOCK + 8]; /* its marks, from base (prefilter.c) */
};

/* prefilter_start - a scan of p[0..n) (p[0] starts a line; each line ends
 * in '\n', the last one may not), lines judged by the tag of their first
 * max_line bytes. */
void prefilter_start(struct pf_scan *s, const char *p, size_t n,
                     size_t max_line);

/* prefilter_step - the next line that is not PF_SKIP into *out: 1, or 0
 * when the buffer has no more. */
int prefilter_step(struct pf_scan *s, struct pf_line *out);

/* prefilter_seek - go on from pos (a line's start, after the last line
 * handed out) instead. */
void prefilter_seek(struct pf_scan *s, size_t pos);

/*
 * prefilter_next - the first line of p[0..n) (p[0] starts a line; each
 * line ends in '\n', the last one may not) that is not PF_SKIP: its
 * start, or n if there is none.  *end is its end (its '\n', or n), *cls
 * its class.  A line is judged by the tag of its first max_line bytes,
 * as much of it as the parser is given.
 */
size_t prefilter_next(const char *p, size_t n, size_t max_line, size_t *end,
                      enum pf_class *cls);

/* prefilter_use - force "avx2", "sse2" or "scalar" (tests, benchmarks),
 * for the parse's searches (memfind_use()) too; -1 if that one is not
 * available on this CPU or build. */
int prefilter_use(const char *name);
/* prefilter_name - the implementation in use. */
const char *prefilter_name(void);

#endif
