/*
 * test_common_tls.c - the CA bundle list and search, and which server
 * URLs name an IP address for the iPAddress SAN check (IPv4, bracketed
 * IPv6 with and without a zone, names, garbage).  The check against
 * real certificates runs in tests/e2e/static_chroot.sh.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/tls.h"

static void
test_bundle_list(void **state)
{
	const char *b = tls_ca_bundle();
	size_t n = 0;
	(void)state;
	while (tls_ca_bundles[n] != NULL)
		n++;
	assert_int_equal(n, 5);
	assert_string_equal(tls_ca_bundles[0],
	                    "/etc/pki/tls/certs/ca-bundle.crt");
	assert_string_equal(tls_ca_bundles[4], "/etc/ssl/cert.pem");
	/* the first that exists, or none of them exists */
	for (size_t i = 0; i < n; i++) {
		if (access(tls_ca_bundles[i], R_OK) == 0) {
			assert_ptr_equal(b, tls_ca_bundles[i]);
			return;
		}
	}
	assert_null(b);
}

static size_t
ip_of(const char *url, unsigned char out[16])
{
	struct tls_ip ip;
	CURL *h = curl_easy_init();

	assert_non_null(h);
	memset(&ip, 0xee, sizeof(ip));
	assert_int_equal(tls_ip_san_setup(h, url, &ip), CURLE_OK);
	curl_easy_cleanup(h);
	memcpy(out, ip.addr, 16);
	return ip.len;
}

static void
test_url_addresses(void **state)
{
	unsigned char a[16], want[16];
	(void)state;
	assert_int_equal(ip_of("https://10.1.2.3:8470/api/v1/reports", a), 4);
	assert_int_equal(inet_pton(AF_INET, "10.1.2.3", want), 1);
	assert_memory_equal(a, want, 4);
	assert_int_equal(ip_of("https://[::1]:8470/api/v1/reports", a), 16);
	assert_int_equal(inet_pton(AF_INET6, "::1", want), 1);
	assert_memory_equal(a, want, 16);
	assert_int_equal(ip_of("https://[fe80::1%25eth0]:8470/x", a), 16);
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", want), 1);
	assert_memory_equal(a, want, 16);
	assert_int_equal(ip_of("https://collector.example.com:8470/x", a), 0);
	assert_int_equal(ip_of("https://10.1.2.3.example.com/x", a), 0);
	assert_int_equal(ip_of("not a url", a), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bundle_list),
	    cmocka_unit_test(test_url_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
