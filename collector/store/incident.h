/*
 * incident.h - which finding of one host's set is folded under which:
 * a finding whose caused_by {code, subject} names another finding of the
 * same set, that itself names none there, is a symptom of it; every
 * other finding is the cause of its own incident.  Ingest (store.c:
 * findings.symptom) and the host detail's incidents (api_hosts.c) both
 * decide it here.
 */
#ifndef SPOOLWATCH_INCIDENT_H
#define SPOOLWATCH_INCIDENT_H

#include <jansson.h>

/*
 * incident_folds - out[i] (json_array_size(findings) entries) is the
 * index of the finding findings[i] is folded under, or -1.  A chain or a
 * cycle of caused_by folds nothing into a symptom: a cause is always a
 * finding without a cause in the set.  caused_by may be absent or null.
 */
void incident_folds(json_t *findings, long *out);

#endif
