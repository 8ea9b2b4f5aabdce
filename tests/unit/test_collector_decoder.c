/*
 * test_collector_decoder.c - the decoding threads (decoder.c): every
 * pushed request is run exactly once, one thread takes them in the order
 * they came, several threads run them at the same time, decoder_stop
 * runs what is still queued before it returns, and a push after it is
 * refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "collector/http/http_call.h"
#include "collector/ingest/decoder.h"

#define N 200

/* What run() saw, under mu: the requests in the order run, and how many
 * were running at once at most.  With gate set, run() waits until it is
 * cleared (so requests pile up in the queue). */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct req *seen[N];
static int nseen, running, most, gate;

static void
run(struct req *rq, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&mu);
	running++;
	if (running > most)
		most = running;
	pthread_cond_broadcast(&cv);
	while (gate)
		pthread_cond_wait(&cv, &mu);
	seen[nseen++] = rq;
	running--;
	pthread_mutex_unlock(&mu);
}

static void
reset(void)
{
	nseen = running = most = gate = 0;
	memset(seen, 0, sizeof(seen));
}

/* wait_running - until n calls of run() are inside it (60 s at most). */
static void
wait_running(int n)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 60;
	pthread_mutex_lock(&mu);
	while (running < n)
		if (pthread_cond_timedwait(&cv, &mu, &until) != 0)
			break;
	pthread_mutex_unlock(&mu);
	assert_true(running >= n);
}

static void
open_gate(void)
{
	pthread_mutex_lock(&mu);
	gate = 0;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void
test_order_and_drain(void **state)
{
	static struct req rq[N];
	char err[128];
	struct decoder *d;

	(void)state;
	reset();
	gate = 1;
	d = decoder_start(1, run, NULL, err, sizeof(err));
	assert_non_null(d);
	for (int i = 0; i < N; i++)
		assert_int_equal(decoder_push(d, &rq[i]), 0);
	wait_running(1);
	/* the first is held in run(); stopping now must still run the
	 * other N - 1 before decoder_stop returns */
	open_gate();
	decoder_stop(d);
	assert_int_equal(nseen, N);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(seen[i], &rq[i]);
	assert_int_equal(decoder_push(d, &rq[0]), -1);
	assert_int_equal(nseen, N);
	decoder_free(d);
}

static void
test_threads_run_together(void **state)
{
	static struct req rq[3];
	char err[128];
	struct decoder *d;

	(void)state;
	reset();
	gate = 1;
	d = decoder_start(3, run, NULL, err, sizeof(err));
	assert_non_null(d);
	for (int i = 0; i < 3; i++)
		assert_int_equal(decoder_push(d, &rq[i]), 0);
	wait_running(3);
	open_gate();
	decoder_free(d);
	assert_int_equal(most, 3);
	assert_int_equal(nseen, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_drain),
	    cmocka_unit_test(test_threads_run_together),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
