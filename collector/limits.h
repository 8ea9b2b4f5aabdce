/*
 * limits.h - the collector's fixed caps and timings, in one place so they
 * are reviewed together.  What an operator may tune is in collector.conf
 * (collector_config.c); these are the bounds the code itself keeps.
 */
#ifndef SPOOLWATCH_COLLECTOR_LIMITS_H
#define SPOOLWATCH_COLLECTOR_LIMITS_H

/* --- reports (validate.c; README, spoolwatch-collector, "Ingest") ------ */
#define V_MAX_STR 4096    /* a name, path, subject ... */
#define V_MAX_TEXT 65536  /* message, raw, excerpt, evidence */
#define V_MAX_ITEMS 10000 /* events, groups, queued mail */
#define V_MAX_SMALL 1024  /* spools, filesystems, findings ... */
#define V_MAX_MAP_KEY 64  /* a key of an integer map (by_prefix) */
/* any count or number: 2^53, exact in every JSON reader (and a double) */
#define V_MAX_COUNT 9007199254740992LL

/* --- read API (api_req.c and the api_*.c endpoints) -------------------- */
#define API_LIMIT_DEFAULT 100   /* list items per page without limit= */
#define API_LIMIT_MAX 1000      /* larger limit= values are capped */
#define API_MSG_MAX 512         /* an error message, bytes with the NUL */
#define API_SQL_MAX (64u << 10) /* a SELECT built by the query builder */
#define API_TOP_N 10            /* rows of each summary top list */
#define API_MAIL_EXAMPLES 10    /* host_examples of one cron command */
#define API_HOST_EVENTS 50      /* recent_events of one host */
#define API_HISTORY_POINTS 500  /* points per curve; longer ones thinned */
#define API_HISTORY_HOURS 24    /* history_hours without the argument */
#define API_HISTORY_HOURS_MAX (24 * 366) /* history_hours at most */
#define API_LABEL_FILTERS 8     /* label= arguments of one request */
#define API_GROUPS_MAX 500      /* summary groups (group_by), largest first */
#define API_REMEDY_HOSTS 1000   /* host names listed under one remedy */
#define API_TEXT_MAX (32u << 20) /* a text answer (format=inventory) */
#define API_HISTORY_BUCKETS 300 /* /api/v1/history: points per series */

/* --- HTTP (http.c) ----------------------------------------------------- */
#define HTTP_METRICS_MAX (64u << 20) /* the /metrics exposition text */
#define HTTP_TLS_FILE_MAX (1u << 20) /* tls_cert or tls_key file */
#define HTTP_LISTEN_BACKLOG 1024u    /* listen(2) backlog */
#define HTTP_MAX_ARGS 64             /* query arguments; more: 414 */
#define HTTP_INFLIGHT_SHARES 8       /* max_body at most max_inflight / this */
#define HEALTHZ_PROBE_BYTES (1u << 20) /* /healthz's write after a failure */
#define HTTP_IDLE_POLL_MS 20           /* http_wait_idle's polling step */
#define HTTP_RETRY_OVERLOAD "1"        /* Retry-After s: queue, bytes, reads */
#define HTTP_RETRY_STORAGE "30"        /* Retry-After s: disk full, I/O */
#define HTTP_RETRY_DB "5" /* Retry-After s: the database server is away */

/* --- shutdown (main.c) ------------------------------------------------- */
#define SHUTDOWN_DRAIN_MS 5000 /* answered agents may still read this long */

/* --- database (db.c, writer.c) ----------------------------------------- */
#define DB_BUSY_TIMEOUT_MS 5000   /* a connection waits for a lock */
#define DB_READER_CACHE_KIB 16384 /* page cache of each reading connection */
#define DB_PG_CONNECT_TIMEOUT_S "5" /* libpq connect_timeout (a string) */
#define DB_PG_BACKOFF_MAX_MS 5000   /* most time between reconnect tries */
#define RETENTION_BATCH 1000      /* rows one retention step deletes */
#define RETENTION_EVERY_S 60      /* retention runs at most this often */
#define RETENTION_FIRST_S 5       /* first retention after the start */
#define WRITER_IDLE_WAIT_S 1      /* the idle writer wakes this often */
/* periodic work (retention, the notifier's scan) waits this long (ms) for
 * the writers' lock exclusive, and every batch behind it as long */
#define DB_EXCLUSIVE_WAIT_MS 200
#define CHECKPOINT_DELAY_MS 1000  /* a checkpoint follows a commit after (ms) */
#define CHECKPOINT_RESTART_WAIT_MS 100   /* a RESTART waits for readers */
#define CHECKPOINT_RESTART_RETRY_MS 1000 /* after one that had to give up */

/* --- notifications (collector/notify/) -------------------------------- */
#define NOTIFY_ANSWER_MAX                                                      \
	(64u << 10)             /* a receiver's answer, read and dropped */
#define NOTIFY_SECRET_MAX 4096  /* webhook_secret_file */
#define NOTIFY_WEBHOOK_BATCH 16 /* webhook deliveries per wake-up */
#define NOTIFY_ALERTS_BATCH 64  /* alerts per Alertmanager POST */
#define NOTIFY_TICK_MS 1000     /* the notifier wakes this often */

#endif
