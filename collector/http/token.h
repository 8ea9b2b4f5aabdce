/*
 * token.h - checking the bearer token of an Authorization header against
 * the configured tokens, in time that does not depend on the header.
 */
#ifndef SPOOLWATCH_TOKEN_H
#define SPOOLWATCH_TOKEN_H

#include <stddef.h>

/* token_match - 1 if the bearer token in an Authorization header value
 * is one of tokens (compared in constant time). */
int token_match(const char *authorization, char *const *tokens, size_t n);

/*
 * A configured token may carry a name: "NAME:SECRET", NAME being 1-64 of
 * [A-Za-z0-9._-]; the bearer token is then SECRET.  Anything else is a
 * secret without a name.
 */
#define TOKEN_NAME_MAX 64

/* token_secret - what a client presents for the configured token t. */
const char *token_secret(const char *t);
/* token_find - the index in tokens of the bearer token of an
 * Authorization header value (every entry compared, in constant time),
 * or -1. */
long token_find(const char *authorization, char *const *tokens, size_t n);
/* token_name - the name of configured token t into out (size >
 * TOKEN_NAME_MAX); "" when it has none. */
void token_name(const char *t, char *out, size_t outlen);

#endif
