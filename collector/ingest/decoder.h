/*
 * decoder.h - the decoding threads of POST /api/v1/reports: requests
 * whose body is in, taken from the HTTP threads in arrival order, each
 * handed to a function (ingest.c: inflate, parse, validate, give to the
 * writer) on one of a few threads, so that the HTTP threads only move
 * bytes and a connection's next step never waits behind another one's
 * decoding.
 */
#ifndef SPOOLWATCH_DECODER_H
#define SPOOLWATCH_DECODER_H

#include <stddef.h>

struct req;
struct decoder;

/* decoder_start - threads threads calling run(rq, arg) for each pushed
 * request.  NULL and a reason on error. */
struct decoder *decoder_start(int threads,
                              void (*run)(struct req *rq, void *arg),
                              void *arg, char *err, size_t errlen);
/* decoder_push - queue rq (its decode_next is the decoder's); -1 when
 * the decoder is stopping (rq not taken). */
int decoder_push(struct decoder *d, struct req *rq);
/* decoder_stop - run what is queued and stop the threads; later pushes
 * fail.  decoder_free - then free d (once nothing can push any more).
 * NULL: nothing. */
void decoder_stop(struct decoder *d);
void decoder_free(struct decoder *d);

#endif
