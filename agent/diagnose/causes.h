/*
 * causes.h - which finding of a report causes which: the one place that
 * sets findings[].caused_by {code, subject}, run once every findings pass
 * is done (report.c).  The rules and the evidence each reads are in
 * causes.c; README "Incidents: one cause, its symptoms" lists them.
 */
#ifndef SPOOLWATCH_CAUSES_H
#define SPOOLWATCH_CAUSES_H

#include <jansson.h>

/*
 * causes_link - set caused_by on every finding of report["findings"] that
 * a rule ties to another finding of the same array.  A symptom gets one
 * cause (the first rule that matches), a cause is never a symptom itself
 * (so there is no chain and no cycle), and a finding never names itself
 * or anything not in the array.  Reads only the report.
 */
void causes_link(json_t *report);

#endif
