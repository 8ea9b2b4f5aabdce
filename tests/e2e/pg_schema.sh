#!/bin/sh
# pg_schema.sh - schema versions on PostgreSQL (collector/store/migrate.c):
# a new database gets the current schema and meta schema_version 2 (its
# first version); a restart keeps it; two collectors starting at once on
# a new database both come up (the migration is serialised); a database
# of a newer version is refused at start with a clear message and left
# as it was; one older than PostgreSQL's first version is refused too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"

T=$(e2e_tmp)
check "a PostgreSQL server" pg_start
pg_createdb v
q() { pg_sql v "$1"; }
mkdir -p "$T/a" "$T/b" "$T/c"
check "a collector on a new database" start_collector "$T/a" "db = $(pg_url v)"
check_eq "meta schema_version is 2" \
    "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 2
stop_collector
check "restart on it" start_collector "$T/a" "db = $(pg_url v)"
check_eq "still version 2, one meta row" \
    "$(q "SELECT count(*) || ' ' || max(value) FROM meta WHERE key = 'schema_version'")" "1 2"
stop_collector

# two at once on a new database
pg_createdb w
start_collector "$T/b" "db = $(pg_url w)" &
j1=$!
start_collector "$T/c" "db = $(pg_url w)" &
j2=$!
wait $j1; r1=$?
wait $j2; r2=$?
check_eq "two collectors starting at once on a new database both answer" "$r1 $r2" "0 0"
check_eq "... one schema, version 2" \
    "$(pg_sql w "SELECT value FROM meta WHERE key = 'schema_version'")" 2
# (their pids live in the subshells: stop them by port)
for d in b c; do
	pkill_port=$(sed -n 's/^listen = 127.0.0.1://p' "$T/$d/collector.conf")
	pid=$(ss -Htlnp "sport = :$pkill_port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$pid" ] && kill "$pid"
done

# newer than this collector
q "UPDATE meta SET value = '3' WHERE key = 'schema_version'"
q "SELECT count(*) FROM hosts" >"$T/before"
check "a newer database: the collector refuses to start" \
    sh -c "! '$COLLECTOR' --db '$(pg_url v)' --listen 127.0.0.1:$(free_port) >'$T/n.log' 2>&1"
check "it says why" \
    grep -q "schema version 3, newer than this collector's (2)" "$T/n.log"
check_eq "the version is left as it was" \
    "$(q "SELECT value FROM meta WHERE key = 'schema_version'")" 3
# older than PostgreSQL ever had
q "UPDATE meta SET value = '1' WHERE key = 'schema_version'"
check "version 1 on PostgreSQL: refused" \
    sh -c "! '$COLLECTOR' --db '$(pg_url v)' --listen 127.0.0.1:$(free_port) >'$T/o.log' 2>&1"
check "it says why" grep -q "older than any this backend had (2)" "$T/o.log"
