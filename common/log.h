/*
 * log.h - leveled logging to stderr or syslog (OpenSMTPD's vocabulary).
 *
 * log_warn() appends strerror(errno); log_warnx() does not.  fatal() and
 * fatalx() log and exit(1).  Every function preserves errno.  Messages are
 * one line; callers put context as key=value pairs.
 */
#ifndef SPOOLWATCH_LOG_H
#define SPOOLWATCH_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LVL_DEBUG,
	LOG_LVL_INFO,
	LOG_LVL_WARN,
	LOG_LVL_ERR,
};

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

void log_init(const char *ident, int to_syslog, enum log_level level);
void log_set_level(enum log_level level);
int log_level_parse(const char *s, enum log_level *out);
const char *log_level_name(enum log_level level);

void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_err(const char *fmt, ...) LOG_PRINTF(1, 2);
_Noreturn void fatal(const char *fmt, ...) LOG_PRINTF(1, 2);
_Noreturn void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2);

#endif
