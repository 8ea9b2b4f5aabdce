/*
 * hex.h - hexadecimal text of bytes, both ways.
 *
 * Encoding writes lower-case digits; decoding takes either case and
 * checks every digit, the length and the room in the output, so it is
 * safe on text read back from a state file or a request.
 */
#ifndef SPOOLWATCH_HEX_H
#define SPOOLWATCH_HEX_H

#include <stddef.h>
#include <sys/types.h>

/* hex_encode - the 2n digits of the n bytes at p into out, which holds
 * 2n + 1 bytes; out is NUL-terminated. */
void hex_encode(const void *p, size_t n, char *out);
/*
 * hex_decode - the bytes of the n digits at s into out (size bytes of
 * room); the count, or -1 if n is odd, a digit is not hex, or the bytes
 * would not fit.  out is not NUL-terminated.
 */
ssize_t hex_decode(const char *s, size_t n, void *out, size_t size);

/* hex_encode_str - the hex of the string s, xmalloc'd. */
char *hex_encode_str(const char *s);
/* hex_decode_str - the string whose hex is s, xmalloc'd; NULL if s is not
 * the hex of a string (malformed, or a NUL byte inside). */
char *hex_decode_str(const char *s);

#endif
