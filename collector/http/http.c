/*
 * http.c - libmicrohttpd server (see http.h).
 *
 * Every request is looked up in the one route table (routes[] below) on
 * its first call: an unknown path is answered 404, a known path with
 * another method 405 with the right Allow header, a missing token 401;
 * then the route's serve function answers once the body is in.
 *
 * Threading: MHD's internal polling threads on epoll, a pool of one per
 * core.  A POST body is read into a capped buffer, within max_body and,
 * for all requests together, max_inflight; ingest.c takes it from there
 * (decoding on its own threads, decoder.c, so these threads only move
 * bytes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "collector/api/api.h"
#include "collector/api/api_ack.h"
#include "collector/web/dashboard.h"
#include "collector/store/db.h"
#include "collector/http/http.h"
#include "collector/http/http_call.h"
#include "collector/http/http_reply.h"
#include "collector/ingest/decoder.h"
#include "collector/ingest/ingest.h"
#include "collector/limits.h"
#include "collector/api/metrics.h"
#include "collector/api/openapi.h"
#include "collector/http/route.h"
#include "collector/http/token.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

/* The request head (request line and headers) libmicrohttpd keeps in each
 * connection's memory pool: up to HTTP_MAX_URI and HTTP_MAX_HEAD_BYTES it
 * is refused here in the JSON error shape (414, 431); the pool holds such
 * a head whole, so libmicrohttpd's own HTML answer (a head that does not
 * fit at all) only comes past HTTP_POOL_BYTES. */
#define HTTP_MAX_URI (8u << 10)        /* request target; longer: 414 */
#define HTTP_MAX_HEAD_BYTES (16u << 10) /* header fields; more: 431 */
#define HTTP_POOL_BYTES (128u << 10)   /* connection pool (MHD's: 32 KiB) */

void
http_body_free(struct http_server *s, struct req *rq)
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

/* authorized - 1 if the request may use a route of access a. */
static int
authorized(struct http_call *call, enum route_access a)
{
	const struct cfg_list *tokens = a == ROUTE_INGEST
	                                    ? &call->s->cfg->ingest_tokens
	                                    : &call->s->cfg->read_tokens;

	return a == ROUTE_OPEN || tokens->n == 0 ||
	       token_match(
	           MHD_lookup_connection_value(call->c, MHD_HEADER_KIND,
	                                       MHD_HTTP_HEADER_AUTHORIZATION),
	           tokens->v, tokens->n);
}

/* admin_refusal - 0 if the request carries an admin token, else the
 * answer's status: 403 with no admin tokens configured or a token of
 * another kind, 401 with none or an unknown one. */
static int
admin_refusal(struct http_call *call)
{
	const struct collector_config *cfg = call->s->cfg;
	const char *auth = MHD_lookup_connection_value(
	    call->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);

	if (cfg->admin_tokens.n == 0)
		return 403;
	if (token_match(auth, cfg->admin_tokens.v, cfg->admin_tokens.n))
		return 0;
	if (token_match(auth, cfg->ingest_tokens.v, cfg->ingest_tokens.n) ||
	    token_match(auth, cfg->read_tokens.v, cfg->read_tokens.n))
		return 403;
	return 401;
}

static enum MHD_Result
send_admin_refusal(struct MHD_Connection *c, int status,
                   const struct collector_config *cfg)
{
	if (status == 401) {
		metrics_reject(REJ_UNAUTHORIZED);
		return send_error(c, 401, "unauthorized",
		                  "an admin token is required "
		                  "(Authorization: Bearer TOKEN)",
		                  NULL);
	}
	return send_error(c, 403, "forbidden",
	                  cfg->admin_tokens.n == 0
	                      ? "no admin_tokens are configured: findings "
	                        "cannot be acknowledged"
	                      : "this token is not an admin token",
	                  NULL);
}

static enum MHD_Result
send_unauthorized(struct MHD_Connection *c, enum route_access a)
{
	metrics_reject(REJ_UNAUTHORIZED);
	return send_error(c, 401, "unauthorized",
	                  a == ROUTE_INGEST ? "an ingest token is required "
	                                      "(Authorization: Bearer TOKEN)"
	                                    : "a read token is required "
	                                      "(Authorization: Bearer TOKEN)",
	                  NULL);
}

/* --- request bodies (POST routes) ----------------------------------------- */

enum MHD_Result
send_overloaded(struct MHD_Connection *c)
{
	metrics_reject(REJ_OVERLOADED);
	return send_error(c, 503, "overloaded",
	                  "too many report bytes in flight; retry after the "
	                  "time in Retry-After",
	                  HTTP_RETRY_OVERLOAD);
}

/* json_media_type - 1 if a Content-Type names JSON (application/json,
 * any case, parameters such as charset allowed), or there is none. */
static int
json_media_type(const char *ct)
{
	static const char json[] = "application/json";
	size_t n = sizeof(json) - 1;

	if (ct == NULL)
		return 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return strncasecmp(ct, json, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/* body_begin - before any body byte: refuse a body that is not JSON
 * (415) and a declared Content-Length over max_body (413).  Nothing is
 * taken from max_inflight yet: bytes count there as they arrive, so a
 * client that declares much and sends little holds only what it sent. */
static enum MHD_Result
body_begin(struct http_call *call)
{
	struct http_server *s = call->s;
	struct req *rq = call->rq;
	const char *cl = MHD_lookup_connection_value(
	    call->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long n = cl ? strtoll(cl, NULL, 10) : 0;

	strbuf_init(&rq->body, (size_t)s->cfg->max_body);
	if (!json_media_type(MHD_lookup_connection_value(
	        call->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
		rq->responded = 1;
		metrics_reject(REJ_MALFORMED);
		return send_error(call->c, 415, "unsupported_media_type",
		                  "Content-Type must be application/json",
		                  NULL);
	}
	if (n > s->cfg->max_body) {
		rq->responded = 1;
		metrics_reject(REJ_TOO_LARGE);
		return send_error(call->c, 413, "too_large",
		                  "request body larger than max_body", NULL);
	}
	return MHD_YES;
}

/* body_chunk - keep size bytes of a POST route's body (a GET's body is
 * dropped), within max_inflight and request_timeout. */
static enum MHD_Result
body_chunk(struct http_call *call, const char *data, size_t *size)
{
	struct http_server *s = call->s;
	struct req *rq = call->rq;
	long long want = (long long)(rq->body.len + *size);

	if (strcmp(rq->route->method, "POST") != 0) {
		*size = 0;
		return MHD_YES;
	}
	if (!rq->too_large && !rq->overloaded && want > rq->held &&
	    hold(s, rq, want - rq->held) == -1) {
		/* all bodies together would pass max_inflight: the rest of
		 * this one is read and dropped, and 503 answered once it is
		 * in (an answer in the middle of an upload is lost to the
		 * client when the connection closes with unread data) */
		rq->overloaded = 1;
		http_body_free(s, rq);
	}
	if (!rq->too_large && !rq->overloaded &&
	    strbuf_append(&rq->body, data, *size) == -1) {
		rq->too_large = 1;
		http_body_free(s, rq);
	}
	*size = 0;
	if (time_mono_ms() - rq->start_ms > s->cfg->request_timeout * 1000) {
		rq->responded = 1;
		metrics_reject(REJ_TIMEOUT);
		return send_error(call->c, 408, "timeout",
		                  "the request body did not arrive within "
		                  "request_timeout",
		                  NULL);
	}
	return MHD_YES;
}

/* --- GET routes ----------------------------------------------------------- */

static const char *
get_arg(void *cls, const char *key)
{
	return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, key);
}

/* The values of one repeated argument being collected (get_args). */
struct arg_values {
	const char *key;
	const char **out;
	size_t max, n;
};

static enum MHD_Result
arg_value(void *cls, enum MHD_ValueKind kind, const char *key,
          const char *value)
{
	struct arg_values *av = cls;

	(void)kind;
	if (strcmp(key, av->key) != 0)
		return MHD_YES;
	if (av->n < av->max)
		av->out[av->n] = value ? value : "";
	av->n++;
	return MHD_YES;
}

static size_t
get_args(void *cls, const char *key, const char **out, size_t max)
{
	struct arg_values av = {key, out, max, 0};

	MHD_get_connection_values(cls, MHD_GET_ARGUMENT_KIND, arg_value, &av);
	return av.n;
}

static int
is_asset(const char *path)
{
	return dashboard_lookup(path) != NULL;
}

static enum MHD_Result
serve_asset(struct http_call *call)
{
	call->rq->responded = 1;
	return send_asset(call->c, dashboard_lookup(call->url));
}

/* write_probe - write and fsync HEALTHZ_PROBE_BYTES next to the
 * database, then remove them: whether a commit could get its pages to
 * disk now (a full disk that was freed is writable again before any
 * report commits). */
static int
write_probe(const char *db, char *err, size_t el)
{
	static const char block[65536];
	char path[4200];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s-healthz-%ld", db, (long)gettid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	          0600);
	if (fd == -1) {
		snprintf(err, el, "cannot create a file next to %.200s: %s", db,
		         strerror(errno));
		return -1;
	}
	errno = 0;
	for (size_t n = 0; rc == 0 && n < HEALTHZ_PROBE_BYTES;
	     n += sizeof(block))
		if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block))
			rc = -1;
	if (rc == -1 || fsync(fd) == -1) {
		snprintf(err, el, "cannot write next to %s: %s", db,
		         errno ? strerror(errno) : "short write");
		rc = -1;
	}
	close(fd);
	unlink(path);
	return rc;
}

/* healthz_error - why the database is not usable now; NULL if it is. */
static const char *
healthz_error(struct http_server *s, char *err, size_t el)
{
	sql_db *db = db_reader(err, el);

	if (db == NULL)
		return err;
	if (sql_healthy(db, err, el) != SQL_OK)
		return err;
	if (sql_backend(db) == SQL_PG) {
		/* the writer's own connection: its last commit */
		if (writer_failing(s->w)) {
			char why[256];
			snprintf(err, el, "the writer failed: %s",
			         writer_last_error(s->w, why, sizeof(why)));
			return err;
		}
		return NULL;
	}
	if (access(s->cfg->db, W_OK) == -1) {
		snprintf(err, el, "%s: %s", s->cfg->db, strerror(errno));
		return err;
	}
	/* after a failed commit (disk full, I/O error) the writer only
	 * knows again at its next commit; the probe knows now */
	if (writer_failing(s->w) && write_probe(s->cfg->db, err, el) == -1)
		return err;
	return NULL;
}

static enum MHD_Result
serve_healthz(struct http_call *call)
{
	char err[256];
	const char *why = healthz_error(call->s, err, sizeof(err));

	call->rq->responded = 1;
	if (why)
		return send_error(call->c, 503, "database_unavailable", why,
		                  HTTP_RETRY_STORAGE);
	return send_json(call->c, 200,
	                 json_pack("{s:s,s:I}", "status", "ok", "queue_depth",
	                           (json_int_t)writer_depth(call->s->w)),
	                 NULL, NULL);
}

static enum MHD_Result
serve_metrics(struct http_call *call)
{
	const struct collector_config *cfg = call->s->cfg;
	struct strbuf out;
	char err[256];
	sql_db *db;
	int rc;

	call->rq->responded = 1;
	if ((db = db_reader(err, sizeof(err))) == NULL)
		return send_error(call->c, 503, "database_unavailable", err,
		                  HTTP_RETRY_DB);
	strbuf_init(&out, HTTP_METRICS_MAX);
	rc = metrics_render(&out, db, (long long)time(NULL), cfg->stale_after,
	                    cfg->db, err, sizeof(err));
	db_reader_release(db);
	if (rc == -1) {
		strbuf_free(&out);
		return send_error(call->c, 503, "database_unavailable", err,
		                  NULL);
	}
	if (out.buf == NULL)
		strbuf_appends(&out, "");
	return send_body(call->c, 200,
	                 "text/plain; version=0.0.4; charset=utf-8",
	                 strbuf_steal(&out), out.len, NULL, NULL);
}

/* send_answer - an endpoint's answer (a 503 with Retry-After). */
static enum MHD_Result
send_answer(struct MHD_Connection *c, struct api_answer *ans)
{
	if (ans->text)
		return send_body(c, ans->status, ans->type, ans->text,
		                 ans->len, NULL, NULL);
	if (ans->body == NULL)
		ans->body =
		    error_json("internal", "the endpoint gave no answer");
	return send_json(c, ans->status, ans->body,
	                 ans->status == 503 ? "Retry-After" : NULL,
	                 HTTP_RETRY_OVERLOAD);
}

/* serve_api - run the route's read API endpoint on this thread's reading
 * connection. */
static enum MHD_Result
serve_api(struct http_call *call)
{
	struct api_answer ans = {.status = 500};
	struct api_req rq;
	char err[256];

	call->rq->responded = 1;
	memset(&rq, 0, sizeof(rq));
	if ((rq.db = db_reader(err, sizeof(err))) == NULL)
		return send_error(call->c, 503, "database_unavailable", err,
		                  HTTP_RETRY_DB);
	rq.now = (long long)time(NULL);
	rq.stale_after = call->s->cfg->stale_after;
	rq.arg = get_arg;
	rq.args = get_args;
	rq.cls = call->c;
	rq.param = route_param(call->rq->route, call->url);
	call->rq->route->api(&rq, &ans);
	if (db_reader_release(rq.db) > 0)
		log_warnx("http: %s left a read snapshot open (ended)",
		          call->url);
	return send_answer(call->c, &ans);
}

/* is_ack - the path of a finding's acknowledgement. */
static int
is_ack(const char *path)
{
	const char *id;
	size_t n;

	return ack_path_id(path, &id, &n);
}

/* serve_ack - POST/DELETE /api/v1/findings/{id}/ack on a writable
 * connection of its own (acknowledgements are rare). */
static enum MHD_Result
serve_ack(struct http_call *call)
{
	const struct collector_config *cfg = call->s->cfg;
	struct api_answer ans = {.status = 500};
	struct ack_req rq;
	char err[256], by[TOKEN_NAME_MAX + 1] = "";
	const char *auth = MHD_lookup_connection_value(
	    call->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	long i = token_find(auth, cfg->admin_tokens.v, cfg->admin_tokens.n);
	size_t idlen;

	call->rq->responded = 1;
	if (call->rq->too_large)
		return send_error(call->c, 413, "too_large",
		                  "request body larger than max_body", NULL);
	memset(&rq, 0, sizeof(rq));
	if (i >= 0)
		token_name(cfg->admin_tokens.v[i], by, sizeof(by));
	if ((rq.db = db_open_rw(cfg->db, err, sizeof(err))) == NULL)
		return send_error(call->c, 503, "database_unavailable", err,
		                  HTTP_RETRY_OVERLOAD);
	ack_path_id(call->url, &rq.id, &idlen);
	rq.remove = strcmp(call->rq->route->method, "DELETE") == 0;
	rq.by = by;
	if (strbuf_appends(&call->rq->body, "") == 0) {
		rq.body = call->rq->body.buf;
		rq.len = call->rq->body.len;
	}
	api_ack(&rq, &ans);
	sql_close(rq.db);
	return send_answer(call->c, &ans);
}

/* --- the route table and the access handler ------------------------------- */

static const struct route routes[] = {
    {"POST", "/api/v1/reports", NULL, ROUTE_INGEST, ingest_serve, NULL},
    {"GET", "/api/v1/summary", NULL, ROUTE_READ, serve_api, api_summary},
    {"GET", "/api/v1/hosts", NULL, ROUTE_READ, serve_api, api_hosts},
    {"GET", "/api/v1/hosts/{}", NULL, ROUTE_READ, serve_api, api_host},
    {"GET", "/api/v1/findings", NULL, ROUTE_READ, serve_api, api_findings},
    {"POST", NULL, is_ack, ROUTE_ADMIN, serve_ack, NULL},
    {"DELETE", NULL, is_ack, ROUTE_ADMIN, serve_ack, NULL},
    {"GET", "/api/v1/events", NULL, ROUTE_READ, serve_api, api_events},
    {"GET", "/api/v1/mail", NULL, ROUTE_READ, serve_api, api_mail},
    {"GET", "/api/v1/openapi.json", NULL, ROUTE_OPEN, openapi_serve, NULL},
    {"GET", "/api/v1/remedies", NULL, ROUTE_READ, serve_api, api_remedies},
    {"GET", "/api/v1/history", NULL, ROUTE_READ, serve_api, api_history},
    {"GET", "/metrics", NULL, ROUTE_READ, serve_metrics, NULL},
    {"GET", "/healthz", NULL, ROUTE_OPEN, serve_healthz, NULL},
    {"GET", NULL, is_asset, ROUTE_OPEN, serve_asset, NULL},
    {NULL, NULL, NULL, ROUTE_OPEN, NULL, NULL},
};

/* uri_begin - the request line, before libmicrohttpd splits the query
 * into its connection memory pool: a request gets its struct req here.
 * A query of more than HTTP_MAX_ARGS arguments would exhaust that pool
 * (and leave the client without an answer until the connection timeout),
 * so it is cut off here: the bytes after '?' become an empty string (uri
 * points into the connection's own writable read buffer, which
 * libmicrohttpd parses right after this call), and the request is
 * answered 414 by request_begin. */
static void *
uri_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *rq = xcalloc(1, sizeof(*rq));
	char *q = strchr(uri, '?');
	size_t args = 0;

	(void)cls;
	(void)c;
	rq->start_ms = time_mono_ms();
	if (strlen(uri) > HTTP_MAX_URI) {
		/* refused whole: what libmicrohttpd parses next is "/" */
		rq->uri_refused = URI_TOO_LONG;
		if (uri[0] != '\0')
			((char *)uri)[1] = '\0';
		return rq;
	}
	for (const char *p = q; p && *p; p++)
		args += *p == '&' || *p == ';' || *p == '?';
	if (args > HTTP_MAX_ARGS) {
		rq->uri_refused = URI_TOO_MANY_ARGS;
		q[1] = '\0';
	}
	return rq;
}

static enum MHD_Result
add_header_bytes(void *cls, enum MHD_ValueKind kind, const char *key,
                 const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": ", CRLF */
	return MHD_YES;
}

/* head_bytes - the size of the request's header fields */
static size_t
head_bytes(struct MHD_Connection *c)
{
	size_t n = 0;

	MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_bytes, &n);
	return n;
}

/* request_begin - the first call for a request (headers only): find its
 * route, answer 414/404/405/401/415/413 at once, or get ready for the
 * body. */
static enum MHD_Result
request_begin(struct http_call *call, const char *method)
{
	char allow[ROUTE_ALLOW_MAX];
	struct req *rq = call->rq;
	const struct route *r;

	rq->begun = 1;
	if (rq->uri_refused) {
		rq->responded = 1;
		return send_error(call->c, 414, "uri_too_long",
		                  rq->uri_refused == URI_TOO_LONG
		                      ? "request target longer than the API takes"
		                      : "more query arguments than the API takes",
		                  NULL);
	}
	if (head_bytes(call->c) > HTTP_MAX_HEAD_BYTES) {
		rq->responded = 1;
		return send_error(call->c, 431, "headers_too_large",
		                  "request header fields larger than the API "
		                  "takes",
		                  NULL);
	}
	r = route_find(routes, method, call->url, allow, sizeof(allow));
	if (r == NULL) {
		rq->responded = 1;
		if (allow[0])
			return send_not_allowed(call->c, method, allow);
		return send_error(call->c, 404, "not_found",
		                  strncmp(call->url, "/api/", 5) == 0
		                      ? "no such endpoint"
		                      : "no such page",
		                  NULL);
	}
	rq->route = r;
	if (r->access == ROUTE_ADMIN) {
		int refused = admin_refusal(call);
		if (refused) {
			rq->responded = 1;
			return send_admin_refusal(call->c, refused,
			                          call->s->cfg);
		}
	} else if (!authorized(call, r->access)) {
		rq->responded = 1;
		return send_unauthorized(call->c, r->access);
	}
	if (strcmp(r->method, "POST") == 0)
		return body_begin(call);
	return MHD_YES;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
        const char *method, const char *version, const char *upload_data,
        size_t *upload_data_size, void **con_cls)
{
	struct http_call call = {cls, c, *con_cls, url};

	(void)version;
	if (call.rq == NULL) /* uri_begin gives every request one */
		return MHD_NO;
	if (!call.rq->begun)
		return request_begin(&call, method);
	if (call.rq->responded) {
		*upload_data_size = 0; /* discard the rest */
		return MHD_YES;
	}
	if (*upload_data_size)
		return body_chunk(&call, upload_data, upload_data_size);
	return call.rq->route->serve(&call);
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
	http_body_free(s, rq);
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
		if (read_file_capped(cfg->tls_cert, &s->tls_cert,
		                     HTTP_TLS_FILE_MAX, why, sizeof(why)) < 0 ||
		    read_file_capped(cfg->tls_key, &s->tls_key,
		                     HTTP_TLS_FILE_MAX, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s", why);
			goto fail;
		}
		flags |= MHD_USE_TLS;
	}
	/* as many decoding threads as HTTP threads: the decoded trees in
	 * memory stay within threads x max_json, as before */
	if ((s->dec = decoder_start((int)threads, ingest_decode_job, s, err,
	                            errlen)) == NULL)
		goto fail;
	s->d = MHD_start_daemon(
	    flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)cfg->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)cfg->per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)cfg->connection_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)HTTP_POOL_BYTES, MHD_OPTION_NOTIFY_COMPLETED,
	    completed, s, MHD_OPTION_URI_LOG_CALLBACK, uri_begin, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, HTTP_LISTEN_BACKLOG,
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
	decoder_free(s->dec);
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
		struct timespec d = {0, HTTP_IDLE_POLL_MS * 1000000L};
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
	/* every request the decoder holds is answered (its connection
	 * resumed) before the daemon closes the connections */
	decoder_stop(s->dec);
	MHD_stop_daemon(s->d);
	decoder_free(s->dec);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	free(s->tls_cert);
	free(s->tls_key);
	free(s);
}
