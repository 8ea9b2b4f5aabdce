#!/bin/sh
# collector_remedies.sh - GET /api/v1/remedies over a real collector: the
# open findings of the incident report sent for several hosts, grouped per
# code and remedy with the hosts each applies to (JSON), narrowed by the
# findings' filters and label=, paged by next_cursor, resolved findings
# gone; format=inventory parses with ansible-inventory into one group per
# remedy, and hostile host names and remedies cannot add hosts, groups or
# variables to it; the aggregates behind it (schema version 5) follow
# label, severity and remedy changes and equal a recount of the open
# findings; bad arguments answer 400, and a read token is needed when
# read_tokens is set.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
RD=remedy-read-token
AUTH="Authorization: Bearer $RD"
ADM="Authorization: Bearer remedy-admin-token"
check "collector starts" start_collector "$T" "read_tokens = $RD" \
    "admin_tokens = remedy-admin-token"

# report NAME LABELS-JSON [JQ]: the incident report for host NAME.
report() {
	jq --arg now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	    --arg id "$(python3 -c 'import uuid; print(uuid.uuid4())')" \
	    --arg name "$1" --argjson labels "$2" \
	    ".report_id = \$id | .collected_at = \$now | .host.name = \$name |
	    .host.labels = \$labels | .events = [] | .event_groups = [] |
	    ${3:-.}" "$SPOOLWATCH_TOP/tests/data/report-incident.json" >"$T/r.json"
	post "$T/o" "$T/r.json"
}
check_eq "h1 (env=prod) reported" "$(report h1 '{"env":"prod"}')" 200
check_eq "h2 (env=test) reported" "$(report h2 '{"env":"test"}')" 200
check_eq "h3 (env=prod) reported, another remedy for mta.down" \
    "$(report h3 '{"env":"prod"}' '(.findings[] | select(.code == "mta.down") | .remedy) = "systemctl start sendmail"')" 200
check_eq "a host whose name is no inventory name, a remedy with newlines" \
    "$(report 'evil host=1' '{"env":"prod"}' '(.findings[] | select(.code == "mail.unread_root") | .remedy) = "read it\n[all:vars]\nansible_user=evil\nh9"')" 200

check_eq "no read token: 401" "$(get "$T/o" /api/v1/remedies)" 401
get "$T/all" '/api/v1/remedies?limit=1000' -H "$AUTH" >/dev/null
M=$(jq -r '.findings[] | select(.code == "mta.down") | .remedy' "$SPOOLWATCH_TOP/tests/data/report-incident.json")
check_eq "mta.down: two remedies, the incident's on h1, h2 (and the evil host)" \
    "$(jq -c --arg m "$M" '[.items[] | select(.code == "mta.down") | {remedy: (.remedy == $m), hosts, count, severity}]' "$T/all")" \
    '[{"remedy":true,"hosts":["evil host=1","h1","h2"],"count":3,"severity":"critical"},{"remedy":false,"hosts":["h3"],"count":1,"severity":"critical"}]'
check_eq "every open finding's code is there, none without hosts" \
    "$(jq -c '[.items[] | select(.count != (.hosts | length) or .count == 0)] | length' "$T/all") $(jq -c '[.items[].code] | unique | length' "$T/all")" "0 8"
check_eq "the list shape: items and next_cursor" \
    "$(jq -c '[(.items[0] | keys), .next_cursor]' "$T/all")" '[["code","count","hosts","remedy","severity"],null]'

check_eq "label=env:test: h2 only" \
    "$(get "$T/o" '/api/v1/remedies?label=env:test&code=mta.down' -H "$AUTH") $(jq -c '[.items[] | [.hosts, .count]]' "$T/o")" \
    '200 [[["h2"],1]]'
check_eq "label=env:prod&code=mta.down: both remedies, without h2" \
    "$(get "$T/o" '/api/v1/remedies?label=env:prod&code=mta.down' -H "$AUTH") $(jq -c '[.items[] | .hosts]' "$T/o")" \
    '200 [["evil host=1","h1"],["h3"]]'
check_eq "severity=warning: only the warnings' codes" \
    "$(get "$T/o" '/api/v1/remedies?severity=warning' -H "$AUTH") $(jq -c '[.items[].code] | unique' "$T/o")" \
    '200 ["mail.undelivered","mail.unread_root","spool.bloated_dir"]'
check_eq "host=h3: h3's remedies only" \
    "$(get "$T/o" '/api/v1/remedies?host=h3' -H "$AUTH") $(jq -c '[.items[].hosts[]] | unique' "$T/o")" '200 ["h3"]'

# paging: limit=2 walked with next_cursor gives the same items
: >"$T/pages"
cur="" n=0
while [ "$n" -lt 20 ]; do
	get "$T/p" "/api/v1/remedies?limit=2${cur:+&cursor=$cur}" -H "$AUTH" >/dev/null
	jq -c '.items[]' "$T/p" >>"$T/pages"
	cur=$(jq -r '.next_cursor // empty' "$T/p")
	n=$((n + 1))
	[ -n "$cur" ] || break
done
check_eq "limit=2 pages give every item once, in order" \
    "$(jq -s -c . "$T/pages")" "$(jq -c .items "$T/all")"

# h1 fixed: its findings resolve and leave the remedies
check_eq "h1 reports without findings" "$(report h1 '{"env":"prod"}' '.findings = []')" 200
check_eq "resolved findings leave: mta.down's first remedy without h1" \
    "$(get "$T/o" '/api/v1/remedies?code=mta.down' -H "$AUTH") $(jq -c '[.items[] | .hosts]' "$T/o")" \
    '200 [["evil host=1","h2"],["h3"]]'

# the inventory
code=$(curl -s -m 20 -o "$T/inv" -w '%{http_code} %{content_type}' -H "$AUTH" \
    "$URL/api/v1/remedies?format=inventory&code=mta.down")
check_eq "format=inventory: 200 text/plain" "$code" "200 text/plain; charset=utf-8"
check "the inventory parses with ansible-inventory" \
    ansible-inventory -i "$T/inv" --list --output "$T/inv.json"
[ -f "$T/inv.json" ] || sed 's/^/# /' "$T/inv"
check_eq "one group per remedy, its hosts under it" \
    "$(jq -c '{a: .mta_down_1.hosts, b: .mta_down_2.hosts}' "$T/inv.json")" \
    '{"a":["h2"],"b":["h3"]}'
check "each group has a comment with code, severity and remedy" \
    grep -q "^# mta.down (critical, 1 hosts): systemctl start sendmail$" "$T/inv"
check "the host with a blank and '=' is left out, and said so" \
    grep -q '^# 1 hosts left out: their names are not inventory host names$' "$T/inv"
get "$T/inv2" '/api/v1/remedies?format=inventory&code=mail.unread_root' -H "$AUTH" >/dev/null
ansible-inventory -i "$T/inv2" --list --output "$T/inv2.json" 2>/dev/null
check_eq "a remedy's newlines add no group, variable or host (its group is empty)" \
    "$(jq -c '[(.all.children | sort), ._meta.hostvars, ([.[] | .hosts? // empty | .[]] | unique)]' "$T/inv2.json")" \
    '[["mail_unread_root_1","mail_unread_root_2","ungrouped"],{},["h2","h3"]]'
check "the remedy stays on its comment line" \
    grep -q '^# mail.unread_root (warning, 1 hosts): read it \[all:vars\] ansible_user=evil h9$' "$T/inv2"
get "$T/inv3" '/api/v1/remedies?format=inventory&limit=1' -H "$AUTH" >/dev/null
check "a cut inventory says how to go on" grep -q '^# more remedies: cursor=' "$T/inv3"
check_eq "label=env:nowhere: an inventory with no group" \
    "$(get "$T/o" '/api/v1/remedies?format=inventory&label=env:nowhere' -H "$AUTH") $(grep -c '^\[' "$T/o")" "200 0"

# the aggregates move with the findings and labels: h2 relabelled and
# its bloated spool now critical, h3's mta.down back to the incident's
# remedy (it leaves its group for the other)
check_eq "h2 relabelled env=prod, a finding more severe" \
    "$(report h2 '{"env":"prod"}' '(.findings[] | select(.code == "spool.bloated_dir") | .severity) = "critical"')" 200
check_eq "h3 back to the incident's remedy for mta.down" "$(report h3 '{"env":"prod"}')" 200
check_eq "mta.down: one remedy now, its three hosts" \
    "$(get "$T/o" '/api/v1/remedies?code=mta.down' -H "$AUTH") $(jq -c '[.items[] | [.hosts, .count]]' "$T/o")" \
    '200 [[["evil host=1","h2","h3"],3]]'
check_eq "label=env:prod&code=mta.down: h2 among them" \
    "$(get "$T/o" '/api/v1/remedies?label=env:prod&code=mta.down' -H "$AUTH") $(jq -c '[.items[] | [.hosts, .count]]' "$T/o")" \
    '200 [[["evil host=1","h2","h3"],3]]'
check_eq "label=env:test: nothing left" \
    "$(get "$T/o" '/api/v1/remedies?label=env:test' -H "$AUTH") $(jq -c '.items | length' "$T/o")" '200 0'
check_eq "spool.bloated_dir critical (h2) with severity=critical, the group's highest" \
    "$(get "$T/o" '/api/v1/remedies?code=spool.bloated_dir&severity=critical' -H "$AUTH") $(jq -c '[.items[] | [.hosts, .severity]]' "$T/o") $(get "$T/o" '/api/v1/remedies?code=spool.bloated_dir' -H "$AUTH") $(jq -c '[.items[] | [.hosts, .severity]]' "$T/o")" \
    '200 [[["h2"],"critical"]] 200 [[["evil host=1","h2","h3"],"critical"]]'
# recount A B: the rows of A and B differ in none
recount() {
	dbq "$DB" "SELECT (SELECT count(*) FROM ($1 EXCEPT SELECT * FROM ($2) b) x) + (SELECT count(*) FROM ($2 EXCEPT SELECT * FROM ($1) a) y)"
}
OPEN="findings f JOIN remedies m ON m.code = f.code AND m.remedy = f.remedy"
DB=$T/c.db
check_eq "remedy_findings: the open findings with a remedy" \
    "$(recount "SELECT finding_id, remedy_id, severity, host_id, name FROM remedy_findings" \
        "SELECT f.id, m.id, f.severity, f.host_id, h.name FROM $OPEN JOIN hosts h ON h.id = f.host_id WHERE f.resolved_at IS NULL")" 0
check_eq "remedy_counts: the hosts per group and severity, and all" \
    "$(recount "SELECT remedy_id, severity, hosts FROM remedy_counts WHERE hosts <> 0" \
        "SELECT m.id, f.severity, count(DISTINCT f.host_id) FROM $OPEN WHERE f.resolved_at IS NULL GROUP BY m.id, f.severity UNION ALL SELECT m.id, '', count(DISTINCT f.host_id) FROM $OPEN WHERE f.resolved_at IS NULL GROUP BY m.id")" 0
check_eq "remedy_label_hosts: each group's (and severity's) hosts with their labels" \
    "$(recount "SELECT remedy_id, severity, host_id, key, value, name FROM remedy_label_hosts" \
        "SELECT m.id, f.severity, f.host_id, l.key, l.value, h.name FROM $OPEN JOIN host_labels l ON l.host_id = f.host_id JOIN hosts h ON h.id = f.host_id WHERE f.resolved_at IS NULL UNION SELECT m.id, '', f.host_id, l.key, l.value, h.name FROM $OPEN JOIN host_labels l ON l.host_id = f.host_id JOIN hosts h ON h.id = f.host_id WHERE f.resolved_at IS NULL")" 0
check_eq "remedy_label_counts: their count per group, severity and label" \
    "$(recount "SELECT remedy_id, severity, key, value, hosts FROM remedy_label_counts WHERE hosts <> 0" \
        "SELECT remedy_id, severity, key, value, count(*) FROM remedy_label_hosts GROUP BY remedy_id, severity, key, value")" 0

# h2's mta.down acknowledged: acked=true lists it alone, acked=false
# the others
ID=$(curl -s -m 10 -H "$AUTH" "$URL/api/v1/findings?state=open&host=h2&code=mta.down" | jq -r '.items[0].id')
check_eq "h2's mta.down acknowledged" \
    "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST -H "$ADM" \
        -H 'Content-Type: application/json' --data-binary '{"reason":"window"}' \
        "$URL/api/v1/findings/$ID/ack")" 200
check_eq "acked=true: h2's mta.down only" \
    "$(get "$T/o" '/api/v1/remedies?acked=true' -H "$AUTH") $(jq -c '[.items[] | [.code, .hosts, .count, .severity]]' "$T/o")" \
    '200 [["mta.down",["h2"],1,"critical"]]'
check_eq "acked=false: mta.down without h2, h2's other remedies" \
    "$(get "$T/o" '/api/v1/remedies?acked=false&code=mta.down' -H "$AUTH") $(jq -c '[.items[] | [.hosts, .count]]' "$T/o") $(get "$T/o" '/api/v1/remedies?acked=false' -H "$AUTH") $(jq -c '[.items[] | select(.hosts | index("h2"))] | length' "$T/o")" \
    '200 [[["evil host=1","h3"],2]] 200 7'
check_eq "acked=false&severity=critical: mta.down without h2" \
    "$(get "$T/o" '/api/v1/remedies?acked=false&severity=critical&code=mta.down' -H "$AUTH") $(jq -c '[.items[] | [.hosts, .count]]' "$T/o")" \
    '200 [[["evil host=1","h3"],2]]'

for q in format=xml cursor=zz cursor=6d74.x cursor=.5 severity=bad state=maybe \
    acked=perhaps label=env 'label=bad-key:x' limit=0; do
	_s=$(get "$T/o" "/api/v1/remedies?$q" -H "$AUTH")
	[ "$_s $(jq -r .error.code "$T/o")" = "400 bad_request" ] || echo "$q: $_s" >>"$T/bad"
done
check_eq "bad arguments answer 400 bad_request" "$(cat "$T/bad" 2>/dev/null)" ""
check_eq "POST is not allowed (405)" \
    "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST -H "$AUTH" "$URL/api/v1/remedies")" 405
stop_collector
check_eq "collector stops cleanly" "$STOP_RC" 0
