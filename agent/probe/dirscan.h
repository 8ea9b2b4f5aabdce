/*
 * dirscan.h - one streaming pass over a spool directory.
 *
 * The directory is read with getdents64 into a fixed buffer; nothing is
 * allocated per entry and nothing is sorted, so memory does not depend on
 * the number of entries (a 1,000,000-entry clientmqueue costs the same
 * few hundred KiB as an empty one).  Sendmail queue files are counted by
 * prefix and their age is read from the queue id (qid.h), so the common
 * case needs no stat at all; other files are dated (postfix: the
 * arrival time in the queue file's first records; others: the birth
 * time) until the time budget runs out, after which the oldest age is a
 * lower bound.  Orphan df files are found with an invertible Bloom table
 * of fixed size in which every qf/df pair cancels out; the few unmatched
 * ids are then peeled out exactly (exact while fewer than about 10,000
 * ids are unmatched, a lower bound past that); the control ids left
 * without a df come out of the same peel (ctl_keys).
 *
 * A reader of the queue files (mailq.h) can ride on the same listing
 * (on_entry), so that a queue directory is listed once a cycle.
 */
#ifndef SPOOLWATCH_DIRSCAN_H
#define SPOOLWATCH_DIRSCAN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum dirscan_prefix {
	DS_QF,      /* control file */
	DS_DF,      /* data file */
	DS_TF,      /* temporary control file */
	DS_XF,      /* transcript */
	DS_HF,      /* quarantined control file */
	DS_QF_LOST, /* "Qf": given up on */
	DS_OTHER,   /* any other name */
	DS_NPREFIX
};

/* One entry of a sendmail queue as the listing shows it (on_entry). */
struct dirscan_entry {
	int dirfd;        /* of the directory listed (sub or the top) */
	const char *sub;  /* "qf", "df", ... at depth 1; NULL at the top */
	const char *name; /* NUL-terminated */
	size_t len;
	unsigned char type; /* d_type, DT_UNKNOWN resolved by an lstat */
	uint64_t ino;       /* d_ino */
	int paired;         /* its id went into the orphan table: a control
	                     * file without its df is among ctl_keys */
};

struct dirscan_opts {
	time_t now;
	int sendmail;  /* qf/df naming: prefixes, orphans, qid ages */
	int exim;      /* Exim's input/: ID-H/ID-D naming, the same for
	                * them (H counted as qf, D as df, J as xf, T as
	                * tf), split one-character subdirectories */
	int max_depth; /* subdirectory levels to walk (postfix) */
	int ages;      /* look for the oldest queued message */
	int postfix;   /* arrival time from the queue file's T record */
	long long orphan_grace; /* seconds; younger ids are not judged */
	int64_t budget_ms;      /* then: no more stat for ages */
	int64_t limit_ms;       /* then: the scan stops, counts are partial */
	/* sendmail: called for every file of the queue as it is listed
	 * (regular or not; directories are not passed), also after
	 * limit_ms stopped the counts (the listing goes on for it then) */
	void (*on_entry)(void *arg, const struct dirscan_entry *e);
	void *arg;
	/* sendmail: room for the keys (dirscan_id_key) of the control ids
	 * (qf, hf, Qf) the peel finds without a df; may be NULL */
	uint64_t *ctl_keys;
	size_t ctl_keys_max;
};

struct dirscan_result {
	unsigned long long entries; /* in the directory itself */
	unsigned long long files;   /* regular files, every level */
	unsigned long long by_prefix[DS_NPREFIX];
	unsigned long long queued; /* qf+hf (sendmail); files otherwise */
	unsigned long long orphans;
	int orphans_exact;
	size_t ctl_unmatched; /* control ids without a df (in ctl_keys) */
	int ctl_exact;        /* ctl_keys holds every such paired id: the
	                       * peel was exact, ctl_keys had room, and the
	                       * scan was complete */
	time_t oldest;        /* of a queued message; 0: none */
	int age_lower_bound;  /* some ages were not looked at */
	int complete;         /* 0: stopped at limit_ms */
	unsigned long long dirent_bytes; /* ext4 rec_len of the entries */
	unsigned long long stats;        /* stat calls made */
	int64_t elapsed_ms;
	int64_t cpu_ms; /* user + system time of the scan */
};

/* dirscan_prefix_name - "qf", "df", ... */
const char *dirscan_prefix_name(enum dirscan_prefix p);

/* dirscan_id_key - the orphan table's key of a queue id (without its
 * two-letter prefix). */
uint64_t dirscan_id_key(const char *id, size_t n);

/* dirscan_pairs - whether a scan with o puts the id id[0..n) into its
 * orphan table (it is not too young to judge), as dirscan_entry.paired
 * says while it lists. */
int dirscan_pairs(const struct dirscan_opts *o, const char *id, size_t n);

/*
 * dirscan - scan the open directory dirfd (not closed).  0, or -1 with a
 * reason in err when the directory could not be read at all; an error in
 * a subdirectory only makes the result incomplete.
 */
int dirscan(int dirfd, const struct dirscan_opts *o, struct dirscan_result *r,
            char *err, size_t errlen);

#endif
