/*
 * cycle.c - what the collectors of one cycle share: the host facts read
 * once, the read buffer, --root paths, errors[] and findings[] entries.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent/probe/accounts.h"
#include "agent/cycle.h"
#include "agent/probe/mtaconf.h"
#include "agent/limits.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/xalloc.h"

void
cycle_host_load(struct cycle *c, const char *mta_kind)
{
	char err[1024];

	c->accounts = accounts_load(c->root, err, sizeof(err));
	if (err[0] != '\0')
		cycle_error(c, "accounts", "%s", err);
	c->mta = xmalloc(sizeof(*c->mta));
	mtaconf_load(c->mta, c->root, mta_kind, err, sizeof(err));
	if (err[0] != '\0')
		cycle_error(c, "mta config", "%s", err);
	initsys_load(&c->init, c->root);
}

void
cycle_host_free(struct cycle *c)
{
	if (c->mta != NULL) {
		mtaconf_free(c->mta);
		free(c->mta);
		c->mta = NULL;
	}
	accounts_free(c->accounts);
	c->accounts = NULL;
}

/* map_size - n rounded up to whole pages */
static size_t
map_size(size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t p = pg > 0 ? (size_t)pg : 4096;

	return n == 0 ? p : (n + p - 1) / p * p;
}

static char *
map_anon(size_t n)
{
	void *m = mmap(NULL, map_size(n), PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		fatalx("out of memory mapping %zu bytes", n);
	return m;
}

char *
cycle_buf_take(struct cycle *c, size_t n)
{
	if (c->rbuf_busy)
		return map_anon(n);
	if (c->rbuf_cap < n) {
		cycle_buf_release(c);
		c->rbuf = map_anon(n);
		c->rbuf_cap = map_size(n);
	}
	c->rbuf_busy = 1;
	return c->rbuf;
}

void
cycle_buf_put(struct cycle *c, char *buf, size_t n)
{
	if (buf == NULL)
		return;
	if (buf == c->rbuf)
		c->rbuf_busy = 0;
	else
		munmap(buf, map_size(n));
}

void
cycle_buf_release(struct cycle *c)
{
	if (c->rbuf != NULL)
		munmap(c->rbuf, c->rbuf_cap);
	c->rbuf = NULL;
	c->rbuf_cap = 0;
	c->rbuf_busy = 0;
}

int
cycle_path(struct cycle *c, char *out, size_t n, const char *hostpath)
{
	if (root_path(out, n, c->root, hostpath) == -1) {
		cycle_error(c, hostpath, "path too long or not absolute");
		return -1;
	}
	return 0;
}

void
cycle_error(struct cycle *c, const char *source, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(
	    c->errors,
	    json_pack("{s:o, s:o}", "source",
	              json_str_safe(source, strlen(source), AGENT_MAX_HOST_STR),
	              "error", json_str_safe(msg, strlen(msg), sizeof(msg))));
}

void
cycle_finding(struct cycle *c, const char *code, const char *severity,
              const char *subject, json_t *evidence, const char *remedy,
              const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(
	    c->findings,
	    json_pack(
	        "{s:s, s:s, s:o, s:o, s:o, s:o}", "code", code, "severity",
	        severity, "subject",
	        json_str_safe(subject, strlen(subject), AGENT_MAX_HOST_STR),
	        "message", json_str_safe(msg, strlen(msg), sizeof(msg)),
	        "evidence", evidence ? evidence : json_object(), "remedy",
	        json_str_safe(remedy ? remedy : "", remedy ? strlen(remedy) : 0,
	                      AGENT_MAX_HOST_STR)));
}

json_t *
cycle_find_finding(struct cycle *c, const char *code, const char *subject)
{
	size_t i;
	json_t *f;

	json_array_foreach(c->findings, i, f)
	{
		const char *fc = json_string_value(json_object_get(f, "code"));
		const char *fs =
		    json_string_value(json_object_get(f, "subject"));
		if (fc && strcmp(fc, code) == 0 &&
		    (subject == NULL || (fs && strcmp(fs, subject) == 0)))
			return f;
	}
	return NULL;
}
