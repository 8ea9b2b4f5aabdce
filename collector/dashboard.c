/*
 * dashboard.c - table of the dashboard's compiled-in assets (the dashboard
 * issue fills it from collector/web/).
 */
#include <string.h>

#include "collector/dashboard.h"

static const struct dashboard_asset assets[] = {
    {NULL, NULL, NULL, 0},
};

const struct dashboard_asset *
dashboard_lookup(const char *path)
{
	for (const struct dashboard_asset *a = assets; a->path; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}
