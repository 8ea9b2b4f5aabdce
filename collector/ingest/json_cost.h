/*
 * json_cost.h - what a JSON text will cost as a jansson tree, counted
 * from the text before the tree is built: a gzip body of 32 KB can
 * decode to millions of empty objects, and jansson spends some 80 times
 * the text on them.  report_decode refuses a text whose tree would pass
 * its memory budget before jansson allocates any of it.
 */
#ifndef SPOOLWATCH_JSON_COST_H
#define SPOOLWATCH_JSON_COST_H

#include <stddef.h>

/*
 * Bytes jansson 2.14 spends per value on x86-64 (glibc malloc, measured
 * with a counting allocator: struct, hashtable or array storage, the
 * slot in the parent, allocator overhead), rounded up.  A string also
 * costs its length; true, false and null are shared, only their slot.
 */
#define JSON_COST_OBJECT 240
#define JSON_COST_ARRAY 144
#define JSON_COST_STRING 96 /* + its bytes; a key costs the same */
#define JSON_COST_NUMBER 48
#define JSON_COST_LITERAL 16

/*
 * json_cost - the estimated tree size of text (len bytes), counting
 * stops as soon as it passes limit (the value returned is then > limit).
 * Malformed text is estimated as it goes; the parser refuses it later.
 */
size_t json_cost(const char *text, size_t len, size_t limit);

/*
 * json_string_end - the index just past the closing quote of the JSON
 * string whose opening quote is at text[i] (len if it is not closed):
 * memchr to each quote, counting the backslashes before it.
 */
size_t json_string_end(const char *text, size_t len, size_t i);

#endif
