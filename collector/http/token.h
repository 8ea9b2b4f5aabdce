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

#endif
