/*
 * ingest.c - POST /api/v1/reports (see ingest.h).
 *
 * The body is decoded (gzip capped at max_json), parsed and validated in
 * the HTTP thread; then the connection is suspended, the report goes to
 * the writer, and the writer resumes the connection after the commit, so
 * a few threads carry thousands of waiting agents and the answer 200
 * always means "committed".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "collector/http/http_call.h"
#include "collector/http/http_reply.h"
#include "collector/ingest/ingest.h"
#include "collector/limits.h"
#include "collector/api/metrics.h"
#include "collector/ingest/validate.h"
#include "common/timeutil.h"

static void
job_complete(struct ingest_job *job)
{
	struct req *rq = job->arg;

	atomic_store(&rq->done, 1);
	MHD_resume_connection(rq->conn);
}

/* ingest_refuse - the answer for a body report_decode() refused. */
static enum MHD_Result
ingest_refuse(struct MHD_Connection *c, enum decode_status d, const char *err)
{
	switch (d) {
	case DECODE_TOO_LARGE:
		metrics_reject(REJ_TOO_LARGE);
		return send_error(c, 413, "too_large", err, NULL);
	case DECODE_GZIP:
		metrics_reject(REJ_GZIP);
		return send_error(c, 400, "bad_gzip", err, NULL);
	case DECODE_MALFORMED:
		metrics_reject(REJ_MALFORMED);
		return send_error(c, 400, "malformed_json", err, NULL);
	case DECODE_OK:
	case DECODE_INVALID:
	default:
		metrics_reject(REJ_INVALID);
		return send_error(c, 400, "invalid_report", err, NULL);
	}
}

/* ingest_decode - the whole body to a validated report in *r and the
 * text the store copies from into *prep; else answered here (*r NULL). */
static enum MHD_Result
ingest_decode(struct http_call *call, json_t **r, struct report_prep *prep)
{
	struct http_server *s = call->s;
	struct req *rq = call->rq;
	const char *enc = MHD_lookup_connection_value(
	    call->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
	char err[512];
	enum decode_status d;
	struct report_text txt;
	int gz = enc && strcasecmp(enc, "gzip") == 0;

	*r = NULL;
	if (rq->overloaded)
		return send_overloaded(call->c);
	if (rq->too_large) {
		metrics_reject(REJ_TOO_LARGE);
		snprintf(err, sizeof(err),
		         "request body larger than max_body (%lld bytes)",
		         s->cfg->max_body);
		return send_error(call->c, 413, "too_large", err, NULL);
	}
	if (!gz && enc && *enc && strcasecmp(enc, "identity") != 0) {
		metrics_reject(REJ_MALFORMED);
		return send_error(call->c, 415, "unsupported_encoding",
		                  "Content-Encoding must be gzip or identity",
		                  NULL);
	}
	d = report_decode(rq->body.buf, rq->body.len, gz,
	                  (size_t)s->cfg->max_json, time(NULL),
	                  s->cfg->max_clock_skew, r, &txt, err, sizeof(err));
	if (d == DECODE_OK) {
		store_prepare_text(*r, &txt, prep);
		report_text_free(&txt);
	}
	http_body_free(s, rq);
	return d == DECODE_OK ? MHD_YES : ingest_refuse(call->c, d, err);
}

/* ingest_submit - hand the report to the writer and suspend the
 * connection until it is committed (job_complete resumes it). */
static enum MHD_Result
ingest_submit(struct http_call *call)
{
	struct req *rq = call->rq;
	json_t *r;
	enum MHD_Result ret = ingest_decode(call, &r, &rq->job.prep);

	if (r == NULL)
		return ret;
	snprintf(rq->report_id, sizeof(rq->report_id), "%s",
	         json_string_value(json_object_get(r, "report_id")));
	if (writer_reserve(call->s->w) == -1) {
		json_decref(r);
		store_prep_free(&rq->job.prep);
		metrics_reject(REJ_OVERLOADED);
		return send_error(call->c, 503, "overloaded",
		                  "the collector is busy; "
		                  "retry after the time in Retry-After",
		                  HTTP_RETRY_OVERLOAD);
	}
	rq->job.report = r;
	rq->job.received = (long long)time(NULL);
	rq->job.complete = job_complete;
	rq->job.arg = rq;
	rq->conn = call->c;
	rq->submitted = 1;
	MHD_suspend_connection(call->c);
	writer_submit(call->s->w, &rq->job);
	return MHD_YES;
}

/* ingest_answer - the writer's result, once committed. */
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
		                 NULL, NULL);
	}
	if (j->status == 503) {
		metrics_reject(REJ_STORAGE);
		return send_error(c, 503, "storage_unavailable", j->err,
		                  HTTP_RETRY_STORAGE);
	}
	metrics_reject(REJ_INTERNAL);
	return send_error(c, 500, "internal", j->err, NULL);
}

enum MHD_Result
ingest_serve(struct http_call *call)
{
	struct req *rq = call->rq;

	if (!rq->submitted) {
		rq->last_ms = time_mono_ms();
		return ingest_submit(call);
	}
	if (atomic_load(&rq->done)) {
		rq->responded = 1;
		return ingest_answer(call->c, rq);
	}
	return MHD_YES;
}
