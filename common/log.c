/*
 * log.c - leveled logging to stderr or syslog.
 *
 * One global sink, set once at start-up by log_init() (and again on
 * SIGHUP).  Writes are single write(2)-sized fprintf calls so lines from
 * threads do not interleave mid-line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "common/log.h"

static const char *log_ident = "spoolwatch";
static int log_to_syslog;
static enum log_level log_min = LOG_LVL_INFO;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

void
log_init(const char *ident, int to_syslog, enum log_level level)
{
	if (log_to_syslog)
		closelog();
	log_ident = ident;
	log_to_syslog = to_syslog;
	log_min = level;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_min = level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcmp(s, "warn") == 0) {
		*out = LOG_LVL_WARN;
		return 0;
	}
	return -1;
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "unknown";
	return level_names[level];
}

static void
log_vemit(enum log_level level, int with_errno, const char *fmt, va_list ap)
{
	static const int prio[] = {LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
	int saved = errno;
	char msg[2048];

	if (level < log_min) {
		errno = saved;
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	if (log_to_syslog) {
		syslog(prio[level], "%s", msg);
	} else {
		char ts[32];
		struct tm tm;
		time_t now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s %s[%s]: %s\n", ts, log_ident,
		        level_names[level], msg);
	}
	errno = saved;
}

#define LOG_FN(name, level, with_errno)                                        \
	void name(const char *fmt, ...)                                        \
	{                                                                      \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		log_vemit(level, with_errno, fmt, ap);                         \
		va_end(ap);                                                    \
	}

LOG_FN(log_debug, LOG_LVL_DEBUG, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_err, LOG_LVL_ERR, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERR, 1, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
