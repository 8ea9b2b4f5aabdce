/*
 * syslog_parse.h - one syslog line in, one mail event out.  Pure: no
 * files, no allocation; every text field is a span into the caller's
 * line, valid as long as the line is.
 *
 * Accepted line forms (see the shared formats reference, section 5):
 *
 *   Feb 15 09:20:02 host1 sendmail[7134]: u1F1K2am007134: SYSERR(root): ...
 *   2023-07-29T04:15:01.889064+02:00 host postfix/smtp[12]: ...   (rsyslog)
 *   <22>1 2026-02-15T01:20:02Z host sendmail 7134 - - ...          (RFC 5424)
 *   Apr  2 17:51:27 <4.3> host prog[1]: ...     (BSD syslogd -v / -vv)
 *
 * with or without the host, with a "<PRI>" in front, Solaris "[ID n
 * fac.pri]" after the tag, and "[...]" around the traditional stamp.
 * Traditional stamps have no year and no zone: the year is the latest one
 * that puts the stamp no later than one day after the clock's anchor (the
 * file's mtime, or now if that is earlier), so December lines read in
 * January get last year and a January line read on Dec 31 next year;
 * local time is converted with mktime().
 */
#ifndef SPOOLWATCH_SYSLOG_PARSE_H
#define SPOOLWATCH_SYSLOG_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

enum sl_kind {
	SL_NONE = 0, /* not a mail event (or not a mail line at all) */
	SL_SYSERR,
	SL_DEFERRED,
	SL_BOUNCED,
	SL_WARNING,
	SL_FATAL,
	SL_PANIC,
	SL_OTHER, /* sendmail queue trouble that is not a SYSERR */
};

struct sl_span {
	const char *p; /* NULL: absent */
	size_t n;
};

/*
 * The clock converts year-less local stamps.  anchor is set by the caller
 * (per file); the rest is a small cache so that a million lines do not
 * cost a million mktime() calls.
 */
struct sl_clock {
	time_t anchor; /* no stamp is believed later than this + 1d */
	int a_year, a_mon, a_mday; /* the anchor's local date (month 1-12) */
	int c_year, c_mon, c_mday, c_hour; /* cache key; c_year 0: empty */
	time_t c_base;                     /* epoch of that local hour */
	/* the traditional stamps of one hour ("Feb 15 09"), when the year
	 * inferred for them is the same whatever their minute and second:
	 * the stamp's first h_len bytes and the epoch of that hour */
	char h_key[12];
	size_t h_len; /* 0: empty */
	time_t h_base;
};

struct sl_event {
	enum sl_kind kind;
	time_t ts;
	struct sl_span host, program, pid, queue_id;
	struct sl_span
	    message;          /* text after "qid: " (the whole text if none) */
	struct sl_span user;  /* SYSERR(user) */
	struct sl_span stage; /* "collect", "queueup", "mail_queue_enter" */
	struct sl_span errno_text; /* "Permission denied" */
	struct sl_span path;       /* "./dfu1F1K2am007134", "/var/spool/..." */
	struct sl_span to, relay, dsn, stat; /* delivery lines */
	long uid, gid, euid;                 /* -1: absent */
	long repeat; /* rsyslog "message repeated N times: [...]": N, the
	              * message being the bracketed text; 0 otherwise */
};

/* sl_clock_init - an empty cache with this anchor. */
void sl_clock_init(struct sl_clock *clk, time_t anchor);

/*
 * sl_parse_header - the stamp, host, tag and message of a line (no
 * trailing newline).  0, or -1 when the line has no recognisable syslog
 * header.  Only ts, host, program, pid and message are set.
 */
int sl_parse_header(const char *p, size_t n, struct sl_clock *clk,
                    struct sl_event *ev);

/*
 * Where a line's header is, as offsets into the line (UINT32_MAX: the
 * span is absent), with the class of its tag: what sl_tag_class_head()
 * found, handed to sl_parse_line_head() and sl_cron_cmd_head() so that
 * they do not walk the same header again.  valid 0: none was found.
 */
struct sl_head {
	uint32_t valid, tag; /* tag: enum sl_tag */
	uint32_t n;          /* the line's length without trailing CR/LF */
	uint32_t host, host_n, prog, prog_n, pid, pid_n, msg;
	uint32_t st_at, st_len, st_rfc5424; /* the stamp */
};

/*
 * sl_parse_line - the header, then the mail event in it: sendmail
 * (sendmail, sm-*) SYSERRs, delivery lines (to=, relay=, dsn=, stat=) and
 * queue trouble; postfix (postfix*, postfix-instance/...) status=deferred,
 * bounced or expired and warning:/fatal:/panic:; the small relays'
 * failures (relay_log.h: nullmailer, msmtp, sSMTP, dma); cron's
 * complaint that it could not mail a job's output (cron_log.h), as
 * SL_OTHER.  postfix cleanup's header/body-check "warning" action ("QID:
 * warning: header Subject: ... from local; from=<...> to=<...>") is a
 * policy action, SL_OTHER with stage "header" / "body" / "mime-header" /
 * "nested-header"; an address-verification probe's status=undeliverable
 * is SL_OTHER with stage "undeliverable" (nothing bounced).  rsyslog's
 * "message repeated N times: [ msg ]" is parsed as msg with ev->repeat =
 * N.  Returns ev->kind; SL_NONE for everything else (including
 * stat=Sent), with ev partly set: ev->ts only for a cron tag's line (its
 * stamp is converted only when the time is used), 0 otherwise.
 */
enum sl_kind sl_parse_line(const char *p, size_t n, struct sl_clock *clk,
                           struct sl_event *ev);
/* sl_parse_line_head - the same, with the header sl_tag_class_head() found
 * for this line (hd NULL or not valid: walked here). */
enum sl_kind sl_parse_line_head(const char *p, size_t n,
                                const struct sl_head *hd, struct sl_clock *clk,
                                struct sl_event *ev);

/*
 * sl_head_no_event - 1 when the line with this header (sl_tag_class_head()
 * found it; hd->valid) is known to be SL_NONE for sl_parse_line_head()
 * and no cron line, from its message's start and one search: a sendmail
 * sender's line ("QID: from=...") without "low on space", a recipient's
 * line ("QID: to=...") with no stat or one that is Sent, queued or
 * quarantined, most of a mail log; a postfix line "QID: to=..." or
 * "QID: from=..." with no status or one that is no event ("sent").
 * 0: not known, parse it.  Sets nothing and converts no time.
 */
int sl_head_no_event(const char *p, const struct sl_head *hd);

/* What sl_parse_line() makes of a line by its tag alone. */
enum sl_tag {
	SL_TAG_NONE = 0, /* no event, unless "SYSERR(" is in the line */
	SL_TAG_MAIL,     /* sendmail, sm-*, postfix*, the small relays */
	SL_TAG_CRON,     /* a cron daemon: CMD lines, lost-mail complaints */
};

/*
 * sl_tag_class - the class of a line (no trailing newline needed) by the
 * tag sl_parse_line() would find in it, from the shape of its header
 * alone (no time is converted): a line that is SL_TAG_NONE here and
 * holds no "SYSERR(" is SL_NONE for sl_parse_line() and is no cron line,
 * whatever its stamp.
 */
enum sl_tag sl_tag_class(const char *p, size_t n);

/* sl_tag_class_head - sl_tag_class(), and for a line of a known tag
 * (SL_TAG_MAIL, SL_TAG_CRON) its header in *hd (hd->valid 0 for the
 * others).  The line p[0..n) is the one (or a copy of the one) later
 * given to sl_parse_line_head() with the same n. */
enum sl_tag sl_tag_class_head(const char *p, size_t n, struct sl_head *hd);

/*
 * sl_tag_class_at - sl_tag_class_head() of a line whose header the caller
 * has already walked by quick_tag()'s rules: a traditional stamp, a host
 * from byte 16 to the space at tag_at - 1, and a tag from tag_at on
 * (the prefilter's header template).  The same answer, without walking
 * the stamp and the host again.
 */
enum sl_tag sl_tag_class_at(const char *p, size_t n, size_t tag_at,
                            struct sl_head *hd);

/* sl_tag_le - the 4 bytes at t as a little-endian number (one load on
 * x86) */
static inline uint32_t
sl_tag_le(const char *t)
{
	const unsigned char *u = (const unsigned char *)t;

	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
	       (uint32_t)u[3] << 24;
}

#define SL_TAG_LE(a, b, c, d)                                                  \
	((uint32_t)(unsigned char)(a) | (uint32_t)(unsigned char)(b) << 8 |    \
	 (uint32_t)(unsigned char)(c) << 16 |                                  \
	 (uint32_t)(unsigned char)(d) << 24)
/* the slot of a 4-byte name: a multiplier under which the nine names
 * below fall into nine slots of 16 (two of them in one would be a
 * compile error: -Woverride-init) */
#define SL_TAG_SLOT(w) ((uint32_t)((uint32_t)(w)*0x1b34ac39u) >> 28)

/*
 * sl_tag_may_be_wanted - can a program starting with the 4 bytes at t be
 * one sl_parse_line() knows?  Every name it knows is at least 4 bytes
 * long but sm-* and dma, which start with 3 known ones.  One probe of a
 * table of the 4-byte ones and two compares, without a branch per name:
 * lines of many programs follow each other in no order, and a switch on
 * the first byte was a mispredicted jump on most lines.  sl_tag_class()
 * and the prefilter both ask it.  An empty slot holds 0: a tag of four
 * NULs is "wanted", and then told apart by the full parse.
 */
static inline int
sl_tag_may_be_wanted(const char *t)
{
#define SL_TAG_AT(a, b, c, d)                                                  \
	[SL_TAG_SLOT(SL_TAG_LE(a, b, c, d))] = SL_TAG_LE(a, b, c, d)
	static const uint32_t slot[16] = {
	    SL_TAG_AT('p', 'o', 's', 't'), SL_TAG_AT('s', 'e', 'n', 'd'),
	    SL_TAG_AT('s', 's', 'm', 't'), SL_TAG_AT('s', 'S', 'M', 'T'),
	    SL_TAG_AT('n', 'u', 'l', 'l'), SL_TAG_AT('m', 's', 'm', 't'),
	    SL_TAG_AT('C', 'R', 'O', 'N'), SL_TAG_AT('c', 'r', 'o', 'n'),
	    SL_TAG_AT('/', 'u', 's', 'r'),
	};
#undef SL_TAG_AT
	const uint32_t w = sl_tag_le(t), w3 = w & 0xffffffu;

	return (slot[SL_TAG_SLOT(w)] == w) |
	       (w3 == SL_TAG_LE('s', 'm', '-', 0)) |
	       (w3 == SL_TAG_LE('d', 'm', 'a', 0));
}

/*
 * sl_cron_cmd - is the line a cron daemon's "(user) CMD (command)" line
 * with a possible stamp: one sl_parse_line() makes no event of and
 * cron_lost_feed() takes as a CMD line?  Cheaper than that parse (no
 * event fields), for a caller that keeps only the last ones.
 */
int sl_cron_cmd(const char *p, size_t n, struct sl_clock *clk);
/* sl_cron_cmd_head - the same, with the header sl_tag_class_head() found
 * for this line (hd NULL or not valid: walked here). */
int sl_cron_cmd_head(const char *p, size_t n, const struct sl_head *hd,
                     struct sl_clock *clk);

/*
 * sl_last_repeated - N for sysklogd's "last message repeated N times"
 * (RHEL 5's default syslogd; the line stands for N more copies of the
 * line before it in the same file), 0 for any other line.
 */
long sl_last_repeated(const char *p, size_t n, struct sl_clock *clk);

/* sl_kind_name - "syserr", "deferred", ... ("none" for SL_NONE). */
const char *sl_kind_name(enum sl_kind k);

/* sl_local_time - epoch of a local broken-down time via clk's cache;
 * (time_t)-1 if the date is impossible. */
time_t sl_local_time(struct sl_clock *clk, int year, int mon, int mday,
                     int hour, int min, int sec);

#endif
