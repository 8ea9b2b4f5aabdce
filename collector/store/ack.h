/*
 * ack.h - when an acknowledgement (table acks, schema/collector.sql)
 * holds for a finding, as SQL the read API and the notifier share: the
 * ack of the finding's (host, code, subject) applies to the occurrence
 * it was made on while that one is open, or to any occurrence until its
 * `until`; it no longer holds once the evidence got worse than when it
 * was made (a higher severity, more hosts with the code open).
 *
 * Both fragments expect the finding as `f` and the ack as `a`.
 */
#ifndef SPOOLWATCH_ACK_H
#define SPOOLWATCH_ACK_H

/* now in epoch seconds: SQLite's unixepoch() (3.38 on), a function of
 * the same name in schema/collector.pg.sql on PostgreSQL */
#define ACK_NOW_SQL "unixepoch()"

#define ACK_SEV_RANK(x)                                                        \
	"(CASE " x " WHEN 'critical' THEN 3 WHEN 'warning' THEN 2 "            \
	"WHEN 'info' THEN 1 ELSE 0 END)"

/* ACK_HOSTS_SQL - the hosts with code f.code open now. */
#define ACK_HOSTS_SQL                                                          \
	"(SELECT count(DISTINCT x.host_id) FROM findings x WHERE "             \
	"x.code = f.code AND x.resolved_at IS NULL)"

/* ACK_APPLIES - a is the ack of f and has not expired. */
#define ACK_APPLIES                                                            \
	"a.host_id = f.host_id AND a.code = f.code AND a.subject = f.subject " \
	"AND ((a.until IS NULL AND a.finding_id = f.id) OR "                   \
	"a.until > " ACK_NOW_SQL ")"

/* ACK_WORSE - f's evidence is worse than when a was made. */
#define ACK_WORSE                                                              \
	"(" ACK_SEV_RANK("f.severity") " > " ACK_SEV_RANK(                     \
	    "a.severity") " OR " ACK_HOSTS_SQL " > a.hosts)"

/* ACK_HOLDS - the ON clause of "LEFT JOIN acks a": a silences f. */
#define ACK_HOLDS ACK_APPLIES " AND NOT " ACK_WORSE

#endif
