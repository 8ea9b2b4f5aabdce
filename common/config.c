/*
 * config.c - parser and typed tables for the "key = value" format.
 *
 * The parser keeps all text in one arena copy of the file; entries point
 * into it.  It rejects: lines over CFG_MAX_LINE, NUL bytes, a line with no
 * '=', an empty key, bad section headers, duplicate keys and sections.
 * A '#' after a blank and outside quotes starts a comment to the end of
 * the line.  Values are UTF-8 agnostic: bytes are kept as they are.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/config.h"
#include "common/fsutil.h"
#include "common/log.h"
#include "common/xalloc.h"

#define CFG_MAX_FILE (1u << 20)

struct cfg_entry {
	const char *key;
	const char *value;
	unsigned line;
	size_t section;
	int used;
};

struct cfg_file {
	char *name;
	char *arena;
	struct cfg_section *sect;
	int *sect_used;
	size_t nsect;
	struct cfg_entry *ent;
	size_t nent;
};

static void
seterr(char *err, size_t errlen, const char *name, unsigned line,
       const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
	if (line)
		snprintf(err, errlen, "%s:%u: %s", name, line, msg);
	else
		snprintf(err, errlen, "%s: %s", name, msg);
}

static char *
trim(char *s, char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*e = '\0';
	return s;
}

/*
 * strip_comment - cut s at an inline comment: a '#' after a blank (or at
 * the start when blank_before) outside "..." quotes.  A '#' inside a word
 * ("http://h/#x") or inside quotes is kept.
 */
static void
strip_comment(char *s, int blank_before)
{
	int quoted = 0, blank = blank_before;

	for (; *s; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (*s == '#' && blank && !quoted) {
			*s = '\0';
			return;
		}
		blank = *s == ' ' || *s == '\t';
	}
}

static int
valid_key(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && *k != '_' && *k != '-' &&
		    *k != '.')
			return 0;
	return 1;
}

static size_t
add_section(struct cfg_file *cf, const char *name, const char *arg,
            unsigned line)
{
	cf->sect = xrealloc(cf->sect, (cf->nsect + 1) * sizeof(*cf->sect));
	cf->sect_used =
	    xrealloc(cf->sect_used, (cf->nsect + 1) * sizeof(*cf->sect_used));
	cf->sect[cf->nsect].name = name;
	cf->sect[cf->nsect].arg = arg;
	cf->sect[cf->nsect].line = line;
	cf->sect_used[cf->nsect] = line == 0;
	return cf->nsect++;
}

/* parse_header - "[name]" or "[name arg]" in place; NULL on error. */
static const char *
parse_header(char *s, const char **name, const char **arg)
{
	size_t n = strlen(s);
	char *sp;

	if (n < 3 || s[n - 1] != ']')
		return "malformed section header";
	s[n - 1] = '\0';
	s = trim(s + 1, s + n - 1);
	sp = s + strcspn(s, " \t");
	if (*sp) {
		*sp = '\0';
		*arg = trim(sp + 1, sp + 1 + strlen(sp + 1));
	} else {
		*arg = "";
	}
	*name = s;
	if (!valid_key(s))
		return "malformed section name";
	if (**arg == '"') {
		size_t al = strlen(*arg);
		if (al < 2 || (*arg)[al - 1] != '"')
			return "unterminated quote in section header";
		((char *)*arg)[al - 1] = '\0';
		(*arg)++;
	}
	return NULL;
}

struct cfg_file *
cfg_parse(const char *name, const char *text, size_t len, char *err,
          size_t errlen)
{
	struct cfg_file *cf = xcalloc(1, sizeof(*cf));
	char *p, *end;
	unsigned line = 0;
	size_t cur;

	cf->name = xstrdup(name);
	cf->arena = xmalloc(len + 1);
	memcpy(cf->arena, text, len);
	cf->arena[len] = '\0';
	cur = add_section(cf, "", "", 0);

	{
		const char *nul = memchr(text, '\0', len);
		if (nul != NULL) {
			unsigned nl = 1;
			for (const char *q = text; q < nul; q++)
				nl += *q == '\n';
			seterr(err, errlen, name, nl, "contains a NUL byte%s",
			       NULL);
			goto fail;
		}
	}
	for (p = cf->arena, end = cf->arena + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		char *s, *eq;

		line++;
		if ((size_t)(le - p) > CFG_MAX_LINE) {
			seterr(err, errlen, name, line,
			       "line longer than 4096 bytes%s", NULL);
			goto fail;
		}
		s = trim(p, le);
		p = nl ? nl + 1 : end;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			strip_comment(s, 1);
			s = trim(s, s + strlen(s));
			const char *sn, *sa, *why = parse_header(s, &sn, &sa);
			if (why) {
				seterr(err, errlen, name, line, "%s", why);
				goto fail;
			}
			for (size_t i = 0; i < cf->nsect; i++) {
				if (strcmp(cf->sect[i].name, sn) == 0 &&
				    strcmp(cf->sect[i].arg, sa) == 0) {
					seterr(err, errlen, name, line,
					       "duplicate section [%s]", sn);
					goto fail;
				}
			}
			cur = add_section(cf, sn, sa, line);
			continue;
		}
		eq = strchr(s, '=');
		if (eq == NULL) {
			seterr(err, errlen, name, line,
			       "expected 'key = value'%s", NULL);
			goto fail;
		}
		{
			char *k = trim(s, eq);
			char *v;
			size_t vl;

			strip_comment(eq + 1, eq[1] == ' ' || eq[1] == '\t');
			v = trim(eq + 1, eq + 1 + strlen(eq + 1));
			vl = strlen(v);

			if (!valid_key(k)) {
				seterr(err, errlen, name, line,
				       "invalid key '%s'", k);
				goto fail;
			}
			if (*v == '"') {
				if (vl < 2 || v[vl - 1] != '"') {
					seterr(err, errlen, name, line,
					       "unterminated quote%s", NULL);
					goto fail;
				}
				v[vl - 1] = '\0';
				v++;
			}
			for (size_t i = 0; i < cf->nent; i++) {
				if (cf->ent[i].section == cur &&
				    strcmp(cf->ent[i].key, k) == 0) {
					char msg[128];
					snprintf(
					    msg, sizeof(msg),
					    "duplicate key '%.60s' (first at "
					    "line %u)",
					    k, cf->ent[i].line);
					seterr(err, errlen, name, line, "%s",
					       msg);
					goto fail;
				}
			}
			cf->ent = xrealloc(cf->ent,
			                   (cf->nent + 1) * sizeof(*cf->ent));
			cf->ent[cf->nent++] = (struct cfg_entry){.key = k,
			                                         .value = v,
			                                         .line = line,
			                                         .section = cur,
			                                         .used = 0};
		}
	}
	return cf;
fail:
	cfg_free(cf);
	return NULL;
}

struct cfg_file *
cfg_load(const char *path, char *err, size_t errlen)
{
	char *text = NULL;
	char why[256];
	ssize_t n;
	struct cfg_file *cf;

	n = read_file_capped(path, &text, CFG_MAX_FILE, why, sizeof(why));
	if (n < 0) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	cf = cfg_parse(path, text, (size_t)n, err, errlen);
	free(text);
	return cf;
}

void
cfg_free(struct cfg_file *cf)
{
	if (cf == NULL)
		return;
	free(cf->name);
	free(cf->arena);
	free(cf->sect);
	free(cf->sect_used);
	free(cf->ent);
	free(cf);
}

const char *
cfg_name(const struct cfg_file *cf)
{
	return cf->name;
}

size_t
cfg_section_count(const struct cfg_file *cf)
{
	return cf->nsect;
}

const struct cfg_section *
cfg_section_at(const struct cfg_file *cf, size_t i)
{
	return i < cf->nsect ? &cf->sect[i] : NULL;
}

long
cfg_section_find(const struct cfg_file *cf, const char *name, const char *arg)
{
	for (size_t i = 0; i < cf->nsect; i++)
		if (strcmp(cf->sect[i].name, name) == 0 &&
		    (arg == NULL || strcmp(cf->sect[i].arg, arg) == 0))
			return (long)i;
	return -1;
}

void
cfg_section_claim(struct cfg_file *cf, size_t i)
{
	if (i < cf->nsect)
		cf->sect_used[i] = 1;
}

/* --- value converters ------------------------------------------------- */

static int
parse_ll(const char *s, long long *out, const char **rest)
{
	char *e;
	long long v;

	if (!isdigit((unsigned char)*s) && *s != '-')
		return -1;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno || e == s)
		return -1;
	*out = v;
	*rest = e;
	return 0;
}

static int
mul_ok(long long v, long long m, long long *out)
{
	if (v < 0 || (m && v > LLONG_MAX / m))
		return -1;
	*out = v * m;
	return 0;
}

int
cfg_parse_duration(const char *s, long long *out)
{
	const char *r;
	long long v, m;

	if (parse_ll(s, &v, &r) == -1)
		return -1;
	if (*r == '\0' || strcmp(r, "s") == 0)
		m = 1;
	else if (strcmp(r, "ms") == 0)
		return -1;
	else if (strcmp(r, "m") == 0 || strcmp(r, "min") == 0)
		m = 60;
	else if (strcmp(r, "h") == 0)
		m = 3600;
	else if (strcmp(r, "d") == 0)
		m = 86400;
	else
		return -1;
	return mul_ok(v, m, out);
}

int
cfg_parse_size(const char *s, long long *out)
{
	const char *r;
	long long v, m;

	if (parse_ll(s, &v, &r) == -1)
		return -1;
	while (*r == ' ')
		r++;
	switch (*r) {
	case '\0':
		m = 1;
		break;
	case 'k':
	case 'K':
		m = 1LL << 10;
		r++;
		break;
	case 'm':
	case 'M':
		m = 1LL << 20;
		r++;
		break;
	case 'g':
	case 'G':
		m = 1LL << 30;
		r++;
		break;
	case 't':
	case 'T':
		m = 1LL << 40;
		r++;
		break;
	case 'b':
	case 'B':
		m = 1;
		break;
	default:
		return -1;
	}
	if (m > 1 && (strcmp(r, "iB") == 0 || strcmp(r, "B") == 0 ||
	              strcmp(r, "ib") == 0 || strcmp(r, "b") == 0))
		r += strlen(r);
	else if (strcmp(r, "B") == 0 || strcmp(r, "b") == 0)
		r++;
	if (*r != '\0')
		return -1;
	return mul_ok(v, m, out);
}

int
cfg_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

int
cfg_parse_mode(const char *s, unsigned *out)
{
	unsigned v = 0;
	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -1;
		v = v * 8 + (unsigned)(*s - '0');
	}
	if (v > 07777)
		return -1;
	*out = v;
	return 0;
}

int
cfg_parse_list(const char *s, struct cfg_list *out)
{
	out->v = NULL;
	out->n = 0;
	while (*s) {
		size_t n;
		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		n = strcspn(s, ", \t");
		if (n == 0)
			break;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = xstrndup(s, n);
		s += n;
	}
	return 0;
}

void
cfg_list_free(struct cfg_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
parse_percent(const char *s, double *out)
{
	char *e;
	double v;

	/* digits and a point only: no "0x1p3", "inf", "1e2" or signs */
	if (*s == '\0' || strspn(s, "0123456789.") != strcspn(s, "%"))
		return -1;
	errno = 0;
	v = strtod(s, &e);
	if (e == s || errno || !isfinite(v))
		return -1;
	if (*e == '%')
		e++;
	if (*e != '\0' || v < 0 || v > 100)
		return -1;
	*out = v;
	return 0;
}

/* --- tables ------------------------------------------------------------ */

static const char *const type_names[] = {
    [CFG_STR] = "a string",
    [CFG_INT] = "an integer",
    [CFG_BOOL] = "yes or no",
    [CFG_DURATION] = "a duration (90, 5m, 2h, 7d)",
    [CFG_SIZE] = "a size (512, 64k, 4M, 1G)",
    [CFG_MODE] = "an octal mode (0770)",
    [CFG_LIST] = "a list",
    [CFG_PERCENT] = "a percentage (0-100)"};

/* set_value - convert s into def's field; -1 with a message in why. */
static int
set_value(const struct cfg_def *d, void *target, const char *s, char *why,
          size_t whylen)
{
	char *field = (char *)target + d->off;
	long long v = 0;
	int b;
	unsigned m;
	double pct;

	switch (d->type) {
	case CFG_STR:
		free(*(char **)field);
		*(char **)field = s ? xstrdup(s) : NULL;
		return 0;
	case CFG_LIST:
		cfg_list_free((struct cfg_list *)field);
		if (s)
			cfg_parse_list(s, (struct cfg_list *)field);
		return 0;
	case CFG_BOOL:
		if (s == NULL)
			b = 0;
		else if (cfg_parse_bool(s, &b) == -1)
			goto bad;
		*(int *)field = b;
		return 0;
	case CFG_MODE:
		if (s == NULL)
			m = 0;
		else if (cfg_parse_mode(s, &m) == -1)
			goto bad;
		*(unsigned *)field = m;
		return 0;
	case CFG_PERCENT:
		if (s == NULL)
			pct = 0;
		else if (parse_percent(s, &pct) == -1)
			goto bad;
		*(double *)field = pct;
		return 0;
	case CFG_INT:
		if (s == NULL) {
			*(long long *)field = -1; /* unset */
			return 0;
		}
		{
			const char *r;
			if (parse_ll(s, &v, &r) == -1 || *r)
				goto bad;
		}
		break;
	case CFG_DURATION:
	case CFG_SIZE:
		if (s == NULL) {
			*(long long *)field = -1; /* unset */
			return 0;
		}
		if ((d->type == CFG_DURATION ? cfg_parse_duration(s, &v)
		                             : cfg_parse_size(s, &v)) == -1)
			goto bad;
		break;
	}
	if ((d->min || d->max) && (v < d->min || v > d->max)) {
		snprintf(why, whylen, "%s must be between %lld and %lld",
		         d->name, d->min, d->max);
		return -1;
	}
	*(long long *)field = v;
	return 0;
bad:
	snprintf(why, whylen, "%s: expected %s, got '%.80s'", d->name,
	         type_names[d->type], s);
	return -1;
}

void
cfg_defaults(const struct cfg_def *defs, void *target)
{
	char why[256];
	for (const struct cfg_def *d = defs; d->name; d++) {
		if (d->type == CFG_STR)
			*(char **)((char *)target + d->off) = NULL;
		if (d->type == CFG_LIST)
			*(struct cfg_list *)((char *)target + d->off) =
			    (struct cfg_list){0};
		if (set_value(d, target, d->def, why, sizeof(why)) == -1)
			fatalx("built-in default of %s is invalid: %s", d->name,
			       why);
	}
}

int
cfg_apply(struct cfg_file *cf, size_t i, const struct cfg_def *defs,
          void *target, char *err, size_t errlen)
{
	char why[256];

	if (i >= cf->nsect)
		return 0;
	cf->sect_used[i] = 1;
	for (size_t e = 0; e < cf->nent; e++) {
		struct cfg_entry *en = &cf->ent[e];
		if (en->section != i)
			continue;
		for (const struct cfg_def *d = defs; d->name; d++) {
			if (strcmp(d->name, en->key) != 0)
				continue;
			if (set_value(d, target, en->value, why, sizeof(why)) ==
			    -1) {
				seterr(err, errlen, cf->name, en->line, "%s",
				       why);
				return -1;
			}
			en->used = 1;
			break;
		}
	}
	return 0;
}

unsigned
cfg_key_line(const struct cfg_file *cf, size_t i, const char *key)
{
	for (size_t e = 0; e < cf->nent; e++)
		if (cf->ent[e].section == i && strcmp(cf->ent[e].key, key) == 0)
			return cf->ent[e].line;
	return 0;
}

int
cfg_check_unused(const struct cfg_file *cf, char *err, size_t errlen)
{
	for (size_t s = 1; s < cf->nsect; s++) {
		if (!cf->sect_used[s]) {
			seterr(err, errlen, cf->name, cf->sect[s].line,
			       "unknown section [%s]", cf->sect[s].name);
			return -1;
		}
	}
	for (size_t e = 0; e < cf->nent; e++) {
		if (!cf->ent[e].used) {
			const struct cfg_section *s =
			    &cf->sect[cf->ent[e].section];
			char msg[160];
			snprintf(msg, sizeof(msg),
			         "unknown key '%.60s'%s%.40s%s", cf->ent[e].key,
			         *s->name ? " in [" : "", s->name,
			         *s->name ? "]" : "");
			seterr(err, errlen, cf->name, cf->ent[e].line, "%s",
			       msg);
			return -1;
		}
	}
	return 0;
}

void
cfg_free_values(const struct cfg_def *defs, void *target)
{
	for (const struct cfg_def *d = defs; d->name; d++) {
		char *field = (char *)target + d->off;
		if (d->type == CFG_STR) {
			free(*(char **)field);
			*(char **)field = NULL;
		} else if (d->type == CFG_LIST) {
			cfg_list_free((struct cfg_list *)field);
		}
	}
}

int
cfg_is_secret(const char *name)
{
	static const char *const words[] = {"token", "secret", "password"};
	size_t n = strlen(name);

	/* a file naming the secret is not the secret */
	if (n >= 5 && strcmp(name + n - 5, "_file") == 0)
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(name, words[i]) != NULL)
			return 1;
	return 0;
}

/* needs_quotes - would the value read back differently unquoted? */
static int
needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return 0;
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '"' || s[0] == '#' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t')
		return 1;
	return strstr(s, " #") != NULL || strstr(s, "\t#") != NULL;
}

void
cfg_print(FILE *fp, const struct cfg_def *defs, const void *target)
{
	for (const struct cfg_def *d = defs; d->name; d++) {
		const char *field = (const char *)target + d->off;
		if (d->help)
			fprintf(fp, "# %s\n", d->help);
		fprintf(fp, "%s = ", d->name);
		switch (d->type) {
		case CFG_STR: {
			/* secrets are never printed, only whether they are set
			 */
			const char *s = *(char *const *)field;
			if (s && cfg_is_secret(d->name))
				fprintf(fp, "<set, hidden>");
			else if (s && needs_quotes(s))
				fprintf(fp, "\"%s\"", s);
			else
				fprintf(fp, "%s", s ? s : "");
			break;
		}
		case CFG_LIST: {
			const struct cfg_list *l =
			    (const struct cfg_list *)field;
			if (l->n && cfg_is_secret(d->name)) {
				fprintf(fp, "<%zu set, hidden>", l->n);
				break;
			}
			for (size_t i = 0; i < l->n; i++)
				fprintf(fp, "%s%s", i ? ", " : "", l->v[i]);
			break;
		}
		case CFG_BOOL:
			fprintf(fp, "%s", *(const int *)field ? "yes" : "no");
			break;
		case CFG_MODE:
			fprintf(fp, "%04o", *(const unsigned *)field);
			break;
		case CFG_PERCENT:
			fprintf(fp, "%g", *(const double *)field);
			break;
		case CFG_DURATION:
			fprintf(fp, "%llds", *(const long long *)field);
			break;
		case CFG_INT:
		case CFG_SIZE:
			fprintf(fp, "%lld", *(const long long *)field);
			break;
		}
		fputc('\n', fp);
	}
}
