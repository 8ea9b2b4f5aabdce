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

/* postqueue_run's answer for a postqueue without -j (Postfix < 3.1, RHEL
 * 5-7): not an error, the queue files are read instead. */
#define POSTQUEUE_NO_JSON (-2)

/*
 * postqueue_run - run path -j, add what it lists to q (each message's
 * queue file read in spoolfd, see postqueue_line), give up after
 * timeout_ms (the process is killed).  Returns the number of messages
 * added, or -1 with a reason in err (messages read before the failure
 * stay added), or POSTQUEUE_NO_JSON (reason in err) when postqueue
 * rejected -j as a usage error (EX_USAGE, nothing listed); that binary
 * (same inode and mtime) is not run again.  *child (if not NULL) gets
 * the pid of the postqueue process, or -1 when none was started: what it
 * logs ("Mail system is down -- accessing queue directly") is the
 * agent's own doing, and the log collector leaves it out (own_pids.h).
 */
long long postqueue_run(const char *path, int spoolfd, long long timeout_ms,
                        struct mailq *q, long *child, char *err,
                        size_t errlen);

/*
 * postqueue_line - parse one line of postqueue -j output into q; 1 if a
 * message was added, 0 if the line was not a message object.  spoolfd
 * (postfix's queue_directory, or -1) is where the message's queue file
 * is read for what showq does not give: subject and cron_command
 * (mailq_pfq_headers); from is showq's sender (the envelope sender) and
 * size its message_size (the queue file's size record), as the queue
 * file reader gives them.
 */
int postqueue_line(struct mailq *q, int spoolfd, const char *line, size_t n);

#endif
