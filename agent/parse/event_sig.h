/*
 * event_sig.h - what makes two mail events "the same": the signature that
 * groups them (queue ids, pids, numbers and the variable part of queue
 * file names normalised) and the id that names one log line.
 */
#ifndef SPOOLWATCH_EVENT_SIG_H
#define SPOOLWATCH_EVENT_SIG_H

#include <stddef.h>

#include "agent/parse/syslog_parse.h"

#define EVENT_SIG_MAX 256 /* bytes of a signature, NUL included */
#define EVENT_ID_LEN 33   /* 32 hex digits and the NUL */

/*
 * event_normalise - copy text to out (size n, always NUL-terminated),
 * replacing digit runs with "N" (also inside short words: "host12" ->
 * "hostN"), 0x-hex with "0xN", queue-id-like tokens (8+ letters and
 * digits, both present) and Exim message ids ("1xYK3d-0002Kh-1p") with
 * "<id>", keeping a queue file prefix ("./dfu1F1K2am007134" ->
 * "./df<id>"), mail addresses ("u7@example.net") with "addr" and host
 * names of three or more labels, or two before "[" ("host7.example.net",
 * "mx.example[192.0.2.1]") with "host".  Returns the length written.
 */
size_t event_normalise(const char *text, size_t len, char *out, size_t n);

/*
 * event_signature - "<program>: <normalised text>" for a parsed event:
 * the message for SYSERRs, warnings and queue trouble, "stat=..." for
 * sendmail and "status=..." for postfix delivery failures.
 */
size_t event_signature(const struct sl_event *ev, char *out, size_t n);

/* event_id - 32 hex digits naming the line's bytes (two 64-bit FNV-1a
 * hashes with different bases), so the same line read twice, or through
 * two files, has the same id. */
void event_id(const char *line, size_t len, char out[EVENT_ID_LEN]);

/* event_hash64 - the first of those hashes (for in-memory sets). */
unsigned long long event_hash64(const char *p, size_t len);

#endif
