/*
 * deliver.h - POST one report to the collector with libcurl, and what
 * the answer means.
 *
 * One CURL handle lives as long as the configuration, so the connection
 * (and TLS session) is kept alive from one cycle to the next.  The body
 * is the report's JSON, gzip-compressed (Content-Encoding: gzip), sent
 * to SERVER/api/v1/reports with "Authorization: Bearer TOKEN" when a
 * token is set and "User-Agent: spoolwatch-agent/VERSION".  TLS peers
 * are verified (system CA store or ca_file) unless insecure_skip_verify.
 *
 * Classification (fluent-bit's out_http, with the collector's contract):
 *   2xx whose JSON body names our report_id  DELIVER_OK
 *   400, 413                                 DELIVER_DROP (never resent)
 *   401, 403                                 DELIVER_AUTH (kept, resent at
 *                                            the normal pace)
 *   anything else: 5xx, 429, 408, other 4xx and 3xx, network errors,
 *   timeouts, a 2xx without our report_id   DELIVER_RETRY (kept, backoff)
 */
#ifndef SPOOLWATCH_DELIVER_H
#define SPOOLWATCH_DELIVER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

struct agent_config;
struct deliver;

enum deliver_class {
	DELIVER_OK,
	DELIVER_RETRY,
	DELIVER_AUTH,
	DELIVER_DROP,
};

struct deliver_result {
	enum deliver_class cls;
	long status;           /* HTTP status; 0 when there was none */
	long long retry_after; /* seconds from Retry-After; 0: none */
	int duplicate;         /* the collector had it already */
	char why[512];         /* one line for the log */
};

/* deliver_new - a handle for cfg's server; NULL with a reason. */
struct deliver *deliver_new(const struct agent_config *cfg, char *err,
                            size_t errlen);
void deliver_free(struct deliver *d);
/* deliver_set_stop - abort a transfer in progress when stop() says so. */
void deliver_set_stop(struct deliver *d, int (*stop)(void));
/* deliver_url - the full URL reports are POSTed to. */
const char *deliver_url(const struct deliver *d);

/* deliver_post - send one gzip body; the outcome in *res. */
void deliver_post(struct deliver *d, const char *report_id, const void *gz,
                  size_t n, struct deliver_result *res);

/* deliver_encode - the report's compact JSON, gzip'd, into out. */
int deliver_encode(const json_t *report, struct strbuf *out, char *err,
                   size_t errlen);

/* deliver_classify - the class of an HTTP status (see above). */
enum deliver_class deliver_classify(long status);
const char *deliver_class_name(enum deliver_class cls);

/*
 * deliver_backoff_ms - the delay before retry number attempt (1, 2, ...):
 * "full jitter", uniform in [1 s, min(max_ms, min_ms * 2^(attempt-1))]
 * picked by rnd (any 64-bit random value).
 */
long long deliver_backoff_ms(unsigned attempt, long long min_ms,
                             long long max_ms, uint64_t rnd);

#endif
