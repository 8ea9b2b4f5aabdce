/*
 * deliver.c - the agent's HTTP client: one keep-alive libcurl handle,
 * gzip'd POSTs, and the OK/RETRY/AUTH/DROP reading of the answer.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/agent_config.h"
#include "agent/json_out.h"
#include "agent/ship/deliver.h"
#include "agent/limits.h"
#include "common/compat.h"
#include "common/gzip.h"
#include "common/log.h"
#include "common/tls.h"
#include "common/xalloc.h"

/* The collector answers a few hundred bytes; more is not our collector. */
/* Retry-After beyond a day is a misconfigured peer, not a plan. */
#define RETRY_AFTER_MAX 86400

struct deliver {
	CURL *h;
	struct curl_slist *hdrs;
	char *url;
	struct strbuf resp;
	int (*stop)(void);
	char errbuf[CURL_ERROR_SIZE];
	struct tls_ip ip; /* the server's address, if the URL names one */
};

/* tls_trust - the CA bundle for an https server: ca_file, else the
 * first distribution bundle found (logged once a process), else
 * libcurl's built-in default; NULL and a reason if there is none. */
static const char *
tls_trust(CURL *h, const struct agent_config *cfg, char *err, size_t errlen)
{
	static const char *logged;
	const char *path = cfg->ca_file;
	char *builtin = NULL;

	if (path != NULL && *path != '\0')
		return path;
	if ((path = tls_ca_bundle()) != NULL) {
		if (logged != path)
			log_info("TLS: trusting the CA bundle %s", path);
		logged = path;
		return path;
	}
	if (curl_easy_getinfo(h, CURLINFO_CAINFO, &builtin) == CURLE_OK &&
	    builtin != NULL)
		return builtin;
	snprintf(err, errlen,
	         "no CA bundle for %s: none of %s, %s, %s, %s, %s exists; "
	         "set ca_file in agent.conf",
	         cfg->server, tls_ca_bundles[0], tls_ca_bundles[1],
	         tls_ca_bundles[2], tls_ca_bundles[3], tls_ca_bundles[4]);
	return NULL;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct deliver *d = arg;
	size_t n = size * nmemb;

	if (strbuf_append(&d->resp, p, n) == -1)
		return 0; /* CURLE_WRITE_ERROR */
	return n;
}

static int
on_progress(void *arg, curl_off_t dlt, curl_off_t dln, curl_off_t ult,
            curl_off_t uln)
{
	struct deliver *d = arg;

	(void)dlt, (void)dln, (void)ult, (void)uln;
	return d->stop && d->stop() ? 1 : 0;
}

struct deliver *
deliver_new(const struct agent_config *cfg, char *err, size_t errlen)
{
	struct deliver *d;
	char *h;
	CURLcode rc = CURLE_OK;

	if (cfg->server == NULL || *cfg->server == '\0') {
		snprintf(err, errlen,
		         "no server configured (server = URL in "
		         "agent.conf, or --server)");
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	strbuf_init(&d->resp, AGENT_MAX_RESPONSE);
	d->url = xasprintf("%s/api/v1/reports", cfg->server);
	d->h = curl_easy_init();
	if (d->h == NULL) {
		snprintf(err, errlen, "libcurl: cannot create a handle");
		deliver_free(d);
		return NULL;
	}
	d->hdrs = curl_slist_append(d->hdrs, "Content-Type: application/json");
	d->hdrs = curl_slist_append(d->hdrs, "Content-Encoding: gzip");
	/* no "Expect: 100-continue" round trip for large reports */
	d->hdrs = curl_slist_append(d->hdrs, "Expect:");
	if (cfg->token && *cfg->token) {
		h = xasprintf("Authorization: Bearer %s", cfg->token);
		d->hdrs = curl_slist_append(d->hdrs, h);
		explicit_bzero(h, strlen(h));
		free(h);
	}
	if (d->hdrs == NULL) {
		snprintf(err, errlen, "libcurl: out of memory");
		deliver_free(d);
		return NULL;
	}

#define SET(opt, val)                                                          \
	do {                                                                   \
		if (rc == CURLE_OK)                                            \
			rc = curl_easy_setopt(d->h, opt, val);                 \
	} while (0)
	SET(CURLOPT_URL, d->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_HTTPHEADER, d->hdrs);
	SET(CURLOPT_USERAGENT, "spoolwatch-agent/" SPOOLWATCH_VERSION);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT, (long)cfg->connect_timeout);
	SET(CURLOPT_TIMEOUT, (long)cfg->timeout);
	/* keep the connection from one cycle to the next */
	SET(CURLOPT_MAXAGE_CONN, (long)cfg->interval + 60);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, d);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, on_progress);
	SET(CURLOPT_XFERINFODATA, d);
	SET(CURLOPT_ERRORBUFFER, d->errbuf);
	SET(CURLOPT_SSL_VERIFYPEER, cfg->insecure_skip_verify ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, cfg->insecure_skip_verify ? 0L : 2L);
	if (rc == CURLE_OK && strncasecmp(cfg->server, "https:", 6) == 0) {
		/* said here, not as a failure deep inside the TLS library */
		const char *ca = NULL;

		if (compat_random_check(err, errlen) == -1 ||
		    (!cfg->insecure_skip_verify &&
		     (ca = tls_trust(d->h, cfg, err, errlen)) == NULL)) {
			deliver_free(d);
			return NULL;
		}
		if (ca != NULL)
			SET(CURLOPT_CAINFO, ca);
		if (rc == CURLE_OK)
			rc = tls_ip_san_setup(d->h, d->url, &d->ip);
	}
#undef SET
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s", curl_easy_strerror(rc));
		deliver_free(d);
		return NULL;
	}
	return d;
}

void
deliver_free(struct deliver *d)
{
	if (d == NULL)
		return;
	if (d->h)
		curl_easy_cleanup(d->h);
	curl_slist_free_all(d->hdrs);
	strbuf_free(&d->resp);
	free(d->url);
	free(d);
}

void
deliver_set_stop(struct deliver *d, int (*stop)(void))
{
	d->stop = stop;
}

const char *
deliver_url(const struct deliver *d)
{
	return d->url;
}

enum deliver_class
deliver_classify(long status)
{
	if (status >= 200 && status < 300)
		return DELIVER_OK;
	if (status == 400 || status == 413)
		return DELIVER_DROP;
	if (status == 401 || status == 403)
		return DELIVER_AUTH;
	return DELIVER_RETRY;
}

const char *
deliver_class_name(enum deliver_class cls)
{
	switch (cls) {
	case DELIVER_OK:
		return "ok";
	case DELIVER_RETRY:
		return "retry";
	case DELIVER_AUTH:
		return "auth";
	case DELIVER_DROP:
		return "drop";
	}
	return "?";
}

long long
deliver_backoff_ms(unsigned attempt, long long min_ms, long long max_ms,
                   uint64_t rnd)
{
	long long cap = min_ms, lo;

	if (min_ms < 1)
		min_ms = cap = 1;
	if (max_ms < min_ms)
		max_ms = min_ms;
	for (unsigned i = 1; i < attempt && cap < max_ms; i++)
		cap = cap > max_ms / 2 ? max_ms : cap * 2;
	if (cap > max_ms)
		cap = max_ms;
	lo = cap < 1000 ? cap : 1000;
	return lo + (long long)(rnd % (uint64_t)(cap - lo + 1));
}

/* printable - at most n bytes of s on one line: runs of blanks and line
 * breaks become one space, other control bytes '?'. */
static void
printable(char *out, size_t outlen, const char *s, size_t n)
{
	size_t i, j = 0;

	for (i = 0; i < n && s[i] && j + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
			if (j > 0 && out[j - 1] != ' ')
				out[j++] = ' ';
			continue;
		}
		out[j++] = (ch < ' ' || ch == 0x7f) ? '?' : (char)ch;
	}
	while (j > 0 && out[j - 1] == ' ')
		j--;
	out[j] = '\0';
}

/* read_answer - the collector's JSON answer: our id? its error message? */
static void
read_answer(struct deliver *d, const char *report_id,
            struct deliver_result *res)
{
	json_error_t je;
	json_t *doc = NULL, *id, *msg;
	char text[200];

	if (d->resp.len > 0)
		doc = json_loadb(d->resp.buf, d->resp.len, 0, &je);
	if (res->cls == DELIVER_OK) {
		id = json_object_get(doc, "report_id");
		if (!json_is_string(id) ||
		    strcmp(json_string_value(id), report_id) != 0) {
			res->cls = DELIVER_RETRY;
			snprintf(res->why, sizeof(res->why),
			         "HTTP %ld without our report_id in the answer "
			         "(is %s a spoolwatch collector?)",
			         res->status, d->url);
		} else {
			res->duplicate =
			    json_is_true(json_object_get(doc, "duplicate"));
			snprintf(res->why, sizeof(res->why), "HTTP %ld%s",
			         res->status,
			         res->duplicate ? " (duplicate)" : "");
		}
		json_decref(doc);
		return;
	}
	msg = json_object_get(json_object_get(doc, "error"), "message");
	if (json_is_string(msg))
		printable(text, sizeof(text), json_string_value(msg),
		          json_string_length(msg));
	else
		printable(text, sizeof(text), d->resp.buf ? d->resp.buf : "",
		          d->resp.len);
	snprintf(res->why, sizeof(res->why), "HTTP %ld%s%s", res->status,
	         text[0] ? ": " : "", text);
	json_decref(doc);
}

void
deliver_post(struct deliver *d, const char *report_id, const void *gz, size_t n,
             struct deliver_result *res)
{
	curl_off_t ra = 0;
	CURLcode rc;

	memset(res, 0, sizeof(*res));
	strbuf_reset(&d->resp);
	d->errbuf[0] = '\0';
	/* the size first: the body is binary and must not be strlen()'d */
	curl_easy_setopt(d->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(d->h, CURLOPT_POSTFIELDS, gz);
	rc = curl_easy_perform(d->h);
	curl_easy_setopt(d->h, CURLOPT_POSTFIELDS, NULL);
	if (rc != CURLE_OK) {
		res->cls = DELIVER_RETRY;
		if (rc == CURLE_ABORTED_BY_CALLBACK)
			snprintf(res->why, sizeof(res->why),
			         "abandoned: the agent is stopping");
		else
			snprintf(res->why, sizeof(res->why), "%s: %s", d->url,
			         d->errbuf[0] ? d->errbuf
			                      : curl_easy_strerror(rc));
		strbuf_free(&d->resp);
		return;
	}
	curl_easy_getinfo(d->h, CURLINFO_RESPONSE_CODE, &res->status);
	if (curl_easy_getinfo(d->h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
	    ra > 0)
		res->retry_after = ra > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : ra;
	res->cls = deliver_classify(res->status);
	read_answer(d, report_id, res);
	/* the answer is small; do not keep its buffer between cycles */
	strbuf_free(&d->resp);
}

int
deliver_encode(const json_t *report, struct strbuf *out, char *err,
               size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	/* the report printed by --stdout, byte for byte (json_out.c) */
	rc = f == NULL
	         ? -1
	         : json_out_dumpf(report, f, JSON_COMPACT | JSON_ENSURE_ASCII);
	if ((f != NULL && fclose(f) != 0) || rc == -1) {
		free(text);
		snprintf(err, errlen, "cannot serialise the report");
		return -1;
	}
	rc = gzip_compress(text, len, 6, out);
	free(text);
	if (rc == -1) {
		snprintf(err, errlen, "cannot compress the report (%s)",
		         out->len >= out->max ? "larger than the cap" : "zlib");
		return -1;
	}
	return 0;
}
