/*
 * exim_spool.h - Exim's spool files: bytes in, struct out.
 *
 * A message on Exim's queue is two files in input/ (or in input/<c>/,
 * c the sixth character of the id, with split_spool_directory): ID-D, the
 * body, and ID-H, the envelope and headers (the Exim specification,
 * chapter "Format of spool files").  Each starts with its own name as its
 * first line.  An -H file, as Exim 4.96 wrote it here:
 *
 *   1xYK3q-0003B1-1l-H
 *   root 0 0                         login, uid, gid of the caller
 *   <root@host1.localdomain>         envelope sender ("<>": a bounce)
 *   1796116926 0                     arrival time, delay warnings sent
 *   -frozen 1796116913               "-" options, any order
 *   NY admin@host1.localdomain       non-recipients tree ("XX": empty):
 *   NN root@host1.localdomain          Y/N = left/right branch follows
 *   2                                recipient count
 *   ops@example.net                  recipients, one a line
 *   root@host1.localdomain
 *                                    empty line
 *   052  Subject: Cron <root@host1> /usr/local/bin/backup.sh
 *                                    headers: length (NNN), a flag ("*":
 *                                    deleted, not sent), a space, text
 *
 * A recipient is delivered when its address is in the non-recipients
 * tree.  Values are kept in the fixed fields of qf.h (a longer one is
 * cut), so a hostile file never grows memory; nothing here touches the
 * file system.
 */
#ifndef SPOOLWATCH_EXIM_SPOOL_H
#define SPOOLWATCH_EXIM_SPOOL_H

#include <stddef.h>

#include "agent/parse/qf.h"

#define EXIM_ID_MAX 24    /* the longest id (23, Exim 4.97+) and a NUL */
#define EXIM_TREE_KEEP 64 /* delivered addresses compared per message */

/* What a file in input/ is, by its name. */
enum exim_file {
	EXIM_FILE_OTHER = 0, /* not a spool file (or not of a message id) */
	EXIM_FILE_H,         /* envelope and headers */
	EXIM_FILE_D,         /* data */
	EXIM_FILE_J,         /* journal of a delivery in progress */
	EXIM_FILE_T,         /* -H being written */
};

struct exim_rcpt {
	struct qf_addr addr;
	int delivered; /* the address is in the non-recipients tree */
};

struct exim_msg {
	char id[EXIM_ID_MAX];   /* from the first line, NUL-terminated */
	struct qf_addr login;   /* the caller */
	long long uid, gid;     /* -1 unknown */
	struct qf_addr sender;  /* without <>; empty for a bounce */
	int bounce;             /* the sender is <> */
	long long received;     /* epoch seconds; -1 unknown */
	long long warnings;     /* delay warnings already sent */
	long long frozen_since; /* -frozen TIME; -1: not frozen */
	int manual_thaw;        /* -manual_thaw: an admin thawed it */
	int local;              /* -local: submitted on this host */
	long long body_lines;   /* -body_linecount; -1 unknown */
	struct qf_str subject;  /* unfolded, leading blanks cut */
	struct qf_str from;     /* the From: header */
	struct exim_rcpt rcpt[QF_MAX_RCPT];
	size_t nrcpt;       /* the recipient count line */
	size_t npending;    /* recipients not delivered (all are checked
	                     * against the first EXIM_TREE_KEEP tree nodes) */
	size_t ndelivered;  /* nodes in the non-recipients tree */
	long long hdr_size; /* bytes of the headers that are sent */
	size_t nheaders;
	int complete; /* every header was read to the end of the file */
};

/*
 * exim_id_valid - whether p[0..n) is an Exim message id: 6-6-2 base-62
 * (Exim up to 4.96, "1xYK3q-0003B1-1l") or 6-11-4 (4.97 and later,
 * "1tixMn-00000000C5j-1wRa").
 */
int exim_id_valid(const char *p, size_t n);

/*
 * exim_file_kind - classify a file name in input/: "ID-H", "ID-D",
 * "ID-J", "ID-T" with a valid id; the id's length in *idlen (may be
 * NULL).
 */
enum exim_file exim_file_kind(const char *name, size_t n, size_t *idlen);

/*
 * exim_hdr_parse - parse len bytes of an -H file into m.  0 when it is
 * one (m->complete says whether the headers ran to the end); -1 with a
 * reason in err when it is not: no "ID-H" first line, no sender or time
 * line, a broken tree, a recipient count that does not match the lines.
 */
int exim_hdr_parse(const char *buf, size_t len, struct exim_msg *m, char *err,
                   size_t errlen);

/*
 * exim_data_start - the offset of the body in a -D file (just after its
 * "ID-D" first line), or -1 when the first line is not a -D name (id is
 * checked too unless NULL).
 */
long long exim_data_start(const char *buf, size_t len, const char *id);

/*
 * exim_msg_size - the message size Exim shows (exim -bp, S= in the log):
 * the sent headers, the empty line, and the body, given the -D file's
 * size in bytes; -1 when that is too small to be a -D file of m.
 */
long long exim_msg_size(const struct exim_msg *m, long long dsize);

#endif
