/*
 * api_ack.h - POST and DELETE /api/v1/findings/{id}/ack: acknowledging
 * a finding (table acks; when one holds: collector/store/ack.h) and
 * taking the acknowledgement back.  The HTTP layer checks the admin
 * token, opens a writable connection and hands the request over here.
 */
#ifndef SPOOLWATCH_API_ACK_H
#define SPOOLWATCH_API_ACK_H

#include <stddef.h>

#include "collector/store/sql.h"

#include "collector/api/api_req.h"

#define ACK_REASON_MAX 1024 /* bytes of reason */
#define ACK_BODY_MAX 8192   /* bytes of a POST body */

struct ack_req {
	sql_db *db;      /* writable */
	const char *id;   /* the {id} path segment, unchecked */
	int remove;       /* DELETE */
	const char *by;   /* the admin token's name */
	const char *body; /* POST body (NUL-terminated), or NULL */
	size_t len;
};

/* ack_path_id - the {id} of "/api/v1/findings/{id}/ack" into *id (1 if
 * path is one; *id then points into path). */
int ack_path_id(const char *path, const char **id, size_t *idlen);

/* api_ack - answer rq: 200 with the finding (its "ack" as it is now),
 * 400 for a bad id or body, 404 for no such finding, 503 when the
 * database is busy or failing. */
void api_ack(const struct ack_req *rq, struct api_answer *ans);

#endif
