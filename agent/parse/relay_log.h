/*
 * relay_log.h - the failures the small relays log: nullmailer-send
 * (tag "nullmailer"), msmtp, sSMTP and dma.  The lines, as syslog writes
 * them (message texts from the programs themselves: nullmailer 2.2,
 * msmtp 1.8, ssmtp 2.64, dma 0.13):
 *
 *   nullmailer[651]: smtp: Failed: Connect failed
 *   nullmailer[651]: Sending failed: Connection failed
 *   nullmailer[651]: No remote hosts listed for delivery
 *   msmtp: host=smtp.example.com tls=on auth=on user=cron
 *          from=root@h recipients=root mailsize=412 smtpstatus=535
 *          smtpmsg='535 5.7.8 Authentication failed'
 *          errormsg='authentication failed (method PLAIN)'
 *          exitcode=EX_NOPERM
 *   sSMTP[3110]: Unable to connect to "mail" port 25.
 *   dma[1a2b3c.4d5e6f]: remote delivery deferred: mx.example.com
 *          [192.0.2.7] failed after DATA: 451 4.3.0 try later
 *
 * dma puts its queue id where syslog puts a pid.  msmtp and ssmtp have
 * no queue: a failure there is a mail lost (SL_BOUNCED); nullmailer and
 * dma keep the message and retry (SL_DEFERRED) unless they give up.
 */
#ifndef SPOOLWATCH_RELAY_LOG_H
#define SPOOLWATCH_RELAY_LOG_H

#include <stddef.h>

#include "agent/parse/syslog_parse.h"

enum relay_kind {
	RELAY_NONE = 0,
	RELAY_NULLMAILER,
	RELAY_MSMTP,
	RELAY_SSMTP,
	RELAY_DMA,
};

/* relay_log_program - which relay logs under this tag (RELAY_NONE) */
enum relay_kind relay_log_program(const char *p, size_t n);

/*
 * relay_log_event - the header of a relay's line is in ev (program,
 * pid, message, from sl_parse_header); set its kind and the delivery
 * fields (stat: the reason; relay; to; queue_id for dma) from the
 * message.  Returns ev->kind, SL_NONE for lines that are no failure.
 */
enum sl_kind relay_log_event(struct sl_event *ev);

#endif
