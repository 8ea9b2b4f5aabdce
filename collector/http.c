/*
 * http.c - libmicrohttpd server (see http.h).
 *
 * Threading: MHD's internal polling threads on epoll, a pool of one per
 * core.  A report is read into a capped buffer, decoded (gzip capped at
 * max_json), parsed and validated in the HTTP thread; then the connection
 * is suspended, the report goes to the writer, and the writer resumes the
 * connection after the commit, so a few threads carry thousands of
 * waiting agents and the answer 200 always means "committed".
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "collector/api.h"
#include "collector/dashboard.h"
#include "collector/db.h"
#include "collector/http.h"
#include "collector/metrics.h"
#include "collector/validate.h"
#include "common/fsutil.h"
#include "common/gzip.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

#define REPORTS_PATH "/api/v1/reports"
#define CSP "default-src 'self'"
#define RETRY_OVERLOAD "1"
#define RETRY_STORAGE "30"

struct http_server {
	struct MHD_Daemon *d;
	const struct collector_config *cfg;
	struct writer *w;
	char *tls_cert, *tls_key;
	int listen_fd;         /* after quiesce; closed by http_stop */
	atomic_llong inflight; /* request body bytes held, all requests */
};

enum req_kind { RQ_INGEST = 1, RQ_OTHER };

struct req {
	enum req_kind kind;
	struct strbuf body;
	int too_large;
	long long held; /* bytes of body counted in inflight */
	int responded;
	int64_t start_ms; /* first byte of the request */
	int64_t last_ms;  /* last body byte */
	int submitted;
	atomic_int done;
	struct MHD_Connection *conn;
	struct ingest_job job;
	char report_id[64];
};

/* body_free - drop a request's body and its share of max_inflight. */
static void
body_free(struct http_server *s, struct req *rq)
{
	strbuf_free(&rq->body);
	atomic_fetch_sub(&s->inflight, rq->held);
	rq->held = 0;
}

/* hold - count n more body bytes of rq in max_inflight; -1 if that would
 * pass it (nothing counted then). */
static int
hold(struct http_server *s, struct req *rq, long long n)
{
	if (atomic_fetch_add(&s->inflight, n) + n > s->cfg->max_inflight) {
		atomic_fetch_sub(&s->inflight, n);
		return -1;
	}
	rq->held += n;
	return 0;
}

/* --- responses ------------------------------------------------------------ */

static enum MHD_Result
send_body(struct MHD_Connection *c, int status, const char *ctype, char *body,
          size_t len, const char *retry_after)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (retry_after)
		MHD_add_response_header(r, "Retry-After", retry_after);
	if (status == 401)
		MHD_add_response_header(r, "WWW-Authenticate",
		                        "Bearer realm=\"spoolwatch\"");
	if (status == 405)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	metrics_request(status);
	return ret;
}

static enum MHD_Result
send_json(struct MHD_Connection *c, int status, json_t *body,
          const char *retry_after)
{
	size_t len = json_dumpb(body, NULL, 0, JSON_COMPACT);
	char *buf = xmalloc(len + 1);

	json_dumpb(body, buf, len, JSON_COMPACT);
	buf[len] = '\n';
	json_decref(body);
	return send_body(c, status, "application/json", buf, len + 1,
	                 retry_after);
}

static enum MHD_Result
send_error(struct MHD_Connection *c, int status, const char *code,
           const char *msg, const char *retry_after)
{
	return send_json(
	    c, status,
	    json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg),
	    retry_after);
}

/* --- tokens --------------------------------------------------------------- */

static int
ct_equal(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	volatile unsigned char acc = (unsigned char)(alen != blen);

	/* always walk b entirely: the time depends on b only */
	for (size_t i = 0; i < blen; i++)
		acc |= (unsigned char)(b[i] ^ (i < alen ? a[i] : 0));
	return acc == 0;
}

int
token_match(const char *auth, char *const *tokens, size_t n)
{
	const char *tok;
	size_t len;
	int found = 0;

	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	tok = auth + 7;
	while (*tok == ' ')
		tok++;
	len = strlen(tok);
	while (len > 0 && tok[len - 1] == ' ')
		len--;
	if (len == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		found |= ct_equal(tok, len, tokens[i]);
	return found;
}

static int
authorized(struct MHD_Connection *c, const struct cfg_list *tokens)
{
	if (tokens->n == 0)
		return 1;
	return token_match(
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                MHD_HTTP_HEADER_AUTHORIZATION),
	    tokens->v, tokens->n);
}

/* --- ingest --------------------------------------------------------------- */

static void
job_complete(struct ingest_job *job)
{
	struct req *rq = job->arg;

	atomic_store(&rq->done, 1);
	MHD_resume_connection(rq->conn);
}

static enum MHD_Result
ingest_finish(struct http_server *s, struct MHD_Connection *c, struct req *rq)
{
	const char *enc = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
	char err[512];
	json_t *r;
	int gz = 0;

	if (rq->too_large) {
		metrics_reject(REJ_TOO_LARGE);
		snprintf(err, sizeof(err),
		         "request body larger than max_body "
		         "(%lld bytes)",
		         s->cfg->max_body);
		return send_error(c, 413, "too_large", err, NULL);
	}
	if (enc && strcasecmp(enc, "gzip") == 0) {
		gz = 1;
	} else if (enc && *enc && strcasecmp(enc, "identity") != 0) {
		metrics_reject(REJ_MALFORMED);
		return send_error(c, 415, "unsupported_encoding",
		                  "Content-Encoding must be gzip or identity",
		                  NULL);
	}
	switch (report_decode(rq->body.buf, rq->body.len, gz,
	                      (size_t)s->cfg->max_json, time(NULL),
	                      s->cfg->max_clock_skew, &r, err, sizeof(err))) {
	case DECODE_OK:
		break;
	case DECODE_TOO_LARGE:
		body_free(s, rq);
		metrics_reject(REJ_TOO_LARGE);
		return send_error(c, 413, "too_large", err, NULL);
	case DECODE_GZIP:
		body_free(s, rq);
		metrics_reject(REJ_GZIP);
		return send_error(c, 400, "bad_gzip", err, NULL);
	case DECODE_MALFORMED:
		body_free(s, rq);
		metrics_reject(REJ_MALFORMED);
		return send_error(c, 400, "malformed_json", err, NULL);
	case DECODE_INVALID:
	default:
		body_free(s, rq);
		metrics_reject(REJ_INVALID);
		return send_error(c, 400, "invalid_report", err, NULL);
	}
	body_free(s, rq);
	snprintf(rq->report_id, sizeof(rq->report_id), "%s",
	         json_string_value(json_object_get(r, "report_id")));
	if (writer_reserve(s->w) == -1) {
		json_decref(r);
		metrics_reject(REJ_OVERLOADED);
		return send_error(c, 503, "overloaded",
		                  "the collector is busy; "
		                  "retry after the time in Retry-After",
		                  RETRY_OVERLOAD);
	}
	rq->job.report = r;
	store_prepare(r, &rq->job.prep);
	rq->job.received = (long long)time(NULL);
	rq->job.complete = job_complete;
	rq->job.arg = rq;
	rq->conn = c;
	rq->submitted = 1;
	MHD_suspend_connection(c);
	writer_submit(s->w, &rq->job);
	return MHD_YES;
}

static enum MHD_Result
ingest_answer(struct MHD_Connection *c, struct req *rq)
{
	struct ingest_job *j = &rq->job;
	double secs = (double)(time_mono_ms() - rq->last_ms) / 1000.0;

	json_decref(j->report);
	j->report = NULL;
	store_prep_free(&j->prep);
	if (j->status == 200) {
		metrics_ingested(j->duplicate, secs);
		return send_json(c, 200,
		                 json_pack("{s:s,s:b}", "report_id",
		                           rq->report_id, "duplicate",
		                           j->duplicate),
		                 NULL);
	}
	if (j->status == 503) {
		metrics_reject(REJ_STORAGE);
		return send_error(c, 503, "storage_unavailable", j->err,
		                  RETRY_STORAGE);
	}
	metrics_reject(REJ_INTERNAL);
	return send_error(c, 500, "internal", j->err, NULL);
}

/* --- GET ------------------------------------------------------------------ */

static const char *
get_arg(void *cls, const char *key)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result
serve_asset(struct MHD_Connection *c, const struct dashboard_asset *a)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(a->len, (void *)a->body,
	                                    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", a->content_type);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	metrics_request(200);
	return ret;
}

static enum MHD_Result
healthz(struct http_server *s, struct MHD_Connection *c)
{
	char err[256];
	sqlite3 *db = db_reader(err, sizeof(err));
	sqlite3_stmt *st;
	int rc;

	if (db == NULL)
		return send_error(c, 503, "database_unavailable", err, NULL);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM meta", -1, &st,
	                       NULL) != SQLITE_OK)
		return send_error(c, 503, "database_unavailable",
		                  sqlite3_errmsg(db), NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return send_error(c, 503, "database_unavailable",
		                  sqlite3_errmsg(db), NULL);
	if (access(s->cfg->db, W_OK) == -1) {
		snprintf(err, sizeof(err), "%s: %s", s->cfg->db,
		         strerror(errno));
		return send_error(c, 503, "database_unavailable", err, NULL);
	}
	if (writer_failing(s->w))
		return send_error(c, 503, "database_unavailable",
		                  "the last "
		                  "commit failed (disk full or I/O error)",
		                  RETRY_STORAGE);
	return send_json(c, 200,
	                 json_pack("{s:s,s:I}", "status", "ok", "queue_depth",
	                           (json_int_t)writer_depth(s->w)),
	                 NULL);
}

static enum MHD_Result
handle_get(struct http_server *s, struct MHD_Connection *c, const char *url)
{
	const struct dashboard_asset *a;
	struct api_answer ans = {0, NULL};
	struct api_req rq;
	char err[256];
	int is_api = strncmp(url, "/api/", 5) == 0;

	if (strcmp(url, "/healthz") == 0)
		return healthz(s, c);
	if (!is_api && strcmp(url, "/metrics") != 0) {
		if ((a = dashboard_lookup(url)) != NULL)
			return serve_asset(c, a);
		return send_error(c, 404, "not_found", "no such page", NULL);
	}
	if (strcmp(url, REPORTS_PATH) == 0)
		return send_error(c, 405, "method_not_allowed",
		                  "reports are POSTed", NULL);
	if (!authorized(c, &s->cfg->read_tokens)) {
		metrics_reject(REJ_UNAUTHORIZED);
		return send_error(c, 401, "unauthorized",
		                  "a read token is "
		                  "required (Authorization: Bearer TOKEN)",
		                  NULL);
	}
	memset(&rq, 0, sizeof(rq));
	if ((rq.db = db_reader(err, sizeof(err))) == NULL)
		return send_error(c, 503, "database_unavailable", err, NULL);
	rq.now = (long long)time(NULL);
	rq.stale_after = s->cfg->stale_after;
	rq.arg = get_arg;
	rq.cls = c;
	if (strcmp(url, "/metrics") == 0) {
		struct strbuf out;
		strbuf_init(&out, 64u << 20);
		if (metrics_render(&out, rq.db, rq.now, s->cfg->stale_after,
		                   s->cfg->db, err, sizeof(err)) == -1) {
			strbuf_free(&out);
			return send_error(c, 503, "database_unavailable", err,
			                  NULL);
		}
		if (out.buf == NULL)
			strbuf_appends(&out, "");
		return send_body(c, 200,
		                 "text/plain; version=0.0.4; "
		                 "charset=utf-8",
		                 strbuf_steal(&out), out.len, NULL);
	}
	if (api_get(&rq, url, &ans) == -1)
		return send_error(c, 404, "not_found", "no such endpoint",
		                  NULL);
	return send_json(c, ans.status, ans.body,
	                 ans.status == 503 ? RETRY_OVERLOAD : NULL);
}

/* --- the access handler -----------------------------------------------------
 */

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
        const char *method, const char *version, const char *upload_data,
        size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct req *rq = *con_cls;

	(void)version;
	if (rq == NULL) {
		const char *cl;
		rq = xcalloc(1, sizeof(*rq));
		rq->start_ms = time_mono_ms();
		*con_cls = rq;
		if (strcmp(method, "POST") != 0 ||
		    strcmp(url, REPORTS_PATH) != 0) {
			rq->kind = RQ_OTHER;
			if (strcmp(method, "GET") == 0 ||
			    strcmp(method, "HEAD") == 0)
				return MHD_YES;
			rq->responded = 1;
			if (strcmp(url, REPORTS_PATH) == 0)
				return send_error(c, 405, "method_not_allowed",
				                  "use POST", NULL);
			return send_error(c,
			                  strncmp(url, "/api/", 5) == 0 ||
			                          strcmp(url, "/metrics") == 0
			                      ? 405
			                      : 404,
			                  "method_not_allowed", "only GET here",
			                  NULL);
		}
		rq->kind = RQ_INGEST;
		strbuf_init(&rq->body, (size_t)s->cfg->max_body);
		if (!authorized(c, &s->cfg->ingest_tokens)) {
			rq->responded = 1;
			metrics_reject(REJ_UNAUTHORIZED);
			return send_error(
			    c, 401, "unauthorized",
			    "an ingest "
			    "token is required (Authorization: Bearer TOKEN)",
			    NULL);
		}
		cl = MHD_lookup_connection_value(
		    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoll(cl, NULL, 10) > s->cfg->max_body) {
			rq->responded = 1;
			metrics_reject(REJ_TOO_LARGE);
			return send_error(c, 413, "too_large",
			                  "request body "
			                  "larger than max_body",
			                  NULL);
		}
		/* take the declared size out of max_inflight at once, so an
		 * overload is answered before the body is sent */
		if (cl && hold(s, rq, strtoll(cl, NULL, 10)) == -1) {
			rq->responded = 1;
			metrics_reject(REJ_OVERLOADED);
			return send_error(
			    c, 503, "overloaded",
			    "too many report "
			    "bytes in flight; retry after the time in "
			    "Retry-After",
			    RETRY_OVERLOAD);
		}
		return MHD_YES;
	}
	if (rq->responded) {
		*upload_data_size = 0; /* discard the rest */
		return MHD_YES;
	}
	if (rq->kind == RQ_OTHER) {
		if (*upload_data_size) {
			*upload_data_size = 0;
			return MHD_YES;
		}
		rq->responded = 1;
		return handle_get(s, c, url);
	}
	if (*upload_data_size) {
		long long want = (long long)(rq->body.len + *upload_data_size);
		if (!rq->too_large && want > rq->held &&
		    hold(s, rq, want - rq->held) == -1) {
			/* a chunked body: all bodies together would pass
			 * max_inflight */
			body_free(s, rq);
			*upload_data_size = 0;
			rq->responded = 1;
			metrics_reject(REJ_OVERLOADED);
			return send_error(
			    c, 503, "overloaded",
			    "too many "
			    "report bytes in flight; retry after the time in "
			    "Retry-After",
			    RETRY_OVERLOAD);
		}
		if (!rq->too_large) {
			if (strbuf_append(&rq->body, upload_data,
			                  *upload_data_size) == -1) {
				rq->too_large = 1;
				body_free(s, rq);
			}
		}
		*upload_data_size = 0;
		if (time_mono_ms() - rq->start_ms >
		    s->cfg->request_timeout * 1000) {
			rq->responded = 1;
			metrics_reject(REJ_TIMEOUT);
			return send_error(
			    c, 408, "timeout",
			    "the request body "
			    "did not arrive within request_timeout",
			    NULL);
		}
		return MHD_YES;
	}
	if (!rq->submitted) {
		rq->last_ms = time_mono_ms();
		return ingest_finish(s, c, rq);
	}
	if (atomic_load(&rq->done)) {
		rq->responded = 1;
		return ingest_answer(c, rq);
	}
	return MHD_YES;
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
          enum MHD_RequestTerminationCode toe)
{
	struct http_server *s = cls;
	struct req *rq = *con_cls;

	(void)c;
	(void)toe;
	if (rq == NULL)
		return;
	json_decref(rq->job.report);
	store_prep_free(&rq->job.prep);
	body_free(s, rq);
	free(rq);
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_debug("http: %s", buf);
}

struct http_server *
http_start(const struct collector_config *cfg, struct writer *w, char *err,
           size_t errlen)
{
	struct http_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	size_t sslen;
	int loop;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD |
	                 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
	                 MHD_USE_ERROR_LOG;
	long threads = cfg->threads;
	char why[256];

	s->cfg = cfg;
	s->w = w;
	s->listen_fd = -1;
	if (listen_parse(cfg->listen, &ss, &sslen, &loop, err, errlen) == -1)
		goto fail;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (threads <= 0) {
		threads = sysconf(_SC_NPROCESSORS_ONLN);
		if (threads < 1)
			threads = 1;
	}
	if (cfg->tls_cert) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			snprintf(err, errlen,
			         "tls_cert: this libmicrohttpd "
			         "has no TLS support");
			goto fail;
		}
		if (read_file_capped(cfg->tls_cert, &s->tls_cert, 1 << 20, why,
		                     sizeof(why)) < 0 ||
		    read_file_capped(cfg->tls_key, &s->tls_key, 1 << 20, why,
		                     sizeof(why)) < 0) {
			snprintf(err, errlen, "%s", why);
			goto fail;
		}
		flags |= MHD_USE_TLS;
	}
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)cfg->per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)cfg->connection_timeout, MHD_OPTION_NOTIFY_COMPLETED,
	    completed, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    cfg->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    s->tls_cert, MHD_OPTION_HTTPS_MEM_KEY, s->tls_key, MHD_OPTION_END);
	if (s->d == NULL) {
		snprintf(err, errlen,
		         "cannot listen on %s (address in use, "
		         "no permission, or a bad TLS certificate/key)",
		         cfg->listen);
		goto fail;
	}
	return s;
fail:
	free(s->tls_cert);
	free(s->tls_key);
	free(s);
	return NULL;
}

void
http_quiesce(struct http_server *s)
{
	s->listen_fd = MHD_quiesce_daemon(s->d);
}

void
http_wait_idle(struct http_server *s, int ms)
{
	int64_t end = time_mono_ms() + ms;

	while (time_mono_ms() < end) {
		const union MHD_DaemonInfo *i = MHD_get_daemon_info(
		    s->d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		struct timespec d = {0, 20 * 1000000};
		if (i == NULL || i->num_connections == 0)
			return;
		nanosleep(&d, NULL);
	}
}

void
http_stop(struct http_server *s)
{
	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	free(s->tls_cert);
	free(s->tls_key);
	free(s);
}
