/*
 * api.h - the read API's endpoints, one file per family: api_summary.c,
 * api_hosts.c (the list and one host), api_findings.c, api_events.c,
 * api_mail.c, api_remedies.c, api_history.c.  Each answers one GET route
 * of the table in http.c from a reading connection; what they share to
 * read a request and answer it is in api_req.h.
 */
#ifndef SPOOLWATCH_API_H
#define SPOOLWATCH_API_H

#include <jansson.h>
#include "collector/store/sql.h"

#include "collector/api/api_req.h"
#include "collector/store/ack.h"

void api_summary(struct api_req *rq, struct api_answer *ans);
void api_hosts(struct api_req *rq, struct api_answer *ans);
/* api_host - the host named rq->param. */
void api_host(struct api_req *rq, struct api_answer *ans);
void api_findings(struct api_req *rq, struct api_answer *ans);
void api_events(struct api_req *rq, struct api_answer *ans);
void api_mail(struct api_req *rq, struct api_answer *ans);
void api_remedies(struct api_req *rq, struct api_answer *ans);

/* finding_filter_args - check the findings' filters (severity, state,
 * acked) and read label= into lf; 0, or -1 with a 400. */
int finding_filter_args(struct api_req *rq, struct api_answer *ans,
                        struct label_filter *lf);
/* finding_filter_where - the findings' filters that were given (code,
 * severity, state, host, acked, label) on a SELECT over API_FINDING_COLS'
 * joins (f, h, a). */
void finding_filter_where(struct api_req *rq, struct qb *qb,
                          const struct label_filter *lf);
/* api_history - the fleet's curves, or host=NAME's (api_history.c). */
void api_history(struct api_req *rq, struct api_answer *ans);

/* The columns api_finding_json reads, in its order (11: the host name;
 * 12-15 the acknowledgement that holds, ack.h). */
#define API_FINDING_COLS                                                       \
	"SELECT f.id, f.code, f.subject, f.severity, f.message, f.evidence, "  \
	"f.remedy, f.first_seen, f.last_seen, f.resolved_at, h.name, "         \
	"a.by, a.reason, a.at, a.until, f.cause_code, f.cause_subject "        \
	"FROM findings f JOIN hosts h ON h.id = f.host_id "                    \
	"LEFT JOIN acks a ON " ACK_HOLDS

/* api_finding_json - one finding row (API_FINDING_COLS) as the API shows
 * it, with its "host" when with_host. */
json_t *api_finding_json(sql_stmt *st, int with_host);
/* api_incidents - the findings of one host (API objects) as incidents
 * [{"cause": finding, "symptoms": [finding, ...]}]: a finding folded
 * under another (incident.h) is a symptom, every other one a cause;
 * causes by severity (critical first), then first_seen, then their
 * order in findings; symptoms in their order in findings. */
json_t *api_incidents(json_t *findings);
/* api_cause_json - caused_by {code, subject} from columns i, i+1, or
 * null. */
json_t *api_cause_json(sql_stmt *st, int i);
/* api_ack_json - {by, reason, at, until} from columns i..i+3, or null. */
json_t *api_ack_json(sql_stmt *st, int i);
/* api_event_json - one event row (id, data, host name) as stored, with
 * its "host" when with_host. */
json_t *api_event_json(sql_stmt *st, int with_host);

#endif
