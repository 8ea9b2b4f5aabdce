/*
 * decoder.c - the decoding threads (see decoder.h): one FIFO list of
 * requests under a mutex, a few threads taking from its head.  The
 * queue needs no bound of its own: every request in it still holds its
 * body in max_inflight, and the decoded reports go to the writer's
 * bounded queue.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "collector/http/http_call.h"
#include "collector/ingest/decoder.h"
#include "common/xalloc.h"

struct decoder {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct req *head, *tail; /* under mu */
	int stopping;            /* under mu */
	void (*run)(struct req *rq, void *arg);
	void *arg;
	int nthreads;    /* started */
	pthread_t *threads;
};

static void *
decoder_main(void *p)
{
	struct decoder *d = p;
	struct req *rq;

	pthread_mutex_lock(&d->mu);
	for (;;) {
		while (d->head == NULL && !d->stopping)
			pthread_cond_wait(&d->cv, &d->mu);
		if ((rq = d->head) == NULL)
			break; /* stopping, and nothing is left */
		d->head = rq->decode_next;
		if (d->head == NULL)
			d->tail = NULL;
		rq->decode_next = NULL;
		pthread_mutex_unlock(&d->mu);
		d->run(rq, d->arg);
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

struct decoder *
decoder_start(int threads, void (*run)(struct req *rq, void *arg), void *arg,
              char *err, size_t errlen)
{
	struct decoder *d = xcalloc(1, sizeof(*d));

	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	d->run = run;
	d->arg = arg;
	d->threads = xcalloc((size_t)threads, sizeof(*d->threads));
	for (; d->nthreads < threads; d->nthreads++)
		if (pthread_create(&d->threads[d->nthreads], NULL,
		                   decoder_main, d) != 0) {
			snprintf(err, errlen, "cannot start a decoding thread");
			decoder_free(d);
			return NULL;
		}
	return d;
}

int
decoder_push(struct decoder *d, struct req *rq)
{
	pthread_mutex_lock(&d->mu);
	if (d->stopping) {
		pthread_mutex_unlock(&d->mu);
		return -1;
	}
	rq->decode_next = NULL;
	if (d->tail)
		d->tail->decode_next = rq;
	else
		d->head = rq;
	d->tail = rq;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return 0;
}

void
decoder_stop(struct decoder *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	if (d->stopping) {
		pthread_mutex_unlock(&d->mu);
		return;
	}
	d->stopping = 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	for (int i = 0; i < d->nthreads; i++)
		pthread_join(d->threads[i], NULL);
}

void
decoder_free(struct decoder *d)
{
	if (d == NULL)
		return;
	decoder_stop(d);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d->threads);
	free(d);
}
