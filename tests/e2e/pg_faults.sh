#!/bin/sh
# pg_faults.sh - the collectors when PostgreSQL goes away (two collectors
# on one database, as deployed):
#  - PostgreSQL stopped: reports and reads answer 503 with Retry-After,
#    /healthz answers 503 and says why, no crash; an agent keeps its
#    report in its outbox; PostgreSQL back: the collectors reconnect by
#    themselves, /healthz is 200 again and the agent's next run delivers
#    what its outbox held;
#  - the postmaster SIGKILLed (with its backends) during an ingest burst
#    through both collectors, then restarted: every report that got a
#    200 is stored exactly once, the retries of all of them are answered
#    200 (duplicates for those stored);
#  - a collector SIGKILLed during a burst: nothing it acknowledged is
#    lost (collector_crash.sh's approach, on PostgreSQL).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"

T=$(e2e_tmp)
check "a PostgreSQL server" pg_start
pg_createdb faults
DB=$(pg_url faults)
q() { pg_sql faults "$1"; }
write_client "$T"
fresh_report "$T/tmpl.json"

mkdir -p "$T/a" "$T/b"
check "collector A" start_collector "$T/a" "db = $DB" "batch_max = 16"
PA=$PORT URLA=$URL CA=$CPID
check "collector B" start_collector "$T/b" "db = $DB" "batch_max = 16"
PB=$PORT URLB=$URL CB=$CPID

# status URL-PATH: code and Retry-After of a GET, e.g. "503 5"
status() {
	curl -s -m 20 -D "$T/h" -o "$T/body" "$1" >/dev/null
	printf '%s %s\n' "$(awk 'NR == 1 {print $2}' "$T/h")" \
	    "$(tr -d '\r' <"$T/h" | awk -F': ' 'tolower($1) == "retry-after" {print $2}')"
}
# wait_status URL WANT: until the GET answers WANT (30 s at most)
wait_status() {
	for _ in $(seq 1 300); do
		[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$1")" = "$2" ] &&
		    return 0
		sleep 0.1
	done
	return 1
}

# --- PostgreSQL stopped ------------------------------------------------------------
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/root" >/dev/null 2>&1
URL=$URLA
check_eq "a report before the outage: 200" "$(post "$T/out" "$T/tmpl.json")" 200
check "PostgreSQL stopped" pg_stop fast
check "A's /healthz answers 503" wait_status "$URLA/healthz" 503
check "B's /healthz answers 503" wait_status "$URLB/healthz" 503
curl -s -m 20 "$URLA/healthz" >"$T/hz"
sed 's/^/# healthz: /' "$T/hz"
check "/healthz says the database is unavailable" \
    grep -qi 'database' "$T/hz"
st=$(status "$URLA/healthz")
check "/healthz 503 carries Retry-After" sh -c "echo '$st' | grep -Eq '^503 [0-9]+$'"
st=$(status "$URLB/api/v1/summary")
check "a read answers 503 with Retry-After" sh -c "echo '$st' | grep -Eq '^503 [0-9]+$'"
jq --arg id "$(cat /proc/sys/kernel/random/uuid)" '.report_id = $id' \
    "$T/tmpl.json" >"$T/during.json"
curl -s -m 30 -D "$T/ph" -o "$T/pb" -X POST -H 'Content-Type: application/json' \
    --data-binary "@$T/during.json" "$URLA/api/v1/reports" >/dev/null
check_eq "a report answers 503" "$(awk 'NR == 1 {print $2}' "$T/ph")" 503
check "... with Retry-After" grep -qi '^retry-after: [0-9]' "$T/ph"
"$AGENT" --once --root "$T/root" --hostname outage.example \
    --state-dir "$T/agent" --server "$URLB" >"$T/agent1.log" 2>&1
check_eq "the agent exits 0 (its report waits in the outbox)" "$?" 0
check "... the outbox holds it" sh -c "find '$T/agent/outbox' -maxdepth 1 -type f | grep -q ."
check "the collectors are still running" kill -0 "$CA" "$CB"
sleep 2
check "PostgreSQL started again" pg_restart
check "A reconnects by itself: /healthz 200" wait_status "$URLA/healthz" 200
check "B reconnects by itself: /healthz 200" wait_status "$URLB/healthz" 200
check_eq "reports are taken again" "$(post "$T/out" "$T/during.json")" 200
"$AGENT" --once --root "$T/root" --hostname outage.example \
    --state-dir "$T/agent" --server "$URLB" >"$T/agent2.log" 2>&1
check_eq "the agent's next run exits 0" "$?" 0
check_eq "... its outbox is empty" "$(find "$T/agent/outbox" -maxdepth 1 -type f | wc -l)" 0
check_eq "... both its reports are stored" \
    "$(q "SELECT reports FROM hosts WHERE name = 'outage.example'")" 2

# --- SIGKILL of PostgreSQL during a burst ---------------------------------------------
python3 "$T/client.py" burst "$PA" "" "$T/tmpl.json" 400 6 "$T/k1a" ka &
j1=$!
python3 "$T/client.py" burst "$PB" "" "$T/tmpl.json" 400 6 "$T/k1b" kb &
j2=$!
i=0
while n=$(cat "$T/k1a" "$T/k1b" 2>/dev/null | grep -c '^200 '); [ "${n:-0}" -lt 60 ] &&
    [ "$i" -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
check "PostgreSQL SIGKILLed during the burst" pg_kill9
wait $j1 $j2
cat "$T/k1a" "$T/k1b" | awk '{print $1}' | sort | uniq -c | sed 's/^/# answers: /'
got=$(cat "$T/k1a" "$T/k1b" | grep -c '^200 ')
check "some reports got 200 before the kill" test "$got" -gt 0
check "some did not (503 or a broken connection)" \
    sh -c "cat '$T/k1a' '$T/k1b' | grep -vq '^200 '"
check "the collectors survived" kill -0 "$CA" "$CB"
check "PostgreSQL restarted (recovery)" pg_restart
check "A healthy again" wait_status "$URLA/healthz" 200
check "B healthy again" wait_status "$URLB/healthz" 200
cat "$T/k1a" "$T/k1b" | grep '^200 ' | awk '{print $2}' | sort -u >"$T/acked"
q "SELECT report_id, count(*) FROM reports GROUP BY report_id" | tr '|' ' ' \
    >"$T/stored"
check_eq "every 200'd report is stored exactly once" \
    "$(awk 'NR == FNR {n[$1] = $2; next} n[$1] != 1' "$T/stored" "$T/acked" | wc -l)" 0
# the agents retry everything (through the other collector this time)
python3 "$T/client.py" burst "$PB" "" "$T/tmpl.json" 400 6 "$T/k2a" ka &
j1=$!
python3 "$T/client.py" burst "$PA" "" "$T/tmpl.json" 400 6 "$T/k2b" kb &
j2=$!
wait $j1 $j2
check_eq "every retry is answered 200" "$(cat "$T/k2a" "$T/k2b" | grep -vc '^200 ')" 0
check_eq "the acknowledged ones come back as duplicates" \
    "$(cat "$T/k2a" "$T/k2b" | grep -F -f "$T/acked" | grep -vc ' True$')" 0
check_eq "800 reports stored, none twice" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT report_id) FROM reports WHERE report_id IN (SELECT report_id FROM reports) AND host_id IN (SELECT id FROM hosts WHERE name LIKE 'burst%')")" \
    800/800

# --- SIGKILL of a collector during a burst ------------------------------------------------
python3 "$T/client.py" burst "$PA" "" "$T/tmpl.json" 300 8 "$T/c1" kc &
j1=$!
i=0
while n=$(grep -c '^200 ' "$T/c1" 2>/dev/null); [ "${n:-0}" -lt 40 ] &&
    [ "$i" -lt 300 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -9 "$CA"
wait "$CA" 2>/dev/null
wait $j1
check "collector A SIGKILLed during its burst: some requests broke" \
    grep -q '^err ' "$T/c1"
grep '^200 ' "$T/c1" | awk '{print $2}' | sort -u >"$T/acked2"
q "SELECT report_id, count(*) FROM reports GROUP BY report_id" | tr '|' ' ' \
    >"$T/stored2"
check_eq "every report A acknowledged is stored exactly once" \
    "$(awk 'NR == FNR {n[$1] = $2; next} n[$1] != 1' "$T/stored2" "$T/acked2" | wc -l)" 0
python3 "$T/client.py" burst "$PB" "" "$T/tmpl.json" 300 8 "$T/c2" kc
check_eq "the agents' retries through B: every one 200" "$(grep -vc '^200 ' "$T/c2")" 0
check_eq "... acknowledged ones are duplicates" \
    "$(grep -F -f "$T/acked2" "$T/c2" | grep -vc ' True$')" 0
