/*
 * tls.h - the parts of server certificate checking that the agent does
 * itself, the same with every TLS library libcurl may be built on:
 * which CA bundle to trust when none is configured, and the match of an
 * IP-address URL against the certificate's iPAddress names where the
 * library matches only DNS names (mbedTLS 2.x, the static build's).
 */
#ifndef SPOOLWATCH_TLS_H
#define SPOOLWATCH_TLS_H

#include <curl/curl.h>
#include <stddef.h>

/* The distributions' CA bundles, in the order they are looked for. */
extern const char *const tls_ca_bundles[];

/* tls_ca_bundle - the first of tls_ca_bundles that exists, or NULL. */
const char *tls_ca_bundle(void);

/* What tls_ip_san_setup() keeps for the verify callback. */
struct tls_ip {
	unsigned char addr[16];
	size_t len; /* 4 or 16; 0: the URL's host is a name */
};

/*
 * tls_ip_san_setup - if url's host is an IPv4 or IPv6 literal, store it
 * in ip and, where libcurl's TLS library cannot match it against an
 * iPAddress subjectAltName, install (CURLOPT_SSL_CTX_FUNCTION) a check
 * that does.  ip must outlive the handle.  CURLE_OK or libcurl's error.
 */
CURLcode tls_ip_san_setup(CURL *h, const char *url, struct tls_ip *ip);

#endif
