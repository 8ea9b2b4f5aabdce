#!/bin/sh
# collector_crash.sh - durability of the collector over 127.0.0.1:
#  - SIGKILL in the middle of a burst of concurrent reports, restart:
#    the database passes PRAGMA integrity_check, every report that got a
#    200 is stored, none twice; the agents' retries are duplicates;
#  - SIGTERM during a burst: a clean exit, every 200 stored;
#  - two (and eight) agents sending the same report at the same moment:
#    stored once, exactly one answer says duplicate: false;
#  - the disk full (a small tmpfs): 503 + Retry-After, not a crash, and
#    ingest resumes once there is room again;
#  - the write-ahead log under a long burst stays within wal_max (the
#    checkpointer's RESTART), and SIGKILL while it checkpoints loses no
#    report that got a 200.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
write_client "$T"
fresh_report "$T/tmpl.json"

# sqlq DB SQL: one value.
sqlq() {
	python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute(sys.argv[2]).fetchone()[0])' "$1" "$2"
}

# --- SIGKILL during a burst ------------------------------------------------------
mkdir -p "$T/k"
check "collector starts" start_collector "$T/k" "batch_max = 16"
python3 "$T/client.py" burst "$PORT" "" "$T/tmpl.json" 600 8 "$T/k/first" s1 &
burst=$!
# kill once some reports have been answered (bounded wait)
i=0
while n=$(grep -c '^200 ' "$T/k/first" 2>/dev/null); [ "${n:-0}" -lt 40 ] &&
    [ "$i" -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -9 "$CPID"
wait "$CPID" 2>/dev/null
wait $burst
got=$(grep -c '^200 ' "$T/k/first")
check "some reports were answered 200 before the kill" test "$got" -gt 0
check "some requests failed because of the kill" grep -q '^err ' "$T/k/first"
check_eq "integrity_check after SIGKILL" \
    "$(sqlq "$T/k/c.db" 'PRAGMA integrity_check')" ok
grep '^200 ' "$T/k/first" | awk '{print $2}' | sort -u >"$T/k/acked"
python3 - "$T/k/c.db" "$T/k/acked" >"$T/k/missing" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
stored = {r[0]: r[1] for r in c.execute(
    "SELECT report_id, count(*) FROM reports GROUP BY report_id")}
for rid in open(sys.argv[2]).read().split():
    if stored.get(rid) != 1:
        print(rid, stored.get(rid))
PY
check_eq "every 200'd report is stored exactly once" "$(wc -l <"$T/k/missing")" 0
check "restart after SIGKILL" restart_collector "$T/k"
# the agents retry everything that was not acknowledged (and, to be sure,
# everything else too)
python3 "$T/client.py" burst "$PORT" "" "$T/tmpl.json" 600 8 "$T/k/second" s1
check_eq "every retry is answered 200" "$(grep -vc '^200 ' "$T/k/second")" 0
check_eq "acknowledged reports come back as duplicates" \
    "$(grep -F -f "$T/k/acked" "$T/k/second" | grep -vc ' True$')" 0
check_eq "600 reports stored, none twice" \
    "$(sqlq "$T/k/c.db" 'SELECT count(*) || "/" || count(DISTINCT report_id) FROM reports')" \
    "600/600"
check_eq "hosts counted once" "$(sqlq "$T/k/c.db" 'SELECT count(*) FROM hosts')" 50
check_eq "events of one host stored once" \
    "$(sqlq "$T/k/c.db" "SELECT count(*) FROM events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'burst007'")" \
    "$(jq '.events | length' "$T/tmpl.json")"

# --- SIGTERM during a burst: in-flight reports are finished ----------------------------
python3 "$T/client.py" burst "$PORT" "" "$T/tmpl.json" 400 8 "$T/k/third" s3 &
burst=$!
i=0
while n=$(grep -c '^200 ' "$T/k/third" 2>/dev/null); [ "${n:-0}" -lt 40 ] &&
    [ "$i" -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
stop_collector
wait $burst
check_eq "SIGTERM during a burst: clean exit" "$STOP_RC" 0
grep '^200 ' "$T/k/third" | awk '{print $2}' | sort -u >"$T/k/acked3"
check_eq "SIGTERM: every 200'd report is stored" \
    "$(python3 - "$T/k/c.db" "$T/k/acked3" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
ids = open(sys.argv[2]).read().split()
print(sum(1 for i in ids if c.execute(
    "SELECT count(*) FROM reports WHERE report_id = ?", (i,)).fetchone()[0] != 1))
PY
)" 0
check "SIGTERM: every answer is a 200, a 503 or a closed connection" \
    sh -c "! grep -Ev '^(200 |err |503 )' '$T/k/third'"
check_eq "integrity_check after SIGTERM" \
    "$(sqlq "$T/k/c.db" 'PRAGMA integrity_check')" ok
check "restart after SIGTERM" restart_collector "$T/k"

# --- the same report from several agents at once ------------------------------------
python3 "$T/client.py" same "$PORT" "" "$T/tmpl.json" 20 2 "$T/k/same2"
python3 "$T/client.py" same "$PORT" "" "$T/tmpl.json" 10 8 "$T/k/same8"
check_eq "two at once: all 200" "$(grep -vc '^200 ' "$T/k/same2")" 0
check_eq "two at once: exactly one first answer per report" \
    "$(grep ' False$' "$T/k/same2" | awk '{print $2}' | sort | uniq -c | awk '$1 == 1' | wc -l)" 20
check_eq "eight at once: exactly one first answer per report" \
    "$(grep ' False$' "$T/k/same8" | awk '{print $2}' | sort | uniq -c | awk '$1 == 1' | wc -l)" 10
check_eq "eight at once: seven duplicates each" \
    "$(grep -c ' True$' "$T/k/same8")" 70
check_eq "stored once each" \
    "$(sqlq "$T/k/c.db" "SELECT count(*) FROM reports r JOIN hosts h ON h.id = r.host_id WHERE h.name = 'twin'")" 30
stop_collector
check_eq "clean stop" "$STOP_RC" 0

# --- the write-ahead log: bounded by wal_max, checkpoints lose nothing ------------------
# wal_max = 1M: SQLite's own automatic checkpoint would let the log grow
# to 1000 pages (4 MiB) before it is started again.  peak_wal samples the
# log's size until FLAG exists, the largest size seen into OUT.
peak_wal() {
	_m=0
	while [ ! -e "$2" ]; do
		_s=$(stat -c %s "$1" 2>/dev/null || echo 0)
		[ "$_s" -gt "$_m" ] && _m=$_s && echo "$_m" >"$3"
		sleep 0.02
	done
}
mkdir -p "$T/w"
check "collector starts with wal_max = 1M" start_collector "$T/w" "wal_max = 1M"
echo 0 >"$T/w/peak"
peak_wal "$T/w/c.db-wal" "$T/w/done" "$T/w/peak" &
sampler=$!
python3 "$T/client.py" burst "$PORT" "" "$T/tmpl.json" 1500 8 "$T/w/long" w1
touch "$T/w/done"
wait $sampler
peak=$(cat "$T/w/peak")
check_eq "long burst: every report answered 200" "$(grep -vc '^200 ' "$T/w/long")" 0
check "long burst: the log peaked at $peak bytes, under 2 MiB" test "$peak" -lt 2097152
check_eq "long burst: 1500 reports stored" \
    "$(sqlq "$T/w/c.db" 'SELECT count(*) FROM reports')" 1500
python3 "$T/client.py" burst "$PORT" "" "$T/tmpl.json" 1500 8 "$T/w/cut" w2 &
burst=$!
i=0
while n=$(grep -c '^200 ' "$T/w/cut" 2>/dev/null); [ "${n:-0}" -lt 400 ] &&
    [ "$i" -lt 600 ]; do
	sleep 0.05; i=$((i + 1))
done
kill -9 "$CPID"
wait "$CPID" 2>/dev/null
wait $burst
check_eq "SIGKILL amid checkpoints: integrity_check" \
    "$(sqlq "$T/w/c.db" 'PRAGMA integrity_check')" ok
grep '^200 ' "$T/w/cut" | awk '{print $2}' | sort -u >"$T/w/acked"
check "SIGKILL amid checkpoints: 400 reports or more answered 200" \
    test "$(wc -l <"$T/w/acked")" -ge 400
check_eq "SIGKILL amid checkpoints: every 200'd report is stored" \
    "$(python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
s = {r[0] for r in c.execute("SELECT report_id FROM reports")}
print(sum(1 for r in open(sys.argv[2]).read().split() if r not in s))' \
    "$T/w/c.db" "$T/w/acked")" 0

# --- disk full ---------------------------------------------------------------------------
mkdir -p "$T/full"
if mount -t tmpfs -o size=4m tmpfs "$T/full" 2>/dev/null; then
	at_exit "umount -l '$T/full' 2>/dev/null"
	check "collector starts on a 4 MiB tmpfs" start_collector "$T/full"
	# leave only a little room
	avail=$(df -k "$T/full" | awk 'NR == 2 {print $4}')
	dd if=/dev/zero of="$T/full/filler" bs=1k count=$((avail - 160)) 2>/dev/null
	i=0 saw=""
	while [ "$i" -lt 200 ]; do
		jq --arg id "$(python3 -c 'import uuid; print(uuid.uuid4())')" \
		    --arg h "full$i" '.report_id = $id | .host.name = $h' \
		    "$T/tmpl.json" >"$T/one.json"
		code=$(curl -s -m 20 -D "$T/hdr" -o "$T/r" -w '%{http_code}' \
		    -X POST -H 'Content-Type: application/json' \
		    --data-binary "@$T/one.json" "$URL/api/v1/reports")
		if [ "$code" = 503 ]; then saw=1; break; fi
		[ "$code" = 200 ] || break
		i=$((i + 1))
	done
	check_eq "disk full: 503" "${saw:-no} $code" "1 503"
	check_eq "disk full: error code" "$(jq -r .error.code "$T/r")" storage_unavailable
	check "disk full: Retry-After" grep -qi '^retry-after: [0-9]' "$T/hdr"
	check_eq "disk full: /healthz says so" "$(get "$T/x" /healthz)" 503
	check "disk full: the collector is still running" kill -0 "$CPID"
	rm -f "$T/full/filler"
	# a load balancer that waits for health before it sends traffic:
	# healthy again at once, before any report has committed
	check_eq "room again: /healthz is 200 before any report" \
	    "$(get "$T/x" /healthz)" 200
	check_eq "room again: the report is accepted" \
	    "$(curl -s -m 20 -o "$T/r" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' \
	    --data-binary "@$T/one.json" "$URL/api/v1/reports")" 200
	check_eq "room again: healthy" "$(get "$T/x" /healthz)" 200
	stop_collector
	check_eq "disk full: clean stop" "$STOP_RC" 0
	check_eq "disk full: integrity_check" \
	    "$(sqlq "$T/full/c.db" 'PRAGMA integrity_check')" ok
	umount -l "$T/full"
else
	ok "disk full # SKIP cannot mount a tmpfs here"
fi
