#!/bin/sh
# pg_multi.sh - two collectors on one PostgreSQL database:
#  - concurrent bursts through both for the same 50 hosts: every report
#    200, each stored once, each host once;
#  - real agents at the same time, half of them through each collector;
#  - a duplicate burst across both (the same report_id to both at the
#    same moment, many times): stored once, every answer 200, exactly
#    one says duplicate: false;
#  - out of order through both: a host's newest report to one collector
#    and its older ones to the other at the same moment; the newest
#    state wins whatever order they commit in (an older report neither
#    reopens what the newest resolved nor resolves what it opened);
#  - each collector reads what the other stored;
#  - after all of it the aggregates (fleet, finding_counts, cron_fleet,
#    sig_fleet, incident_counts, remedy_counts: views over per-writer
#    parts) equal a recount of the rows, and so do incident_counts'
#    per-host counts, the per-label aggregates (label_fleet,
#    label_findings, label_incidents, label_sigs, label_cron: the hosts
#    are labelled, the out-of-order reports relabel them) and the
#    remedies' rows per finding and per label (the storms' remedies and
#    labels changed through both collectors);
#  - a writer holding one host's lock (a transaction of its own, as
#    another collector's batch holds it) keeps a report of that host
#    waiting but not one of another host: collectors write different
#    hosts at once; the waiting one is stored once the lock goes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"

T=$(e2e_tmp)
check "a PostgreSQL server" pg_start
pg_createdb multi
DB=$(pg_url multi)
q() { pg_sql multi "$1"; }
write_client "$T"
# labelled, so that the per-label aggregates have rows to recount
fresh_report "$T/tmpl0.json"
jq '.host.labels = {"env": "prod", "role": "mail"}' "$T/tmpl0.json" >"$T/tmpl.json"

mkdir -p "$T/a" "$T/b"
check "collector A" start_collector "$T/a" "db = $DB" "batch_max = 16"
PA=$PORT URLA=$URL
check "collector B" start_collector "$T/b" "db = $DB" "batch_max = 16"
PB=$PORT URLB=$URL

# --- concurrent bursts through both ---------------------------------------------
python3 "$T/client.py" burst "$PA" "" "$T/tmpl.json" 300 8 "$T/ba" sa &
j1=$!
python3 "$T/client.py" burst "$PB" "" "$T/tmpl.json" 300 8 "$T/bb" sb &
j2=$!
wait $j1 $j2
check_eq "burst through A: every report 200" "$(grep -vc '^200 ' "$T/ba")" 0
check_eq "burst through B: every report 200" "$(grep -vc '^200 ' "$T/bb")" 0
check_eq "600 reports stored, none twice" \
    "$(q 'SELECT count(*) || $$/$$ || count(DISTINCT report_id) FROM reports')" 600/600
check_eq "the 50 hosts stored once each" "$(q 'SELECT count(*) FROM hosts')" 50
check_eq "reports per host add up" "$(q 'SELECT sum(reports) FROM hosts')" 600
check_eq "events of one host stored once" \
    "$(q "SELECT count(*) FROM events e JOIN hosts h ON h.id = e.host_id WHERE h.name = 'burst007'")" \
    "$(jq '.events | length' "$T/tmpl.json")"

# --- real agents, half through each ------------------------------------------------
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/root" >/dev/null 2>&1
pids=""
for i in 1 2 3 4 5 6; do
	u=$URLA
	[ $((i % 2)) = 0 ] && u=$URLB
	"$AGENT" --once --root "$T/root" --hostname "agent$i.example" \
	    --state-dir "$T/st$i" --server "$u" >"$T/agent$i.log" 2>&1 &
	pids="$pids $!"
done
rcs=""
for p in $pids; do wait "$p"; rcs="$rcs$?"; done
check_eq "six agents at once: each exits 0" "$rcs" 000000
check_eq "... and each report is stored" \
    "$(q "SELECT count(*) FROM hosts WHERE name LIKE 'agent%' AND reports = 1")" 6
check_eq "... outboxes empty" \
    "$(cat "$T"/st*/outbox/* 2>/dev/null | wc -c)" 0
check_eq "A lists what B stored" \
    "$(curl -s "$URLA/api/v1/hosts?q=agent6" | jq -r '.items[0].name')" agent6.example
check_eq "B lists what A stored" \
    "$(curl -s "$URLB/api/v1/hosts?q=agent1" | jq -r '.items[0].name')" agent1.example

# --- the same report to both at the same moment --------------------------------------
cat >"$T/cross.py" <<'PY'
import gzip, http.client, json, sys, threading, uuid
pa, pb, tmpl, rounds, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
t = json.loads(open(tmpl).read())

def post(port, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("POST", "/api/v1/reports", body, {"Content-Type": "application/json"})
    r = c.getresponse()
    d = r.read()
    c.close()
    return r.status, (json.loads(d).get("duplicate") if r.status == 200 else d[:200])

f = open(out, "w")
for r in range(rounds):
    t["report_id"] = str(uuid.uuid4())
    t["host"]["name"] = "twin%d" % (r % 5)
    body = json.dumps(t).encode()
    bar = threading.Barrier(8)
    res = []
    def work(port):
        bar.wait()
        res.append(post(port, body))
    ts = [threading.Thread(target=work, args=(pa if i % 2 else pb,)) for i in range(8)]
    for x in ts: x.start()
    for x in ts: x.join()
    st = sorted(set(s for s, _ in res))
    fresh = sum(1 for s, d in res if s == 200 and d is False)
    f.write("%s %s %d\n" % (t["report_id"], ",".join(map(str, st)), fresh))
f.close()
PY
python3 "$T/cross.py" "$PA" "$PB" "$T/tmpl.json" 40 "$T/cross"
check_eq "40 reports, each to both collectors 8 times at once: every answer 200" \
    "$(awk '$2 != "200"' "$T/cross" | wc -l)" 0
check_eq "... exactly one answer per report says duplicate: false" \
    "$(awk '$3 != 1' "$T/cross" | wc -l)" 0
awk '{print "'"'"'" $1 "'"'"'"}' "$T/cross" | paste -sd, >"$T/cross.ids"
check_eq "... each stored once" \
    "$(q "SELECT count(*) FROM reports WHERE report_id IN ($(cat "$T/cross.ids"))")" 40

# --- out of order through both ------------------------------------------------------
# report ID HOST AGE FILE: an example as host HOST, AGE seconds old
report() {
	# labels that differ with the age: older reports relabel the host
	jq --arg ts "$(date -u -d "@$(($(date +%s) - $3))" +%Y-%m-%dT%H:%M:%SZ)" \
	    --arg h "$2" --arg id "$1" --arg age "a$3" '.collected_at = $ts |
	    .host.name = $h | .report_id = $id |
	    .host.labels = {"env": "prod", "age": $age}' "$DATA/$4"
}
# round HOST NEWEST-FILE OLDER-FILE: the newest (10 s old) to A and three
# older ones (40, 30, 20 s) to B, all at the same moment
round() {
	report "$(cat /proc/sys/kernel/random/uuid)" "$1" 10 "$2" >"$T/new.json"
	for a in 40 30 20; do
		report "$(cat /proc/sys/kernel/random/uuid)" "$1" "$a" "$3" >"$T/old$a.json"
	done
	{ post "$T/o1" "$T/new.json"; echo; } >>"$T/s1" &
	_p1=$!
	for a in 40 30 20; do
		curl -s -m 20 -o /dev/null -w '%{http_code}\n' -X POST \
		    -H 'Content-Type: application/json' --data-binary "@$T/old$a.json" \
		    "$URLB/api/v1/reports" >>"$T/s2" &
	done
	wait
	jq -r .report_id "$T/new.json"
}
: >"$T/s1"; : >"$T/s2"
bad_resolve=0 bad_reopen=0 bad_last=0
for i in 1 2 3 4 5; do
	# the newest is healthy: the incident of the older ones stays resolved
	URL=$URLA
	new=$(round "calm$i" report-healthy.json report-incident.json)
	[ "$(q "SELECT count(*) FROM findings f JOIN hosts h ON h.id = f.host_id WHERE h.name = 'calm$i' AND resolved_at IS NULL")" = 0 ] ||
	    bad_reopen=$((bad_reopen + 1))
	[ "$(q "SELECT last_report_id FROM hosts WHERE name = 'calm$i'")" = "$new" ] ||
	    bad_last=$((bad_last + 1))
	# the newest is an incident: healthy older ones resolve nothing
	new=$(round "storm$i" report-incident.json report-healthy.json)
	[ "$(q "SELECT count(*) FROM findings f JOIN hosts h ON h.id = f.host_id WHERE h.name = 'storm$i' AND resolved_at IS NULL")" = \
	    "$(jq '.findings | length' "$DATA/report-incident.json")" ] ||
	    bad_resolve=$((bad_resolve + 1))
	[ "$(q "SELECT last_report_id FROM hosts WHERE name = 'storm$i'")" = "$new" ] ||
	    bad_last=$((bad_last + 1))
done
cat "$T/s1" "$T/s2" | sort | uniq -c | sed 's/^/# statuses: /'
check_eq "out of order: every report 200" \
    "$(cat "$T/s1" "$T/s2" | grep -vc '^200$')" 0
check_eq "an older report never reopens what the newest resolved" "$bad_reopen" 0
check_eq "an older report never resolves what the newest opened" "$bad_resolve" 0
check_eq "the state is always the newest report's" "$bad_last" 0
check_eq "both collectors give the same host answer" \
    "$(curl -s "$URLA/api/v1/hosts/storm3" | jq -S 'del(.generated_at)' | sha256sum)" \
    "$(curl -s "$URLB/api/v1/hosts/storm3" | jq -S 'del(.generated_at)' | sha256sum)"
# a host's labels changed by its newest report: its share moves
report "$(cat /proc/sys/kernel/random/uuid)" storm1 5 report-incident.json |
    jq '.host.labels = {"env": "dev"}' >"$T/relabel.json"
URL=$URLA
check_eq "a report that relabels its host: 200" "$(post "$T/o" "$T/relabel.json")" 200
check_eq "... its labels replaced" \
    "$(q "SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM host_labels l JOIN hosts h ON h.id = l.host_id WHERE h.name = 'storm1'")" "env=dev"

# the storms move on through both: mta.down's remedy changes (the
# finding leaves its group for another), and so do their labels
for i in 1 2 3 4 5; do
	u=$URLA
	[ $((i % 2)) = 0 ] && u=$URLB
	report "$(cat /proc/sys/kernel/random/uuid)" "storm$i" 5 report-incident.json |
	    jq '(.findings[] | select(.code == "mta.down") | .remedy) |= . + " # moved"' >"$T/moved$i.json"
	curl -s -m 20 -o /dev/null -w '%{http_code}\n' -X POST \
	    -H 'Content-Type: application/json' --data-binary "@$T/moved$i.json" \
	    "$u/api/v1/reports" >>"$T/s3" &
	mpids="${mpids:-} $!"
done
# shellcheck disable=SC2086
wait $mpids
check_eq "the storms moved on: every report 200" "$(grep -vc '^200' "$T/s3")" 0
# --- the aggregates equal a recount --------------------------------------------
check_eq "fleet: queued, unread, hosts with queued, hosts as the hosts say" \
    "$(q "SELECT queued || ' ' || unread || ' ' || hosts_with_queued || ' ' || hosts FROM fleet")" \
    "$(q "SELECT sum(queued_total) || ' ' || sum(unread_total) || ' ' || count(*) FILTER (WHERE queued_total > 0) || ' ' || count(*) FROM hosts")"
check_eq "finding_counts: open hosts per code and severity" \
    "$(q "SELECT string_agg(code || '/' || severity || '=' || hosts || '/' || symptoms, ',' ORDER BY code, severity) FROM finding_counts WHERE hosts > 0")" \
    "$(q "SELECT string_agg(k, ',' ORDER BY k) FROM (SELECT code || '/' || severity || '=' || count(DISTINCT host_id) || '/' || count(*) FILTER (WHERE symptom = 1) AS k FROM findings WHERE resolved_at IS NULL GROUP BY code, severity) x")"
check_eq "cron_fleet: per command" \
    "$(q "SELECT coalesce(string_agg(command || '=' || hosts || '/' || inbox || '/' || unread || '/' || queued, ',' ORDER BY command), '') FROM cron_fleet")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT command || '=' || count(*) || '/' || sum(inbox) || '/' || sum(unread) || '/' || sum(queued) AS k FROM mail_cron GROUP BY command) x")"
check_eq "sig_fleet: per signature" \
    "$(q "SELECT coalesce(string_agg(signature || '=' || hosts || '/' || count, ',' ORDER BY signature), '') FROM sig_fleet")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT signature || '=' || count(*) || '/' || sum(count) AS k FROM event_sigs GROUP BY signature) x")"
check "there are open causes to count" \
    test "$(q "SELECT count(*) FROM findings WHERE resolved_at IS NULL AND symptom = 0")" -gt 0
check_eq "incident_counts: open causes and their hosts per severity and all" \
    "$(q "SELECT coalesce(string_agg(severity || '=' || causes || '/' || hosts, ',' ORDER BY severity), '') FROM incident_counts WHERE causes > 0")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY s), '') FROM (SELECT severity AS s, severity || '=' || count(*) || '/' || count(DISTINCT host_id) AS k FROM findings WHERE resolved_at IS NULL AND symptom = 0 GROUP BY severity UNION ALL SELECT '', '=' || count(*) || '/' || count(DISTINCT host_id) FROM findings WHERE resolved_at IS NULL AND symptom = 0 HAVING count(*) > 0) x")"
check "there are labels to count" \
    test "$(q "SELECT count(*) FROM host_labels WHERE key = 'age'")" -gt 0
check_eq "label_fleet: hosts, mail totals and MTAs down per label" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT key || ':' || value || '=' || hosts || '/' || queued || '/' || unread || '/' || hosts_with_queued || '/' || mta_down AS k FROM label_fleet WHERE hosts > 0) x")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT l.key || ':' || l.value || '=' || count(*) || '/' || sum(h.queued_total) || '/' || sum(h.unread_total) || '/' || count(*) FILTER (WHERE h.queued_total > 0) || '/' || sum(h.mta_down) AS k FROM host_labels l JOIN hosts h ON h.id = l.host_id GROUP BY l.key, l.value) x")"
check_eq "label_findings: open hosts and symptoms per label, code and severity" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT key || ':' || value || '/' || code || '/' || severity || '=' || hosts || '/' || symptoms AS k FROM label_findings WHERE hosts > 0) x")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT l.key || ':' || l.value || '/' || f.code || '/' || f.severity || '=' || count(DISTINCT f.host_id) || '/' || sum(f.symptom) AS k FROM findings f JOIN host_labels l ON l.host_id = f.host_id WHERE f.resolved_at IS NULL GROUP BY l.key, l.value, f.code, f.severity) x")"
check_eq "label_incidents: open causes and their hosts per label and severity" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT key || ':' || value || '/' || severity || '=' || causes || '/' || hosts AS k FROM label_incidents WHERE causes > 0) x")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT l.key || ':' || l.value || '/' || v.sev || '=' || count(*) || '/' || count(DISTINCT f.host_id) AS k FROM findings f CROSS JOIN LATERAL (VALUES (f.severity), ('')) v(sev) JOIN host_labels l ON l.host_id = f.host_id WHERE f.resolved_at IS NULL AND f.symptom = 0 GROUP BY l.key, l.value, v.sev) x")"
check_eq "label_sigs: hosts and count per label and signature" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT key || ':' || value || '/' || signature || '=' || hosts || '/' || count AS k FROM label_sigs) x")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT l.key || ':' || l.value || '/' || e.signature || '=' || count(*) || '/' || sum(e.count) AS k FROM event_sigs e JOIN host_labels l ON l.host_id = e.host_id GROUP BY l.key, l.value, e.signature) x")"
check_eq "label_cron: per label and command" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT key || ':' || value || '/' || command || '=' || hosts || '/' || inbox || '/' || unread || '/' || queued AS k FROM label_cron) x")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY k), '') FROM (SELECT l.key || ':' || l.value || '/' || m.command || '=' || count(*) || '/' || sum(m.inbox) || '/' || sum(m.unread) || '/' || sum(m.queued) AS k FROM mail_cron m JOIN host_labels l ON l.host_id = m.host_id GROUP BY l.key, l.value, m.command) x")"
check_eq "incident_hosts: each host's open causes, none at 0" \
    "$(q "SELECT coalesce(string_agg(host_id || severity || '=' || causes, ',' ORDER BY host_id, severity), '') FROM incident_hosts")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY h, s), '') FROM (SELECT host_id AS h, severity AS s, host_id || severity || '=' || count(*) AS k FROM findings WHERE resolved_at IS NULL AND symptom = 0 GROUP BY host_id, severity UNION ALL SELECT host_id, '', host_id || '=' || count(*) FROM findings WHERE resolved_at IS NULL AND symptom = 0 GROUP BY host_id) x")"

check_eq "remedy_label_counts: per group and label, remedy_label_hosts' rows" \
    "$(q "SELECT coalesce(string_agg(remedy_id || '/' || severity || '/' || key || '=' || value || '/' || hosts, ',' ORDER BY remedy_id, severity, key, value), '') FROM remedy_label_counts WHERE hosts <> 0")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY r, s, y, v), '') FROM (SELECT remedy_id AS r, severity AS s, key AS y, value AS v, remedy_id || '/' || severity || '/' || key || '=' || value || '/' || count(*) AS k FROM remedy_label_hosts GROUP BY remedy_id, severity, key, value) x")"
check "there are open findings with a remedy, labelled hosts among them" \
    test "$(q "SELECT count(*) FROM findings f JOIN host_labels l ON l.host_id = f.host_id WHERE resolved_at IS NULL AND remedy <> ''")" -gt 0
check_eq "remedy_findings: every open finding with a remedy, its group, severity and host" \
    "$(q "SELECT md5(coalesce(string_agg(e.finding_id || ':' || m.code || ':' || md5(m.remedy) || ':' || e.severity || ':' || e.host_id || ':' || e.name, ',' ORDER BY e.finding_id), '')) FROM remedy_findings e JOIN remedies m ON m.id = e.remedy_id")" \
    "$(q "SELECT md5(coalesce(string_agg(f.id || ':' || f.code || ':' || md5(f.remedy) || ':' || f.severity || ':' || f.host_id || ':' || h.name, ',' ORDER BY f.id), '')) FROM findings f JOIN hosts h ON h.id = f.host_id WHERE f.resolved_at IS NULL AND f.remedy <> ''")"
check_eq "remedies: each (code, remedy) once" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT (code, remedy)) FROM remedies")" \
    "$(q "SELECT count(*) || '/' || count(*) FROM remedies")"
check_eq "remedy_counts: hosts per group and severity, and all" \
    "$(q "SELECT coalesce(string_agg(remedy_id || '/' || severity || '=' || hosts, ',' ORDER BY remedy_id, severity), '') FROM remedy_counts WHERE hosts <> 0")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY r, s), '') FROM (SELECT m.id AS r, f.severity AS s, m.id || '/' || f.severity || '=' || count(DISTINCT f.host_id) AS k FROM findings f JOIN remedies m ON m.code = f.code AND m.remedy = f.remedy WHERE f.resolved_at IS NULL GROUP BY m.id, f.severity UNION ALL SELECT m.id, '', m.id || '/=' || count(DISTINCT f.host_id) FROM findings f JOIN remedies m ON m.code = f.code AND m.remedy = f.remedy WHERE f.resolved_at IS NULL GROUP BY m.id) x")"
check_eq "remedy_label_hosts: each group's hosts with their labels" \
    "$(q "SELECT coalesce(string_agg(remedy_id || '/' || severity || '/' || host_id || '/' || key || '=' || value || '/' || name, ',' ORDER BY remedy_id, severity, host_id, key), '') FROM remedy_label_hosts")" \
    "$(q "SELECT coalesce(string_agg(k, ',' ORDER BY r, s, h, y), '') FROM (SELECT DISTINCT m.id AS r, v.s, f.host_id AS h, l.key AS y, m.id || '/' || v.s || '/' || f.host_id || '/' || l.key || '=' || l.value || '/' || n.name AS k FROM findings f JOIN remedies m ON m.code = f.code AND m.remedy = f.remedy CROSS JOIN LATERAL (VALUES (f.severity), ('')) v(s) JOIN host_labels l ON l.host_id = f.host_id JOIN hosts n ON n.id = f.host_id WHERE f.resolved_at IS NULL) x")"

# --- one host's lock held: other hosts go on ------------------------------------
# the locks of sql_pg.c's sql_begin_write_keys, held by a psql session
check "a session holds held.example's lock" pg_hold multi \
    "SELECT pg_advisory_xact_lock_shared(x'7364726c6f636b'::bigint); SELECT pg_advisory_xact_lock(1937205297, hashtext('held.example'));"
# and holds it across a minute's start: each collector's idle writer then
# samples the fleet curves in a transaction of its own, which must take
# the writers' lock shared as a batch does (exclusive, it waited for
# this session, and every report after it waited behind it: the reports
# below timed out whenever the hold spanned a minute's start)
now=$(date +%s)
sleep $((60 - now % 60 + 2))
jq '.host.name = "held.example" | .report_id = "44444444-4444-4444-8444-444444444441"' \
    "$T/tmpl.json" >"$T/held.json"
jq '.host.name = "free.example" | .report_id = "44444444-4444-4444-8444-444444444442"' \
    "$T/tmpl.json" >"$T/free.json"
URL=$URLA
{ post "$T/held.out" "$T/held.json"; echo; } >"$T/held.status" &
jh=$!
URL=$URLB
check_eq "a report of another host meanwhile: 200" \
    "$(post "$T/free.out" "$T/free.json")" 200
check_eq "... stored while the lock is held" \
    "$(q "SELECT count(*) FROM hosts WHERE name = 'free.example'")" 1
check_eq "the held host's report waits" \
    "$(q "SELECT count(*) FROM reports WHERE report_id = '44444444-4444-4444-8444-444444444441'")" 0
pg_release
wait $jh
check_eq "... and is stored once the lock goes: 200" "$(cat "$T/held.status")" 200
check_eq "... once" \
    "$(q "SELECT count(*) FROM reports WHERE report_id = '44444444-4444-4444-8444-444444444441'")" 1

check "A still healthy" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URLA/healthz')\" = 200 ]"
check "B still healthy" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URLB/healthz')\" = 200 ]"

# --- label curves: label_history is a recount after labelled reports ----------
# of the same hosts through both collectors at once.  A host counts under
# the labels its reports carried, and the storms above were relabelled
# (their age): the recount, from the labels of now, is of the labels of
# these hosts alone, which keep theirs (env:lab, and n0 or n1 per host).
# Their ages (127 to 288 s) put some of their minutes before the sample's
# minute less two, whatever the second the test runs at: those move to
# label_history_kept (with ages up to 168 s, none did when the test ran
# late in a minute).
for i in $(seq 1 24); do
	report "$(cat /proc/sys/kernel/random/uuid)" "lab$((i % 6))" \
	    "$((120 + i * 7))" report-incident.json | jq --arg n "n$((i % 2))" \
	    '.host.labels = {"env": "lab", "n": $n}' >"$T/lab$i.json"
done
jobs_lab=""
for i in $(seq 1 24); do
	if [ $((i % 2)) = 0 ]; then URL=$URLA; else URL=$URLB; fi
	{ post "$T/lab$i.out" "$T/lab$i.json"; echo; } >"$T/lab$i.status" &
	jobs_lab="$jobs_lab $!"
done
# shellcheck disable=SC2086
wait $jobs_lab
check_eq "labelled reports through both: every one 200" \
    "$(cat "$T"/lab*.status | grep -vc '^200$')" 0
check "label curves kept" \
    test "$(q "SELECT count(*) FROM label_history WHERE key = 'env' AND value = 'lab'")" -gt 0
check_eq "label_history: per label and minute, the hosts' largest points summed" \
    "$(q "SELECT string_agg(key || value || metric || subject || ts || '=' || total, ',' ORDER BY key, value, metric, subject, ts) FROM label_history WHERE (key = 'env' AND value = 'lab') OR key = 'n'")" \
    "$(q "SELECT string_agg(k, ',' ORDER BY k1, k2, k3, k4, k5) FROM (SELECT hl.key AS k1, hl.value AS k2, h.metric AS k3, h.subject AS k4, h.minute AS k5, hl.key || hl.value || h.metric || h.subject || h.minute || '=' || sum(h.m) AS k FROM (SELECT host_id, metric, subject, ts - ts % 60 AS minute, max(value) AS m FROM history WHERE value IS NOT NULL AND metric IN ('queued_total', 'unread_total', 'syserr', 'open_findings') GROUP BY 1, 2, 3, 4) h JOIN host_labels hl ON hl.host_id = h.host_id WHERE (hl.key = 'env' AND hl.value = 'lab') OR hl.key = 'n' GROUP BY 1, 2, 3, 4, 5) x")"
check "label_history_kept: the minutes older than two moved out of the parts" \
    test "$(q "SELECT count(*) FROM label_history_kept")" -gt 0
