/*
 * config.h - the "key = value" configuration format shared by agent.conf
 * and collector.conf.
 *
 *	# comment
 *	server = http://collector:8470     top-level keys come first
 *	[logs]                             a section
 *	files = /var/log/maillog, /var/log/messages
 *	[spool /var/spool/clientmqueue]    a section with an argument
 *	mode = 0770
 *
 * cfg_parse() only checks the syntax and keeps every key with its line.
 * Each part of a program then applies a table of typed definitions
 * (struct cfg_def, Fluent Bit's config_map) to the section it owns with
 * cfg_apply(); values are converted and range-checked there, and the keys
 * it takes are marked used.  cfg_check_unused() finally reports the first
 * key nobody claimed.  Every error names FILE:LINE.
 *
 * Values are strings up to CFG_MAX_LINE bytes; surrounding blanks are
 * dropped, and a value may be quoted with "..." to keep them.  A '#'
 * after a blank (outside quotes) starts a comment that runs to the end of
 * the line, so "interval = 60   # a minute" is 60 but "http://h/#x" keeps
 * its '#'.  Duplicate keys in one section and duplicate sections are
 * errors.
 */
#ifndef SPOOLWATCH_CONFIG_H
#define SPOOLWATCH_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#define CFG_MAX_LINE 4096

enum cfg_type {
	CFG_STR,      /* char *, owned by the target (cfg_free_values) */
	CFG_INT,      /* long long, min..max */
	CFG_BOOL,     /* int: yes/no, true/false, on/off, 1/0 */
	CFG_DURATION, /* long long seconds: 90, 90s, 5m, 2h, 7d */
	CFG_SIZE,     /* long long bytes: 512, 64k, 4M, 1G, 4MiB */
	CFG_MODE,     /* unsigned: octal file mode, 0..07777 */
	CFG_LIST,     /* struct cfg_list: comma and/or blank separated */
	CFG_PERCENT,  /* double, 0..100 */
};

struct cfg_list {
	char **v; /* n strings, owned */
	size_t n;
};

struct cfg_def {
	const char *name;
	enum cfg_type type;
	const char *def;    /* default as text; NULL: unset (STR and LIST
	                     * empty, INT/DURATION/SIZE -1, others 0) */
	size_t off;         /* offsetof() the field in the target struct */
	long long min, max; /* for INT, DURATION, SIZE; both 0: no bound */
	const char *help;   /* one line, printed by --check-config */
};

struct cfg_section {
	const char *name; /* "" for the top level */
	const char *arg;  /* "" when the header has none */
	unsigned line;    /* of the header; 0 for the top level */
};

struct cfg_file;

struct cfg_file *cfg_load(const char *path, char *err, size_t errlen);
struct cfg_file *cfg_parse(const char *name, const char *text, size_t len,
                           char *err, size_t errlen);
void cfg_free(struct cfg_file *cf);

const char *cfg_name(const struct cfg_file *cf);
size_t cfg_section_count(const struct cfg_file *cf);
const struct cfg_section *cfg_section_at(const struct cfg_file *cf, size_t i);
/* cfg_section_find - index of [name arg] (arg NULL: any), or -1. */
long cfg_section_find(const struct cfg_file *cf, const char *name,
                      const char *arg);
/* cfg_section_claim - mark a section as known (even if it has no keys). */
void cfg_section_claim(struct cfg_file *cf, size_t i);

/* cfg_defaults - set every field of target from the table's defaults. */
void cfg_defaults(const struct cfg_def *defs, void *target);
/* cfg_apply - apply section i's keys named in defs; -1 and err on error. */
int cfg_apply(struct cfg_file *cf, size_t i, const struct cfg_def *defs,
              void *target, char *err, size_t errlen);
/* cfg_key_line - the line of key in section i, or 0 if it is not there
 * (for errors a part finds in a value after cfg_apply). */
unsigned cfg_key_line(const struct cfg_file *cf, size_t i, const char *key);
/* cfg_check_unused - -1 and "FILE:LINE: unknown key" if any is left. */
int cfg_check_unused(const struct cfg_file *cf, char *err, size_t errlen);
/* cfg_free_values - free the STR and LIST fields of target. */
void cfg_free_values(const struct cfg_def *defs, void *target);
/*
 * cfg_print - print a section's effective values, "key = value" lines.
 * Secrets (cfg_is_secret) print as "<set, hidden>"; values that would not
 * read back as they are get quotes.
 */
void cfg_print(FILE *fp, const struct cfg_def *defs, const void *target);
/* cfg_is_secret - 1 for names holding "token", "secret" or "password"
 * (but not "..._file", which names where the secret is kept). */
int cfg_is_secret(const char *name);

/* Value converters, also used for command-line flags. */
int cfg_parse_duration(const char *s, long long *out);
int cfg_parse_size(const char *s, long long *out);
int cfg_parse_bool(const char *s, int *out);
int cfg_parse_mode(const char *s, unsigned *out);
int cfg_parse_list(const char *s, struct cfg_list *out);
void cfg_list_free(struct cfg_list *l);

#endif
