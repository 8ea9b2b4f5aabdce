/*
 * parse_ceiling.c - the ingest benchmark's ceiling: a bare libmicrohttpd
 * server (the collector's threading: epoll, one thread per core) that
 * takes a POSTed body, inflates it when Content-Encoding is gzip, parses
 * it with jansson and answers 200 with a small JSON object; nothing is
 * validated or stored.  The collector can at best reach its rate.
 *
 *   parse_ceiling PORT [THREADS]     (serves until killed)
 */
#include <jansson.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#define BODY_MAX (4u << 20)

struct body {
	char *p;
	size_t n;
};

/* inflate_all - the gzip stream p[0..n) into a new buffer, or NULL */
static char *
inflate_all(const char *p, size_t n, size_t *out)
{
	z_stream z;
	size_t cap = n * 8 + 4096;
	char *o = malloc(cap);
	int rc;

	memset(&z, 0, sizeof(z));
	if (o == NULL || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(o);
		return NULL;
	}
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (unsigned)n;
	do {
		if (z.total_out == cap) {
			char *g =
			    cap < BODY_MAX * 4 ? realloc(o, cap * 2) : NULL;
			if (g == NULL)
				break;
			o = g;
			cap *= 2;
		}
		z.next_out = (unsigned char *)o + z.total_out;
		z.avail_out = (unsigned)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
	} while (rc == Z_OK);
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(o);
		return NULL;
	}
	*out = z.total_out;
	return o;
}

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned code, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
        const char *method, const char *version, const char *data, size_t *size,
        void **ctx)
{
	struct body *b = *ctx;
	const char *enc;
	char *text, reply[160];
	size_t tn;
	json_t *j;

	(void)cls;
	(void)url;
	(void)version;
	if (strcmp(method, "POST") != 0)
		return answer(c, 405, "{}");
	if (b == NULL) {
		*ctx = b = calloc(1, sizeof(*b));
		return b ? MHD_YES : MHD_NO;
	}
	if (*size > 0) {
		if (b->n + *size > BODY_MAX)
			return MHD_NO;
		b->p = realloc(b->p, b->n + *size);
		if (b->p == NULL)
			return MHD_NO;
		memcpy(b->p + b->n, data, *size);
		b->n += *size;
		*size = 0;
		return MHD_YES;
	}
	enc = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	                                  MHD_HTTP_HEADER_CONTENT_ENCODING);
	text = b->p;
	tn = b->n;
	if (enc && strcasecmp(enc, "gzip") == 0) {
		text = inflate_all(b->p, b->n, &tn);
		if (text == NULL)
			return answer(c, 400, "{\"error\":\"bad_gzip\"}");
	}
	j = json_loadb(text, tn, 0, NULL);
	if (text != b->p)
		free(text);
	if (j == NULL)
		return answer(c, 400, "{\"error\":\"malformed_json\"}");
	snprintf(reply, sizeof(reply),
	         "{\"report_id\":\"%.64s\",\"duplicate\":false}",
	         json_string_value(json_object_get(j, "report_id"))
	             ? json_string_value(json_object_get(j, "report_id"))
	             : "");
	json_decref(j);
	return answer(c, 200, reply);
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx,
          enum MHD_RequestTerminationCode toe)
{
	struct body *b = *ctx;

	(void)cls;
	(void)c;
	(void)toe;
	if (b != NULL) {
		free(b->p);
		free(b);
	}
	*ctx = NULL;
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	long threads = argc > 2 ? atol(argv[2]) : sysconf(_SC_NPROCESSORS_ONLN);
	sigset_t set;
	int sig;

	if (argc < 2) {
		fprintf(stderr, "usage: parse_ceiling PORT [THREADS]\n");
		return 2;
	}
	d = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    (unsigned short)atoi(argv[1]), NULL, NULL, handler, NULL,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 0 ? threads : 1),
	    MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_NOTIFY_COMPLETED,
	    completed, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "parse_ceiling: cannot listen on port %s\n",
		        argv[1]);
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
