/*
 * journal_run.c - run journalctl and read its JSON lines (see
 * journal_run.h).
 *
 * The child's stdout is read in blocks into one buffer of
 * JOURNAL_LINE_MAX bytes, split on newlines; its stderr (a corrupt
 * file, a bad cursor) is kept up to JOURNAL_STDERR_MAX bytes for the
 * note.  At the deadline or the byte budget the child is killed; what
 * was read so far stands, and the cursor says where the next run goes
 * on.  stdin is /dev/null; nothing goes through a shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/probe/journal_run.h"
#include "common/fsutil.h"
#include "common/timeutil.h"
#include "common/xalloc.h"

/* The mail programs: facility mail covers sendmail, postfix, exim,
 * nullmailer, msmtp and dma; cron logs as facility cron. */
static const char *const matches[] = {
    "SYSLOG_FACILITY=2",
    "+",
    "SYSLOG_IDENTIFIER=CRON",
    "SYSLOG_IDENTIFIER=cron",
    "SYSLOG_IDENTIFIER=crond",
    "SYSLOG_IDENTIFIER=CROND",
    "SYSLOG_IDENTIFIER=sendmail",
    "SYSLOG_IDENTIFIER=sm-mta",
    "SYSLOG_IDENTIFIER=nullmailer",
    "SYSLOG_IDENTIFIER=msmtp",
    "SYSLOG_IDENTIFIER=dma",
    "SYSLOG_IDENTIFIER=sSMTP",
    "SYSLOG_IDENTIFIER=exim",
};
#define NMATCHES (sizeof(matches) / sizeof(matches[0]))

/* since_option - "--since=YYYY-MM-DD HH:MM:SS" in local time, the form
 * every journalctl takes (the "@EPOCH" form came later) */
static void
since_option(long long since, char *buf, size_t buflen)
{
	time_t t = (time_t)(since > 0 ? since : 0);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, buflen, "--since=%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, buflen, "--since=@%lld", (long long)t);
}

size_t
journal_argv(const struct journal_opts *o, int use_cursor, int with_fields,
             char *buf, size_t buflen, const char **argv)
{
	size_t k = 0;

	argv[k++] = "journalctl";
	if (o->dir != NULL && o->dir[0] != '\0') {
		argv[k++] = "-D";
		argv[k++] = o->dir;
	}
	argv[k++] = "--output=json";
	if (with_fields)
		argv[k++] = "--output-fields=MESSAGE,SYSLOG_IDENTIFIER,_COMM,"
		            "_PID,SYSLOG_PID,_HOSTNAME";
	argv[k++] = "--no-pager";
	argv[k++] = "-q";
	if (use_cursor && o->cursor != NULL && o->cursor[0] != '\0')
		snprintf(buf, buflen, "--cursor=%s", o->cursor);
	else
		since_option(o->since, buf, buflen);
	argv[k++] = buf;
	for (size_t i = 0; i < NMATCHES; i++)
		argv[k++] = matches[i];
	argv[k] = NULL;
	return k;
}

int
journal_locate(const char *root, char *dir, size_t n)
{
	static const char *const dirs[] = {"/var/log/journal",
	                                   "/run/log/journal"};
	char p[4096];
	struct stat sb;
	int live = root == NULL || root[0] == '\0' || strcmp(root, "/") == 0;

	for (size_t i = 0; i < 2; i++) {
		if (root_path(p, sizeof(p), live ? "" : root, dirs[i]) == -1)
			continue;
		if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			snprintf(dir, n, "%s", live ? "" : p);
			return 1;
		}
	}
	if (n > 0)
		dir[0] = '\0';
	return 0;
}

/* One run of the child and what came of it. */
struct run {
	const struct journal_opts *o;
	journal_line_fn fn;
	void *arg;
	struct journal_result *res;
	int skip_first; /* the first entry must be o->cursor */
	int first_seen;
	char *scratch, *line;
	char errbuf[JOURNAL_STDERR_MAX + 1];
	size_t errlen;
	int status; /* exit status; -1 killed by us */
};

static void
handle(struct run *r, const char *p, size_t n)
{
	struct journal_entry e;
	struct sl_span prog;
	size_t ln;

	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n == 0)
		return;
	if (journal_entry_parse(p, n, &e, r->scratch, JOURNAL_SCRATCH_MAX) ==
	    -1) {
		r->res->skipped++;
		return;
	}
	if (r->skip_first && !r->first_seen) {
		r->first_seen = 1;
		if (e.cursor.p != NULL && strlen(r->o->cursor) == e.cursor.n &&
		    memcmp(r->o->cursor, e.cursor.p, e.cursor.n) == 0)
			return; /* read last time */
		r->res->cursor_lost = 1;
	}
	if (e.cursor.p != NULL && e.cursor.n < JOURNAL_CURSOR_MAX) {
		memcpy(r->res->cursor, e.cursor.p, e.cursor.n);
		r->res->cursor[e.cursor.n] = '\0';
	}
	prog = journal_entry_program(&e);
	if (!journal_mail_program(prog.p, prog.n))
		return;
	if ((ln = journal_entry_line(&e, r->line, JOURNAL_LINE_MAX)) == 0) {
		r->res->skipped++;
		return;
	}
	r->res->entries++;
	r->fn(r->arg, r->line, ln, &e);
}

static void
reap(pid_t pid, int *status)
{
	int st = 0;

	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* spawn - fork/exec argv with stdout and stderr on pipes. */
static pid_t
spawn(const char *prog, const char **argv, int *out, int *errfd, char *err,
      size_t errlen)
{
	int o[2], e[2];
	pid_t pid;

	if (pipe2(o, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(e, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(o[0]);
		close(o[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(o[0]);
		close(o[1]);
		close(e[0]);
		close(e[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull != -1)
			dup2(devnull, 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		signal(SIGPIPE, SIG_DFL);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	*out = o[0];
	*errfd = e[0];
	return pid;
}

/*
 * run_once - one child: 0 when it ran to its end (r->status set), 1 when
 * we stopped it (deadline, budget: r->res->partial), -1 on a local
 * failure (err).
 */
static int
run_once(struct run *r, const char **argv, int64_t deadline, char *err,
         size_t errlen)
{
	size_t cap = JOURNAL_LINE_MAX, have = 0;
	size_t budget = r->o->max_bytes ? r->o->max_bytes : JOURNAL_BYTES_MAX;
	int out, efd, skipping = 0, stopped = 0;
	char *buf;
	pid_t pid;

	if ((pid = spawn(r->o->program, argv, &out, &efd, err, errlen)) == -1)
		return -1;
	buf = xmalloc(cap);
	while (out != -1 || efd != -1) {
		struct pollfd pfd[2] = {{out, POLLIN, 0}, {efd, POLLIN, 0}};
		int64_t left = deadline - time_mono_ms();
		ssize_t got;

		if (left <= 0) {
			snprintf(r->res->note, sizeof(r->res->note),
			         "journalctl gave no end within %lld ms: "
			         "stopped, the rest is read next cycle",
			         r->o->timeout_ms);
			stopped = 1;
			break;
		}
		if (poll(pfd, 2, (int)(left > 60000 ? 60000 : left)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			stopped = -1;
			break;
		}
		if (efd != -1 && (pfd[1].revents & (POLLIN | POLLHUP))) {
			char junk[512];
			got = read(efd, junk, sizeof(junk));
			if (got <= 0) {
				close(efd);
				efd = -1;
			} else if (r->errlen < JOURNAL_STDERR_MAX) {
				size_t take = (size_t)got;
				if (take > JOURNAL_STDERR_MAX - r->errlen)
					take = JOURNAL_STDERR_MAX - r->errlen;
				memcpy(r->errbuf + r->errlen, junk, take);
				r->errlen += take;
			}
		}
		if (out == -1 || !(pfd[0].revents & (POLLIN | POLLHUP)))
			continue;
		got = read(out, buf + have, cap - have);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (have > 0 && !skipping)
				handle(r, buf, have);
			have = 0;
			close(out);
			out = -1;
			continue;
		}
		r->res->bytes += (unsigned long long)got;
		have += (size_t)got;
		{
			char *p = buf, *nl;
			while (
			    (nl = memchr(p, '\n', have - (size_t)(p - buf)))) {
				if (!skipping)
					handle(r, p, (size_t)(nl - p));
				else
					r->res->skipped++;
				skipping = 0;
				p = nl + 1;
			}
			have -= (size_t)(p - buf);
			memmove(buf, p, have);
		}
		if (have == cap) { /* an entry longer than the cap */
			have = 0;
			skipping = 1;
		}
		if (r->res->bytes >= budget) {
			snprintf(r->res->note, sizeof(r->res->note),
			         "%zu bytes of journal read in this cycle (the "
			         "bound): the rest is read next cycle",
			         budget);
			stopped = 1;
			break;
		}
	}
	free(buf);
	if (out != -1)
		close(out);
	if (efd != -1)
		close(efd);
	if (stopped) {
		kill(pid, SIGKILL);
		reap(pid, NULL);
		r->status = -1;
		if (stopped == 1)
			r->res->partial = 1;
		return stopped == 1 ? 1 : -1;
	}
	reap(pid, &r->status);
	return 0;
}

/* stderr_text - the child's complaint on one line, for a note */
static const char *
stderr_text(struct run *r)
{
	r->errbuf[r->errlen] = '\0';
	for (size_t i = 0; i < r->errlen; i++)
		if (r->errbuf[i] == '\n' || r->errbuf[i] == '\r')
			r->errbuf[i] = ' ';
	while (r->errlen > 0 && r->errbuf[r->errlen - 1] == ' ')
		r->errbuf[--r->errlen] = '\0';
	return r->errbuf;
}

int
journal_read(const struct journal_opts *o, journal_line_fn fn, void *arg,
             struct journal_result *res, char *err, size_t errlen)
{
	const char *argv[JOURNAL_ARGV_MAX + 1];
	char opt[JOURNAL_CURSOR_MAX + 32];
	int64_t deadline = time_mono_ms() + o->timeout_ms;
	int use_cursor = o->cursor != NULL && o->cursor[0] != '\0';
	int with_fields = 1, rc = -1;
	struct run r;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.fn = fn;
	r.arg = arg;
	r.res = res;
	if (use_cursor)
		snprintf(res->cursor, sizeof(res->cursor), "%s", o->cursor);
	if (access(o->program, X_OK) == -1) {
		snprintf(err, errlen, "%s: %s", o->program, strerror(errno));
		return -1;
	}
	r.scratch = xmalloc(JOURNAL_SCRATCH_MAX);
	r.line = xmalloc(JOURNAL_LINE_MAX);
	for (int attempt = 0; attempt < 3; attempt++) {
		int ran;

		r.skip_first = use_cursor;
		r.first_seen = 0;
		r.errlen = 0;
		journal_argv(o, use_cursor, with_fields, opt, sizeof(opt),
		             argv);
		ran = run_once(&r, argv, deadline, err, errlen);
		if (ran == -1)
			goto out;
		if (ran == 1 || r.status == 0 || res->entries > 0 ||
		    res->bytes > 0)
			break;
		/* failed before any output: an old journalctl, or a cursor
		 * it cannot use; anything else is the answer */
		stderr_text(&r);
		if (with_fields && strstr(r.errbuf, "output-fields")) {
			with_fields = 0;
			continue;
		}
		if (use_cursor && strstr(r.errbuf, "cursor")) {
			use_cursor = 0;
			res->cursor_lost = 1;
			res->cursor[0] = '\0';
			continue;
		}
		break;
	}
	if (r.status > 0 && res->entries == 0 && res->bytes == 0) {
		snprintf(err, errlen, "%s exited with status %d: %.400s",
		         o->program, r.status, stderr_text(&r));
		goto out;
	}
	if (r.skip_first && !r.first_seen && r.status == 0)
		res->cursor_lost = 1; /* not even the saved entry came back */
	if (res->note[0] == '\0' && res->cursor_lost)
		snprintf(res->note, sizeof(res->note),
		         "the saved journal cursor is no longer in the journal "
		         "(rotated, vacuumed or corrupt while the agent was "
		         "down): read on from %s",
		         use_cursor ? "the entry journalctl placed it at"
		                    : "the start of the last interval");
	else if (res->note[0] == '\0' && r.status > 0)
		snprintf(res->note, sizeof(res->note),
		         "journalctl exited with status %d after %llu entries: "
		         "%.300s",
		         r.status, res->entries, stderr_text(&r));
	else if (res->note[0] == '\0' && r.errlen > 0)
		snprintf(res->note, sizeof(res->note), "journalctl: %.400s",
		         stderr_text(&r));
	rc = 0;
out:
	free(r.scratch);
	free(r.line);
	return rc;
}
