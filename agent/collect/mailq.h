/*
 * mailq.h - mail waiting in the queues: sendmail qf files and postfix
 * queue files read from the queue directories, or postfix messages as
 * postqueue -j lists them, summed into
 * exact totals by queue and status, groups by cron command and status,
 * and details of at most max_queued messages (half the oldest, half the
 * newest).  Memory is bounded by max_queued, MAILQ_MAX_GROUPS and
 * MAILQ_MAX_STATUSES whatever the queue holds; counts stay exact.
 */
#ifndef SPOOLWATCH_MAILQ_H
#define SPOOLWATCH_MAILQ_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#define MAILQ_MAX_GROUPS 500  /* cron command x status; then "other" */
#define MAILQ_MAX_STATUSES 20 /* per queue; then "other" */
#define MAILQ_MAX_RCPT 8      /* recipients shown per message */
#define MAILQ_ERRORS_SHOWN 5  /* unreadable files named per queue */
#define MAILQ_CTL_KEYS 1024   /* qf without df told by a listing */

struct cycle;

struct mailq_opts {
	time_t now;
	size_t max_queued;   /* details kept */
	size_t qf_max_bytes; /* of a qf file read; the rest is ignored */
};

struct mailq_bytes {
	const char *p;
	size_t n;
};

/* One queued message, as handed to mailq_add (borrowed bytes). */
struct mailq_item {
	struct mailq_bytes id, from, subject, status, cron_command;
	struct mailq_bytes to[MAILQ_MAX_RCPT];
	size_t nto; /* shown; total_to counts all */
	size_t total_to;
	long long created;  /* epoch; -1 unknown */
	long long last_try; /* -1 unknown */
	long long tries;    /* -1 unknown */
	long long size;     /* bytes; -1 unknown */
	int df_missing;     /* sendmail: no df file for this qf */
	int incomplete;     /* sendmail: qf without the final "." */
};

struct mailq;

struct mailq *mailq_new(const struct mailq_opts *o);
void mailq_free(struct mailq *q);

/* mailq_add - count one message of the queue named host. */
void mailq_add(struct mailq *q, const char *host, const struct mailq_item *it);
/* mailq_add_counted - count n messages of host whose details are unknown
 * (files of a postfix queue directory that postqueue did not list), the
 * oldest created then (epoch; <= 0 unknown). */
void mailq_add_counted(struct mailq *q, const char *host, unsigned long long n,
                       long long oldest);

/*
 * mailq_scan_sendmail - read every qf and hf file of the sendmail queue
 * directory open as dirfd (root_open; its qf/ and df/ subdirectories when
 * present, opened without following a link; dirfd stays open), reported
 * as host.  Unreadable or malformed files become errors[] entries (the
 * first MAILQ_ERRORS_SHOWN of the queue, then one summary).  0, or -1
 * when the directory itself cannot be read (an errors[] entry too).
 */
int mailq_scan_sendmail(struct mailq *q, struct cycle *c, int dirfd,
                        const char *host);

/*
 * Reading a sendmail queue on the listing of another scan (the spool
 * check's dirscan, so that the directory is listed once):
 * mailq_listing_begin for the queue directory dirfd (host as for
 * mailq_scan_sendmail; NULL and an errors[] entry if it cannot be read),
 * mailq_listing_opts into the scan's options (on_entry, ctl_keys: the
 * scan must be a sendmail one, o must outlive the listing), the scan,
 * then mailq_listing_end with its result, which finishes the queue (the
 * df check of what the listing could not pair, the error summary) and
 * frees l.  mailq_queue_listed tells whether host was read so.
 */
struct mailq_listing;
struct dirscan_opts;
struct dirscan_result;
struct dirscan_entry;
struct mailq_listing *mailq_listing_begin(struct mailq *q, struct cycle *c,
                                          int dirfd, const char *host);
void mailq_listing_opts(struct mailq_listing *l, struct dirscan_opts *o);
void mailq_listing_entry(void *l, const struct dirscan_entry *e);
void mailq_listing_end(struct mailq_listing *l, const struct dirscan_result *r);
int mailq_queue_listed(const struct mailq *q, const char *host);

/*
 * mailq_scan_postfix - read every queue file of the postfix queue
 * directory open as dirfd (and its hashed subdirectories), reported as
 * host; the reason of each from the defer log directory deferfd (-1:
 * none).  Both stay open.  Errors as for mailq_scan_sendmail.
 */
int mailq_scan_postfix(struct mailq *q, struct cycle *c, int dirfd, int deferfd,
                       const char *host);

/*
 * mailq_pfq_headers - for a message postqueue -j listed: read its queue
 * file id in the postfix queue directory qdirfd (qdirfd/H/id, hashed,
 * else qdirfd/id; safe_open_entry) and set it's subject and
 * cron_command, which showq does not give (cj lives until mailq_add
 * returns).  0, or -1 when the file cannot be read (gone meanwhile).
 */
struct cron_job;
int mailq_pfq_headers(struct mailq *q, int qdirfd, const char *id,
                      struct mailq_item *it, struct cron_job *cj);

unsigned long long mailq_total(const struct mailq *q);
/* mailq_queue_count - messages counted so far for the queue host. */
unsigned long long mailq_queue_count(const struct mailq *q, const char *host);
/* mailq_details - queued[]: the kept messages, oldest first (new ref). */
json_t *mailq_details(const struct mailq *q);
/* mailq_queues - [{queue, messages, oldest_ts, statuses: [{status,
 * count}], statuses_other, status_unknown}] (new ref). */
json_t *mailq_queues(const struct mailq *q);
/* mailq_groups - [{cron_command, status, count, oldest_ts}], largest first,
 * and the count of messages beyond MAILQ_MAX_GROUPS in *other. */
json_t *mailq_groups(const struct mailq *q, unsigned long long *other);

#endif
