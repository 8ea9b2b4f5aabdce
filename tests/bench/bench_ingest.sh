#!/bin/sh
# bench_ingest.sh - the collector under load, next to SQLite's own ceiling
# measured on the same machine in the same run (no pass/fail):
#
#   1. SQLite batched-insert ceiling (loadgen ceiling);
#   2. ingest: a simulated fleet POSTing gzip reports over loopback
#      (reports/s, p50/p90/p99 latency), collector peak memory, with
#      synchronous=full (the default) and synchronous=normal;
#   3. GET /api/v1/summary (and a few lists) over a big database written
#      directly with SQLite through schema/collector.sql.
#
# Scale (environment): BENCH_REPORTS (20000), BENCH_CONC (128),
# BENCH_FLEET (10000 hosts posting), BENCH_HOSTS (100000),
# BENCH_EVENTS (10000000; the database takes a few minutes and ~3.5 GB
# in BENCH_TMP), BENCH_ROWS (200000 rows for the ceiling).
set -u
top=${SPOOLWATCH_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bindir=${BINDIR:-$top/bin}
tmp=${BENCH_TMP:-/tmp/spoolwatch-bench}/ingest
reports=${BENCH_REPORTS:-20000}
conc=${BENCH_CONC:-128}
fleet=${BENCH_FLEET:-10000}
hosts=${BENCH_HOSTS:-100000}
events=${BENCH_EVENTS:-10000000}
rows=${BENCH_ROWS:-200000}
cpid=""

rm -rf "$tmp"
mkdir -p "$tmp"
trap '[ -n "$cpid" ] && kill "$cpid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

# shellcheck disable=SC2046
cc -O2 -I"$top" -o "$tmp/loadgen" "$top/tests/bench/loadgen.c" \
    $(pkg-config --cflags --libs libcurl sqlite3 zlib) || exit 1

port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start DB [CONFIG-LINE...]: a release collector on a free port; URL, cpid
start() {
	_db=$1; shift
	_p=$(port)
	URL=http://127.0.0.1:$_p
	{ echo "listen = 127.0.0.1:$_p"; echo "db = $_db"
	  for _l in "$@"; do echo "$_l"; done; } >"$tmp/c.conf"
	"$bindir/spoolwatch-collector" --config "$tmp/c.conf" \
	    2>>"$tmp/collector.log" &
	cpid=$!
	_i=0
	until curl -s -o /dev/null -m 1 "$URL/healthz"; do
		_i=$((_i + 1)); [ "$_i" -gt 300 ] && return 1; sleep 0.1
	done
}

stop() {
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
	cpid=""
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "--- SQLite batched-insert ceiling ($rows rows)"
"$tmp/loadgen" ceiling "$tmp/ceiling.db" -n "$rows"

for sync in full normal; do
	echo
	echo "--- ingest, synchronous=$sync: $reports reports from $fleet hosts, 3 events each, $conc connections"
	rm -f "$tmp/ingest.db"*
	start "$tmp/ingest.db" "synchronous = $sync" "queue_max = 100000" ||
	    { echo "collector did not start"; exit 1; }
	"$tmp/loadgen" ingest "$URL" -n "$reports" -c "$conc" -H "$fleet" -e 3
	echo "  collector peak memory: $(awk '/VmHWM/ {print $2, $3}' /proc/$cpid/status)"
	curl -s "$URL/metrics" | awk '
	    /^spoolwatch_write_batches_total / { b = $2 }
	    /^spoolwatch_write_batch_reports_total / { r = $2 }
	    END { if (b) printf "  group commit: %d transactions, %.1f reports each\n", b, r / b }'
	stop
done

echo
echo "--- read API over $hosts hosts and $events events"
"$tmp/loadgen" bigdb "$tmp/big.db" "$top/schema/collector.sql" -H "$hosts" \
    -e "$events"
echo "  database size: $(du -h "$tmp/big.db" | cut -f1)"
start "$tmp/big.db" || { echo "collector did not start"; exit 1; }
echo "  GET /api/v1/summary"
"$tmp/loadgen" get "$URL/api/v1/summary" -n 50
echo "  GET /api/v1/hosts?finding=mta.down&limit=100"
"$tmp/loadgen" get "$URL/api/v1/hosts?finding=mta.down&limit=100" -n 20
echo "  GET /api/v1/events?host=host000077.example.com"
"$tmp/loadgen" get "$URL/api/v1/events?host=host000077.example.com" -n 20
since=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
echo "  GET /api/v1/events?since=(an hour ago)"
"$tmp/loadgen" get "$URL/api/v1/events?since=$since" -n 20
echo "  GET /api/v1/events?signature=(one of the fleet's SYSERRs)"
"$tmp/loadgen" get "$URL/api/v1/events?signature=SYSERR(root):%20signature%207:%20Permission%20denied" -n 20
echo "  GET /api/v1/events?kind=bounced (none stored)"
"$tmp/loadgen" get "$URL/api/v1/events?kind=bounced" -n 20
echo "  GET /metrics"
"$tmp/loadgen" get "$URL/metrics" -n 20
stop
echo
echo "reference (issue #7, same class of machine): SQLite 297k rows/s in"
echo "1000-row transactions (NORMAL), 250k (FULL), 28k one row per"
echo "transaction, 3.2k with FULL, 15k with an index on (host TEXT, ts);"
echo "targets: >= 5,000 reports/s with p99 < 100 ms, summary < 100 ms."
