/*
 * collector_config.h - collector.conf: every key of the collector, its
 * default and bounds (one cfg_def table), and the command-line overrides.
 */
#ifndef SPOOLWATCH_COLLECTOR_CONFIG_H
#define SPOOLWATCH_COLLECTOR_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "collector/notify/notify_config.h"
#include "common/config.h"

#define COLLECTOR_DEF_CONFIG "/etc/spoolwatch/collector.conf"
#define COLLECTOR_DEF_LISTEN "127.0.0.1:8470"
#define COLLECTOR_DEF_DB "./spoolwatch.db"

struct collector_config {
	char *listen;
	char *db;               /* SQLite path or PostgreSQL URI */
	char *db_password_file; /* PostgreSQL password, read at start */
	char *read_db;          /* PostgreSQL replica URI for the read API */
	struct cfg_list ingest_tokens;
	struct cfg_list read_tokens;
	struct cfg_list admin_tokens; /* may acknowledge findings */
	long long retention_days;
	long long stale_after;    /* seconds */
	long long max_body;       /* bytes on the wire */
	long long max_json;       /* bytes after gzip decoding */
	long long max_inflight;   /* body bytes held, all requests */
	long long max_clock_skew; /* seconds collected_at may be ahead */
	long long max_connections;
	long long per_ip_connections; /* 0: no limit */
	long long connection_timeout; /* seconds of inactivity */
	long long request_timeout;    /* seconds for a whole request body */
	long long threads;            /* 0: one per core */
	long long queue_max;          /* reports waiting for the writer */
	long long batch_max;          /* reports per transaction */
	long long cache_size;         /* SQLite page cache, bytes */
	long long wal_max;            /* SQLite write-ahead log bound, bytes */
	char *synchronous;            /* "full" or "normal" */
	char *tls_cert;
	char *tls_key;
	char *log_level;
	int insecure; /* --insecure */
	struct notify_config notify; /* [notify] */
};

extern const struct cfg_def collector_cfg_defs[];

/*
 * collector_config_load - defaults, then path (NULL: the default file,
 * which may be missing; a named file must exist), then checks.  -1 and
 * err on error.
 */
int collector_config_load(struct collector_config *cfg, const char *path,
                          char *err, size_t errlen);
/* collector_config_check - cross-key checks after flags are applied. */
int collector_config_check(const struct collector_config *cfg, char *err,
                           size_t errlen);
void collector_config_free(struct collector_config *cfg);

/*
 * listen_parse - "ADDR:PORT", "[v6]:PORT" or ":PORT" into a sockaddr
 * (struct sockaddr_storage *).  *loopback tells whether the address is
 * 127.0.0.0/8 or ::1.  0 or -1 with a reason.
 */
int listen_parse(const char *s, void *ss, size_t *sslen, int *loopback,
                 char *err, size_t errlen);

#endif
