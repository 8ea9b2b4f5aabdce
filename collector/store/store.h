/*
 * store.h - writing one validated report into the database, inside the
 * writer's open transaction: idempotency on report_id, host upsert,
 * events deduplicated on (host, event id), signature aggregates, history
 * points (and the SYSERR lines of the fleet's minute), and - when the report is the host's newest - the latest state
 * and the findings lifecycle.  Also retention, in small batches.
 */
#ifndef SPOOLWATCH_STORE_H
#define SPOOLWATCH_STORE_H

#include <stddef.h>

#include <jansson.h>
#include "collector/ingest/validate.h"
#include "collector/store/sql.h"

struct store;

/*
 * The JSON text the writer stores, serialised before the report reaches
 * the writer (store_prepare runs in the HTTP threads, in parallel), so
 * that the single writer thread only runs statements.
 */
struct report_prep {
	char *state;       /* {spools, filesystems, mta, mail, errors} */
	long long hash;    /* of state (FNV-1a, 63 bits) */
	char **event_data; /* one per events[] item */
	size_t nevents;
	char **evidence; /* one per findings[] item (NULL: none) */
	size_t nfindings;
};

/* store_prepare - p from the tree r (json_dumps).  store_prepare_text -
 * the same copied from the text r was parsed from (report_decode's txt),
 * without whitespace; from the tree when the text's values are not the
 * tree's (txt->exact 0) or a key is written with an escape. */
void store_prepare(json_t *r, struct report_prep *p);
void store_prepare_text(json_t *r, const struct report_text *txt,
                        struct report_prep *p);
void store_prep_free(struct report_prep *p);

struct store *store_new(sql_db *db, char *err, size_t errlen);
void store_free(struct store *s);

/*
 * store_report - write r (validated) received at now; p (or NULL: done
 * here) holds its prepared text.  *duplicate is set
 * when report_id is already stored (nothing is written).  Returns
 * SQL_OK or the SQLite error code, with a reason in err.
 */
int store_report(struct store *s, json_t *r, const struct report_prep *p,
                 long long now, int *duplicate, char *err, size_t errlen);

/*
 * store_retention - delete at most batch rows older than cutoff from one
 * table (events, event_groups, history, resolved findings, reports,
 * stale event_sigs, fleet_history in turn), then, on PostgreSQL, the
 * aggregates' part rows whose keys add up to zero (agg_fold()).  Returns
 * the rows deleted (0: nothing left to do) or -1 with err.
 */
long store_retention(struct store *s, long long cutoff, int batch, char *err,
                     size_t errlen);

#endif
