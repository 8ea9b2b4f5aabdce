/*
 * logs.c - the mail log collector: every configured syslog file is read
 * from its offset (syslog_tail.c), candidate lines are found with the
 * prefilter, parsed (syslog_parse.c) and turned into events, grouped by
 * signature (event_sig.c).
 *
 * Bounds: at most max_events raw events per report (the newest by
 * timestamp; a min-heap), at most LOGS_GROUPS_MAX signatures (then one
 * overflow group per kind), LOGS_RAW_MAX bytes of a line kept per event.
 * Every event is counted in its group whatever was dropped.  Repeat-
 * reduced lines count N more: rsyslog's "message repeated N times: [ msg
 * ]" as msg, sysklogd's "last message repeated N times" as the line right
 * before it in the same file (when that was a counted event).  A line
 * after a run of NULs (a crash) is read from its first byte after them.
 * What the agent's own postqueue child logged (its pid is in the state,
 * own_pids.h) is not counted.  The same
 * line read through two files (mail logged to maillog and messages) is
 * counted once, exactly at any volume (dedup.h: bounded memory, then a
 * spill file in the state directory).
 * Missing files are listed in log_sources[] as "missing", not errors.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/parse/cron_log.h"
#include "agent/cycle.h"
#include "agent/parse/event_sig.h"
#include "agent/collect/journal_source.h"
#include "agent/parse/exim_log.h"
#include "agent/probe/exim_detect.h"
#include "agent/probe/mtaconf.h"
#include "agent/limits.h"
#include "agent/collect/cron_aside.h"
#include "agent/collect/dedup.h"
#include "agent/collect/logs.h"
#include "agent/collect/own_pids.h"
#include "agent/parse/prefilter.h"
#include "agent/ship/state.h"
#include "agent/parse/syslog_parse.h"
#include "agent/probe/syslog_tail.h"
#include "common/fsutil.h"
#include "common/jsonutil.h"
#include "common/memfind.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

/* --- per-cycle collection ---------------------------------------------- */

enum field {
	F_HOST,
	F_PROGRAM,
	F_PID,
	F_QID,
	F_MESSAGE,
	F_USER,
	F_STAGE,
	F_ERRNO,
	F_PATH,
	F_TO,
	F_RELAY,
	F_DSN,
	F_STAT,
	F_NFIELDS
};

static const char *const field_names[F_NFIELDS] = {
    "host",  "program", "pid", "queue_id", "message", "user", "stage",
    "errno", "path",    "to",  "relay",    "dsn",     "stat",
};

#define SLOT_RAW_INLINE 512 /* bytes of a line kept in its slot itself */

struct slot {
	enum sl_kind kind;
	int source;
	long uid, gid, euid;
	uint32_t off[F_NFIELDS], len[F_NFIELDS]; /* into raw */
	char id[EVENT_ID_LEN]; /* "" when raw is the whole line: the id is
	                        * made from it if the slot is reported */
	char sig[EVENT_SIG_MAX];
	char program[16]; /* when the line does not name it (Exim's logs) */
	size_t raw_len;
	/* the line: here when it fits, else in big (LOGS_RAW_MAX bytes,
	 * the slot's own once a long line came; slot_raw()).  A slot is
	 * about 1 KiB rather than 4.6: an event touches two or three of its
	 * pages, not a page of its own and part of another */
	char *big;
	char raw[SLOT_RAW_INLINE];
};

static const char *
slot_raw(const struct slot *s)
{
	return s->raw_len <= SLOT_RAW_INLINE ? s->raw : s->big;
}

struct group {
	char sig[EVENT_SIG_MAX];
	enum sl_kind kind;
	uint64_t count;
	time_t first, last;
	uint32_t sources; /* bit i: files.v[i] */
	long uid, euid;
	char program[64], path[256], errno_text[64];
	size_t example_len;
	char example[1024];
};

/* an entry of the events' heap: the order of its slot's event, kept
 * apart from the slots (4 KiB each) so that the heap's compares stay in
 * a few cache lines */
struct heap_ent {
	time_t ts;
	uint64_t seq;
	size_t slot; /* index into slots */
};

#define GROUP_SLOTS (2 * LOGS_GROUPS_MAX)
#define LOGS_SOURCES_MAX 64 /* [logs] files and the MTA's own logs */

/* How a source's lines are written. */
enum src_format {
	SRC_SYSLOG,     /* syslog files and the journal: syslog_parse.c */
	SRC_EXIM_MAIN,  /* Exim's mainlog: exim_log.c */
	SRC_EXIM_PANIC, /* Exim's paniclog */
};
#define CRON_STATE_KEY "cron:cmds" /* CMD lines no complaint claimed yet */
#define DUP_KEY_MAX 8192 /* the bytes of an event that name it for dedup */

struct collect {
	struct cycle *c;
	const struct logs_config *cfg;
	/* events: min-heap on (ts, seq) of at most max_events slots */
	struct slot *slots;
	struct heap_ent *heap;
	size_t nslots, cap;
	int replacing; /* slot_for() handed out the heap's root */
	uint64_t seq;
	/* groups */
	struct group *groups;
	size_t ngroups;
	int gindex[GROUP_SLOTS]; /* -1 empty */
	/* cross-source duplicates */
	struct dedup *dedup;
	int dedup_failed;
	char dupkey[DUP_KEY_MAX];
	int nsources; /* files, and the journal when read */
	/* the files: [logs] files, then the MTA's own logs (Exim's
	 * mainlog and paniclog); the journal is source nsrc */
	const char *names[LOGS_SOURCES_MAX];
	enum src_format fmt[LOGS_SOURCES_MAX + 1];
	size_t nsrc;
	struct cron_lost *cron; /* cron's CMD lines and complaints */
	/* cron's CMD lines, fed at the end of their run */
	struct cron_aside cmds;
	/* the file being read */
	int source;
	const char *clock_path;
	time_t clock_mtime;
	struct sl_clock clk;
	uint64_t events_total, duplicates, src_events, src_cut;
	/* the last counted event of this file, when a sysklogd "last
	 * message repeated N times" line may still follow it at the start of
	 * the next block */
	int pending;
	struct group *pending_group;
	struct group *last_group; /* handle_line()'s event's group */
};

static int
slot_less(const struct collect *k, size_t i, size_t j)
{
	const struct heap_ent *a = &k->heap[i], *b = &k->heap[j];
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

static void
heap_swap(struct collect *k, size_t i, size_t j)
{
	struct heap_ent t = k->heap[i];
	k->heap[i] = k->heap[j];
	k->heap[j] = t;
}

static void
heap_down(struct collect *k, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < k->nslots && slot_less(k, l, m))
			m = l;
		if (r < k->nslots && slot_less(k, r, m))
			m = r;
		if (m == i)
			return;
		heap_swap(k, i, m);
		i = m;
	}
}

static void
heap_up(struct collect *k, size_t i)
{
	while (i > 0 && slot_less(k, i, (i - 1) / 2)) {
		heap_swap(k, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

/* slot_for - the slot a new event (ts) goes to, its heap entry set to
 * ts and the next sequence number, or NULL if it is older than every
 * kept one and the heap is full; slot_placed() then restores the heap. */
static struct slot *
slot_for(struct collect *k, time_t ts)
{
	struct heap_ent *h;

	if (k->cap == 0)
		return NULL;
	if (k->nslots < k->cap) {
		h = &k->heap[k->nslots];
		h->slot = k->nslots++;
	} else {
		if (ts < k->heap[0].ts)
			return NULL;
		k->replacing = 1;
		h = &k->heap[0];
	}
	h->ts = ts;
	h->seq = k->seq++;
	return &k->slots[h->slot];
}

static void
slot_placed(struct collect *k)
{
	if (k->replacing)
		heap_down(k, 0);
	else
		heap_up(k, k->nslots - 1);
	k->replacing = 0;
}

static void
copy_span(char *dst, size_t dn, struct sl_span s)
{
	size_t l = s.p ? (s.n < dn - 1 ? s.n : dn - 1) : 0;
	if (l)
		memcpy(dst, s.p, l);
	dst[l] = '\0';
}

static struct group *
group_for(struct collect *k, const char *sig, size_t sl, enum sl_kind kind)
{
	unsigned long long h = event_hash64(sig, sl) ^ (unsigned)kind;
	size_t i = (size_t)(h % GROUP_SLOTS);
	struct group *g;

	for (;; i = (i + 1) % GROUP_SLOTS) {
		int gi = k->gindex[i];
		if (gi == -1)
			break;
		g = &k->groups[gi];
		if (g->kind == kind && strcmp(g->sig, sig) == 0)
			return g;
	}
	if (k->ngroups >= LOGS_GROUPS_MAX) {
		/* overflow: one group per kind, found by a fixed name */
		static const char over[] = "(more signatures than the "
		                           "per-report limit)";
		if (strcmp(sig, over) != 0)
			return group_for(k, over, sizeof(over) - 1, kind);
		if (k->ngroups >= LOGS_GROUPS_MAX + 8)
			return NULL;
	}
	if (k->groups == NULL)
		k->groups = xcalloc(LOGS_GROUPS_MAX + 8, sizeof(*k->groups));
	g = &k->groups[k->ngroups];
	memset(g, 0, sizeof(*g));
	memcpy(g->sig, sig, sl);
	g->sig[sl] = '\0';
	g->kind = kind;
	k->gindex[i] = (int)k->ngroups++;
	return g;
}

/* dup_key - the bytes that name ev for dedup (program, pid, queue id,
 * message, NUL-separated; cut at DUP_KEY_MAX) into k->dupkey; the length. */
static size_t
dup_key(struct collect *k, const struct sl_event *ev)
{
	const struct sl_span part[] = {ev->program, ev->pid, ev->queue_id,
	                               ev->message};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(part) / sizeof(part[0]); i++) {
		size_t m = part[i].p ? part[i].n : 0;

		if (m > DUP_KEY_MAX - 1 - n)
			m = DUP_KEY_MAX - 1 - n;
		memcpy(k->dupkey + n, part[i].p ? part[i].p : "", m);
		n += m;
		k->dupkey[n++] = '\0';
		if (n == DUP_KEY_MAX)
			break;
	}
	return n;
}

/*
 * duplicate - was this event already counted from another source?  The
 * same line reaches two files (maillog and messages), or a file and the
 * journal (rsyslog writing what journald passed on), with another time
 * format and host field: it is the same when its program, pid, queue id
 * and message are, read from another source in this cycle (the exact
 * set of dedup.c; the time is left out because the two sources write it
 * differently).
 */
static int
duplicate(struct collect *k, const struct sl_event *ev)
{
	char err[512];
	size_t n;
	int r;

	if (k->nsources < 2)
		return 0;
	if (k->dedup == NULL)
		k->dedup =
		    dedup_new(k->c->state ? state_dir(k->c->state) : NULL);
	n = dup_key(k, ev);
	r = dedup_seen(k->dedup, k->dupkey, n, k->source, err, sizeof(err));
	if (r == -1 && !k->dedup_failed) { /* once: then counted as new */
		cycle_error(k->c, "logs", "%s", err);
		k->dedup_failed = 1;
	}
	return r == 1;
}

/* source_name - the file of source i, or "journal" */
static const char *
source_name(const struct collect *k, int i)
{
	return (size_t)i < k->nsrc ? k->names[i] : "journal";
}

static void
set_field(struct slot *s, enum field f, struct sl_span sp, const char *line)
{
	if (sp.p == NULL) {
		s->off[f] = UINT32_MAX;
		s->len[f] = 0;
		return;
	}
	s->off[f] = (uint32_t)(sp.p - line);
	s->len[f] = (uint32_t)sp.n;
}

/* parse - the event of one line of the source being read (hd: its
 * header as the prefilter found it, or NULL) */
static enum sl_kind
parse(struct collect *k, const char *line, size_t n, const struct sl_head *hd,
      struct sl_event *ev)
{
	struct exim_line x;
	enum sl_kind kind;

	if (k->fmt[k->source] == SRC_SYSLOG)
		return sl_parse_line_head(line, n, hd, &k->clk, ev);
	kind = exim_log_parse(line, n, &k->clk,
	                      k->fmt[k->source] == SRC_EXIM_PANIC, &x);
	*ev = x.ev;
	/* a queue run skipping a frozen message, a retry wait: noise */
	if (x.repeat || x.continuation)
		return SL_NONE;
	return kind;
}

/* own_line - whether the agent's own postqueue child logged this. */
static int
own_line(const struct collect *k, const struct sl_event *ev)
{
	struct sl_span pr = ev->program;

	return pr.p != NULL && pr.n >= 9 &&
	       memcmp(pr.p + pr.n - 9, "postqueue", 9) == 0 &&
	       own_pids_has(k->c->state, ev->pid.p, ev->pid.n);
}

/* handle_line - count and keep the event of one line; 1 if it was
 * counted (k->last_group then has its group, or NULL past every limit),
 * 0 if the line is no (new) event.  nul_free: the prefilter saw no NUL
 * in it (its classes but PF_FORCED), so none is looked for; hd: the
 * header it judged the line by (such a line only), or NULL. */
static int
handle_line(struct collect *k, const char *line, size_t n, int nul_free,
            const struct sl_head *hd)
{
	struct sl_event ev;
	struct group *g;
	struct slot *s;
	char sig[EVENT_SIG_MAX];
	size_t sl;
	const char *z;
	uint64_t times;

	/* a crash leaves a run of NULs where the file had grown: the line
	 * is what follows the last of them (memchr first: musl's memrchr
	 * goes byte by byte, and most lines have none) */
	if (!nul_free && (z = memchr(line, '\0', n)) != NULL &&
	    (z = memrchr(z, '\0', n - (size_t)(z - line))) != NULL) {
		n -= (size_t)(z + 1 - line);
		line = z + 1;
	}
	if (parse(k, line, n, nul_free ? hd : NULL, &ev) == SL_NONE) {
		/* cron's CMD lines: which job a later complaint is about */
		if (cron_log_program(ev.program.p, ev.program.n))
			cron_lost_feed(k->cron, &ev);
		return 0;
	}
	if (own_line(k, &ev))
		return 0;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (duplicate(k, &ev)) {
		k->duplicates++;
		return 0;
	}
	if (cron_log_program(ev.program.p, ev.program.n))
		cron_lost_feed(k->cron, &ev);
	times = ev.repeat > 0 ? (uint64_t)ev.repeat : 1;
	k->events_total += times;
	k->src_events += times;
	k->last_group = NULL;
	sl = event_signature(&ev, sig, sizeof(sig));
	if ((g = group_for(k, sig, sl, ev.kind)) != NULL) {
		if (g->count == 0 || ev.ts < g->first)
			g->first = ev.ts;
		if (g->count == 0 || ev.ts >= g->last) {
			g->last = ev.ts;
			g->example_len =
			    n < sizeof(g->example) ? n : sizeof(g->example);
			memcpy(g->example, line, g->example_len);
			g->uid = ev.uid;
			g->euid = ev.euid;
			copy_span(g->program, sizeof(g->program), ev.program);
			copy_span(g->path, sizeof(g->path), ev.path);
			copy_span(g->errno_text, sizeof(g->errno_text),
			          ev.errno_text);
		}
		g->count += times;
		if (k->source < 32)
			g->sources |= 1u << k->source;
		k->last_group = g;
	}
	if ((s = slot_for(k, ev.ts)) == NULL)
		return 1;
	s->kind = ev.kind;
	s->source = k->source;
	s->uid = ev.uid;
	s->gid = ev.gid;
	s->euid = ev.euid;
	memcpy(s->sig, sig, sl + 1);
	s->raw_len = n < LOGS_RAW_MAX ? n : LOGS_RAW_MAX;
	if (s->raw_len <= SLOT_RAW_INLINE) {
		memcpy(s->raw, line, s->raw_len);
	} else {
		if (s->big == NULL)
			s->big = xmalloc(LOGS_RAW_MAX);
		memcpy(s->big, line, s->raw_len);
	}
	/* most slots are taken again by newer events before the report */
	if (s->raw_len == n)
		s->id[0] = '\0';
	else
		event_id(line, n, s->id);
	set_field(s, F_HOST, ev.host, line);
	s->program[0] = '\0';
	if (ev.program.p != NULL &&
	    (ev.program.p < line || ev.program.p + ev.program.n > line + n)) {
		copy_span(s->program, sizeof(s->program), ev.program);
		ev.program.p = NULL;
	}
	set_field(s, F_PROGRAM, ev.program, line);
	set_field(s, F_PID, ev.pid, line);
	set_field(s, F_QID, ev.queue_id, line);
	set_field(s, F_MESSAGE, ev.message, line);
	set_field(s, F_USER, ev.user, line);
	set_field(s, F_STAGE, ev.stage, line);
	set_field(s, F_ERRNO, ev.errno_text, line);
	set_field(s, F_PATH, ev.path, line);
	set_field(s, F_TO, ev.to, line);
	set_field(s, F_RELAY, ev.relay, line);
	set_field(s, F_DSN, ev.dsn, line);
	set_field(s, F_STAT, ev.stat, line);
	slot_placed(k);
	return 1;
}

/* repeats_after - the sysklogd "last message repeated N times" lines at
 * p (the lines right after a counted event of group g): each counts N
 * more of that event.  Returns the bytes of those lines; sets k->pending
 * when they reach the end of the block (more may follow in the next). */
static size_t
repeats_after(struct collect *k, struct group *g, const char *p, size_t n)
{
	size_t used = 0;

	k->pending = 0;
	while (used < n) {
		const char *nl = memchr(p + used, '\n', n - used);
		size_t e = nl ? (size_t)(nl - p) : n;
		struct sl_event hdr;
		long times = sl_last_repeated(p + used, e - used, &k->clk);

		if (times == 0)
			return used;
		k->events_total += (uint64_t)times;
		k->src_events += (uint64_t)times;
		if (g != NULL) {
			g->count += (uint64_t)times;
			if (sl_parse_header(p + used, e - used, &k->clk,
			                    &hdr) == 0 &&
			    hdr.ts > g->last)
				g->last = hdr.ts;
		}
		used = e < n ? e + 1 : n;
	}
	k->pending = 1;
	k->pending_group = g;
	return used;
}

/* take_line - handle a candidate line (nul_free, hd: as in
 * handle_line()) */
static int
take_line(struct collect *k, const char *p, size_t n, int nul_free,
          const struct sl_head *hd)
{
	/* a delivered mail's line (most of a mail log) is told no event by
	 * its header and message start, with no parse */
	if (nul_free && sl_head_no_event(p, hd))
		return 0;
	return handle_line(k, p, n, nul_free, hd);
}

/* feed_cmd - a CMD line put aside (cron_aside_fn) */
static void
feed_cmd(void *arg, const char *p, size_t n)
{
	take_line(arg, p, n, 1, NULL);
}

/* put_aside - a cron CMD line (sl_cron_cmd_head()) of the block, fed at
 * the end of its run; 0 for any other line. */
static int
put_aside(struct collect *k, const char *p, size_t len,
          const struct sl_head *hd)
{
	if (!sl_cron_cmd_head(p, len, hd, &k->clk))
		return 0;
	cron_aside_put(&k->cmds, p, len);
	return 1;
}

/* on_block - the tail callback: find the candidate lines, parse them. */
static void
on_block(void *arg, const struct tail_src *src, const char *p, size_t n,
         int cut)
{
	struct collect *k = arg;
	const size_t max_line = (size_t)k->cfg->max_line;
	enum pf_class cls;
	struct pf_scan scan;
	struct pf_line l;
	size_t i = 0, end;

	if (src->path != k->clock_path || src->mtime != k->clock_mtime) {
		/* the lines put aside are dated by their own file's clock */
		cron_aside_flush(&k->cmds);
		time_t anchor = src->mtime < k->c->now ? src->mtime : k->c->now;
		sl_clock_init(&k->clk, anchor);
		if (src->path != k->clock_path)
			k->pending = 0; /* another file */
		k->clock_path = src->path;
		k->clock_mtime = src->mtime;
	}
	if (cut) {
		cron_aside_flush(&k->cmds); /* it may be a CMD line */
		k->pending = (k->fmt[k->source] != SRC_SYSLOG ||
		              prefilter_next(p, n, max_line, &end, &cls) < n) &&
		             take_line(k, p, n, 0, NULL);
		k->pending_group = k->last_group;
		return;
	}
	if (k->fmt[k->source] != SRC_SYSLOG) {
		/* every line of the MTA's own log is a mail line */
		while (i < n) {
			const char *nl = memfind_byte(p + i, n - i, '\n');
			end = nl ? (size_t)(nl - p) : n;
			take_line(k, p + i,
			          end - i > max_line ? max_line : end - i, 0,
			          NULL);
			i = end + 1;
		}
		return;
	}
	if (k->pending)
		i = repeats_after(k, k->pending_group, p, n);
	prefilter_start(&scan, p, n, max_line);
	prefilter_seek(&scan, i);
	while (i < n && prefilter_step(&scan, &l)) {
		size_t start = l.start, len;
		int counted;

		end = l.end;
		len = end - start > max_line ? max_line : end - start;
		if (l.cls == PF_CRON) {
			if (put_aside(k, p + start, len, &l.head)) {
				k->src_cut += end - start > max_line;
				i = end + 1;
				continue;
			}
			/* a complaint claims a CMD line: all fed first */
			cron_aside_flush(&k->cmds);
		}
		/* a long line that fitted the read buffer is cut like the
		 * ones the tail had to cut */
		k->src_cut += end - start > max_line;
		counted =
		    take_line(k, p + start, len, l.cls != PF_FORCED, &l.head);
		i = end + 1;
		if (counted && i < n) {
			size_t used =
			    repeats_after(k, k->last_group, p + i, n - i);
			if (used > 0) {
				i += used;
				prefilter_seek(&scan, i);
			}
		} else if (counted) {
			k->pending = 1;
			k->pending_group = k->last_group;
		}
	}
	cron_aside_carry(&k->cmds);
}

static json_t *
id_json(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static json_t *
field_json(const struct slot *s, enum field f)
{
	size_t off = s->off[f], len = s->len[f], max = LOGS_RAW_MAX;

	if (s->off[f] == UINT32_MAX || off >= s->raw_len)
		return json_null();
	if (len > s->raw_len - off)
		len = s->raw_len - off;
	switch (f) { /* names and short codes stay short */
	case F_HOST:
	case F_PROGRAM:
	case F_PID:
	case F_QID:
	case F_USER:
	case F_STAGE:
	case F_ERRNO:
	case F_DSN:
		max = LOGS_NAME_MAX;
		break;
	default:
		break;
	}
	return json_str_safe(slot_raw(s) + off, len, max);
}

/* pid_json - the pid field as a number: 1 to 9 digits, else null (what
 * is left of the field once json_str_safe() has capped it) */
static json_t *
pid_json(const struct slot *s)
{
	size_t off = s->off[F_PID], len = s->len[F_PID];
	long v = 0;

	if (off == UINT32_MAX || off >= s->raw_len)
		return json_null();
	if (len > s->raw_len - off)
		len = s->raw_len - off;
	if (len > LOGS_NAME_MAX)
		len = LOGS_NAME_MAX;
	if (len == 0 || len >= 10)
		return json_null();
	for (size_t i = 0; i < len; i++) {
		char c = slot_raw(s)[off + i];
		if (c < '0' || c > '9')
			return json_null();
		v = v * 10 + (c - '0');
	}
	return json_integer(v);
}

/* slot_json - the event of heap entry h; src: the JSON names of the
 * sources (shared by every event of a source).  Its keys are fixed
 * ASCII names: set without jansson's UTF-8 check of each. */
static json_t *
slot_json(const struct collect *k, const struct heap_ent *h, json_t *const *src)
{
	const struct slot *s = &k->slots[h->slot];
	json_t *e = json_object();
	char id[EVENT_ID_LEN];

	if (s->id[0] == '\0')
		event_id(slot_raw(s), s->raw_len, id);
	else
		memcpy(id, s->id, sizeof(id));
	json_object_set_new_nocheck(e, "id",
	                            json_stringn_nocheck(id, EVENT_ID_LEN - 1));
	json_object_set_new_nocheck(e, "ts", jsonutil_ts(h->ts));
	json_object_set_nocheck(e, "source", src[s->source]);
	json_object_set_new_nocheck(e, "kind",
	                            json_string_nocheck(sl_kind_name(s->kind)));
	for (int f = 0; f < F_NFIELDS; f++) {
		if (f == F_PID)
			continue;
		if (f == F_PROGRAM && s->program[0]) {
			json_object_set_new_nocheck(e, "program",
			                            json_string(s->program));
			continue;
		}
		json_object_set_new_nocheck(e, field_names[f],
		                            field_json(s, f));
	}
	json_object_set_new_nocheck(e, "pid", pid_json(s));
	json_object_set_new_nocheck(e, "uid", id_json(s->uid));
	json_object_set_new_nocheck(e, "gid", id_json(s->gid));
	json_object_set_new_nocheck(e, "euid", id_json(s->euid));
	json_object_set_new_nocheck(
	    e, "signature",
	    json_str_safe(s->sig, strlen(s->sig), EVENT_SIG_MAX));
	json_object_set_new_nocheck(
	    e, "raw", json_str_safe(slot_raw(s), s->raw_len, LOGS_RAW_MAX));
	return e;
}

/* cmp_ent - qsort order of heap entries: oldest first */
static int
cmp_ent(const void *a, const void *b)
{
	const struct heap_ent *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq ? 1 : 0;
}

static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->sig, y->sig);
}

static json_t *
str_or_null(const char *s)
{
	return s && *s ? json_str_safe(s, strlen(s), AGENT_MAX_HOST_STR)
	               : json_null();
}

/* sources_json - the name of each source (the files, then the journal)
 * as a JSON string, xmalloc'd: nsrc + 1 of them */
static json_t **
sources_json(const struct collect *k)
{
	json_t **v = xcalloc(k->nsrc + 1, sizeof(*v));

	for (size_t i = 0; i <= k->nsrc; i++) {
		const char *n = source_name(k, (int)i);
		v[i] = json_str_safe(n, strlen(n), PATH_MAX);
	}
	return v;
}

static json_t *
group_json(const struct collect *k, const struct group *g)
{
	json_t *srcs = json_array();

	for (int i = 0; i < k->nsources && i < 32; i++)
		if (g->sources & (1u << i))
			json_array_append_new(
			    srcs,
			    json_str_safe(source_name(k, i),
			                  strlen(source_name(k, i)), PATH_MAX));
	return json_pack(
	    "{s:o, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o}",
	    "signature", json_str_safe(g->sig, strlen(g->sig), EVENT_SIG_MAX),
	    "kind", sl_kind_name(g->kind), "count", (json_int_t)g->count,
	    "first_ts", jsonutil_ts(g->first), "last_ts", jsonutil_ts(g->last),
	    "example",
	    json_str_safe(g->example, g->example_len, sizeof(g->example)),
	    "program", str_or_null(g->program), "path", str_or_null(g->path),
	    "errno", str_or_null(g->errno_text), "uid", id_json(g->uid), "euid",
	    id_json(g->euid), "sources", srcs);
}

/* read_source - one configured file: tail it, stage its position, and
 * describe it in log_sources[]. */
/* resolve_in_root - the path (PATH_MAX bytes) to read for the host log
 * path host: every component's link followed inside --root (root_resolve),
 * so a ROOT/var -> /elsewhere does not lead the reader out; a missing file
 * is its resolved path (tail_run reports it missing). */
static int
resolve_in_root(struct cycle *c, const char *host, char *path)
{
	char hp[PATH_MAX];
	struct stat st;
	int links;

	if (c->root[0] == '\0')
		return cycle_path(c, path, PATH_MAX, host);
	if (root_resolve(c->root, host, AGENT_MAX_LINKS, hp, path, &st,
	                 &links) == 0 ||
	    errno == ENOENT)
		return 0;
	if (errno == ELOOP)
		cycle_error(c, host, "too many symbolic links (or a loop)");
	else
		cycle_error(c, host, "%s", strerror(errno));
	return -1;
}

static void
read_source(struct collect *k, size_t i, const struct tail_opts *o,
            json_t *sources)
{
	const char *host = k->names[i];
	char path[PATH_MAX], key[PATH_MAX + 8], err[1024];
	struct tail_result res;
	json_t *next = NULL, *ent;
	int rc;

	k->source = (int)i;
	k->src_events = 0;
	k->src_cut = 0;
	k->clock_path = NULL;
	k->pending = 0;
	if (resolve_in_root(k->c, host, path) == -1)
		return;
	snprintf(key, sizeof(key), "log:%s", host);
	rc = tail_run(path, host, state_get(k->c->state, key), o, on_block, k,
	              &next, &res, err, sizeof(err));
	cron_aside_flush(&k->cmds); /* the file's last run of CMD lines */
	if (rc == -1) {
		cycle_error(k->c, host, "%s", err);
		json_array_append_new(
		    sources,
		    json_pack("{s:o, s:s, s:o}", "path",
		              json_str_safe(host, strlen(host), PATH_MAX),
		              "status", "error", "error",
		              json_str_safe(err, strlen(err), sizeof(err))));
		return;
	}
	if (next)
		state_put(k->c->state, key, next);
	ent = json_pack(
	    "{s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:o}", "path",
	    json_str_safe(host, strlen(host), PATH_MAX), "status",
	    res.missing ? "missing" : "ok", "bytes_read", (json_int_t)res.bytes,
	    "events", (json_int_t)k->src_events, "lines_cut",
	    (json_int_t)(res.lines_cut + k->src_cut), "offset",
	    (json_int_t)res.offset, "size", (json_int_t)res.size, "first_start",
	    res.first_start, "rotated_from", str_or_null(res.rotated_from),
	    "note", str_or_null(res.note));
	json_array_append_new(sources, ent);
}

/* on_journal - one mail entry of the journal, already in line form */
static void
on_journal(void *arg, const char *line, size_t n, const struct journal_entry *e)
{
	struct collect *k = arg;

	(void)e;
	if (n > (size_t)k->cfg->max_line) {
		k->src_cut++;
		n = (size_t)k->cfg->max_line;
	}
	handle_line(k, line, n, 0, NULL);
}

/* read_journal - the journal after the files: its entry in log_sources */
static void
read_journal(struct collect *k, json_t *sources)
{
	json_t *ent;

	k->source = (int)k->nsrc;
	k->src_events = 0;
	k->src_cut = 0;
	sl_clock_init(&k->clk, k->c->now);
	k->clock_path = NULL;
	ent = journal_source_read(k->c, &k->cfg->journal, on_journal, k);
	if (ent == NULL)
		return;
	json_object_set_new(ent, "events",
	                    json_integer((json_int_t)k->src_events));
	json_object_set_new(ent, "lines_cut",
	                    json_integer((json_int_t)k->src_cut));
	json_array_append_new(sources, ent);
}

/* journal_wanted - will the journal be read (for the dedup set)? */
static int
journal_wanted(struct cycle *c, const struct logs_config *cfg)
{
	char dir[PATH_MAX];

	if (strcmp(cfg->journal.enabled, "no") == 0)
		return 0;
	return strcmp(cfg->journal.enabled, "yes") == 0 ||
	       journal_locate(c->root, dir, sizeof(dir));
}

void
logs_collect(struct cycle *c, const struct logs_config *cfg)
{
	struct collect *k = xcalloc(1, sizeof(*k));
	struct tail_opts o;
	json_t *events = json_array(), *groups = json_array();
	json_t *sources = json_array(), **src;

	k->c = c;
	k->cfg = cfg;
	k->cap = (size_t)cfg->max_events;
	memset(k->gindex, -1, sizeof(k->gindex));
	o.readback = (off_t)cfg->readback;
	o.max_line = (size_t)cfg->max_line;
	o.bufsize = AGENT_TAIL_BUF + o.max_line;
	/* the cycle's read buffer: the block, then a cut line's head */
	o.buf = cycle_buf_take(c, o.bufsize + o.max_line);
	o.hold = o.buf + o.bufsize;
	k->cron = cron_lost_new();
	cron_aside_init(&k->cmds, k->cron, feed_cmd, k);
	cron_lost_load(k->cron, state_get(c->state, CRON_STATE_KEY));
	for (size_t i = 0; i < cfg->files.n && k->nsrc < LOGS_SOURCES_MAX;
	     i++) {
		k->names[k->nsrc] = cfg->files.v[i];
		k->fmt[k->nsrc++] = SRC_SYSLOG;
	}
	if (c->mta && c->mta->kind == MTA_EXIM && c->mta->exim) {
		const struct exim_host *eh = c->mta->exim;
		/* Exim's own files (a syslog-only Exim has none) */
		if (eh->mainlog[0] && k->nsrc < LOGS_SOURCES_MAX) {
			k->names[k->nsrc] = eh->mainlog;
			k->fmt[k->nsrc++] = SRC_EXIM_MAIN;
		}
		if (eh->paniclog[0] && k->nsrc < LOGS_SOURCES_MAX) {
			k->names[k->nsrc] = eh->paniclog;
			k->fmt[k->nsrc++] = SRC_EXIM_PANIC;
		}
	}
	k->fmt[k->nsrc] = SRC_SYSLOG; /* the journal, in line form */
	k->nsources = (int)k->nsrc + journal_wanted(c, cfg);

	for (size_t i = 0; i < k->nsrc; i++) {
		if (k->cap > 0 && k->slots == NULL) {
			k->slots = xcalloc(k->cap, sizeof(*k->slots));
			k->heap = xcalloc(k->cap, sizeof(*k->heap));
		}
		read_source(k, i, &o, sources);
	}
	if (k->cap > 0 && k->slots == NULL) {
		k->slots = xcalloc(k->cap, sizeof(*k->slots));
		k->heap = xcalloc(k->cap, sizeof(*k->heap));
	}
	read_journal(k, sources);

	if (k->nslots)
		qsort(k->heap, k->nslots, sizeof(*k->heap), cmp_ent);
	src = sources_json(k);
	for (size_t i = 0; i < k->nslots; i++)
		json_array_append_new(events, slot_json(k, &k->heap[i], src));
	if (k->ngroups)
		qsort(k->groups, k->ngroups, sizeof(*k->groups), cmp_group);
	for (size_t i = 0; i < k->ngroups; i++)
		json_array_append_new(groups, group_json(k, &k->groups[i]));

	for (size_t i = 0; i <= k->nsrc; i++)
		json_decref(src[i]);
	free(src);
	json_object_set_new(c->report, "events", events);
	json_object_set_new(c->report, "event_groups", groups);
	json_object_set_new(c->report, "log_sources", sources);
	json_object_set_new(c->report, "cron_lost", cron_lost_json(k->cron));
	state_put(c->state, CRON_STATE_KEY, cron_lost_save(k->cron));
	json_object_set_new(c->report, "log_summary",
	                    json_pack("{s:I, s:I, s:I, s:s}", "events_total",
	                              (json_int_t)k->events_total,
	                              "events_reported", (json_int_t)k->nslots,
	                              "duplicates", (json_int_t)k->duplicates,
	                              "prefilter", prefilter_name()));

	cycle_buf_put(c, o.buf, o.bufsize + o.max_line);
	for (size_t i = 0; i < k->nslots; i++)
		free(k->slots[i].big);
	free(k->slots);
	free(k->heap);
	free(k->groups);
	dedup_free(k->dedup);
	cron_lost_free(k->cron);
	free(k);
}
