/*
 * fuzz_config.c - the config parser and the agent's tables on any bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "agent/agent_config.h"
#include "common/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct cfg_file *cf;

	cf = cfg_parse("fuzz.conf", (const char *)data, size, err, sizeof(err));
	if (cf) {
		for (size_t i = 0; i < cfg_section_count(cf); i++)
			(void)cfg_section_at(cf, i);
		(void)cfg_check_unused(cf, err, sizeof(err));
		cfg_free(cf);
	}
	return 0;
}
