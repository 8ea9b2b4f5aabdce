/*
 * collector_config.c - collector.conf's table, loading and checks, and
 * the listen address parser.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector/collector_config.h"
#include "collector/http/token.h"
#include "collector/limits.h"
#include "collector/store/sql.h"
#include "common/log.h"
#include "common/xalloc.h"

#define OFF(f) offsetof(struct collector_config, f)

const struct cfg_def collector_cfg_defs[] = {
    {"listen", CFG_STR, COLLECTOR_DEF_LISTEN, OFF(listen), 0, 0,
     "ADDR:PORT to listen on"},
    {"db", CFG_STR, COLLECTOR_DEF_DB, OFF(db), 0, 0,
     "SQLite database file, or a postgresql:// (postgres://) URI"},
    {"db_password_file", CFG_STR, NULL, OFF(db_password_file), 0, 0,
     "file holding the PostgreSQL password (not world-readable)"},
    {"read_db", CFG_STR, NULL, OFF(read_db), 0, 0,
     "PostgreSQL URI of a read-only replica for the read API"},
    {"ingest_tokens", CFG_LIST, NULL, OFF(ingest_tokens), 0, 0,
     "bearer tokens accepted for POST /api/v1/reports"},
    {"read_tokens", CFG_LIST, NULL, OFF(read_tokens), 0, 0,
     "bearer tokens accepted for the read API and /metrics"},
    {"admin_tokens", CFG_LIST, NULL, OFF(admin_tokens), 0, 0,
     "bearer tokens that may acknowledge findings (NAME:SECRET names one)"},
    {"retention_days", CFG_INT, "30", OFF(retention_days), 1, 36500,
     "keep events, history and resolved findings this many days"},
    {"stale_after", CFG_DURATION, "15m", OFF(stale_after), 60, 30 * 86400,
     "a host silent this long counts as stale"},
    {"max_body", CFG_SIZE, "8M", OFF(max_body), 1024, 1LL << 30,
     "largest request body on the wire (413 above)"},
    {"max_json", CFG_SIZE, "32M", OFF(max_json), 1024, 1LL << 30,
     "largest report after gzip decoding (413 above)"},
    {"max_inflight", CFG_SIZE, "256M", OFF(max_inflight), 1 << 20, 1LL << 40,
     "request body bytes held by all requests together "
     "(503 + Retry-After above)"},
    {"max_clock_skew", CFG_DURATION, "1d", OFF(max_clock_skew), 0, 365 * 86400,
     "how far collected_at may lie in the future"},
    {"max_connections", CFG_INT, "4096", OFF(max_connections), 4, 1000000,
     "concurrent connections"},
    {"per_ip_connections", CFG_INT, "256", OFF(per_ip_connections), 0, 1000000,
     "concurrent connections per client address; 0: no limit"},
    {"connection_timeout", CFG_DURATION, "30", OFF(connection_timeout), 1, 3600,
     "close a connection idle this long"},
    {"request_timeout", CFG_DURATION, "60", OFF(request_timeout), 1, 3600,
     "a request body must arrive within this time (408 after)"},
    {"threads", CFG_INT, "0", OFF(threads), 0, 256,
     "HTTP worker threads; 0: one per core"},
    {"queue_max", CFG_INT, "4096", OFF(queue_max), 1, 1000000,
     "reports waiting for the writer before 503 + Retry-After"},
    {"batch_max", CFG_INT, "512", OFF(batch_max), 1, 100000,
     "reports committed per transaction at most"},
    {"cache_size", CFG_SIZE, "64M", OFF(cache_size), 1 << 20, 1LL << 40,
     "SQLite page cache of the writer"},
    {"wal_max", CFG_SIZE, "64M", OFF(wal_max), 1 << 20, 1LL << 40,
     "SQLite: the write-ahead log is brought back to its start past this"},
    {"synchronous", CFG_STR, "full", OFF(synchronous), 0, 0,
     "full (fsync every commit) or normal (WAL: survives a crash of "
     "the collector, not of the machine)"},
    {"tls_cert", CFG_STR, NULL, OFF(tls_cert), 0, 0,
     "PEM certificate (chain): serve HTTPS"},
    {"tls_key", CFG_STR, NULL, OFF(tls_key), 0, 0, "PEM private key"},
    {"log_level", CFG_STR, "info", OFF(log_level), 0, 0,
     "debug, info, warning or error"},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

/* apply_notify - the [notify] section, when there is one. */
static int
apply_notify(struct cfg_file *cf, struct notify_config *nc, char *err,
             size_t errlen)
{
	long i = cfg_section_find(cf, "notify", NULL);

	if (i < 0)
		return 0;
	cfg_section_claim(cf, (size_t)i);
	return cfg_apply(cf, (size_t)i, notify_cfg_defs, nc, err, errlen);
}

/* tokens_overlap - 1 if a secret is in both lists (token_secret). */
static int
tokens_overlap(const struct cfg_list *a, const struct cfg_list *b)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			if (strcmp(token_secret(a->v[i]),
			           token_secret(b->v[j])) == 0)
				return 1;
	return 0;
}

int
collector_config_load(struct collector_config *cfg, const char *path, char *err,
                      size_t errlen)
{
	struct cfg_file *cf;
	const char *file = path ? path : COLLECTOR_DEF_CONFIG;

	memset(cfg, 0, sizeof(*cfg));
	cfg_defaults(collector_cfg_defs, cfg);
	cfg_defaults(notify_cfg_defs, &cfg->notify);
	if (path == NULL && access(file, F_OK) == -1 && errno == ENOENT)
		return 0;
	if ((cf = cfg_load(file, err, errlen)) == NULL) {
		collector_config_free(cfg);
		return -1;
	}
	if (cfg_apply(cf, 0, collector_cfg_defs, cfg, err, errlen) == -1 ||
	    apply_notify(cf, &cfg->notify, err, errlen) == -1 ||
	    cfg_check_unused(cf, err, errlen) == -1) {
		cfg_free(cf);
		collector_config_free(cfg);
		return -1;
	}
	cfg_free(cf);
	return 0;
}

int
collector_config_check(const struct collector_config *cfg, char *err,
                       size_t errlen)
{
	struct sockaddr_storage ss;
	size_t sslen;
	int loop;
	enum log_level lvl;

	if (strcmp(cfg->synchronous, "full") != 0 &&
	    strcmp(cfg->synchronous, "normal") != 0) {
		snprintf(err, errlen, "synchronous: '%s' is not full or normal",
		         cfg->synchronous);
		return -1;
	}
	if (log_level_parse(cfg->log_level, &lvl) == -1) {
		snprintf(err, errlen,
		         "log_level: '%s' is not debug, info, "
		         "warning or error",
		         cfg->log_level);
		return -1;
	}
	if (cfg->max_body > cfg->max_inflight / HTTP_INFLIGHT_SHARES) {
		/* one connection's share of the bytes in flight: no single
		 * upload may hold the budget every agent shares */
		snprintf(err, errlen,
		         "max_body: %lld is more than 1/%d of max_inflight "
		         "(%lld); raise max_inflight or lower max_body",
		         cfg->max_body, HTTP_INFLIGHT_SHARES,
		         cfg->max_inflight);
		return -1;
	}
	if ((cfg->tls_cert == NULL) != (cfg->tls_key == NULL)) {
		snprintf(err, errlen, "tls_cert and tls_key go together");
		return -1;
	}
	if (cfg->db == NULL || *cfg->db == '\0') {
		snprintf(err, errlen, "db: empty path");
		return -1;
	}
	if (cfg->db_password_file && *cfg->db_password_file &&
	    !sql_is_pg_target(cfg->db)) {
		snprintf(err, errlen,
		         "db_password_file: only for a PostgreSQL db "
		         "(postgresql://...)");
		return -1;
	}
	if (cfg->read_db && *cfg->read_db &&
	    (!sql_is_pg_target(cfg->read_db) || !sql_is_pg_target(cfg->db))) {
		snprintf(err, errlen,
		         "read_db: a postgresql:// URI, with db on PostgreSQL "
		         "too");
		return -1;
	}
	for (size_t i = 0; i < cfg->ingest_tokens.n; i++)
		for (size_t j = 0; j < cfg->read_tokens.n; j++)
			if (strcmp(cfg->ingest_tokens.v[i],
			           cfg->read_tokens.v[j]) == 0) {
				snprintf(err, errlen,
				         "a token may not be both "
				         "an ingest token and a read token");
				return -1;
			}
	if (tokens_overlap(&cfg->admin_tokens, &cfg->ingest_tokens) ||
	    tokens_overlap(&cfg->admin_tokens, &cfg->read_tokens)) {
		snprintf(err, errlen,
		         "a token may not be both an admin token and an "
		         "ingest or read token");
		return -1;
	}
	if (notify_config_check(&cfg->notify, err, errlen) == -1)
		return -1;
	if (listen_parse(cfg->listen, &ss, &sslen, &loop, err, errlen) == -1)
		return -1;
	if (!loop && cfg->ingest_tokens.n == 0 && !cfg->insecure) {
		snprintf(
		    err, errlen,
		    "refusing to listen on %s, which is not "
		    "a loopback address, without ingest_tokens: set "
		    "ingest_tokens (and read_tokens) in the configuration, or "
		    "pass --insecure to accept reports from anyone",
		    cfg->listen);
		return -1;
	}
	return 0;
}

void
collector_config_free(struct collector_config *cfg)
{
	cfg_free_values(collector_cfg_defs, cfg);
	cfg_free_values(notify_cfg_defs, &cfg->notify);
}

int
listen_parse(const char *s, void *ssp, size_t *sslen, int *loopback, char *err,
             size_t errlen)
{
	struct sockaddr_storage *ss = ssp;
	char host[256];
	const char *colon, *h, *p;
	size_t hl;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':')
			goto bad;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			goto bad;
		h = s;
		hl = (size_t)(colon - s);
	}
	if (hl >= sizeof(host))
		goto bad;
	memcpy(host, h, hl);
	host[hl] = '\0';
	p = colon + 1;
	errno = 0;
	port = strtol(p, &end, 10);
	if (*p == '\0' || *end != '\0' || errno || port < 1 || port > 65535)
		goto bad;
	if (host[0] == '\0' || strcmp(host, "*") == 0) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		*sslen = sizeof(*sin);
		*loopback = 0;
		return 0;
	}
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	{
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
		if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons((unsigned short)port);
			*sslen = sizeof(*sin);
			*loopback = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
			return 0;
		}
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((unsigned short)port);
			*sslen = sizeof(*sin6);
			*loopback = IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
			return 0;
		}
	}
bad:
	snprintf(err, errlen,
	         "listen: '%s' is not ADDR:PORT (an IPv4 or "
	         "[IPv6] address and a port 1-65535)",
	         s);
	return -1;
}
