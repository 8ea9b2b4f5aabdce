#!/bin/sh
# bench_pg.sh - the collector on PostgreSQL next to SQLite, same machine,
# same run (no pass/fail; the figures feed the README's sizing section):
#
#   1. ingest: one simulated fleet load (tests/bench/loadgen.c) against one
#      collector on SQLite, one on PostgreSQL, and two on the same
#      PostgreSQL database (the load split over both, round robin);
#   2. the summary, every list endpoint with its common filters and a
#      cursor, one host, the curves and /metrics over BENCH_PG_HOSTS hosts
#      and BENCH_PG_EVENTS events: on PostgreSQL (INSERT ... SELECT
#      generate_series, tests/bench/pg_bigdb.sql) next to the same rows in
#      SQLite (loadgen bigdb), both with tests/bench/bigdb_extra.sql
#      (labels, symptoms, curves), p50/p99 of each, alternating, next to
#      the < 100 ms target.
#
# PostgreSQL is a throwaway server (tests/e2e/pg_lib.inc) in BENCH_TMP,
# with the tests' settings except fsync (on here, as in production).
# BENCH_PG_PARTS="ingest reads" (the default) chooses the parts;
# BENCH_PG_REF="BINDIR..." runs other builds' collectors (main's, say) in
# the ingest part before this one, BENCH_PG_ROUNDS times (1) alternating.
# Scale: BENCH_REPORTS (20000), BENCH_CONC (128), BENCH_FLEET (10000),
# BENCH_PG_HOSTS (100000), BENCH_PG_EVENTS (10000000: about 4 GB and
# several minutes to generate).
# BENCH_PG_GET="TEXT..." runs only the read requests containing one of them,
# BENCH_PG_GETS (10) GETs each; BENCH_PG_HOLD=1 keeps the read part's
# collectors running afterwards, for EXPLAIN.
# BENCH_PG_DATASET=DIR keeps the read part's data set: the first run
# saves both stores there (DIR/pgdata, DIR/big.db, DIR/now, DIR/scale),
# later runs at the same scale copy them instead of writing them again.
# A saved set is older than the clock: its collectors then run with
# stale_after raised by its age, so the same hosts count as silent.
set -u
top=${SPOOLWATCH_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bindir=${BINDIR:-$top/bin}
tmp=${BENCH_TMP:-/tmp/spoolwatch-bench}/pg
reports=${BENCH_REPORTS:-20000}
conc=${BENCH_CONC:-128}
fleet=${BENCH_FLEET:-10000}
hosts=${BENCH_PG_HOSTS:-100000}
events=${BENCH_PG_EVENTS:-10000000}
cpids=""

# what pg_lib.inc needs of lib.sh
_atexit=""
at_exit() { _atexit="$_atexit$1;"; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'for p in $cpids; do kill "$p" 2>/dev/null; done; eval "$_atexit"; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
. "$top/tests/e2e/pg_lib.inc"

# shellcheck disable=SC2046
cc -O2 -I"$top" -o "$tmp/loadgen" "$top/tests/bench/loadgen.c" \
    $(pkg-config --cflags --libs libcurl sqlite3 zlib) || exit 1

# start DB [CONFIG-LINE...]: one more release collector; its URL in URL
start() {
	_db=$1; shift
	_p=$(free_port)
	URL=http://127.0.0.1:$_p
	{ echo "listen = 127.0.0.1:$_p"; echo "db = $_db"
	  for _l in "$@"; do echo "$_l"; done; } >"$tmp/c$_p.conf"
	"$bindir/spoolwatch-collector" --config "$tmp/c$_p.conf" \
	    2>>"$tmp/collector.log" &
	cpids="$cpids $!"
	_i=0
	until [ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 "$URL/healthz")" = 200 ]; do
		_i=$((_i + 1)); [ "$_i" -gt "$((${wait_s:-60} * 10))" ] && return 1; sleep 0.1
	done
}
stop_all() {
	for p in $cpids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	cpids=""
}
# batches URL: the group commit of one collector
batches() {
	curl -s "$1/metrics" | awk '
	    /^spoolwatch_write_batches_total / { b = $2 }
	    /^spoolwatch_write_batch_reports_total / { r = $2 }
	    END { if (b) printf "  group commit (%s): %d transactions, %.1f reports each\n", u, b, r / b }' u="$1"
}

pg_start || { echo "no PostgreSQL server"; exit 1; }
# production durability for the figures
sed -i 's/^fsync = off/fsync = on/; s/^full_page_writes = off/full_page_writes = on/' \
    "$PGDIR/data/postgresql.conf"
pg_stop fast && pg_restart || exit 1
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
    "PostgreSQL $(pg_sql postgres 'SHOW server_version') (fsync on)"

# BENCH_PG_LABELS=1: the reports carry the read set's labels (env, dc),
# so the label aggregates' triggers have work to do
load="-n $reports -c $conc -H $fleet -e 3${BENCH_PG_LABELS:+ -L}"
# ingest_runs BINDIR LABEL: the three stores with one build's collector
ingest_runs() {
	bindir=$1
	runs=$((runs + 1))
	echo "  [$2] one collector, SQLite (synchronous=full)"
	start "$tmp/ingest$runs.db" "queue_max = 100000" || { echo "collector did not start"; exit 1; }
	# shellcheck disable=SC2086
	"$tmp/loadgen" ingest "$URL" $load
	batches "$URL"
	stop_all

	echo "  [$2] one collector, PostgreSQL"
	pg_createdb "one$runs"
	start "$(pg_url "one$runs")" "queue_max = 100000" || { echo "collector did not start"; exit 1; }
	# shellcheck disable=SC2086
	"$tmp/loadgen" ingest "$URL" $load
	batches "$URL"
	stop_all

	echo "  [$2] two collectors, one PostgreSQL database"
	pg_createdb "two$runs"
	start "$(pg_url "two$runs")" "queue_max = 100000" || { echo "collector did not start"; exit 1; }
	u1=$URL
	start "$(pg_url "two$runs")" "queue_max = 100000" || { echo "collector did not start"; exit 1; }
	u2=$URL
	# shellcheck disable=SC2086
	"$tmp/loadgen" ingest "$u1,$u2" $load
	batches "$u1"
	batches "$u2"
	echo "  stored: $(pg_sql "two$runs" 'SELECT count(*) FROM reports') reports"
	stop_all
	bindir=$mybindir
}
case " ${BENCH_PG_PARTS:-ingest reads} " in *" ingest "*)
	echo
	echo "--- ingest: $reports reports from $fleet hosts, 3 events each, $conc connections"
	# BENCH_PG_REF="DIR...": other builds' bin directories (e.g. main's)
	# run before this one in every round, BENCH_PG_ROUNDS rounds (1):
	# side by side in the same minutes
	mybindir=$bindir
	runs=0
	round=0
	while [ "$round" -lt "${BENCH_PG_ROUNDS:-1}" ]; do
		round=$((round + 1))
		for ref in ${BENCH_PG_REF:-}; do
			ingest_runs "$ref" "$ref, round $round"
		done
		ingest_runs "$mybindir" "this build, round $round"
	done
	;;
esac
case " ${BENCH_PG_PARTS:-ingest reads} " in *" reads "*) ;; *) exit 0 ;; esac

echo
echo "--- read API over $hosts hosts and $events events, PostgreSQL next to SQLite"
ds=${BENCH_PG_DATASET:-}
scale="$hosts hosts $events events"
if [ -n "$ds" ] && [ -f "$ds/now" ] && [ "$(cat "$ds/scale" 2>/dev/null)" = "$scale" ]; then
	# the saved set: its cluster's files in place of the fresh one's (the
	# settings appended last win over the saved ones)
	now=$(cat "$ds/now")
	pg_stop fast || exit 1
	rm -rf "$PGDIR/data"
	cp -a "$ds/pgdata" "$PGDIR/data" && cp "$ds/big.db" "$tmp/big.db" || exit 1
	printf 'port = %s\nunix_socket_directories = '"'%s'"'\n' "$PGPORT" "$PGDIR" \
	    >>"$PGDIR/data/postgresql.conf"
	pg_restart || exit 1
	echo "  the data set saved in $ds, $(( ($(date +%s) - now) / 60 )) min old"
else
	pg_createdb big
	start "$(pg_url big)" || { echo "collector did not start"; exit 1; }
	stop_all
	now=$(date +%s)
	t0=$now
	psql -X -q -h "$PGDIR" -p "$PGPORT" -U postgres -d big -v hosts="$hosts" \
	    -v events="$events" -v now="$now" -f "$top/tests/bench/pg_bigdb.sql" \
	    >/dev/null || { echo "the data set failed"; exit 1; }
	echo "  PostgreSQL: data set written in $(($(date +%s) - t0)) s;" \
	    "database size: $(pg_sql big "SELECT pg_size_pretty(pg_database_size('big'))")"
	t0=$(date +%s)
	"$tmp/loadgen" bigdb "$tmp/big.db" "$top/schema/collector.sql" -H "$hosts" \
	    -e "$events" >/dev/null || { echo "the SQLite data set failed"; exit 1; }
	sqlite3 "$tmp/big.db" ".parameter set :hosts $hosts" \
	    ".parameter set :now $now" ".read $top/tests/bench/bigdb_extra.sql" \
	    "ANALYZE" || { echo "the SQLite data set failed"; exit 1; }
	echo "  SQLite: data set written in $(($(date +%s) - t0)) s;" \
	    "file size: $(du -h "$tmp/big.db" | cut -f1)"
	if [ -n "$ds" ]; then
		pg_stop fast || exit 1
		rm -rf "$ds" && mkdir -p "$ds" &&
		    cp -a "$PGDIR/data" "$ds/pgdata" && cp "$tmp/big.db" "$ds/big.db" &&
		    echo "$scale" >"$ds/scale" && echo "$now" >"$ds/now" || exit 1
		pg_restart || exit 1
		echo "  the data set saved in $ds"
	fi
fi
# as many hosts silent as when the set was written; a saved set of an
# older schema version is migrated first (minutes at 10 M events)
wait_s=${BENCH_PG_START_S:-1200}
stale="stale_after = $(( 900 + $(date +%s) - now ))s"
start "$(pg_url big)" "$stale" || { echo "collector did not start"; exit 1; }
upg=$URL
start "$tmp/big.db" "$stale" || { echo "collector did not start"; exit 1; }
usq=$URL
since=$(date -u -d "@$((now - 3600))" +%Y-%m-%dT%H:%M:%SZ)
h77=host000077.example.com
# every list endpoint with its common filters and a cursor, the summary
# (whole fleet, a label of half the fleet and one of a sixth), one host, the curves and /metrics
for p in "/api/v1/summary" "/api/v1/summary?label=env:prod" \
    "/api/v1/summary?label=env:dev" \
    "/api/v1/hosts?limit=100" "/api/v1/hosts?finding=mta.down&limit=100" \
    "/api/v1/hosts?severity=critical&limit=100" \
    "/api/v1/hosts?label=env:dev&limit=100" "/api/v1/hosts?stale=true&limit=100" \
    "/api/v1/hosts?limit=100&cursor=$(printf host050000.example.com | od -An -tx1 | tr -d ' \n')" \
    "/api/v1/hosts/$h77" \
    "/api/v1/findings?limit=100" "/api/v1/findings?state=open&limit=100" \
    "/api/v1/findings?state=resolved&limit=100" \
    "/api/v1/findings?code=mta.down&limit=100" \
    "/api/v1/findings?code=log.syserr&severity=warning&state=open&limit=100" \
    "/api/v1/findings?role=cause&limit=100" \
    "/api/v1/findings?role=symptom&limit=100" \
    "/api/v1/findings?acked=true&limit=100" "/api/v1/findings?host=$h77" \
    "/api/v1/findings?label=env:dev&limit=100" \
    "/api/v1/findings?label=env:dev&code=mta.down&limit=100" \
    "/api/v1/findings?label=env:prod&code=mta.down&limit=100" \
    "/api/v1/findings?label=env:prod&code=log.syserr&state=open&limit=100" \
    "/api/v1/findings?limit=100&cursor=100000" \
    "/api/v1/events?limit=100" "/api/v1/events?host=$h77" \
    "/api/v1/events?since=$since" \
    "/api/v1/events?signature=SYSERR(root):%20signature%207:%20Permission%20denied" \
    "/api/v1/events?kind=bounced" "/api/v1/events?label=env:dev&limit=100" \
    "/api/v1/mail?limit=100" "/api/v1/mail?label=env:dev&limit=100" \
    "/api/v1/mail?label=env:prod&limit=100" \
    "/api/v1/mail?host=$h77" "/api/v1/remedies" \
    "/api/v1/remedies?code=mta.down" "/api/v1/remedies?severity=critical" \
    "/api/v1/remedies?label=env:prod" "/api/v1/remedies?label=env:dev" \
    "/api/v1/remedies?acked=false" "/api/v1/remedies?format=inventory" \
    "/api/v1/history?range=24h" "/api/v1/history?range=7d" \
    "/api/v1/history?host=$h77" "/api/v1/history?label=env:dev" \
    "/api/v1/history?label=env:prod" "/api/v1/history?label=env:prod&range=7d" \
    "/metrics"; do
	# BENCH_PG_GET="TEXT...": only the requests that contain one of them
	_want=${BENCH_PG_GET:-/}
	_hit=""
	for _t in $_want; do case $p in *"$_t"*) _hit=1 ;; esac; done
	[ -n "$_hit" ] || continue
	echo "  GET $p"
	printf '    PostgreSQL'
	"$tmp/loadgen" get "$upg$p" -n "${BENCH_PG_GETS:-10}"
	printf '    SQLite    '
	"$tmp/loadgen" get "$usq$p" -n "${BENCH_PG_GETS:-10}"
done
# BENCH_PG_HOLD=1: keep both collectors running (their URLs printed) for
# EXPLAIN and hand-made requests until the script is interrupted
if [ -n "${BENCH_PG_HOLD:-}" ]; then
	echo "  holding: PostgreSQL $upg ($(pg_url big)), SQLite $usq ($tmp/big.db)"
	while :; do sleep 60; done
fi
stop_all
echo
echo "target: the summary and every list < 100 ms (p99) at 100,000 hosts and"
echo "10 million events, on both stores."
