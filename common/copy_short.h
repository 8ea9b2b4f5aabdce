/*
 * copy_short.h - copy_short(): a copy of a few bytes up to a line's
 * worth, in fixed-size moves (overlapping at the end).
 *
 * A memcpy() of a size the compiler does not know is a call, or an
 * inlined "rep movsq"; musl's (the static agent's) is "rep movsq" for
 * any size from 8 bytes up.  Its start-up costs more than the few bytes
 * it moves: the hot paths that copy a short value or line per record
 * (a qf field, a cron line put aside) use this instead.
 */
#ifndef SPOOLWATCH_COPY_SHORT_H
#define SPOOLWATCH_COPY_SHORT_H

#include <stddef.h>
#include <string.h>

/* COPY_SHORT_MAX - longer copies go to memcpy(), whose start-up they
 * pay for */
#define COPY_SHORT_MAX 256

/* copy_short - n bytes from s to d (not overlapping) */
static inline void
copy_short(char *d, const char *s, size_t n)
{
	if (n > COPY_SHORT_MAX) {
		memcpy(d, s, n);
	} else if (n >= 16) {
		for (size_t i = 0; i + 16 < n; i += 16)
			memcpy(d + i, s + i, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}

#endif
