/*
 * exim_queue.h - one pass over an Exim spool directory: every message in
 * input/ (and in its one-character subdirectories when
 * split_spool_directory is set), each -H file parsed (exim_spool.h) and
 * paired with its -D file, the tail of its msglog read for the last
 * delivery error (exim_log.h).  Counts are exact; the frozen messages'
 * reasons are grouped (at most EXIM_QUEUE_REASONS, then "other"); each
 * message is handed to a callback, which owns what it keeps.  Files are
 * opened without following links, only regular files are read, and
 * every read is capped: a hostile spool costs bounded memory.
 */
#ifndef SPOOLWATCH_EXIM_QUEUE_H
#define SPOOLWATCH_EXIM_QUEUE_H

#include <stddef.h>
#include <time.h>

#include "agent/parse/exim_log.h"
#include "agent/parse/exim_spool.h"

#define EXIM_QUEUE_REASONS 8            /* frozen reasons kept */
#define EXIM_QUEUE_REASON_MAX 200       /* bytes kept of one reason */
#define EXIM_QUEUE_HDR_MAX (256 * 1024) /* bytes of an -H file read */
#define EXIM_QUEUE_MSGLOG_TAIL 8192     /* bytes of a msglog read (its end) */
#define EXIM_QUEUE_ORPHAN_GRACE_S 3600  /* a -D this young may be arriving */

/* One message, as handed to the callback (valid during the call). */
struct exim_queue_msg {
	const struct exim_msg *h;
	const struct exim_msglog *log; /* NULL: no msglog error or freeze */
	long long size;                /* exim -bp's size; -1 unknown (no -D) */
	int no_data;                   /* an -H without its -D */
	int hdr_cut;    /* the -H was longer than EXIM_QUEUE_HDR_MAX */
	char subdir[2]; /* "" or the split subdirectory */
};

struct exim_reason {
	char text[EXIM_QUEUE_REASON_MAX]; /* the msglog's reason */
	unsigned long long count;
	long long oldest;            /* received, epoch */
	char oldest_id[EXIM_ID_MAX]; /* the message received then */
	int bounce;                  /* that message is a bounce */
};

struct exim_queue {
	unsigned long long messages; /* -H files that parsed */
	unsigned long long frozen, frozen_bounces;
	unsigned long long orphan_data;   /* -D older than the grace, no -H */
	unsigned long long orphan_header; /* -H without -D */
	unsigned long long journals;      /* -J left by a crashed delivery */
	unsigned long long unreadable;    /* could not be opened or read */
	unsigned long long malformed;     /* -H files that did not parse */
	unsigned long long entries;       /* names seen in input/ */
	long long oldest;                 /* received, epoch; -1 none */
	long long oldest_frozen;          /* received, epoch; -1 none */
	struct exim_reason reasons[EXIM_QUEUE_REASONS]; /* most first */
	size_t nreasons;
	unsigned long long reasons_other; /* frozen with a reason not kept */
	char first_problem[256]; /* the first unreadable/malformed file */
	int split;               /* subdirectories were seen */
};

typedef void (*exim_queue_fn)(void *arg, const struct exim_queue_msg *m);

/*
 * exim_queue_scan - read the spool whose directory is open as spoolfd
 * (input/ and msglog/ below it).  now dates the orphan grace; clk reads
 * msglog stamps.  0, or -1 with "input: why" in err when input/ itself
 * cannot be read (its files' troubles are counted in q instead).
 */
int exim_queue_scan(int spoolfd, time_t now, struct sl_clock *clk,
                    struct exim_queue *q, exim_queue_fn fn, void *arg,
                    char *err, size_t errlen);

#endif
