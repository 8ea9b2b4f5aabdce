#!/bin/sh
# collector_labels.sh - host labels end to end: two real agents with
# different labels = ... in agent.conf (an incident host and a healthy
# one) report to a real collector over 127.0.0.1; the hosts carry their
# labels in the list and the detail; label=KEY:VALUE narrows every list
# endpoint (hosts, findings, events, mail) and the summary, repeated
# labels must all match; group_by=label:KEY groups the summary; a label
# change replaces the old labels; hostile label arguments answer 400 in
# the error shape; a report with a bad label is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
check "collector starts" start_collector "$T"
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/incident" >/dev/null 2>&1
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-postfix "$T/healthy" >/dev/null 2>&1
printf 'server = %s\nlabels = env=prod, role=mail, dc=fra1\n' "$URL" >"$T/prod.conf"
printf 'server = %s\nlabels = env=test, role=mail\n' "$URL" >"$T/test.conf"

# agent CONF ROOT STATE NAME: one cycle delivered to the collector.
agent() {
	mkdir -p "$3"
	"$AGENT" --config "$1" --once --root "$2" --state-dir "$3" \
	    --hostname "$4" >>"$T/agent.log" 2>&1
}
check "agent (env=prod) delivers the incident host" \
    agent "$T/prod.conf" "$T/incident" "$T/st1" inc1
check "agent (env=test) delivers the healthy host" \
    agent "$T/test.conf" "$T/healthy" "$T/st2" ok1
"$AGENT" --config "$T/prod.conf" --once --stdout --root "$T/incident" \
    --state-dir "$T/st9" --hostname x >"$T/own.json" 2>>"$T/agent.log"
check_eq "the agent's report has host.labels" \
    "$(jq -c .host.labels "$T/own.json")" '{"env":"prod","role":"mail","dc":"fra1"}'
check "the agent's report is valid against the schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" "$T/own.json"

# names PATH: the sorted host names of a list answer (status first).
names() {
	_s=$(get "$T/o" "$1")
	echo "$_s $(jq -c '[.items[] | (.host // .name)] | unique' "$T/o")"
}

check_eq "hosts: both, each with its labels" \
    "$(get "$T/h" /api/v1/hosts) $(jq -c '[.items[] | {name, labels}]' "$T/h")" \
    '200 [{"name":"inc1","labels":{"dc":"fra1","env":"prod","role":"mail"}},{"name":"ok1","labels":{"env":"test","role":"mail"}}]'
check_eq "one host's detail carries its labels" \
    "$(get "$T/h" /api/v1/hosts/ok1) $(jq -c .labels "$T/h")" \
    '200 {"env":"test","role":"mail"}'
check_eq "hosts?label=env:prod" "$(names '/api/v1/hosts?label=env:prod')" '200 ["inc1"]'
check_eq "hosts?label=role:mail (both)" "$(names '/api/v1/hosts?label=role:mail')" '200 ["inc1","ok1"]'
check_eq "hosts: two labels must both match" \
    "$(names '/api/v1/hosts?label=role:mail&label=env:test')" '200 ["ok1"]'
check_eq "hosts: labels that no host has together" \
    "$(names '/api/v1/hosts?label=env:test&label=dc:fra1')" '200 []'
check_eq "hosts: a value is matched whole" \
    "$(names '/api/v1/hosts?label=env:pro')" '200 []'

check "the incident host has open findings" \
    test "$(get "$T/o" '/api/v1/findings?state=open' >/dev/null; jq '[.items[] | select(.host == "inc1")] | length' "$T/o")" -gt 0
check_eq "findings?label=env:prod: the incident host's only" \
    "$(names '/api/v1/findings?label=env:prod&limit=1000')" '200 ["inc1"]'
check_eq "findings?label=env:test: none (the healthy host)" \
    "$(get "$T/o" '/api/v1/findings?label=env:test&state=open') $(jq '[.items[] | select(.severity != "info")] | length' "$T/o")" '200 0'
# label= with code=: the code's findings on the label's hosts joined as
# a set (api_findings.c); the same page as the host's own, and its
# cursor walks it
get "$T/o" '/api/v1/findings?host=inc1&state=open&limit=1000' >/dev/null
# the code inc1 has most open findings of
c=$(jq -r '[.items[].code] | group_by(.) | max_by(length) | .[0]' "$T/o")
ids() { get "$T/ids" "$1" >/dev/null; jq -c '[.items[].id]' "$T/ids"; }
all=$(ids "/api/v1/findings?host=inc1&code=$c&limit=1000")
check "inc1 has findings of $c" [ "$all" != '[]' ]
check_eq "findings?label=env:prod&code=$c: inc1's findings of $c" \
    "$(ids "/api/v1/findings?label=env:prod&code=$c&limit=1000")" "$all"
check_eq "findings?label=env:test&code=$c: none" \
    "$(ids "/api/v1/findings?label=env:test&code=$c&limit=1000")" '[]'
first=$(echo "$all" | jq '.[0]')
check_eq "label=&code=, two labels, limit=1: the first, and a cursor" \
    "$(ids "/api/v1/findings?label=env:prod&label=role:mail&code=$c&limit=1") $(jq -r '.next_cursor // "null"' "$T/ids")" \
    "[$first] $(echo "$all" | jq -r 'if length > 1 then .[0] | tostring else "null" end')"
check_eq "label=&code= after the first: the rest" \
    "$(ids "/api/v1/findings?label=env:prod&label=role:mail&code=$c&limit=1000&cursor=$first")" \
    "$(echo "$all" | jq -c '.[1:]')"
# a code neither root has (a paniclog is Exim's) whose 1,200 newest
# findings are ok1's (env:test) and one older inc1's (env:prod): the
# walk would probe them all, so PostgreSQL takes the set; either way,
# inc1's finding only (rows as the API describes them: a known code and
# a message; resolved now: resolved long ago, the collector's retention,
# 5 s after its start and every minute, deleted them between two requests)
now=$(date +%s)
dbq "$T/c.db" "INSERT INTO findings (host_id, code, subject, severity,
    message, first_seen, last_seen, last_report, resolved_at) SELECT id,
    'mta.paniclog', '/x', 'info', 'old', 1, 1, 1, $now FROM hosts
    WHERE name = 'inc1'" >/dev/null
dbq "$T/c.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 1200) INSERT INTO findings (host_id, code, subject, severity,
    message, first_seen, last_seen, last_report, resolved_at) SELECT h.id,
    'mta.paniclog', '/x' || n.i, 'info', 'old', 1, 1, 1, $now FROM n, hosts h
    WHERE h.name = 'ok1'" >/dev/null
check_eq "findings?label=env:prod&code=mta.paniclog: inc1's one, under 1,200 of ok1's" \
    "$(ids "/api/v1/findings?label=env:prod&code=mta.paniclog&limit=10") $(jq -r .next_cursor "$T/ids")" \
    "$(ids "/api/v1/findings?host=inc1&code=mta.paniclog&limit=10") null"
check_eq "... and it is one" \
    "$(ids "/api/v1/findings?label=env:prod&code=mta.paniclog" | jq length)" 1
check_eq "findings?label=env:test&code=mta.paniclog&limit=1000: ok1's newest" \
    "$(ids "/api/v1/findings?label=env:test&code=mta.paniclog&limit=1000")" \
    "$(ids "/api/v1/findings?host=ok1&code=mta.paniclog&limit=1000")"
check_eq "events?label=env:prod: the incident host's" \
    "$(names '/api/v1/events?label=env:prod&limit=1000')" '200 ["inc1"]'
check_eq "events?label=dc:nowhere: none" \
    "$(names '/api/v1/events?label=dc:nowhere')" '200 []'

get "$T/m" /api/v1/mail >/dev/null
get "$T/mp" '/api/v1/mail?label=env:prod' >/dev/null
get "$T/mt" '/api/v1/mail?label=env:nowhere' >/dev/null
get "$T/mh" '/api/v1/mail?host=inc1' >/dev/null
check "mail: the fleet has mail by cron command" test "$(jq '.items | length' "$T/m")" -gt 0
check_eq "mail?label=env:prod: the incident host's mail, one host each" \
    "$(jq -c '[[.items[] | [.command, .messages, .hosts]], .totals]' "$T/mp")" \
    "$(jq -c '[[.items[] | [.command, .messages, .hosts]], .totals]' "$T/mh")"
check "mail: the fleet's is more than env:prod's" \
    test "$(jq '[.items[].messages] | add' "$T/m")" -gt "$(jq '[.items[].messages] | add' "$T/mp")"
check_eq "mail?label=env:nowhere: nothing, zero totals" \
    "$(jq -c '[(.items | length), .totals.queued_total, .totals.unread_total]' "$T/mt")" '[0,0,0]'
check_eq "mail?host=inc1&label=env:test: not that host's labels" \
    "$(get "$T/o" '/api/v1/mail?host=inc1&label=env:test') $(jq '.items | length' "$T/o")" '200 0'

get "$T/s" /api/v1/summary >/dev/null
get "$T/sp" '/api/v1/summary?label=env:prod' >/dev/null
get "$T/st" '/api/v1/summary?label=env:test' >/dev/null
check_eq "summary: 2 hosts; env:prod 1; env:test 1" \
    "$(jq .hosts.total "$T/s") $(jq .hosts.total "$T/sp") $(jq .hosts.total "$T/st")" "2 1 1"
check_eq "summary?label=env:prod: the same findings as the fleet's" \
    "$(jq -c '.findings | sort_by(.code, .severity)' "$T/sp")" \
    "$(jq -c '.findings | sort_by(.code, .severity)' "$T/s")"
check_eq "summary?label=env:test: no warning or critical finding" \
    "$(jq '[.findings[] | select(.severity != "info")] | length' "$T/st")" 0
check_eq "summary?label=env:prod: the MTA down, the SYSERRs, the mail" \
    "$(jq -c '[.mta_down, (.syserr_top | length > 0), .mail.queued_total]' "$T/sp")" \
    "$(jq -c '[.mta_down, (.syserr_top | length > 0), .mail.queued_total]' "$T/s")"
check_eq "summary?label=env:test: no MTA down, no SYSERR, no inode top of inc1" \
    "$(jq -c '[.mta_down.hosts, (.syserr_top | length), ([.inodes_top[] | select(.host == "inc1")] | length)]' "$T/st")" '[0,0,0]'

check_eq "summary?label=env:prod: the fleet's critical incidents (all on inc1)" \
    "$(jq -c .incidents.by_severity.critical "$T/sp")" \
    "$(jq -c .incidents.by_severity.critical "$T/s")"
check_eq "summary?label=env:test: no critical incident there" \
    "$(jq -c '[.incidents.by_severity.critical.open, (.incidents.open < ('"$(jq .incidents.open "$T/s")"'))]' "$T/st")" \
    '[0,true]'
check_eq "summary?group_by=label:env: a group per value" \
    "$(get "$T/g" '/api/v1/summary?group_by=label:env') $(jq -c '[.group_by, [.groups[] | {value, hosts, mta_down}]]' "$T/g")" \
    '200 ["label:env",[{"value":"prod","hosts":1,"mta_down":1},{"value":"test","hosts":1,"mta_down":0}]]'
check_eq "groups: the prod group's findings are the incident's" \
    "$(jq -c '[.groups[] | select(.value == "prod") | .findings[]] | sort_by(.code, .severity)' "$T/g")" \
    "$(jq -c '.findings | sort_by(.code, .severity)' "$T/sp")"
check_eq "group_by=label:dc: hosts without it are the null group" \
    "$(get "$T/g" '/api/v1/summary?group_by=label:dc') $(jq -c '[.groups[] | [.value, .hosts]]' "$T/g")" \
    '200 [["fra1",1],[null,1]]'
check_eq "group_by within label=: only the filtered hosts" \
    "$(get "$T/g" '/api/v1/summary?group_by=label:env&label=env:test') $(jq -c '[.hosts.total, [.groups[] | .value]]' "$T/g")" \
    '200 [1,["test"]]'

# the labels of a host are its newest report's
printf 'server = %s\nlabels = env=staging\n' "$URL" >"$T/stg.conf"
check "agent delivers ok1 relabelled env=staging" \
    agent "$T/stg.conf" "$T/healthy" "$T/st2" ok1
check_eq "ok1's labels are replaced" \
    "$(get "$T/h" /api/v1/hosts/ok1) $(jq -c .labels "$T/h")" '200 {"env":"staging"}'
check_eq "hosts?label=role:mail: no longer ok1" \
    "$(names '/api/v1/hosts?label=role:mail')" '200 ["inc1"]'
check_eq "hosts?label=env:staging: ok1" \
    "$(names '/api/v1/hosts?label=env:staging')" '200 ["ok1"]'

# mail per label: one label from label_cron (kept at ingest), several
# summed from mail_cron; label_cron is what mail_cron and host_labels
# give after the relabelling
for l in env:prod role:mail env:staging; do
	get "$T/m1" "/api/v1/mail?label=$l" >/dev/null
	get "$T/m2" "/api/v1/mail?label=$l&label=$l" >/dev/null
	check_eq "mail?label=$l: label_cron's rows are mail_cron's summed" \
	    "$(jq -c .items "$T/m1")" "$(jq -c .items "$T/m2")"
done
check_eq "label_cron: the recount from mail_cron and host_labels" \
    "$(dbq "$T/c.db" "SELECT key, value, command, hosts, inbox, unread, queued
	FROM label_cron ORDER BY 1, 2, 3")" \
    "$(dbq "$T/c.db" "SELECT hl.key, hl.value, m.command, count(*),
	sum(m.inbox), sum(m.unread), sum(m.queued) FROM mail_cron m
	JOIN host_labels hl ON hl.host_id = m.host_id GROUP BY 1, 2, 3
	ORDER BY 1, 2, 3")"
check "label_cron: rows for inc1's labels" \
    [ "$(dbq "$T/c.db" "SELECT count(*) FROM label_cron WHERE key = 'role'")" -gt 0 ]

# hostile label arguments: 400 in the error shape, never a 5xx
for q in 'label=env' 'label=:prod' 'label=env:' 'label=my-env:x' \
    'label=__name__:x' 'label=env:%0a' 'label=env:%ff' 'label=env:%c2%85' \
    "label=$(printf 'k%.0s' $(seq 64)):x" "label=env:$(printf 'v%.0s' $(seq 129))" \
    'label=a:1&label=b:2&label=c:3&label=d:4&label=e:5&label=f:6&label=g:7&label=h:8&label=i:9'; do
	for p in hosts findings events mail summary; do
		_s=$(get "$T/o" "/api/v1/$p?$q")
		[ "$_s $(jq -r .error.code "$T/o")" = "400 bad_request" ] ||
		    echo "$p?$q: $_s $(head -c 200 "$T/o")" >>"$T/bad"
	done
done
check_eq "bad label= arguments answer 400 bad_request on every endpoint" \
    "$(cat "$T/bad" 2>/dev/null)" ""
check_eq "an empty label= is no filter (as an empty code= is)" \
    "$(names '/api/v1/hosts?label=')" '200 ["inc1","ok1"]'
check_eq "8 label= arguments are fine" \
    "$(names '/api/v1/hosts?label=a:1&label=b:2&label=c:3&label=d:4&label=e:5&label=f:6&label=g:7&label=env:prod')" '200 []'
check_eq "a value may hold ':' and '=' (split at the first ':')" \
    "$(names '/api/v1/hosts?label=env:prod:x%3Dy')" '200 []'
for q in 'group_by=env' 'group_by=label:' 'group_by=label:a-b' 'group_by=host'; do
	_s=$(get "$T/o" "/api/v1/summary?$q")
	[ "$_s $(jq -r .error.code "$T/o")" = "400 bad_request" ] || echo "$q: $_s" >>"$T/badg"
done
check_eq "bad group_by answers 400" "$(cat "$T/badg" 2>/dev/null)" ""

# a report with a bad label is refused with the path of the label
jq '.host.labels = {"bad-key": "x"}' "$T/own.json" | jq ".report_id = \"$(python3 -c 'import uuid; print(uuid.uuid4())')\"" >"$T/bad.json"
check_eq "a report with label key bad-key: 400 naming host.labels.bad-key" \
    "$(post "$T/o" "$T/bad.json") $(jq -r .error.message "$T/o" | grep -c 'host.labels.bad-key')" "400 1"
jq '.host.labels = {"env": "a\u0001"}' "$T/own.json" | jq ".report_id = \"$(python3 -c 'import uuid; print(uuid.uuid4())')\"" >"$T/bad.json"
check_eq "a label value with a control character: 400" "$(post "$T/o" "$T/bad.json")" 400
jq '.host.labels = ([range(33)] | map({key: "k\(.)", value: "v"}) | from_entries)' "$T/own.json" |
    jq ".report_id = \"$(python3 -c 'import uuid; print(uuid.uuid4())')\"" >"$T/bad.json"
check_eq "33 labels: 400" "$(post "$T/o" "$T/bad.json")" 400

stop_collector
check_eq "collector stops cleanly" "$STOP_RC" 0
check_eq "host_labels holds the newest labels only" \
    "$(dbq "$T/c.db" "SELECT h.name || ' ' || l.key || '=' || l.value FROM host_labels l JOIN hosts h ON h.id = l.host_id ORDER BY 1" | tr '\n' ' ')" \
    "inc1 dc=fra1 inc1 env=prod inc1 role=mail ok1 env=staging "
