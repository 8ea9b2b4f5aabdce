/*
 * dashboard.h - the fleet dashboard's static assets, compiled into the
 * collector.  The HTTP layer serves them for GET; the page itself reads
 * only the public JSON API.
 */
#ifndef SPOOLWATCH_DASHBOARD_H
#define SPOOLWATCH_DASHBOARD_H

#include <stddef.h>

struct dashboard_asset {
	const char *path;         /* "/", "/static/app.js", ... */
	const char *content_type; /* "text/html; charset=utf-8" */
	const unsigned char *body;
	size_t len;
};

/*
 * The generated table (web_assets.c, written by collector/web/embed.sh
 * from collector/web/ at build time), ended by a row whose path is NULL.
 */
extern const struct dashboard_asset dashboard_assets[];

/* dashboard_lookup - the asset served at path, or NULL. */
const struct dashboard_asset *dashboard_lookup(const char *path);

#endif
