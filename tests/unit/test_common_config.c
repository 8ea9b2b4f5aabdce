/*
 * test_common_config.c - the "key = value" parser, the typed tables and
 * the value converters, including malformed and hostile input.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/config.h"

/* A target with one field of every type. */
struct all {
	char *str;
	long long num;
	int flag;
	long long dur;
	long long size;
	unsigned mode;
	struct cfg_list list;
	double pct;
	char *token;
	char *token_file;
	long long unset_num;
	struct cfg_list secret_list;
};

#define OFF(f) offsetof(struct all, f)

static const struct cfg_def all_defs[] = {
    {"str", CFG_STR, "hello", OFF(str), 0, 0, "a string"},
    {"num", CFG_INT, "5", OFF(num), 1, 10, "an integer"},
    {"flag", CFG_BOOL, "yes", OFF(flag), 0, 0, NULL},
    {"dur", CFG_DURATION, "5m", OFF(dur), 0, 0, NULL},
    {"size", CFG_SIZE, "4k", OFF(size), 0, 1LL << 30, NULL},
    {"mode", CFG_MODE, "0770", OFF(mode), 0, 0, NULL},
    {"list", CFG_LIST, "a, b c", OFF(list), 0, 0, NULL},
    {"pct", CFG_PERCENT, "85", OFF(pct), 0, 0, NULL},
    {"token", CFG_STR, NULL, OFF(token), 0, 0, NULL},
    {"token_file", CFG_STR, NULL, OFF(token_file), 0, 0, NULL},
    {"unset_num", CFG_INT, NULL, OFF(unset_num), 0, 0, NULL},
    {"ingest_tokens", CFG_LIST, NULL, OFF(secret_list), 0, 0, NULL},
    {NULL, 0, NULL, 0, 0, 0, NULL},
};

static struct cfg_file *
parse(const char *text, char *err, size_t errlen)
{
	err[0] = '\0';
	return cfg_parse("t.conf", text, strlen(text), err, errlen);
}

/* parse_fails - text must be rejected with an error containing want. */
static void
parse_fails(const char *text, size_t len, const char *want)
{
	char err[512] = "";
	struct cfg_file *cf = cfg_parse("t.conf", text, len, err, sizeof(err));
	if (cf != NULL) {
		cfg_free(cf);
		fail_msg("accepted: %.*s", (int)(len > 60 ? 60 : len), text);
	}
	if (strstr(err, want) == NULL)
		fail_msg("error '%s' lacks '%s'", err, want);
}

/* PARSE_FAILS - parse_fails on a string literal, NUL bytes included. */
#define PARSE_FAILS(lit, want) parse_fails(lit, sizeof(lit) - 1, want)

/* value_of - apply {key: STR} to section sect of text and return the
 * value seen (static buffer), or NULL when parsing fails. */
static const char *
value_of(const char *text)
{
	static char out[CFG_MAX_LINE + 1];
	struct target {
		char *v;
	} t;
	static const struct cfg_def d[] = {
	    {"key", CFG_STR, NULL, offsetof(struct target, v), 0, 0, NULL},
	    {NULL, 0, NULL, 0, 0, 0, NULL},
	};
	char err[256];
	struct cfg_file *cf = parse(text, err, sizeof(err));

	if (cf == NULL)
		return NULL;
	cfg_defaults(d, &t);
	assert_int_equal(cfg_apply(cf, 0, d, &t, err, sizeof(err)), 0);
	snprintf(out, sizeof(out), "%s", t.v ? t.v : "(unset)");
	cfg_free_values(d, &t);
	cfg_free(cf);
	return out;
}

static void
test_empty_and_comments(void **state)
{
	char err[256];
	struct cfg_file *cf;
	(void)state;

	cf = cfg_parse("t.conf", "", 0, err, sizeof(err));
	assert_non_null(cf);
	assert_int_equal(cfg_section_count(cf), 1);	/* the top level */
	assert_string_equal(cfg_section_at(cf, 0)->name, "");
	assert_null(cfg_section_at(cf, 1));
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), 0);
	assert_string_equal(cfg_name(cf), "t.conf");
	cfg_free(cf);

	cf = parse("# only\n; comments\n\n   \t\n\r\n  # indented\n", err,
	    sizeof(err));
	assert_non_null(cf);
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), 0);
	cfg_free(cf);
}

static void
test_values_trim_quote_and_comment(void **state)
{
	(void)state;
	assert_string_equal(value_of("key = plain"), "plain");
	assert_string_equal(value_of("key=tight"), "tight");
	assert_string_equal(value_of("  key\t=\t padded \t\r\n"), "padded");
	assert_string_equal(value_of("key = a = b"), "a = b");
	assert_string_equal(value_of("key ="), "");
	assert_string_equal(value_of("key = \"  kept  \""), "  kept  ");
	assert_string_equal(value_of("key = \"\""), "");
	assert_string_equal(value_of("key = \"a\"b\""), "a\"b");
	/* inline comments: '#' after a blank, outside quotes */
	assert_string_equal(value_of("key = 60   # a minute"), "60");
	assert_string_equal(value_of("key = 60\t#tab"), "60");
	assert_string_equal(value_of("key = # all comment"), "");
	assert_string_equal(value_of("key = http://h/#frag"), "http://h/#frag");
	assert_string_equal(value_of("key=#x"), "#x");
	assert_string_equal(value_of("key = \"a # b\"  # c \"q\""), "a # b");
	assert_string_equal(value_of("key = a#b # c"), "a#b");
	/* the last line needs no newline; CRLF files work */
	assert_string_equal(value_of("x = 1\r\nkey = crlf\r\n"), "crlf");
}

static void
test_non_utf8_values_kept(void **state)
{
	(void)state;
	/* bytes are kept as they are, whatever the encoding */
	assert_string_equal(value_of("key = \xff\xfe caf\xe9 \xc3("),
	    "\xff\xfe caf\xe9 \xc3(");
	assert_string_equal(value_of("key = gr\xc3\xbc\xc3\x9f"),
	    "gr\xc3\xbc\xc3\x9f");
}

static void
test_syntax_errors_name_file_and_line(void **state)
{
	(void)state;
	PARSE_FAILS("a = 1\nno equals here\n", "t.conf:2: expected");
	PARSE_FAILS("= value\n", "t.conf:1: invalid key");
	PARSE_FAILS("bad key = 1\n", "t.conf:1: invalid key");
	PARSE_FAILS("k\xff = 1\n", "t.conf:1: invalid key");
	PARSE_FAILS("\n\nkey = \"open\n", "t.conf:3: unterminated quote");
	PARSE_FAILS("key = \"\n", "t.conf:1: unterminated quote");
	PARSE_FAILS("[]\n", "t.conf:1: malformed section");
	PARSE_FAILS("[ ]\n", "t.conf:1: malformed section");
	PARSE_FAILS("[logs\n", "t.conf:1: malformed section header");
	PARSE_FAILS("[lo/gs]\n", "t.conf:1: malformed section name");
	PARSE_FAILS("[spool \"/a]\n", "t.conf:1: unterminated quote");
}

static void
test_duplicates(void **state)
{
	char err[256];
	struct cfg_file *cf;
	(void)state;

	PARSE_FAILS("a = 1\nb = 2\na = 3\n",
	    "t.conf:3: duplicate key 'a' (first at line 1)");
	PARSE_FAILS("[s]\na = 1\n[t]\n[s]\n",
	    "t.conf:4: duplicate section [s]");
	PARSE_FAILS("[spool /a]\n[spool \"/a\"]\n",
	    "t.conf:2: duplicate section [spool]");
	/* the same key in different sections is fine */
	cf = parse("a = 1\n[s]\na = 2\n[t]\na = 3\n", err, sizeof(err));
	assert_non_null(cf);
	cfg_free(cf);
}

static void
test_over_long_lines(void **state)
{
	char *text = malloc(2 * CFG_MAX_LINE + 16), err[256];
	struct cfg_file *cf;
	const char *v;
	(void)state;

	/* exactly CFG_MAX_LINE bytes is fine */
	memcpy(text, "key = ", 6);
	memset(text + 6, 'v', CFG_MAX_LINE - 6);
	text[CFG_MAX_LINE] = '\n';
	text[CFG_MAX_LINE + 1] = '\0';
	v = value_of(text);
	assert_non_null(v);
	assert_int_equal(strlen(v), CFG_MAX_LINE - 6);

	/* one more byte on line 2 is an error naming line 2 */
	memcpy(text, "a = 1\nkey = ", 12);
	memset(text + 12, 'v', CFG_MAX_LINE - 5);
	text[CFG_MAX_LINE + 7] = '\0';
	parse_fails(text, strlen(text), "t.conf:2: line longer than 4096");

	/* a huge comment line is no exception */
	memset(text, '#', 2 * CFG_MAX_LINE);
	cf = cfg_parse("t.conf", text, 2 * CFG_MAX_LINE, err, sizeof(err));
	assert_null(cf);
	assert_non_null(strstr(err, "t.conf:1: line longer"));
	free(text);
}

static void
test_nul_bytes(void **state)
{
	(void)state;
	PARSE_FAILS("a = 1\nb = x\0y\n", "t.conf:2: contains a NUL byte");
	PARSE_FAILS("\0", "t.conf:1: contains a NUL byte");
	PARSE_FAILS("# c\n#\0\n", "t.conf:2: contains a NUL");
}

static void
test_sections_with_args(void **state)
{
	char err[256];
	struct cfg_file *cf;
	const struct cfg_section *s;
	(void)state;

	cf = parse("top = 1\n"
		   "[logs]\n"
		   "files = /var/log/maillog\n"
		   "[spool /var/spool/clientmqueue]   # the MSP queue\n"
		   "mode = 0770\n"
		   "[spool \"/var/spool/with space\"]\n"
		   "[  spool\t /var/spool/mqueue  ]\n",
	    err, sizeof(err));
	assert_non_null(cf);
	assert_int_equal(cfg_section_count(cf), 5);
	s = cfg_section_at(cf, 1);
	assert_string_equal(s->name, "logs");
	assert_string_equal(s->arg, "");
	assert_int_equal(s->line, 2);
	s = cfg_section_at(cf, 2);
	assert_string_equal(s->name, "spool");
	assert_string_equal(s->arg, "/var/spool/clientmqueue");
	assert_int_equal(s->line, 4);
	assert_string_equal(cfg_section_at(cf, 3)->arg, "/var/spool/with space");
	assert_string_equal(cfg_section_at(cf, 4)->arg, "/var/spool/mqueue");
	assert_int_equal(cfg_section_find(cf, "logs", NULL), 1);
	assert_int_equal(cfg_section_find(cf, "spool", NULL), 2);
	assert_int_equal(cfg_section_find(cf, "spool", "/var/spool/mqueue"), 4);
	assert_int_equal(cfg_section_find(cf, "spool", "/nope"), -1);
	assert_int_equal(cfg_section_find(cf, "mail", NULL), -1);
	assert_int_equal(cfg_section_find(cf, "", NULL), 0);
	cfg_free(cf);
}

static void
test_defaults(void **state)
{
	struct all a;
	(void)state;

	cfg_defaults(all_defs, &a);
	assert_string_equal(a.str, "hello");
	assert_int_equal(a.num, 5);
	assert_int_equal(a.flag, 1);
	assert_int_equal(a.dur, 300);
	assert_int_equal(a.size, 4096);
	assert_int_equal(a.mode, 0770);
	assert_int_equal(a.list.n, 3);
	assert_string_equal(a.list.v[0], "a");
	assert_string_equal(a.list.v[2], "c");
	assert_true(a.pct == 85.0);
	assert_null(a.token);
	assert_int_equal(a.unset_num, -1);
	assert_int_equal(a.secret_list.n, 0);
	cfg_free_values(all_defs, &a);
	assert_null(a.str);
	assert_null(a.list.v);
	assert_int_equal(a.list.n, 0);
}

static void
test_apply_every_type(void **state)
{
	char err[256];
	struct cfg_file *cf;
	struct all a;
	(void)state;

	cf = parse("str = \" spaced \"\n"
		   "num = 10\n"
		   "flag = Off\n"
		   "dur = 2h\n"
		   "size = 64MiB\n"
		   "mode = 0755\n"
		   "list = x,y ,, z\t w\n"
		   "pct = 92.5%\n"
		   "token = s3cr3t\n"
		   "unset_num = -7\n",
	    err, sizeof(err));
	assert_non_null(cf);
	cfg_defaults(all_defs, &a);
	assert_int_equal(cfg_apply(cf, 0, all_defs, &a, err, sizeof(err)), 0);
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), 0);
	assert_string_equal(a.str, " spaced ");
	assert_int_equal(a.num, 10);
	assert_int_equal(a.flag, 0);
	assert_int_equal(a.dur, 7200);
	assert_int_equal(a.size, 64LL << 20);
	assert_int_equal(a.mode, 0755);
	assert_int_equal(a.list.n, 4);
	assert_string_equal(a.list.v[0], "x");
	assert_string_equal(a.list.v[1], "y");
	assert_string_equal(a.list.v[2], "z");
	assert_string_equal(a.list.v[3], "w");
	assert_true(a.pct == 92.5);
	assert_string_equal(a.token, "s3cr3t");
	assert_int_equal(a.unset_num, -7);
	cfg_free_values(all_defs, &a);
	cfg_free(cf);
}

/* apply_fails - one "key = value" line against all_defs must fail with a
 * message naming t.conf:1 and containing want. */
static void
apply_fails(const char *line, const char *want)
{
	char err[256] = "";
	struct cfg_file *cf = parse(line, err, sizeof(err));
	struct all a;
	int rc;

	assert_non_null(cf);
	cfg_defaults(all_defs, &a);
	rc = cfg_apply(cf, 0, all_defs, &a, err, sizeof(err));
	cfg_free_values(all_defs, &a);
	cfg_free(cf);
	if (rc != -1)
		fail_msg("accepted: %s", line);
	if (strncmp(err, "t.conf:1: ", 10) != 0 || strstr(err, want) == NULL)
		fail_msg("for '%s': error '%s' lacks '%s'", line, err, want);
}

static void
test_apply_bounds_and_type_errors(void **state)
{
	(void)state;
	apply_fails("num = 0", "num must be between 1 and 10");
	apply_fails("num = 11", "between 1 and 10");
	apply_fails("num = 1x", "num: expected an integer, got '1x'");
	apply_fails("num = ", "expected an integer");
	apply_fails("num = 99999999999999999999", "expected an integer");
	apply_fails("flag = maybe", "flag: expected yes or no");
	apply_fails("dur = 5 weeks", "dur: expected a duration");
	apply_fails("dur = -5", "expected a duration");
	apply_fails("size = 2G", "size must be between 0 and 1073741824");
	apply_fails("size = 4X", "expected a size");
	apply_fails("mode = 0778", "expected an octal mode");
	apply_fails("mode = 17777", "expected an octal mode");
	apply_fails("pct = 100.1", "expected a percentage");
	apply_fails("pct = -1", "expected a percentage");
	apply_fails("pct = nan", "expected a percentage");
	apply_fails("pct = 0x10", "expected a percentage");
}

static void
test_unused_keys_and_sections(void **state)
{
	char err[256];
	struct cfg_file *cf;
	struct all a;
	(void)state;

	cf = parse("num = 3\nnmu = 4\n", err, sizeof(err));
	assert_non_null(cf);
	cfg_defaults(all_defs, &a);
	assert_int_equal(cfg_apply(cf, 0, all_defs, &a, err, sizeof(err)), 0);
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:2: unknown key 'nmu'");
	cfg_free_values(all_defs, &a);
	cfg_free(cf);

	/* a key in a claimed section that the table does not know */
	cf = parse("[s]\nnum = 3\n[t]\nfoo = 1\n", err, sizeof(err));
	assert_non_null(cf);
	cfg_defaults(all_defs, &a);
	assert_int_equal(cfg_apply(cf, 1, all_defs, &a, err, sizeof(err)), 0);
	assert_int_equal(a.num, 3);
	/* [t] is unknown: sections are reported before keys */
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:3: unknown section [t]");
	cfg_section_claim(cf, 3);	/* out of range: ignored */
	cfg_section_claim(cf, 2);
	assert_int_equal(cfg_check_unused(cf, err, sizeof(err)), -1);
	assert_string_equal(err, "t.conf:4: unknown key 'foo' in [t]");
	cfg_free_values(all_defs, &a);
	cfg_free(cf);

	/* applying past the last section does nothing */
	cf = parse("", err, sizeof(err));
	cfg_defaults(all_defs, &a);
	assert_int_equal(cfg_apply(cf, 7, all_defs, &a, err, sizeof(err)), 0);
	assert_int_equal(a.num, 5);
	cfg_free_values(all_defs, &a);
	cfg_free(cf);
}

static void
test_load_from_disk(void **state)
{
	char dir[] = "/tmp/test_config.XXXXXX", path[256], err[512];
	struct cfg_file *cf;
	FILE *fp;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/agent.conf", dir);
	cf = cfg_load(path, err, sizeof(err));
	assert_null(cf);
	assert_non_null(strstr(err, "No such file"));
	assert_non_null(strstr(err, path));

	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("num = 4\n\n[x]\nbroken\n", fp);
	fclose(fp);
	cf = cfg_load(path, err, sizeof(err));
	assert_null(cf);
	{
		char want[300];
		snprintf(want, sizeof(want), "%s:4: expected", path);
		assert_non_null(strstr(err, want));
	}
	fp = fopen(path, "w");
	fputs("num = 4\n", fp);
	fclose(fp);
	cf = cfg_load(path, err, sizeof(err));
	assert_non_null(cf);
	assert_string_equal(cfg_name(cf), path);
	cfg_free(cf);

	/* a directory is not a config file */
	cf = cfg_load(dir, err, sizeof(err));
	assert_null(cf);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(path);
	rmdir(dir);
}

static void
test_durations(void **state)
{
	long long v;
	(void)state;
	assert_int_equal(cfg_parse_duration("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(cfg_parse_duration("90s", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(cfg_parse_duration("5m", &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(cfg_parse_duration("5min", &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(cfg_parse_duration("2h", &v), 0);
	assert_int_equal(v, 7200);
	assert_int_equal(cfg_parse_duration("7d", &v), 0);
	assert_int_equal(v, 604800);
	assert_int_equal(cfg_parse_duration("0", &v), 0);
	assert_int_equal(v, 0);
	v = 42;
	assert_int_equal(cfg_parse_duration("", &v), -1);
	assert_int_equal(cfg_parse_duration("s", &v), -1);
	assert_int_equal(cfg_parse_duration("-1", &v), -1);
	assert_int_equal(cfg_parse_duration("+1", &v), -1);
	assert_int_equal(cfg_parse_duration("100ms", &v), -1);
	assert_int_equal(cfg_parse_duration("1w", &v), -1);
	assert_int_equal(cfg_parse_duration("1 h", &v), -1);
	assert_int_equal(cfg_parse_duration("1hh", &v), -1);
	assert_int_equal(cfg_parse_duration("1.5h", &v), -1);
	/* overflow of the number and of the multiplication */
	assert_int_equal(cfg_parse_duration("9223372036854775808", &v), -1);
	assert_int_equal(cfg_parse_duration("9223372036854775807", &v), 0);
	assert_int_equal(v, LLONG_MAX);
	assert_int_equal(cfg_parse_duration("9223372036854775807d", &v), -1);
	assert_int_equal(cfg_parse_duration("106751991167300d", &v), 0);
	assert_int_equal(cfg_parse_duration("106751991167301d", &v), -1);
}

static void
test_sizes(void **state)
{
	long long v;
	(void)state;
	static const struct {
		const char *s;
		long long v;
	} good[] = {
	    {"512", 512}, {"512b", 512}, {"512B", 512}, {"64k", 64 << 10},
	    {"64K", 64 << 10}, {"64kB", 64 << 10}, {"64KiB", 64 << 10},
	    {"4M", 4 << 20}, {"4MiB", 4 << 20}, {"4 M", 4 << 20},
	    {"1G", 1LL << 30}, {"1GB", 1LL << 30}, {"2T", 2LL << 40},
	    {"0", 0}, {"0k", 0},
	};
	static const char *const bad[] = {
	    "", "k", "-1", "-1k", "4X", "4MM", "4Mi", "4MiBs", "4bB", "1.5M",
	    "9223372036854775807k", "99999999999999999999",
	    "8388608T",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -5;
		if (cfg_parse_size(good[i].s, &v) != 0 || v != good[i].v)
			fail_msg("'%s': got %lld", good[i].s, v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cfg_parse_size(bad[i], &v) != -1)
			fail_msg("'%s' accepted as %lld", bad[i], v);
	assert_int_equal(cfg_parse_size("8388607T", &v), 0);
	assert_int_equal(v, 8388607LL << 40);
}

static void
test_bools_modes_lists(void **state)
{
	int b = 7;
	unsigned m = 1;
	struct cfg_list l;
	static const char *const yes[] = {"yes", "YES", "true", "True", "on",
	    "1"};
	static const char *const no[] = {"no", "No", "false", "FALSE", "off",
	    "0"};
	static const char *const badb[] = {"", "y", "n", "2", "yess", "on ",
	    "enabled"};
	(void)state;

	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(cfg_parse_bool(yes[i], &b), 0);
		assert_int_equal(b, 1);
		assert_int_equal(cfg_parse_bool(no[i], &b), 0);
		assert_int_equal(b, 0);
	}
	for (size_t i = 0; i < sizeof(badb) / sizeof(badb[0]); i++)
		assert_int_equal(cfg_parse_bool(badb[i], &b), -1);

	assert_int_equal(cfg_parse_mode("0770", &m), 0);
	assert_int_equal(m, 0770);
	assert_int_equal(cfg_parse_mode("755", &m), 0);
	assert_int_equal(m, 0755);
	assert_int_equal(cfg_parse_mode("7777", &m), 0);
	assert_int_equal(m, 07777);
	assert_int_equal(cfg_parse_mode("07777", &m), 0);
	assert_int_equal(cfg_parse_mode("0", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(cfg_parse_mode("", &m), -1);
	assert_int_equal(cfg_parse_mode("0778", &m), -1);
	assert_int_equal(cfg_parse_mode("10000", &m), -1);
	assert_int_equal(cfg_parse_mode("000000", &m), -1);
	assert_int_equal(cfg_parse_mode("-1", &m), -1);
	assert_int_equal(cfg_parse_mode("rwx", &m), -1);
	assert_int_equal(cfg_parse_mode(" 755", &m), -1);

	assert_int_equal(cfg_parse_list("", &l), 0);
	assert_int_equal(l.n, 0);
	cfg_list_free(&l);
	assert_int_equal(cfg_parse_list(" , ,\t", &l), 0);
	assert_int_equal(l.n, 0);
	cfg_list_free(&l);
	assert_int_equal(cfg_parse_list("/var/log/maillog, /var/log/messages",
	    &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1], "/var/log/messages");
	cfg_list_free(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void
test_print_hides_secrets(void **state)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	struct cfg_file *cf;
	struct all a;
	FILE *fp;
	(void)state;

	assert_int_equal(cfg_is_secret("token"), 1);
	assert_int_equal(cfg_is_secret("ingest_tokens"), 1);
	assert_int_equal(cfg_is_secret("db_password"), 1);
	assert_int_equal(cfg_is_secret("client_secret"), 1);
	assert_int_equal(cfg_is_secret("token_file"), 0);
	assert_int_equal(cfg_is_secret("password_file"), 0);
	assert_int_equal(cfg_is_secret("server"), 0);

	cf = parse("token = hunter2\ntoken_file = /etc/t\n"
		   "ingest_tokens = aaa, bbb\nstr = \" x # y\"\n",
	    err, sizeof(err));
	assert_non_null(cf);
	cfg_defaults(all_defs, &a);
	assert_int_equal(cfg_apply(cf, 0, all_defs, &a, err, sizeof(err)), 0);
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	cfg_print(fp, all_defs, &a);
	fclose(fp);
	assert_null(strstr(buf, "hunter2"));
	assert_null(strstr(buf, "aaa"));
	assert_non_null(strstr(buf, "\ntoken = <set, hidden>\n"));
	assert_non_null(strstr(buf, "\ningest_tokens = <2 set, hidden>\n"));
	assert_non_null(strstr(buf, "\ntoken_file = /etc/t\n"));
	assert_non_null(strstr(buf, "# a string\nstr = \" x # y\"\n"));
	assert_non_null(strstr(buf, "\nnum = 5\n"));
	assert_non_null(strstr(buf, "\nflag = yes\n"));
	assert_non_null(strstr(buf, "\ndur = 300s\n"));
	assert_non_null(strstr(buf, "\nsize = 4096\n"));
	assert_non_null(strstr(buf, "\nmode = 0770\n"));
	assert_non_null(strstr(buf, "\nlist = a, b, c\n"));
	assert_non_null(strstr(buf, "\npct = 85\n"));
	free(buf);
	cfg_free_values(all_defs, &a);
	cfg_free(cf);

	/* an unset secret prints as empty, not as "hidden" */
	cfg_defaults(all_defs, &a);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	cfg_print(fp, all_defs, &a);
	fclose(fp);
	assert_non_null(strstr(buf, "\ntoken = \n"));
	assert_non_null(strstr(buf, "\ningest_tokens = \n"));
	free(buf);
	cfg_free_values(all_defs, &a);
}

/* The printed configuration reads back to the same values. */
static void
test_print_round_trips(void **state)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	struct cfg_file *cf;
	struct all a, b;
	FILE *fp;
	(void)state;

	cf = parse("str = \"  a # b \"\nnum = 7\nflag = no\ndur = 1d\n"
		   "size = 1M\nmode = 0600\nlist = p q\npct = 12.25\n",
	    err, sizeof(err));
	cfg_defaults(all_defs, &a);
	assert_int_equal(cfg_apply(cf, 0, all_defs, &a, err, sizeof(err)), 0);
	cfg_free(cf);
	fp = open_memstream(&buf, &len);
	cfg_print(fp, all_defs, &a);
	fclose(fp);
	cf = parse(buf, err, sizeof(err));
	assert_non_null(cf);
	cfg_defaults(all_defs, &b);
	/* skip the unset ones that print empty and the hidden ones */
	{
		static const struct cfg_def sub[] = {
		    {"str", CFG_STR, NULL, OFF(str), 0, 0, NULL},
		    {"num", CFG_INT, NULL, OFF(num), 0, 0, NULL},
		    {"flag", CFG_BOOL, NULL, OFF(flag), 0, 0, NULL},
		    {"dur", CFG_DURATION, NULL, OFF(dur), 0, 0, NULL},
		    {"size", CFG_SIZE, NULL, OFF(size), 0, 0, NULL},
		    {"mode", CFG_MODE, NULL, OFF(mode), 0, 0, NULL},
		    {"list", CFG_LIST, NULL, OFF(list), 0, 0, NULL},
		    {"pct", CFG_PERCENT, NULL, OFF(pct), 0, 0, NULL},
		    {NULL, 0, NULL, 0, 0, 0, NULL},
		};
		assert_int_equal(cfg_apply(cf, 0, sub, &b, err, sizeof(err)),
		    0);
	}
	assert_string_equal(b.str, "  a # b ");
	assert_int_equal(b.num, 7);
	assert_int_equal(b.flag, 0);
	assert_int_equal(b.dur, 86400);
	assert_int_equal(b.size, 1 << 20);
	assert_int_equal(b.mode, 0600);
	assert_int_equal(b.list.n, 2);
	assert_true(b.pct == 12.25);
	free(buf);
	cfg_free_values(all_defs, &a);
	cfg_free_values(all_defs, &b);
	cfg_free(cf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_and_comments),
	    cmocka_unit_test(test_values_trim_quote_and_comment),
	    cmocka_unit_test(test_non_utf8_values_kept),
	    cmocka_unit_test(test_syntax_errors_name_file_and_line),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_over_long_lines),
	    cmocka_unit_test(test_nul_bytes),
	    cmocka_unit_test(test_sections_with_args),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_apply_every_type),
	    cmocka_unit_test(test_apply_bounds_and_type_errors),
	    cmocka_unit_test(test_unused_keys_and_sections),
	    cmocka_unit_test(test_load_from_disk),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_bools_modes_lists),
	    cmocka_unit_test(test_print_hides_secrets),
	    cmocka_unit_test(test_print_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
