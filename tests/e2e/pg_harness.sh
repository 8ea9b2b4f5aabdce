#!/bin/sh
# pg_harness.sh - the throwaway PostgreSQL of tests/e2e/pg_lib.inc works
# as the other PostgreSQL tests assume: started as an unprivileged user,
# C locale and UTF8, answering on its Unix socket without a password and
# on 127.0.0.1 only with the one in PG_PW_FILE, back after a SIGKILL of
# the postmaster with its committed rows, and gone (directory included)
# when the script ends.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.inc"

check "the server starts" pg_start
check_eq "it runs as an unprivileged user" \
    "$(ps -o user= -p "$(pg_postmaster_pid)")" "$PG_USER"
check "a database is created" pg_createdb t1
check_eq "C collation and UTF8" \
    "$(pg_sql t1 "SELECT datcollate || ' ' || pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 't1'")" \
    "C UTF8"
check_eq "text sorts by bytes" \
    "$(pg_sql t1 "SELECT string_agg(x, ',' ORDER BY x) FROM (VALUES ('b'), ('B'), ('a'), ('_')) v(x)")" \
    "B,_,a,b"
check_eq "the Unix socket is in the test directory" \
    "$(pg_sql t1 "SHOW unix_socket_directories")" "$PGDIR"
check_eq "TCP with the password" \
    "$(PGPASSWORD=$(cat "$PG_PW_FILE") psql -X -A -t -d "$(pg_tcp_url t1)" -c 'SELECT 1' 2>&1)" 1
check "TCP without the password is refused" \
    sh -c "! PGPASSWORD=wrong psql -X -A -t -w -d '$(pg_tcp_url t1)' -c 'SELECT 1' >/dev/null 2>&1"
pg_sql t1 "CREATE TABLE k (v int); INSERT INTO k VALUES (1), (2)"
check "SIGKILL of the postmaster and its backends" pg_kill9
check "not answering after the kill" sh -c "! psql -X -h '$PGDIR' -p '$PGPORT' -U postgres -d t1 -c 'SELECT 1' >/dev/null 2>&1"
check "restarts after the kill" pg_restart
check_eq "committed rows survive the kill" "$(pg_sql t1 'SELECT sum(v) FROM k')" 3
check "stops" pg_stop
# a script that starts a server and ends: no directory, no process left
cat >"$_e2e_base/inner.sh" <<INNER
. "$SPOOLWATCH_TOP/tests/e2e/lib.sh"
. "$SPOOLWATCH_TOP/tests/e2e/pg_lib.inc"
pg_start && echo "\$PGDIR \$(pg_postmaster_pid)"
INNER
set -- $(sh "$_e2e_base/inner.sh")
check "an inner script started a server" test -n "${2:-}"
check "its directory is removed at its end" test ! -e "$1"
# (it removes postmaster.pid just before it exits: wait a little)
gone() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ps -p "$1" -o stat= | grep -qv Z || return 0
		sleep 0.5
	done
	return 1
}
check "its server is gone" gone "${2:-1}"
