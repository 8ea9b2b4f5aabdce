/*
 * token.c - bearer token check (see token.h).
 */
#include <stddef.h>
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

int
token_match(const char *auth, char *const *tokens, size_t n)
{
	const char *tok;
	size_t len;
	int found = 0;

	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
		return 0;
	tok = auth + 7;
	while (*tok == ' ')
		tok++;
	len = strlen(tok);
	while (len > 0 && tok[len - 1] == ' ')
		len--;
	if (len == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		found |= ct_equal(tok, len, tokens[i]);
	return found;
}
