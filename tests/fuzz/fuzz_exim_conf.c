/*
 * fuzz_exim_conf.c - the Exim configuration and update-exim4.conf.conf
 * readers on any bytes: no crash, every value NUL-terminated within its
 * field, a rejection always says why, log paths within their buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/parse/exim_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
bounded(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p = malloc(size ? size : 1), err[256] = "", path[128];
	static struct exim_conf c;
	static struct exim_debconf d;

	memcpy(p, data, size);
	exim_conf_defaults(&c, (size & 1) ? EXIM_RHEL : EXIM_DEBIAN);
	if (exim_conf_parse(p, size, &c, err, sizeof(err)) < 0 &&
	    err[0] == '\0')
		abort();
	bounded(c.spool_directory, sizeof(c.spool_directory));
	bounded(c.log_file_path, sizeof(c.log_file_path));
	bounded(c.exim_user, sizeof(c.exim_user));
	bounded(c.exim_group, sizeof(c.exim_group));
	if (exim_conf_log_path(&c, "/var/log/exim4/%slog", "main", path,
	                       sizeof(path), NULL) == 0)
		bounded(path, sizeof(path));
	exim_debconf_parse(p, size, &d);
	bounded(d.configtype, sizeof(d.configtype));
	bounded(d.smarthost, sizeof(d.smarthost));
	bounded(d.local_interfaces, sizeof(d.local_interfaces));
	free(p);
	return 0;
}
