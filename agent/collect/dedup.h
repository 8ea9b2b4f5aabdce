/*
 * dedup.h - the same log line read through two files (Debian logs mail
 * to mail.log and to syslog, RHEL to maillog and messages) is one event:
 * an exact set of the lines seen in this cycle, with the file each came
 * from.
 *
 * A line is a duplicate when the set holds it from another file.  Lines
 * are named by two 64-bit FNV-1a hashes with bases drawn at random for
 * each set, so a local user who writes to syslog cannot make up a line
 * that hides a real one (the bases are secret to the agent).
 *
 * Bound: memory is at most DEDUP_MEM_SLOTS entries of 16 bytes (4 MiB)
 * whatever the volume; a cycle with more distinct lines moves the set to
 * an open-addressed table in an unlinked file in the spill directory (32
 * bytes of disk per distinct line, one 4 KiB read per line), which is
 * still exact.  Nothing is ever forgotten within a cycle.
 */
#ifndef SPOOLWATCH_DEDUP_H
#define SPOOLWATCH_DEDUP_H

#include <stddef.h>

#define DEDUP_MEM_SLOTS (1u << 18)
#define DEDUP_MAX_SOURCES 65535

struct dedup;

/* dedup_new - an empty set; spill_dir is where a large one goes (the
 * agent's state directory; copied). */
struct dedup *dedup_new(const char *spill_dir);

/*
 * dedup_seen - whether line (n bytes) was already added from a source
 * other than src (0..DEDUP_MAX_SOURCES-1); if the set does not hold it,
 * it is added under src.  1 duplicate, 0 not, -1 with err when the spill
 * file cannot be written or read (the line then counts as new).
 */
int dedup_seen(struct dedup *d, const char *line, size_t n, int src, char *err,
               size_t errlen);

/* dedup_spilled - whether the set has moved to its file. */
int dedup_spilled(const struct dedup *d);

void dedup_free(struct dedup *d);

#endif
