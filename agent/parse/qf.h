/*
 * qf.h - sendmail queue control files ("qf"): bytes in, struct out.
 *
 * qf_parse() reads the records of formats.md section 1.4 from a buffer:
 * version V, creation time T, last attempt K, tries N, sender S, the
 * recipients R (with the status M that precedes each), the envelope
 * status M, the df directory d, the quarantine reason q, and the
 * Subject/From headers (H records, continuation lines unfolded).  Values
 * are kept as raw bytes (a qf may hold 8-bit text and sendmail's 0x81
 * macro byte) in fixed-size fields: a longer value is cut and flagged,
 * so a hostile file never grows memory.  Nothing here touches the file
 * system.
 */
#ifndef SPOOLWATCH_QF_H
#define SPOOLWATCH_QF_H

#include <stddef.h>

#define QF_FIELD_MAX 1024 /* bytes kept of one value */
#define QF_ADDR_MAX 256   /* bytes kept of one address */
#define QF_MAX_RCPT 8     /* recipients kept (all are counted) */

struct qf_str {
	size_t len;
	int cut; /* the value was longer than the field */
	char s[QF_FIELD_MAX];
};

struct qf_addr {
	size_t len;
	char s[QF_ADDR_MAX];
};

struct qf_msg {
	int version;               /* V; -1 when there is no V line */
	long long created;         /* T, epoch seconds; -1 unknown */
	long long last_try;        /* K; -1 unknown */
	long long tries;           /* N; -1 unknown */
	struct qf_addr sender;     /* S */
	struct qf_str subject;     /* H Subject, unfolded, leading blanks cut */
	struct qf_str from;        /* H From */
	struct qf_str env_status;  /* M for the envelope */
	struct qf_str rcpt_status; /* M of the first recipient with one */
	struct qf_str quarantine;  /* q */
	struct qf_str df_dir;      /* d */
	struct qf_addr rcpt[QF_MAX_RCPT];
	size_t nrcpt;  /* every R record, also beyond QF_MAX_RCPT */
	size_t nlines; /* records and continuation lines */
	size_t nbad;   /* lines with an unknown record type */
	int complete;  /* ended with the "." line */
};

/*
 * qf_parse - parse len bytes of a qf file into m.  Returns 0 when it looks
 * like a qf file (m->complete tells whether it ended with "."; anything
 * after the "." is ignored), -1 with a reason in err when it does not
 * (empty, binary, no T/S/R record, mostly unknown records).
 */
int qf_parse(const char *buf, size_t len, struct qf_msg *m, char *err,
             size_t errlen);

/* qf_status - the delivery status to show: the recipient's M if there is
 * one, else the envelope's (may be empty). */
const struct qf_str *qf_status(const struct qf_msg *m);

/* qf_str_add - append n bytes at p to f, cut (and f->cut set) at its
 * size; qf_str_set - the same into an emptied f. */
void qf_str_add(struct qf_str *f, const char *p, size_t n);
void qf_str_set(struct qf_str *f, const char *p, size_t n);
/* qf_addr_set - p[0..n) into a, cut at its size. */
void qf_addr_set(struct qf_addr *a, const char *p, size_t n);

#endif
