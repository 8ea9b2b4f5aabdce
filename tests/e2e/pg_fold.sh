#!/bin/sh
# pg_fold.sh - the aggregates' part rows on PostgreSQL (collector.pg.sql:
# cron_fleet_part, sig_fleet_part, incident_counts_part) whose key adds up
# to zero over its parts (a host's command, signature or open cause added
# by one writer and removed by another) are deleted by agg_fold() at
# start and by the running collector's retention too
# (collector/store/store.c, store_retention): rows made vanished after
# the start go within a retention round (RETENTION_FIRST_S after the
# start, then every RETENTION_EVERY_S: the wait is bounded by both), the
# keys that do not add up to zero stay, and every sum is as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"

T=$(e2e_tmp)
check "a PostgreSQL server" pg_start
pg_createdb fold
q() { pg_sql fold "$1"; }
mkdir -p "$T/c"
check "a collector" start_collector "$T/c" "db = $(pg_url fold)"
now=$(date +%s)
# two writers' parts (70, 71) of three keys that vanished, and one key
# of each aggregate that did not
check "part rows of vanished keys, after the start" q "
INSERT INTO cron_fleet_part (command, part, hosts, inbox, unread, queued)
VALUES ('/gone.sh', 70, 1, 2, 1, 3), ('/gone.sh', 71, -1, -2, -1, -3),
    ('/kept.sh', 70, 1, 1, 1, 0), ('/kept.sh', 71, 1, 0, 0, 2);
INSERT INTO sig_fleet_part (signature, part, kind, hosts, count, last_ts)
VALUES ('sig-gone', 70, 'syserr', 1, 4, $now), ('sig-gone', 71, 'syserr', -1, -4, NULL),
    ('sig-kept', 70, 'syserr', 1, 2, $now);
INSERT INTO incident_counts_part (severity, part, causes, hosts)
VALUES ('info', 70, 2, 1), ('info', 71, -2, -1),
    ('warning', 70, 1, 1), ('warning', 71, 1, 1);
"
vanished() {
	q "SELECT (SELECT count(*) FROM cron_fleet_part WHERE command = '/gone.sh') +
    (SELECT count(*) FROM sig_fleet_part WHERE signature = 'sig-gone') +
    (SELECT count(*) FROM incident_counts_part WHERE severity = 'info')"
}
i=0
while [ "$(vanished)" != 0 ] && [ $i -lt 150 ]; do sleep 0.5; i=$((i + 1)); done
check_eq "retention deleted the vanished keys' rows" "$(vanished)" 0
check_eq "the rows of the other keys stay" \
    "$(q "SELECT (SELECT count(*) FROM cron_fleet_part WHERE command = '/kept.sh') || ' ' || (SELECT count(*) FROM sig_fleet_part WHERE signature = 'sig-kept') || ' ' || (SELECT count(*) FROM incident_counts_part WHERE severity = 'warning')")" \
    "2 1 2"
check_eq "... and their sums" \
    "$(q "SELECT (SELECT hosts || '/' || inbox || '/' || queued FROM cron_fleet WHERE command = '/kept.sh') || ' ' || (SELECT hosts || '/' || count FROM sig_fleet WHERE signature = 'sig-kept') || ' ' || (SELECT causes || '/' || hosts FROM incident_counts WHERE severity = 'warning')")" \
    "2/1/2 1/2 2/2"
check_eq "the vanished keys are in no aggregate" \
    "$(q "SELECT (SELECT count(*) FROM cron_fleet WHERE command = '/gone.sh') + (SELECT count(*) FROM sig_fleet WHERE signature = 'sig-gone') + (SELECT count(*) FROM incident_counts WHERE severity = 'info')")" 0
check "the collector still answers" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URL/healthz')\" = 200 ]"
stop_collector
