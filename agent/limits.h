/*
 * limits.h - the agent's caps, in one place so that they are reviewed
 * together.  Every file the agent reads from the host is read with a cap
 * (read_file_capped: a larger file is an error, never a truncation or an
 * unbounded allocation), and every host string copied into a report is
 * cut to a cap.  Caps that are part of one module's contract (buffer
 * sizes of a parser, table sizes) stay in that module's header.
 */
#ifndef SPOOLWATCH_AGENT_LIMITS_H
#define SPOOLWATCH_AGENT_LIMITS_H

/* --- files read from the host ----------------------------------------- */

/* /etc/passwd and /etc/group: large LDAP-synced files exist. */
#define AGENT_MAX_ACCOUNTS_FILE (32u << 20)
/* proc/self/mounts and the MTA's .cf files: a few KiB in practice. */
#define AGENT_MAX_HOST_FILE (4u << 20)
/* one-line files: os-release, redhat-release, proc/sys/kernel/osrelease. */
#define AGENT_MAX_SMALL_FILE (64u << 10)
/* login.defs, read for UID_MIN. */
#define AGENT_MAX_LOGIN_DEFS (256u << 10)
/* token_file: a bearer token, one line. */
#define AGENT_MAX_TOKEN_FILE 4096
/* a postfix defer log read for one message's status. */
#define AGENT_MAX_DEFER_LOG (64u << 10)
/* symbolic links followed by hand, per path, before ELOOP. */
#define AGENT_MAX_LINKS 8

/* --- the agent's own files -------------------------------------------- */

/* state.json under --state-dir. */
#define AGENT_MAX_STATE_FILE (16u << 20)
/* one report in the outbox: the report cap (STRBUF_MAX_REPORT). */
#define AGENT_MAX_OUTBOX_FILE (64u << 20)
/* outbox_dropped carried across restarts; more is a corrupt state. */
#define AGENT_MAX_CARRIED_DROPS (1LL << 30)

/* --- reports and the network ------------------------------------------ */

/* bytes of a host string (path, source, subject, remedy) in a report. */
#define AGENT_MAX_HOST_STR 4096
/* the collector's answer to one POST. */
#define AGENT_MAX_RESPONSE (64u << 10)

/* --- time budgets ----------------------------------------------------- */

/* counting a mail queue directory: the scan yields after the budget and
 * gives up at the limit (dirscan's budget_ms, limit_ms). */
#define AGENT_MAILQ_SCAN_BUDGET_MS 2000
#define AGENT_MAILQ_SCAN_LIMIT_MS 30000
/* Reading one mailbox in a cycle: past this the rest waits for the next
 * cycle (a slow or stuck file system cannot hold the cycle). */
#define AGENT_MBOX_CYCLE_MS 10000

/* log tail read buffer on top of max_line: L2-sized reads are fastest. */
#define AGENT_TAIL_BUF (128u << 10)
/* allocations from this size on are mapped and go back to the kernel
 * when freed (glibc's M_MMAP_THRESHOLD, kept fixed). */
#define AGENT_MMAP_THRESHOLD (64u << 10)

#endif
