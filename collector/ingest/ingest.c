/*
 * ingest.c - POST /api/v1/reports (see ingest.h).
 *
 * Once the body is in, the connection is suspended and the request goes
 * to the decoding threads (decoder.c): the body is decoded (gzip capped
 * at max_json), parsed and validated there, the report goes to the
 * writer, and the writer resumes the connection after the commit (a
 * refused body resumes it at once), so a few HTTP threads carry
 * thousands of waiting agents, never wait behind a decoding, and the
 * answer 200 always means "committed".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "collector/http/http_call.h"
#include "collector/http/http_reply.h"
#include "collector/ingest/decoder.h"
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

/* ingest_begin - on the HTTP thread, once the body is in: the refusals
 * that need no decoding at once; else suspend the connection and give
 * the request to the decoder (ingest_decode_job), whose result or the
 * writer's resumes it. */
static enum MHD_Result
ingest_begin(struct http_call *call)
{
	struct http_server *s = call->s;
	struct req *rq = call->rq;
	const char *enc = MHD_lookup_connection_value(
	    call->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
	char err[128];

	if (rq->overloaded)
		return send_overloaded(call->c);
	if (rq->too_large) {
		metrics_reject(REJ_TOO_LARGE);
		snprintf(err, sizeof(err),
		         "request body larger than max_body (%lld bytes)",
		         s->cfg->max_body);
		return send_error(call->c, 413, "too_large", err, NULL);
	}
	rq->gzip = enc && strcasecmp(enc, "gzip") == 0;
	if (!rq->gzip && enc && *enc && strcasecmp(enc, "identity") != 0) {
		metrics_reject(REJ_MALFORMED);
		return send_error(call->c, 415, "unsupported_encoding",
		                  "Content-Encoding must be gzip or identity",
		                  NULL);
	}
	rq->conn = call->c;
	rq->submitted = 1;
	MHD_suspend_connection(call->c);
	if (decoder_push(s->dec, rq) == -1) {
		/* shutting down */
		rq->refused = REFUSE_OVERLOADED;
		atomic_store(&rq->done, 1);
		MHD_resume_connection(call->c);
	}
	return MHD_YES;
}

/* refuse - the request's answer is the refusal why (a decode_status or
 * REFUSE_OVERLOADED): resume its connection to send it. */
static void
refuse(struct req *rq, int why)
{
	rq->refused = why;
	atomic_store(&rq->done, 1);
	MHD_resume_connection(rq->conn);
}

void
ingest_decode_job(struct req *rq, void *arg)
{
	struct http_server *s = arg;
	struct report_text txt;
	json_t *r;
	enum decode_status d;

	d = report_decode(rq->body.buf, rq->body.len, rq->gzip,
	                  (size_t)s->cfg->max_json, time(NULL),
	                  s->cfg->max_clock_skew, &r, &txt, rq->why,
	                  sizeof(rq->why));
	if (d == DECODE_OK) {
		store_prepare_text(r, &txt, &rq->job.prep);
		report_text_free(&txt);
	}
	http_body_free(s, rq);
	if (d != DECODE_OK) {
		refuse(rq, (int)d);
		return;
	}
	snprintf(rq->report_id, sizeof(rq->report_id), "%s",
	         json_string_value(json_object_get(r, "report_id")));
	if (writer_reserve(s->w) == -1) {
		json_decref(r);
		store_prep_free(&rq->job.prep);
		refuse(rq, REFUSE_OVERLOADED);
		return;
	}
	rq->job.report = r;
	rq->job.received = (long long)time(NULL);
	rq->job.complete = job_complete;
	rq->job.arg = rq;
	writer_submit(s->w, &rq->job);
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
		return ingest_begin(call);
	}
	if (atomic_load(&rq->done)) {
		rq->responded = 1;
		if (rq->refused == REFUSE_OVERLOADED) {
			metrics_reject(REJ_OVERLOADED);
			return send_error(call->c, 503, "overloaded",
			                  "the collector is busy; "
			                  "retry after the time in Retry-After",
			                  HTTP_RETRY_OVERLOAD);
		}
		if (rq->refused)
			return ingest_refuse(
			    call->c, (enum decode_status)rq->refused, rq->why);
		return ingest_answer(call->c, rq);
	}
	return MHD_YES;
}
