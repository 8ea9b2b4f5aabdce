/*
 * mta_config.h - the MTA collector's part of agent.conf, the [mta]
 * section: which MTA to assume and the SMTP port of the loopback.
 */
#ifndef SPOOLWATCH_MTA_CONFIG_H
#define SPOOLWATCH_MTA_CONFIG_H

#include <stdio.h>

struct cfg_file;

struct mta_config {
	char *kind;          /* auto, sendmail, postfix or none */
	long long smtp_port; /* the port the MSP relays to */
};

/* mta_config_load - defaults, then the keys this collector owns in cf
 * (NULL: defaults only).  0, or -1 with "FILE:LINE: why" in err. */
int mta_config_load(struct mta_config *cfg, struct cfg_file *cf, char *err,
                    size_t errlen);
void mta_config_print(FILE *fp, const struct mta_config *cfg);
void mta_config_free(struct mta_config *cfg);

#endif
