/*
 * token.c - bearer token check (see token.h).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "collector/http/token.h"

static int
ct_equal(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	volatile unsigned char acc = (unsigned char)(alen != blen);

	/* always walk b entirely: the time depends on b only */
	for (size_t i = 0; i < blen; i++)
		acc |= (unsigned char)(b[i] ^ (i < alen ? a[i] : 0));
	return acc == 0;
}

/* name_len - the length of t's "NAME:" prefix without the colon, 0 if
 * it has none. */
static size_t
name_len(const char *t)
{
	size_t i;

	for (i = 0; i <= TOKEN_NAME_MAX && t[i]; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c == ':')
			return i > 0 && t[i + 1] ? i : 0;
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return 0;
	}
	return 0;
}

const char *
token_secret(const char *t)
{
	size_t n = name_len(t);

	return n ? t + n + 1 : t;
}

void
token_name(const char *t, char *out, size_t outlen)
{
	size_t n = name_len(t);

	snprintf(out, outlen, "%.*s", (int)n, t);
}

long
token_find(const char *auth, char *const *tokens, size_t n)
{
	const char *tok;
	size_t len;
	long found = -1;

	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return -1;
	tok = auth + 7;
	while (*tok == ' ')
		tok++;
	len = strlen(tok);
	while (len > 0 && tok[len - 1] == ' ')
		len--;
	if (len == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (ct_equal(tok, len, token_secret(tokens[i])) && found < 0)
			found = (long)i;
	return found;
}

int
token_match(const char *auth, char *const *tokens, size_t n)
{
	return token_find(auth, tokens, n) >= 0;
}
