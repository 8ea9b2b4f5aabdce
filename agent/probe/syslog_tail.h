/*
 * syslog_tail.h - read what a log file gained since the last committed
 * offset, whatever logrotate did in between.
 *
 * The position of a file is (st_dev, st_ino, offset, fingerprint), the
 * fingerprint being a hash of its first TAIL_FP_MAX bytes (fewer while the
 * file is shorter).  It lives in the agent state as JSON; tail_run() takes
 * the saved position and returns the next one, which the caller stages
 * and which becomes durable only when the report is.  Rules:
 *
 *   - same inode and fingerprint, size >= offset: read on from offset;
 *   - the path has another inode (create rotation): finish the old file
 *     through its rotated name (a sibling "NAME.1", "NAME-20260215", ...
 *     with the saved inode and fingerprint), keep following it for one
 *     more cycle (the syslog daemon may still write to it until its HUP),
 *     read whole any sibling written after it (a generation created and
 *     rotated while no agent ran: mtime newer, another inode, other first
 *     bytes), then read the new file from 0;
 *   - same inode but smaller than the offset, or another fingerprint
 *     (copytruncate, or a new file that reused the inode number): finish
 *     the old content from the sibling whose fingerprint matches (the
 *     copy), then read the file from 0;
 *   - no saved position (first start): read back at most readback bytes,
 *     starting at a line boundary.
 *
 * Only complete lines are handed out and counted in the offset; a partial
 * last line waits for its newline.  A line that reaches max_line bytes
 * with no newline in the read buffer is handed out cut to max_line bytes
 * (flag cut, counted in lines_cut) once its newline has been read; a long
 * line that fits the buffer arrives whole inside a block, and the
 * consumer cuts it (lines are never measured here, for speed).  Files
 * are read with pread() into o->buf: a copy from the page cache into a
 * buffer that stays in the CPU's cache costs less than mapping the file
 * (a page fault for every 16 pages, and their unmapping), and a file
 * truncated under the read only reads short.
 * Memory: the caller's buffers, whatever the file size.
 */
#ifndef SPOOLWATCH_SYSLOG_TAIL_H
#define SPOOLWATCH_SYSLOG_TAIL_H

#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define TAIL_FP_MAX 1024

/* Where a block comes from: host path (a rotated sibling's name when the
 * old file is being finished) and its mtime, the year anchor. */
struct tail_src {
	const char *path;
	time_t mtime;
};

/* A block of complete lines, each ending in '\n'; or, with cut set, the
 * first max_line bytes of one longer line (no '\n'). */
typedef void (*tail_fn)(void *arg, const struct tail_src *src, const char *p,
                        size_t n, int cut);

struct tail_opts {
	off_t readback;  /* bytes read back on first start */
	size_t max_line; /* longer lines are cut */
	char *buf;       /* read buffer, bufsize > max_line + 4096 */
	size_t bufsize;
	char *hold; /* max_line bytes: a cut line's head */
};

struct tail_result {
	int missing;     /* the path does not exist */
	int first_start; /* no saved position: read back */
	int rotated;     /* finished a renamed file */
	int truncated;   /* truncated in place or replaced */
	int between;     /* whole generations rotated in between */
	uint64_t bytes;  /* bytes read in this run */
	uint64_t lines_cut;
	off_t offset, size;          /* of the current file, after this run */
	char rotated_from[PATH_MAX]; /* host path of a finished sibling */
	char note[512];              /* what could not be followed, or "" */
};

/*
 * tail_run - read fspath (the file as seen by the agent; hostpath is its
 * name on the host, used for sibling names in reports) from the saved
 * position (NULL: none), handing blocks to fn.  *next receives the new
 * position (a new reference; NULL when the file is missing and there is
 * nothing to remember).  0, or -1 with err (the file exists but cannot
 * be read); on -1 *next is NULL and the old position stays in force.
 */
int tail_run(const char *fspath, const char *hostpath, json_t *saved,
             const struct tail_opts *o, tail_fn fn, void *arg, json_t **next,
             struct tail_result *res, char *err, size_t errlen);

#endif
