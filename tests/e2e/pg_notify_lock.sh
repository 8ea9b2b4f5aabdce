#!/bin/sh
# pg_notify_lock.sh - the notifier's scan and the writers' lock on
# PostgreSQL.  The scan takes the writers' lock exclusive; while it
# waits, every batch that asks for the lock shared waits behind it.  A
# session holds the lock shared (as a batch of another collector does
# while it waits on a host's lock) for several scan intervals:
#  - reports go on being stored meanwhile, each answered 200: each scan
#    waits DB_EXCLUSIVE_WAIT_MS at most, then gives up until the next
#    tick (waiting without a bound, it held up every report until the
#    session ended, and each POST timed out);
#  - the findings they open are not notified while the lock is held (no
#    scan can run), and are, once each, as soon as it goes: a busy scan
#    is tried again, not dropped;
#  - a busy scan is no error in the collector's log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"
. "$(dirname "$0")/notify_lib.inc"

T=$(e2e_tmp)
LOG=$T/hook.log
printf 'webhook-key-3\n' >"$T/secret"
check "a PostgreSQL server" pg_start
pg_createdb nlock
DB=$(pg_url nlock)
check "receiver listens" start_receiver "$T" 0
mkdir -p "$T/c"
check "a collector with [notify], a scan a second" start_collector "$T/c" \
    "db = $DB" "[notify]" "webhook_url = http://127.0.0.1:$RPORT/hook" \
    "webhook_secret_file = $T/secret" "scan_interval = 1" \
    "retry_min = 1" "retry_max = 2" "repeat_interval = 0"
check "it leads" wait_metric spoolwatch_notify_leader 1 10

# the writers' lock shared, held by a psql session (sql_pg.c's key)
check "a session holds the writers' lock shared" pg_hold nlock \
    "SELECT pg_advisory_xact_lock_shared(x'7364726c6f636b'::bigint);"
sleep 3 # three scans have asked for the lock by now

report_with "$T/open.json" 0 'true' lock1.example
check_eq "a report while the lock is held: 200" "$(post "$T/r1" "$T/open.json")" 200
report_with "$T/open2.json" 0 'true' lock2.example
sleep 2
check_eq "... and another, scans later: 200" "$(post "$T/r2" "$T/open2.json")" 200
check_eq "... both stored" \
    "$(pg_sql nlock "SELECT count(*) FROM hosts WHERE name LIKE 'lock%.example'")" 2
check_eq "nothing notified while the lock is held" "$(accepted "$LOG")" 0

pg_release
check "once it goes, the 16 findings are delivered opened (30 s at most)" \
    wait_accepted "$LOG" 16 '.event == "opened"'
sleep 3 # three more scans: nothing else may come
check_eq "... each once" "$(accepted "$LOG" '.event == "opened"')" 16
check "a busy scan is no error in the log" \
    sh -c "! grep -q 'notify: scan:' '$T/c/collector.log'"
