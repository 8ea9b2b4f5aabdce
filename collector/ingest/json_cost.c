/*
 * json_cost.c - a jansson tree's size estimated from its text (see
 * json_cost.h).  One pass, no allocation: strings are skipped with
 * memchr, every other byte is looked at once.
 */
#include <string.h>

#include "collector/ingest/json_cost.h"

size_t
json_string_end(const char *t, size_t len, size_t i)
{
	for (i++; i < len;) {
		const char *q = memchr(t + i, '"', len - i);
		size_t j, bs = 0;
		if (q == NULL)
			return len;
		j = (size_t)(q - t);
		while (j - bs > i && t[j - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return j + 1;
		i = j + 1;
	}
	return len;
}

static int
number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

size_t
json_cost(const char *t, size_t len, size_t limit)
{
	size_t cost = 0, i = 0;

	while (i < len && cost <= limit) {
		char c = t[i];
		if (c == '"') {
			size_t e = json_string_end(t, len, i);
			cost += JSON_COST_STRING + (e - i);
			i = e;
			continue;
		}
		if (number_char(c)) {
			cost += JSON_COST_NUMBER;
			while (i < len && number_char(t[i]))
				i++;
			continue;
		}
		if (c == '{')
			cost += JSON_COST_OBJECT;
		else if (c == '[')
			cost += JSON_COST_ARRAY;
		else if (c == 't' || c == 'f' || c == 'n') {
			cost += JSON_COST_LITERAL;
			while (i + 1 < len && t[i + 1] >= 'a' &&
			       t[i + 1] <= 'z')
				i++;
		}
		i++;
	}
	return cost;
}
