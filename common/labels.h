/*
 * labels.h - host labels: KEY=VALUE pairs an operator gives a host in
 * agent.conf ("labels = env=prod, role=web, dc=fra1"), sent as host.labels
 * in the report, kept by the collector and filtered on by its API
 * (label=KEY:VALUE).  One definition of what a label is, for the agent's
 * configuration, the collector's validation and the API's arguments.
 *
 * A key is a Prometheus label name, [A-Za-z_][A-Za-z0-9_]*, of at most
 * LABEL_KEY_MAX bytes, not starting with "__" (reserved by Prometheus),
 * so that it can become an Alertmanager label as it is.  A value is 1 to
 * LABEL_VALUE_MAX characters (code points, as JSON Schema's maxLength
 * counts them) of valid UTF-8 without control characters (C0, DEL, C1).
 * A host has at most LABELS_MAX labels.  schema/report.schema.json states
 * the same bounds; test_common_labels holds them to it.
 */
#ifndef SPOOLWATCH_LABELS_H
#define SPOOLWATCH_LABELS_H

#include <stddef.h>

#include <jansson.h>

#define LABELS_MAX 32
#define LABEL_KEY_MAX 63
#define LABEL_VALUE_MAX 128

/* label_key_ok - 1 if k (n bytes) is a valid label key. */
int label_key_ok(const char *k, size_t n);
/* label_value_ok - 1 if v (n bytes) is a valid label value. */
int label_value_ok(const char *v, size_t n);
/* labels_check - NULL if o is a valid labels object (at most LABELS_MAX
 * members, valid keys, string values that are valid), else why not; the
 * reason names the key when one is at fault (key set to it). */
const char *labels_check(const json_t *o, const char **key);
/*
 * labels_parse - "KEY=VALUE, KEY=VALUE" (blanks around the pairs, the
 * keys and the values are dropped; an empty text is no labels) into a
 * new JSON object.  NULL with a reason in why: a pair without '=', a bad
 * key or value, a key given twice, more than LABELS_MAX pairs.
 */
json_t *labels_parse(const char *text, char *why, size_t whylen);

#endif
