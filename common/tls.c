/*
 * tls.c - CA bundle search and iPAddress SAN matching; see tls.h.
 *
 * The static build (SPOOLWATCH_TLS_MBEDTLS) links libcurl against
 * mbedTLS 2.28, whose x509_crt_verify_name() compares the wanted host
 * only with dNSName entries and the CN, so https://10.1.2.3:8470 would
 * fail with "BADCERT_CN_MISMATCH" however the certificate reads.  Its
 * verify callback sees that flag on the leaf certificate and clears it
 * exactly when an iPAddress entry equals the URL's address.  OpenSSL
 * (the dynamic build) matches iPAddress entries itself.
 *
 * mbedTLS's randomness comes from here too (MBEDTLS_ENTROPY_HARDWARE_ALT,
 * its platform source is not built): compat_random(), the agent's own
 * getrandom-or-/dev/urandom, which the agent checks before it connects.
 */
#include <arpa/inet.h>
#include <string.h>
#include <unistd.h>

#include "common/compat.h"
#include "common/tls.h"

#ifdef SPOOLWATCH_TLS_MBEDTLS
#include <mbedtls/asn1.h>
#include <mbedtls/entropy.h>
#include <mbedtls/entropy_poll.h>
#include <mbedtls/oid.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>
#endif

const char *const tls_ca_bundles[] = {
    "/etc/pki/tls/certs/ca-bundle.crt",                  /* RHEL 5-10 */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* RHEL 7+ */
    "/etc/ssl/certs/ca-certificates.crt",                /* Debian */
    "/etc/ssl/ca-bundle.pem",                            /* SUSE */
    "/etc/ssl/cert.pem",                                 /* Alpine */
    NULL,
};

const char *
tls_ca_bundle(void)
{
	for (size_t i = 0; tls_ca_bundles[i] != NULL; i++)
		if (access(tls_ca_bundles[i], R_OK) == 0)
			return tls_ca_bundles[i];
	return NULL;
}

/* url_ip - the address literal of url's host into ip (len 0 if it is a
 * name or the URL does not parse: libcurl then says why). */
static void
url_ip(const char *url, struct tls_ip *ip)
{
	CURLU *u = curl_url();
	char *host = NULL;
	char buf[64];
	size_t n;

	ip->len = 0;
	if (u == NULL)
		return;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		n = strlen(host);
		if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
		    n - 2 < sizeof(buf)) {
			/* "[v6]", without a zone id ("%eth0") */
			memcpy(buf, host + 1, n - 2);
			buf[n - 2] = '\0';
			buf[strcspn(buf, "%")] = '\0';
			if (inet_pton(AF_INET6, buf, ip->addr) == 1)
				ip->len = 16;
		} else if (inet_pton(AF_INET, host, ip->addr) == 1) {
			ip->len = 4;
		}
	}
	curl_free(host);
	curl_url_cleanup(u);
}

#ifdef SPOOLWATCH_TLS_MBEDTLS
static int
verify_ip(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	const struct tls_ip *ip = arg;
	const mbedtls_x509_sequence *cur;

	if (depth != 0 || !(*flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) ||
	    !(crt->ext_types & MBEDTLS_X509_EXT_SUBJECT_ALT_NAME))
		return 0;
	for (cur = &crt->subject_alt_names; cur != NULL; cur = cur->next) {
		const mbedtls_x509_buf *b = &cur->buf;

		if ((b->tag & MBEDTLS_ASN1_TAG_CLASS_MASK) ==
		        MBEDTLS_ASN1_CONTEXT_SPECIFIC &&
		    (b->tag & MBEDTLS_ASN1_TAG_VALUE_MASK) ==
		        MBEDTLS_X509_SAN_IP_ADDRESS &&
		    b->len == ip->len && memcmp(b->p, ip->addr, ip->len) == 0) {
			*flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
			break;
		}
	}
	return 0;
}

int
mbedtls_hardware_poll(void *data, unsigned char *out, size_t len, size_t *olen)
{
	(void)data;
	*olen = 0;
	if (compat_random(out, len, 0) == -1)
		return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
	*olen = len;
	return 0;
}

static CURLcode
on_ssl_ctx(CURL *h, void *conf, void *arg)
{
	(void)h;
	mbedtls_ssl_conf_verify(conf, verify_ip, arg);
	return CURLE_OK;
}
#endif

CURLcode
tls_ip_san_setup(CURL *h, const char *url, struct tls_ip *ip)
{
	CURLcode rc = CURLE_OK;

	url_ip(url, ip);
#ifdef SPOOLWATCH_TLS_MBEDTLS
	if (ip->len != 0) {
		rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
		if (rc == CURLE_OK)
			rc = curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, ip);
	}
#else
	(void)h;
#endif
	return rc;
}
