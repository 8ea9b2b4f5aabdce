/*
 * pfq.c - postfix queue file records and defer logs (see pfq.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent/parse/pfq.h"

int
pfq_parse(const char *buf, size_t len, struct pfq_msg *m, char *err,
          size_t errlen)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0;
	int in_msg = 0, in_headers = 0, after_l = 0;
	struct qf_str *cont = NULL; /* header a folded line extends */

	memset(m, 0, sizeof(*m));
	m->arrival = m->size = -1;
	if (len == 0) {
		snprintf(err, errlen, "empty file");
		return -1;
	}
	if (p[0] != 'C' && p[0] != 'T' && p[0] != 'S') {
		snprintf(err, errlen,
		         "not a postfix queue file: first record type 0x%02x",
		         p[0]);
		return -1;
	}
	while (i < len) {
		unsigned char type = p[i++];
		size_t dlen = 0;
		int shift = 0;
		const char *d;

		/* the length: 7 bits at a time, at most 5 bytes */
		for (;;) {
			if (i >= len)
				goto cut;
			if (shift > 28) {
				snprintf(err, errlen,
				         "not a postfix queue file: bad record "
				         "length at offset %zu",
				         i);
				return -1;
			}
			dlen |= (size_t)(p[i] & 0x7f) << shift;
			shift += 7;
			if ((p[i++] & 0x80) == 0)
				break;
		}
		if (dlen > len - i)
			goto cut;
		d = buf + i;
		i += dlen;
		m->nrecords++;
		switch (type) {
		case 'C': {
			/* "%15ld %15ld ...": message size first (cleanup) */
			long long v = 0;
			size_t k = 0;
			while (k < dlen && d[k] == ' ')
				k++;
			size_t k0 = k;
			for (; k < dlen && d[k] >= '0' && d[k] <= '9' &&
			       k - k0 < 18;
			     k++)
				v = v * 10 + (d[k] - '0');
			if (k > k0 && m->size == -1)
				m->size = v;
			break;
		}
		case 'T': {
			long long t = 0;
			size_t k = 0;
			for (; k < dlen && d[k] >= '0' && d[k] <= '9' && k < 18;
			     k++)
				t = t * 10 + (d[k] - '0');
			if (k > 0)
				m->arrival = t;
			break;
		}
		case 'S':
			qf_addr_set(&m->sender, d, dlen);
			break;
		case 'R':
			if (m->nrcpt < QF_MAX_RCPT)
				qf_addr_set(&m->rcpt[m->nrcpt], d, dlen);
			m->nrcpt++;
			break;
		case 'D':
			m->ndone++;
			break;
		case 'M':
			in_msg = in_headers = 1;
			break;
		case 'X':
			in_msg = in_headers = 0;
			break;
		case 'E':
			m->complete = 1;
			return 0;
		case 'N':
		case 'L':
			if (!in_msg || !in_headers)
				break;
			if (after_l) {
				/* the rest of a long line */
				if (cont)
					qf_str_add(cont, d, dlen);
			} else if (dlen == 0) {
				in_headers = 0; /* end of the headers */
			} else if (d[0] == ' ' || d[0] == '\t') {
				if (cont)
					qf_str_add(cont, d, dlen);
			} else {
				size_t v;
				cont = NULL;
				if (dlen > 8 &&
				    strncasecmp(d, "Subject:", 8) == 0 &&
				    m->subject.len == 0) {
					cont = &m->subject;
					v = 8;
				} else if (dlen > 5 &&
				           strncasecmp(d, "From:", 5) == 0 &&
				           m->from.len == 0) {
					cont = &m->from;
					v = 5;
				} else {
					break;
				}
				while (v < dlen &&
				       (d[v] == ' ' || d[v] == '\t'))
					v++;
				qf_str_add(cont, d + v, dlen - v);
			}
			after_l = type == 'L';
			break;
		default:
			break;
		}
	}
	return 0;
cut:
	/* the start of a file: what was read is kept */
	return 0;
}

int
pfq_defer_reason(const char *buf, size_t len, const char **p, size_t *n)
{
	const char *s = buf, *end = buf + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;

		if ((size_t)(le - s) > 7 && memcmp(s, "reason=", 7) == 0) {
			*p = s + 7;
			*n = (size_t)(le - s - 7);
			return 0;
		}
		/* old format: "<rcpt>: reason" */
		if (s < le && *s == '<') {
			const char *c = memchr(s, '>', (size_t)(le - s));
			if (c && c + 2 < le && c[1] == ':') {
				*p = c + 2 + (c[2] == ' ');
				*n = (size_t)(le - *p);
				return 0;
			}
		}
		s = nl ? nl + 1 : end;
	}
	return -1;
}
