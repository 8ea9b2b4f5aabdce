/*
 * notify_http.c - libcurl POSTs for the notifier (see notify_http.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "collector/limits.h"
#include "collector/notify/notify_http.h"
#include "common/xalloc.h"

struct notify_http {
	CURL *curl;
	long long timeout_s;
	atomic_int *stop;
	size_t got; /* answer bytes read */
};

/* drop - read and forget the answer, refusing to read past the cap. */
static size_t
drop(char *p, size_t size, size_t n, void *arg)
{
	struct notify_http *h = arg;

	(void)p;
	h->got += size * n;
	return h->got > NOTIFY_ANSWER_MAX ? 0 : size * n;
}

/* progress - abort the transfer once the notifier stops. */
static int
progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct notify_http *h = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return atomic_load(h->stop) != 0;
}

struct notify_http *
notify_http_new(long long timeout_s, atomic_int *stop)
{
	struct notify_http *h = xcalloc(1, sizeof(*h));

	h->timeout_s = timeout_s;
	h->stop = stop;
	if ((h->curl = curl_easy_init()) == NULL) {
		free(h);
		return NULL;
	}
	return h;
}

void
notify_http_free(struct notify_http *h)
{
	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	free(h);
}

long
notify_http_post(struct notify_http *h, const char *url, const char *body,
                 size_t len, const char *const *headers, char *err,
                 size_t errlen)
{
	struct curl_slist *hl = NULL, *t;
	char ebuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;
	CURL *c = h->curl;

	for (size_t i = 0; headers && headers[i]; i++) {
		if ((t = curl_slist_append(hl, headers[i])) == NULL) {
			curl_slist_free_all(hl);
			snprintf(err, errlen, "out of memory");
			return 0;
		}
		hl = t;
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_USERAGENT,
	                 "spoolwatch-collector/" SPOOLWATCH_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)h->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)h->timeout_s);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, drop);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
	h->got = 0;
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK || rc == CURLE_WRITE_ERROR)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status == 0)
		snprintf(err, errlen, "%s",
		         ebuf[0] ? ebuf : curl_easy_strerror(rc));
	curl_slist_free_all(hl);
	return status;
}
