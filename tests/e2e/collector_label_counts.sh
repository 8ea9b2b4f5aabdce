#!/bin/sh
# collector_label_counts.sh - the summary's aggregates per label (schema
# version 5: label_fleet, label_findings, label_incidents, label_sigs,
# label_cron) equal a recount of the base tables after reports of hosts
# whose labels change (a label's value changed, a label dropped, one
# added), reports out of order (an older report after a newer one) and
# the same report twice; and summary?label=KEY:VALUE, read from those
# aggregates, answers byte for byte what the same hosts give through
# the base tables (two label= filters, the second one every host has).
# Both stores (tests/run.sh runs it on SQLite and on PostgreSQL).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
DB=$T/c.db
check "collector starts" start_collector "$T"

# rep FILE HOST AGE LABELS-JSON: an example report as HOST, AGE seconds
# old, with those labels, a new report id
rep() {
	jq --arg ts "$(date -u -d "@$(($(date +%s) - $3))" +%Y-%m-%dT%H:%M:%SZ)" \
	    --arg h "$2" --arg id "$(cat /proc/sys/kernel/random/uuid)" \
	    --argjson l "$4" '.collected_at = $ts | .host.name = $h |
	    .report_id = $id | .host.labels = $l' "$DATA/$1"
}
# send FILE HOST AGE LABELS-JSON: rep, posted; the status
send() {
	rep "$@" >"$T/r.json"
	post "$T/out" "$T/r.json"
}

fails=0
# every host has fleet=all: the second filter of the base path
for i in 1 2 3 4 5 6; do
	case $i in 1 | 2 | 3) env=prod ;; 4 | 5) env=dev ;; *) env=test ;; esac
	f=report-incident.json
	[ $((i % 3)) = 0 ] && f=report-healthy.json
	[ "$(send "$f" "h$i" 300 "{\"env\":\"$env\",\"fleet\":\"all\",\"dc\":\"dc$((i % 2))\"}")" = 200 ] ||
	    fails=$((fails + 1))
done
check_eq "six labelled hosts: every report 200" "$fails" 0
# relabels: h1 moves to dev, h4 loses dc, h6 gains role; h2 turns healthy
# and h3 has an incident now, both moving dc
fails=0
for a in "report-incident.json h1 200 {\"env\":\"dev\",\"fleet\":\"all\",\"dc\":\"dc1\"}" \
    "report-incident.json h4 200 {\"env\":\"dev\",\"fleet\":\"all\"}" \
    "report-healthy.json h6 200 {\"env\":\"test\",\"fleet\":\"all\",\"dc\":\"dc0\",\"role\":\"mx\"}" \
    "report-healthy.json h2 200 {\"env\":\"prod\",\"fleet\":\"all\",\"dc\":\"dc1\"}" \
    "report-incident.json h3 200 {\"env\":\"prod\",\"fleet\":\"all\",\"dc\":\"dc0\"}"; do
	# shellcheck disable=SC2086
	set -- $a
	[ "$(send "$1" "$2" "$3" "$4")" = 200 ] || fails=$((fails + 1))
done
check_eq "relabelled hosts: every report 200" "$fails" 0
# out of order: h5's newest (healthy, env=prod) then an older incident
# with its old labels; the same report twice
fails=0
[ "$(send report-healthy.json h5 100 '{"env":"prod","fleet":"all","dc":"dc1"}')" = 200 ] ||
    fails=$((fails + 1))
[ "$(send report-incident.json h5 250 '{"env":"dev","fleet":"all","dc":"dc1"}')" = 200 ] ||
    fails=$((fails + 1))
rep report-incident.json h1 50 '{"env":"dev","fleet":"all"}' >"$T/twice.json"
[ "$(post "$T/out" "$T/twice.json")" = 200 ] || fails=$((fails + 1))
[ "$(post "$T/out" "$T/twice.json")" = 200 ] || fails=$((fails + 1))
check_eq "out of order and twice: every report 200" "$fails" 0
check_eq "... the second one a duplicate" "$(jq -r .duplicate "$T/out")" true
stop_collector

check "there are open causes and symptoms to count" \
    test "$(dbq "$DB" "SELECT count(*) FROM findings WHERE resolved_at IS NULL")" -gt 0
check "a host changed labels" \
    test "$(dbq "$DB" "SELECT count(*) FROM host_labels WHERE key = 'role'")" = 1
check_eq "label_fleet: hosts, mail totals and MTAs down per label" \
    "$(dbq "$DB" "SELECT key, value, hosts, queued, unread, hosts_with_queued, mta_down FROM label_fleet WHERE hosts > 0 ORDER BY key, value")" \
    "$(dbq "$DB" "SELECT l.key, l.value, count(*), sum(h.queued_total), sum(h.unread_total), sum(CASE WHEN h.queued_total > 0 THEN 1 ELSE 0 END), sum(h.mta_down) FROM host_labels l JOIN hosts h ON h.id = l.host_id GROUP BY l.key, l.value ORDER BY l.key, l.value")"
check_eq "label_findings: open hosts and symptoms per code and severity" \
    "$(dbq "$DB" "SELECT key, value, code, severity, hosts, symptoms FROM label_findings WHERE hosts > 0 ORDER BY key, value, code, severity")" \
    "$(dbq "$DB" "SELECT l.key, l.value, f.code, f.severity, count(DISTINCT f.host_id), sum(f.symptom) FROM findings f JOIN host_labels l ON l.host_id = f.host_id WHERE f.resolved_at IS NULL GROUP BY l.key, l.value, f.code, f.severity ORDER BY l.key, l.value, f.code, f.severity")"
check_eq "label_incidents: open causes and their hosts per severity and all" \
    "$(dbq "$DB" "SELECT key, value, severity, causes, hosts FROM label_incidents WHERE causes > 0 ORDER BY key, value, severity")" \
    "$(dbq "$DB" "SELECT * FROM (SELECT l.key, l.value, f.severity, count(*), count(DISTINCT f.host_id) FROM findings f JOIN host_labels l ON l.host_id = f.host_id WHERE f.resolved_at IS NULL AND f.symptom = 0 GROUP BY l.key, l.value, f.severity UNION ALL SELECT l.key, l.value, '', count(*), count(DISTINCT f.host_id) FROM findings f JOIN host_labels l ON l.host_id = f.host_id WHERE f.resolved_at IS NULL AND f.symptom = 0 GROUP BY l.key, l.value) x ORDER BY 1, 2, 3")"
check_eq "label_sigs: hosts and count per signature" \
    "$(dbq "$DB" "SELECT key, value, signature, hosts, count FROM label_sigs WHERE hosts > 0 ORDER BY key, value, signature")" \
    "$(dbq "$DB" "SELECT l.key, l.value, e.signature, count(*), sum(e.count) FROM event_sigs e JOIN host_labels l ON l.host_id = e.host_id GROUP BY l.key, l.value, e.signature ORDER BY l.key, l.value, e.signature")"
check_eq "label_cron: hosts and mail per cron command" \
    "$(dbq "$DB" "SELECT key, value, command, hosts, inbox, unread, queued FROM label_cron WHERE hosts > 0 ORDER BY key, value, command")" \
    "$(dbq "$DB" "SELECT l.key, l.value, m.command, count(*), sum(m.inbox), sum(m.unread), sum(m.queued) FROM mail_cron m JOIN host_labels l ON l.host_id = m.host_id GROUP BY l.key, l.value, m.command ORDER BY l.key, l.value, m.command")"

# the answers: one label (aggregates) against the same hosts through the
# base tables (a second filter every host has)
check "collector restarts" start_collector "$T"
for l in env:prod env:dev env:test dc:dc0 dc:dc1 role:mx env:none; do
	get "$T/one" "/api/v1/summary?label=$l" >/dev/null
	get "$T/two" "/api/v1/summary?label=$l&label=fleet:all" >/dev/null
	check_eq "summary?label=$l: as the base tables give it" \
	    "$(jq -S -c 'del(.generated_at)' "$T/one")" \
	    "$(jq -S -c 'del(.generated_at)' "$T/two")"
done
check_eq "a label no host has: no hosts" "$(jq -r .hosts.total "$T/one")" 0
stop_collector
