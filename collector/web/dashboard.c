/*
 * dashboard.c - finds the dashboard's compiled-in assets by URL path.  The
 * table itself is generated from collector/web/ (see collector/web.mk).
 */
#include <string.h>

#include "collector/web/dashboard.h"

const struct dashboard_asset *
dashboard_lookup(const char *path)
{
	if (path == NULL)
		return NULL;
	for (const struct dashboard_asset *a = dashboard_assets; a->path; a++)
		if (strcmp(a->path, path) == 0)
			return a;
	return NULL;
}
