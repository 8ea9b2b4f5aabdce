/*
 * postqueue.h - postfix's own view of its queue: "postqueue -j" (postfix
 * 3.1+), one JSON object per message, run with a timeout.
 *
 * Only for the live host: under --root the image's postfix is not the one
 * a postqueue binary would ask.  Each message is added to a struct mailq
 * under "/var/spool/postfix/<queue_name>", its status being the first
 * recipient's delay_reason.
 */
#ifndef SPOOLWATCH_POSTQUEUE_H
#define SPOOLWATCH_POSTQUEUE_H

#include <stddef.h>

struct mailq;

#define POSTQUEUE_LINE_MAX (1u << 20) /* longer lines are skipped */

/*
 * postqueue_run - run path -j, add what it lists to q, give up after
 * timeout_ms (the process is killed).  Returns the number of messages
 * added, or -1 with a reason in err (messages read before the failure
 * stay added).
 */
long long postqueue_run(const char *path, long long timeout_ms, struct mailq *q,
                        char *err, size_t errlen);

/* postqueue_line - parse one line of postqueue -j output into q; 1 if a
 * message was added, 0 if the line was not a message object. */
int postqueue_line(struct mailq *q, const char *line, size_t n);

#endif
