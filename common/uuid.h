/*
 * uuid.h - random (version 4) UUIDs from the kernel's CSPRNG.
 */
#ifndef SPOOLWATCH_UUID_H
#define SPOOLWATCH_UUID_H

#define UUID_STR_LEN 37 /* 36 characters and the NUL */

/* uuid_v4 - lower-case text form into out; 0, or -1 if no randomness. */
int uuid_v4(char out[UUID_STR_LEN]);
/* uuid_valid - 1 if s is a UUID in canonical text form (any version). */
int uuid_valid(const char *s);

#endif
