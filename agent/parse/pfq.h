/*
 * pfq.h - postfix queue files: bytes in, struct out.
 *
 * A postfix queue file is a sequence of records: a type byte, the length
 * as 7-bit groups (least significant first, high bit = more), the data
 * (formats.md section 2; postfix src/global/record.c, rec_type.h).  Read
 * here: the arrival time T, the sender S, the recipients R (O and D
 * records are not pending recipients), and the Subject and From headers
 * from the message content (N records, L for long-line continuations,
 * until the empty line that ends the headers).  Fixed-size fields as in
 * qf.h; nothing touches the file system.
 */
#ifndef SPOOLWATCH_PFQ_H
#define SPOOLWATCH_PFQ_H

#include <stddef.h>

#include "agent/parse/qf.h"

struct pfq_msg {
	long long arrival;     /* T, epoch seconds; -1 unknown */
	long long size;        /* C's first field, the message size showq
	                        * reports too; -1 unknown */
	struct qf_addr sender; /* S */
	struct qf_str subject;
	struct qf_str from;
	struct qf_addr rcpt[QF_MAX_RCPT];
	size_t nrcpt; /* R records (pending recipients) */
	size_t ndone; /* D records (already delivered) */
	size_t nrecords;
	int complete; /* the E record was reached */
};

/*
 * pfq_parse - parse len bytes (the start of a queue file is enough for
 * everything but complete).  0, or -1 with a reason in err when the bytes
 * are not a postfix queue file (no C/T/S record first, a bad length).
 */
int pfq_parse(const char *buf, size_t len, struct pfq_msg *m, char *err,
              size_t errlen);

/*
 * pfq_defer_reason - from a defer log (defer/H/ID: "name=value" lines per
 * recipient, or the old "<rcpt>: reason" form), the first reason; its
 * bytes in *p and *n, 0, or -1 when there is none.
 */
int pfq_defer_reason(const char *buf, size_t len, const char **p, size_t *n);

#endif
