/*
 * exim_conf.c - Exim configuration reader (see exim_conf.h).
 *
 * A line it reads (Debian's exim4.conf.template):
 *
 *   spool_directory = SPOOLDIR
 *
 * Lines are walked with memchr; values are copied into the fixed fields
 * of struct exim_conf, cut at their size.
 */
#include <stdio.h>
#include <string.h>

#include "agent/parse/exim_conf.h"

struct macro {
	char name[64];
	char value[EXIM_CONF_VALUE_MAX];
};

struct reader {
	struct macro macros[EXIM_CONF_MACROS];
	size_t nmacros;
	/* .ifdef stack: 1 = lines here are read */
	int live[EXIM_CONF_DEPTH + 1];
	int parent_live[EXIM_CONF_DEPTH + 1];
	size_t depth;
	/* the logical line being built (backslash continuations) */
	char line[4 * EXIM_CONF_VALUE_MAX];
	size_t len;
};

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int
is_name(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static void
copy(char *dst, size_t size, const char *p, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static void
trim(const char **p, size_t *n)
{
	while (*n > 0 && is_blank(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && (is_blank((*p)[*n - 1]) || (*p)[*n - 1] == '\r'))
		(*n)--;
}

void
exim_conf_defaults(struct exim_conf *c, enum exim_flavour f)
{
	memset(c, 0, sizeof(*c));
	if (f == EXIM_RHEL) {
		copy(c->spool_directory, sizeof(c->spool_directory),
		     "/var/spool/exim", 15);
		copy(c->log_file_path, sizeof(c->log_file_path),
		     "/var/log/exim/%s.log", 20);
		copy(c->exim_user, sizeof(c->exim_user), "exim", 4);
		copy(c->exim_group, sizeof(c->exim_group), "exim", 4);
	} else {
		copy(c->spool_directory, sizeof(c->spool_directory),
		     "/var/spool/exim4", 16);
		copy(c->log_file_path, sizeof(c->log_file_path),
		     "/var/log/exim4/%slog", 20);
		copy(c->exim_user, sizeof(c->exim_user), "Debian-exim", 11);
		copy(c->exim_group, sizeof(c->exim_group), "Debian-exim", 11);
	}
}

static struct macro *
macro_find(struct reader *r, const char *p, size_t n)
{
	for (size_t i = 0; i < r->nmacros; i++)
		if (strlen(r->macros[i].name) == n &&
		    memcmp(r->macros[i].name, p, n) == 0)
			return &r->macros[i];
	return NULL;
}

/* expand - value with macro names replaced (one pass, as Exim does for
 * each line), into out */
static void
expand(struct reader *r, const char *p, size_t n, char *out, size_t size)
{
	size_t o = 0, i = 0;

	while (i < n && o + 1 < size) {
		if (p[i] >= 'A' && p[i] <= 'Z' &&
		    (i == 0 || !is_name(p[i - 1]))) {
			size_t e = i;
			struct macro *m;
			while (e < n && is_name(p[e]))
				e++;
			if ((m = macro_find(r, p + i, e - i)) != NULL) {
				size_t l = strlen(m->value);
				if (l > size - 1 - o)
					l = size - 1 - o;
				memcpy(out + o, m->value, l);
				o += l;
				i = e;
				continue;
			}
		}
		out[o++] = p[i++];
	}
	out[o] = '\0';
}

/* unquote - a "..." value without its quotes (\" and \\ kept simple) */
static void
unquote(char *v)
{
	size_t n = strlen(v), o = 0;

	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return;
	for (size_t i = 1; i + 1 < n; i++) {
		if (v[i] == '\\' && i + 2 < n)
			i++;
		v[o++] = v[i];
	}
	v[o] = '\0';
}

static int
boolean(const char *v, int *out)
{
	if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
		*out = 1;
		return 0;
	}
	if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0) {
		*out = 0;
		return 0;
	}
	return -1;
}

/* option - one "name = value" (or "[no_|not_]name") of the main section */
static void
option(struct reader *r, struct exim_conf *c, const char *p, size_t n)
{
	const char *eq = memchr(p, '=', n);
	const char *name = p, *val = "";
	size_t nn = eq ? (size_t)(eq - p) : n, vn = 0;
	char v[EXIM_CONF_VALUE_MAX];
	int neg = 0, b = 1;

	trim(&name, &nn);
	if (eq) {
		val = eq + 1;
		vn = (size_t)(p + n - val);
		trim(&val, &vn);
	}
	if (nn > 3 && memcmp(name, "no_", 3) == 0) {
		neg = 1;
		name += 3;
		nn -= 3;
	} else if (nn > 4 && memcmp(name, "not_", 4) == 0) {
		neg = 1;
		name += 4;
		nn -= 4;
	}
	expand(r, val, vn, v, sizeof(v));
	unquote(v);
	if (eq && boolean(v, &b) < 0)
		b = -1;
	if (neg && b >= 0)
		b = !b;
#define IS(lit) (nn == sizeof(lit) - 1 && memcmp(name, lit, nn) == 0)
	if (IS("spool_directory") && eq)
		copy(c->spool_directory, sizeof(c->spool_directory), v,
		     strlen(v));
	else if (IS("log_file_path") && eq)
		copy(c->log_file_path, sizeof(c->log_file_path), v, strlen(v));
	else if (IS("exim_user") && eq)
		copy(c->exim_user, sizeof(c->exim_user), v, strlen(v));
	else if (IS("exim_group") && eq)
		copy(c->exim_group, sizeof(c->exim_group), v, strlen(v));
	else if (IS("split_spool_directory") && b >= 0)
		c->split_spool = b;
	else if (IS("queue_only") && b >= 0)
		c->queue_only = b;
#undef IS
}

/* directive - ".ifdef NAME" and friends; 0, or -1 with err set */
static int
directive(struct reader *r, struct exim_conf *c, const char *p, size_t n,
          size_t lineno, char *err, size_t errlen)
{
	const char *arg = p, *sp = p;
	size_t an = 0, wn;
	int live = r->live[r->depth];

	while (sp < p + n && !is_blank(*sp))
		sp++;
	wn = (size_t)(sp - p);
	arg = sp;
	an = (size_t)(p + n - sp);
	trim(&arg, &an);
#define IS(lit) (wn == sizeof(lit) - 1 && memcmp(p, lit, wn) == 0)
	if (IS(".ifdef") || IS(".ifndef")) {
		int def = macro_find(r, arg, an) != NULL;
		if (r->depth == EXIM_CONF_DEPTH) {
			snprintf(err, errlen,
			         "line %zu: .ifdef nested too deep", lineno);
			return -1;
		}
		r->depth++;
		r->parent_live[r->depth] = live;
		r->live[r->depth] = live && (IS(".ifdef") ? def : !def);
	} else if (IS(".else")) {
		if (r->depth == 0) {
			snprintf(err, errlen, "line %zu: .else without .ifdef",
			         lineno);
			return -1;
		}
		r->live[r->depth] = r->parent_live[r->depth] && !live;
	} else if (IS(".endif")) {
		if (r->depth == 0) {
			snprintf(err, errlen, "line %zu: .endif without .ifdef",
			         lineno);
			return -1;
		}
		r->depth--;
	} else if (IS(".include") || IS(".include_if_exists")) {
		if (live)
			c->nincludes++;
	}
#undef IS
	return 0;
}

/* logical - one logical line; returns 1 at "begin", 0 to go on, -1 */
static int
logical(struct reader *r, struct exim_conf *c, size_t lineno, char *err,
        size_t errlen)
{
	const char *p = r->line;
	size_t n = r->len;

	trim(&p, &n);
	if (n == 0 || p[0] == '#')
		return 0;
	if (p[0] == '.')
		return directive(r, c, p, n, lineno, err, errlen);
	if (!r->live[r->depth])
		return 0;
	if (n >= 5 && memcmp(p, "begin", 5) == 0 && (n == 5 || is_blank(p[5])))
		return 1;
	if (p[0] >= 'A' && p[0] <= 'Z') {
		/* macro: NAME = value (the first definition wins unless
		 * "==", which Exim allows to redefine) */
		const char *eq = memchr(p, '=', n);
		const char *name = p, *val;
		size_t nn, vn;
		struct macro *m;
		if (eq == NULL)
			return 0;
		nn = (size_t)(eq - p);
		trim(&name, &nn);
		val = eq + 1;
		if (val < p + n && *val == '=')
			val++;
		vn = (size_t)(p + n - val);
		trim(&val, &vn);
		m = macro_find(r, name, nn);
		if (m == NULL && r->nmacros < EXIM_CONF_MACROS) {
			m = &r->macros[r->nmacros++];
			copy(m->name, sizeof(m->name), name, nn);
		}
		if (m) {
			char v[EXIM_CONF_VALUE_MAX];
			expand(r, val, vn, v, sizeof(v));
			copy(m->value, sizeof(m->value), v, strlen(v));
		}
		return 0;
	}
	option(r, c, p, n);
	return 0;
}

int
exim_conf_parse(const char *buf, size_t len, struct exim_conf *c, char *err,
                size_t errlen)
{
	struct reader r; /* ~38 KiB */
	const char *p = buf, *end = buf + len;
	size_t lineno = 0;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.live[0] = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		int more;

		lineno++;
		c->nlines++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		/* a continuation line loses its leading blanks */
		if (r.len > 0)
			while (n > 0 && is_blank(*p)) {
				p++;
				n--;
			}
		more = n > 0 && p[n - 1] == '\\';
		if (more)
			n--;
		if (n > sizeof(r.line) - r.len)
			n = sizeof(r.line) - r.len;
		memcpy(r.line + r.len, p, n);
		r.len += n;
		p = nl ? nl + 1 : end;
		if (more && p < end)
			continue;
		rc = logical(&r, c, lineno, err, errlen);
		r.len = 0;
		if (rc != 0)
			break;
	}
	if (rc < 0)
		return -1;
	if (rc == 0 && r.depth > 0) {
		snprintf(err, errlen, "line %zu: .ifdef without .endif",
		         lineno);
		return -1;
	}
	return 0;
}

int
exim_conf_log_path(const struct exim_conf *c, const char *def,
                   const char *which, char *out, size_t outlen, int *to_syslog)
{
	const char *p = c->log_file_path, *end = p + strlen(p);
	int found = 0;

	if (to_syslog)
		*to_syslog = 0;
	if (outlen == 0)
		return -1;
	out[0] = '\0';
	if (p == end)
		p = def, end = def + strlen(def);
	while (p <= end) {
		/* items are separated by ":" ("::" is a literal colon;
		 * paths here have none) */
		const char *col = memchr(p, ':', (size_t)(end - p));
		const char *ie = col ? col : end;
		const char *item = p;
		size_t in = (size_t)(ie - p);
		trim(&item, &in);
		if (in == 6 && memcmp(item, "syslog", 6) == 0) {
			if (to_syslog)
				*to_syslog = 1;
		} else if (!found) {
			const char *src = item;
			size_t sn = in, o = 0;
			if (sn == 0) {
				src = def;
				sn = strlen(def);
			}
			for (size_t i = 0; i < sn && o + 1 < outlen; i++) {
				if (src[i] == '%' && i + 1 < sn &&
				    src[i + 1] == 's') {
					size_t l = strlen(which);
					if (l > outlen - 1 - o)
						l = outlen - 1 - o;
					memcpy(out + o, which, l);
					o += l;
					i++;
				} else {
					out[o++] = src[i];
				}
			}
			out[o] = '\0';
			found = 1;
		}
		if (col == NULL)
			break;
		p = col + 1;
	}
	return found ? 0 : -1;
}

void
exim_debconf_parse(const char *buf, size_t len, struct exim_debconf *d)
{
	const char *p = buf, *end = buf + len;

	memset(d, 0, sizeof(*d));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *eq;
		const char *k = p, *v;
		size_t kn, vn;

		eq = memchr(p, '=', (size_t)(le - p));
		p = nl ? nl + 1 : end;
		if (eq == NULL || *k == '#')
			continue;
		kn = (size_t)(eq - k);
		trim(&k, &kn);
		v = eq + 1;
		vn = (size_t)(le - v);
		trim(&v, &vn);
		if (vn >= 2 && (v[0] == '\'' || v[0] == '"') &&
		    v[vn - 1] == v[0]) {
			v++;
			vn -= 2;
		}
#define IS(lit) (kn == sizeof(lit) - 1 && memcmp(k, lit, kn) == 0)
		if (IS("dc_eximconfig_configtype"))
			copy(d->configtype, sizeof(d->configtype), v, vn);
		else if (IS("dc_smarthost"))
			copy(d->smarthost, sizeof(d->smarthost), v, vn);
		else if (IS("dc_local_interfaces"))
			copy(d->local_interfaces, sizeof(d->local_interfaces),
			     v, vn);
		else if (IS("dc_use_split_config"))
			d->split_config = vn == 4 && memcmp(v, "true", 4) == 0;
#undef IS
	}
}
