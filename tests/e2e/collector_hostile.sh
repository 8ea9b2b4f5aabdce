#!/bin/sh
# collector_hostile.sh - hostile and broken clients against the collector
# over 127.0.0.1: malformed JSON, wrong types, truncated gzip, a gzip bomb,
# oversize bodies (declared and chunked), an unknown encoding, a body that
# is not JSON (415), a far-future timestamp, host names that cannot be a
# path segment, a name that is not UTF-8 in the path, hundreds of query
# arguments (414 at once, in the error shape), slow-loris connections
# (headers and body), a pile of idle connections, a full writer queue,
# too many body bytes in flight (503 + Retry-After) counted as they
# arrive (slow senders that only declare large bodies block nobody), and
# the per-address connection limit on by default.  After all of it the
# collector still answers and stops cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
D="$SPOOLWATCH_TOP/tests/data"
write_client "$T"

check "collector starts with small limits" start_collector "$T" \
    "max_body = 64k" "max_json = 1M" "connection_timeout = 2" \
    "request_timeout = 4" "queue_max = 2" "batch_max = 1"

printf '{"schema": "spoolwatch.report/1", "report_id": ' >"$T/bad.json"
check_eq "malformed JSON: 400" "$(post "$T/r" "$T/bad.json")" 400
check_eq "malformed JSON: error code" "$(jq -r .error.code "$T/r")" malformed_json

jq '.interval_s = "60"' "$D/report-minimal.json" >"$T/types.json"
check_eq "wrong type: 400" "$(post "$T/r" "$T/types.json")" 400
check_eq "wrong type: the message names the field" \
    "$(jq -r .error.message "$T/r")" "interval_s: expected an integer"

jq '.spools[0].entries = -3' "$D/report-incident.json" >"$T/neg.json"
check_eq "negative count: 400 naming the field" \
    "$(post "$T/r" "$T/neg.json") $(jq -r .error.message "$T/r")" \
    "400 spools[0].entries: must be at least 0"

jq '.collected_at = "2099-01-01T00:00:00Z"' "$D/report-minimal.json" >"$T/future.json"
check_eq "far-future timestamp: 400" \
    "$(post "$T/r" "$T/future.json") $(jq -r .error.message "$T/r")" \
    "400 collected_at: timestamp too far in the future"

gzip -c "$D/report-incident.json" >"$T/full.gz"
head -c 300 "$T/full.gz" >"$T/trunc.gz"
check_eq "truncated gzip: 400 bad_gzip" \
    "$(post "$T/r" "$T/trunc.gz" -H 'Content-Encoding: gzip') $(jq -r .error.code "$T/r")" \
    "400 bad_gzip"

# 256 MiB of zeros compresses to about 256 KiB; max_body is 64k, so use
# 50 MiB (about 50 KiB on the wire) to get past the body limit to the
# decoder, which stops at max_json.
head -c 52428800 /dev/zero | gzip -9 >"$T/bomb.gz"
check "the bomb is under max_body" test "$(wc -c <"$T/bomb.gz")" -lt 65536
check_eq "gzip bomb: 413, not out of memory" \
    "$(post "$T/r" "$T/bomb.gz" -H 'Content-Encoding: gzip') $(jq -r .error.code "$T/r")" \
    "413 too_large"

head -c 200000 /dev/zero | tr '\0' ' ' >"$T/big.json"
check_eq "oversize body (Content-Length): 413" \
    "$(post "$T/r" "$T/big.json") $(jq -r .error.code "$T/r")" "413 too_large"
check_eq "oversize body (chunked): 413" \
    "$(post "$T/r" "$T/big.json" -H 'Transfer-Encoding: chunked') $(jq -r .error.code "$T/r")" \
    "413 too_large"
check_eq "unknown Content-Encoding: 415" \
    "$(post "$T/r" "$D/report-minimal.json" -H 'Content-Encoding: br')" 415
check_eq "Content-Type text/plain: 415 in the error shape" \
    "$(curl -s -m 20 -o "$T/r" -w '%{http_code}' -H 'Content-Type: text/plain' \
    --data-binary "@$D/report-minimal.json" "$URL/api/v1/reports") $(jq -r .error.code "$T/r")" \
    "415 unsupported_media_type"
check_eq "Content-Type application/json with a charset: accepted" \
    "$(post "$T/r" "$D/report-minimal.json" -H 'Content-Type: Application/JSON; charset=utf-8')" 200
for n in 'a/b' '..' '.'; do
	jq --arg n "$n" '.host.name = $n | .report_id = "00000000-0000-4000-8000-00000000000a"' \
	    "$D/report-minimal.json" >"$T/slash.json"
	check_eq "host name '$n': refused (it cannot be opened at /api/v1/hosts/{name})" \
	    "$(post "$T/r" "$T/slash.json") $(jq -r .error.message "$T/r" | cut -d: -f1)" \
	    "400 host.name"
done
check_eq "a name that is not UTF-8 in the path: 404 in the error shape" \
    "$(get "$T/r" '/api/v1/hosts/%ff%fe') $(jq -r .error.code "$T/r")" "404 not_found"
args=$(python3 -c "print('&'.join('a%d=1' % i for i in range(600)))")
check_eq "600 query arguments: 414 at once, in the error shape" \
    "$(curl -s -m 5 -o "$T/r" -w '%{http_code}' "$URL/api/v1/hosts?$args") $(jq -r .error.code "$T/r")" \
    "414 uri_too_long"
check_eq "64 query arguments are still served" \
    "$(get "$T/r" "/api/v1/hosts?$(python3 -c "print('&'.join('a%d=1' % i for i in range(63)))")")" 200
check_eq "binary junk: 400" \
    "$(head -c 4096 /dev/urandom >"$T/junk"; post "$T/r" "$T/junk")" 400

# --- slow clients ------------------------------------------------------------------
python3 "$T/client.py" slow "$PORT" headers 20 >"$T/slow1" &
s1=$!
python3 "$T/client.py" slow "$PORT" body 20 >"$T/slow2" &
s2=$!
sleep 0.5
check_eq "others are served while slow clients hang" \
    "$(get "$T/x" /healthz)" 200
check_eq "a report is stored meanwhile" \
    "$(post "$T/r" "$D/report-healthy.json")" 200
wait $s1 $s2
check "slow-loris headers: closed by the server" \
    grep -Eq '^[0-9]+\.[0-9]$' "$T/slow1"
check "slow-loris body: closed by the server" \
    grep -Eq '^[0-9]+\.[0-9]$' "$T/slow2"
check "closed within the timeouts (not at the client's 20 s limit)" \
    awk '$1 >= 15 { exit 1 }' "$T/slow1" "$T/slow2"

# a pile of idle connections (fewer than the default per-address limit)
python3 - "$PORT" >"$T/idle" <<'PY' &
import socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(200)]
time.sleep(1.5)
print(len(socks))
PY
idle=$!
sleep 0.5
check_eq "200 idle connections do not block the API" "$(get "$T/x" /healthz)" 200
wait $idle

# --- full writer queue -------------------------------------------------------------
# Hold the store's write lock from outside for 2 s (SQLite's, or on
# PostgreSQL the reports table's): the writer waits on it, the queue
# (queue_max = 2) fills, and further reports get 503 + Retry-After
# instead of queueing without bound.
if [ "$SPOOLWATCH_TEST_DB" = pg ]; then
	dbq "$T/c.db" "BEGIN; LOCK TABLE reports IN EXCLUSIVE MODE;
	    SELECT pg_sleep(2.5); COMMIT" >/dev/null &
else
	python3 - "$T/c.db" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
c.execute("BEGIN IMMEDIATE")
time.sleep(2.5)
c.execute("COMMIT")
PY
fi
locker=$!
sleep 0.5
fresh_report "$T/fresh.json"
python3 "$T/client.py" concurrent "$PORT" "" "$T/fresh.json" 8 "$T/conc"
wait $locker
check "queue full: some reports get 503" grep -q '^503 ' "$T/conc"
check "503 carries Retry-After" grep -Eq '^503 [0-9]+$' "$T/conc"
check "the queued ones are stored once the lock is gone" grep -q '^200 ' "$T/conc"
check "nothing else than 200 and 503" sh -c "! grep -Ev '^(200 None|503 [0-9]+)$' '$T/conc'"

get "$T/m" /metrics >/dev/null
check "metrics: bad_gzip counted" \
    grep -q '^spoolwatch_reports_rejected_total{reason="bad_gzip"} 1$' "$T/m"
check "metrics: too_large counted" \
    grep -q "^spoolwatch_reports_rejected_total{reason=\"too_large\"} 3\$" "$T/m"
check "metrics: overloaded counted" \
    grep -Eq '^spoolwatch_reports_rejected_total\{reason="overloaded"\} [1-9]' "$T/m"
check_eq "still healthy" "$(get "$T/x" /healthz)" 200
stop_collector
check_eq "clean stop after all of it" "$STOP_RC" 0

# --- too many body bytes in flight -------------------------------------------
mkdir -p "$T/inflight"
check "collector with max_inflight = 1M, max_body = 128k" start_collector \
    "$T/inflight" "max_inflight = 1M" "max_body = 128k"
# forty uploads that declare 128000 bytes each (5 MB in all, five times
# max_inflight) and send one byte: they hold 40 bytes, not 5 MB
python3 - "$PORT" >"$T/declarers" <<'PY' &
import socket, sys, time
socks = []
for _ in range(40):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\n"
              b"Content-Length: 128000\r\n\r\n{")
    socks.append(s)
time.sleep(3)
print(len(socks))
PY
declarers=$!
sleep 1.5
check_eq "slow senders that declare 5 MB: a report is still accepted" \
    "$(post "$T/r" "$D/report-minimal.json")" 200
wait $declarers
# eight uploads that really sent 120 kB each: 960 kB of 1 MiB held
python3 - "$PORT" >"$T/holders" <<'PY' &
import socket, sys, time
socks = []
for _ in range(8):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\n"
              b"Content-Length: 128000\r\n\r\n" + b" " * 120000)
    socks.append(s)
time.sleep(3)
print(len(socks))
PY
holders=$!
sleep 1.5
head -c 100000 /dev/zero | tr '\0' ' ' >"$T/100k.json"
code=$(curl -s -m 20 -D "$T/hdr" -o "$T/r" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' \
    --data-binary "@$T/100k.json" "$URL/api/v1/reports")
check_eq "bytes received over max_inflight: 503 overloaded" \
    "$code $(jq -r .error.code "$T/r")" "503 overloaded"
check "with Retry-After" grep -qi '^retry-after: 1' "$T/hdr"
wait $holders
check_eq "once they are gone, the same body is read again (400, not 503)" \
    "$(post "$T/r" "$T/100k.json") $(jq -r .error.code "$T/r")" \
    "400 malformed_json"
check_eq "and reports are accepted" "$(post "$T/r" "$D/report-minimal.json")" 200

# per_ip_connections has a default (256): one address cannot take every
# connection; the ones past it are closed at once (libmicrohttpd keeps the
# count per HTTP thread, so somewhat fewer may stay open)
cat >"$T/perip.py" <<'PY'
import socket, sys, time
socks, closed = [], 0
for _ in range(int(sys.argv[2])):
    socks.append(socket.create_connection(("127.0.0.1", int(sys.argv[1]))))
time.sleep(0.5)
for s in socks:
    s.settimeout(0.2)
    try:
        if s.recv(1) == b"":
            closed += 1
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed += 1
print(closed)
PY
check_eq "100 connections from one address: all kept" \
    "$(python3 "$T/perip.py" "$PORT" 100)" 0
check "300 connections from one address: at least the 44 past the default limit are closed" \
    test "$(python3 "$T/perip.py" "$PORT" 300)" -ge 44
stop_collector
check_eq "clean stop" "$STOP_RC" 0

mkdir -p "$T/share"
printf 'listen = 127.0.0.1:1\ndb = %s/c.db\nmax_inflight = 1M\nmax_body = 512k\n' \
    "$T/share" >"$T/share/c.conf"
"$COLLECTOR" --config "$T/share/c.conf" >"$T/share/out" 2>&1
check_eq "max_body over 1/8 of max_inflight: a configuration error" \
    "$? $(grep -c 'max_body: .* 1/8 of max_inflight' "$T/share/out")" "2 1"
