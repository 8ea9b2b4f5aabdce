#!/bin/sh
# collector_history.sh - GET /api/v1/history: the fleet's curves (queued,
# unread, SYSERR lines, open findings by severity) agree with the summary
# and the hosts' curves after real agent reports; with host=NAME the
# host's curves (open findings by severity among them) agree with its
# findings; every range answers at most 300 points per series, in time
# order, inside [from, to]; a curve written straight into the database
# comes back bucketed by the documented rule (the largest value of each
# bucket of range/300 seconds, stamped with the bucket's start); a bad
# range is a 400 and an unknown host a 404 in the API's error shape.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
RD=history-read-token
AUTH="Authorization: Bearer $RD"

check "collector starts" start_collector "$T" "read_tokens = $RD" \
    "retention_days = 36500"
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/incident" >/dev/null 2>&1
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-postfix "$T/healthy" >/dev/null 2>&1
# labels: both hosts env=prod, the incident host also role=mta
printf 'labels = env=prod, role=mta\nserver = %s\n' "$URL" >"$T/agent-incident.conf"
printf 'labels = env=prod\nserver = %s\n' "$URL" >"$T/agent-healthy.conf"
agent() {
	mkdir -p "$2"
	"$AGENT" --config "$T/agent-$3.conf" --once --root "$1" \
	    --state-dir "$2" --hostname "$3" >>"$T/agent.log" 2>&1
}
check "agent delivers the incident host" agent "$T/incident" "$T/st1" incident
check "agent delivers a healthy host" agent "$T/healthy" "$T/st2" healthy

check_eq "no token: 401" "$(get "$T/x" '/api/v1/history')" 401
get "$T/s" /api/v1/summary -H "$AUTH" >/dev/null
check_eq "history?range=1h answers 200" \
    "$(get "$T/h1" '/api/v1/history?range=1h' -H "$AUTH")" 200
check_eq "it echoes the range" "$(jqr "$T/h1" .range)" 1h
check_eq "fleet series: mail, SYSERR and open findings by severity" \
    "$(jq -c '[.series[] | .metric + "/" + .subject] | sort' "$T/h1")" \
    '["open_findings/critical","open_findings/info","open_findings/warning","queued_total/","syserr/","unread_total/"]'
# last VALUE of series METRIC SUBJECT in FILE
last() {
	jq -r --arg m "$2" --arg s "$3" '[.series[] | select(.metric == $m
	    and .subject == $s)][0].points[-1][1] // "none"' "$1"
}
check_eq "fleet queued_total is the summary's" "$(last "$T/h1" queued_total '')" \
    "$(jq '.mail.queued_total' "$T/s")"
check "the incident queues mail" [ "$(last "$T/h1" queued_total '')" -gt 0 ]
check_eq "fleet unread_total is the summary's" "$(last "$T/h1" unread_total '')" \
    "$(jq '.mail.unread_total' "$T/s")"
for sev in critical warning info; do
	check_eq "fleet open_findings/$sev: the summary's hosts per code" \
	    "$(last "$T/h1" open_findings $sev)" \
	    "$(jq --arg s $sev '[.findings[] | select(.severity == $s) | .hosts]
		| add // 0' "$T/s")"
done
check "open critical findings are counted" \
    [ "$(last "$T/h1" open_findings critical)" -gt 0 ]

# host curves, and the fleet's SYSERR lines as the sum of the hosts'
for h in incident healthy; do
	check_eq "history?host=$h answers 200" \
	    "$(get "$T/hist-$h" "/api/v1/history?range=1h&host=$h" -H "$AUTH")" 200
done
sum_syserr() {
	jq '[.series[] | select(.metric == "syserr") | .points[][1]] | add // 0' \
	    "$@"
}
check_eq "fleet SYSERR lines are the hosts' SYSERR lines" \
    "$(sum_syserr "$T/h1")" \
    "$(cat "$T/hist-incident" "$T/hist-healthy" | jq -s '[.[] | .series[] |
	select(.metric == "syserr") | .points[][1]] | add')"
check "the incident has SYSERR lines" [ "$(sum_syserr "$T/hist-incident")" -gt 0 ]
get "$T/crit" '/api/v1/findings?host=incident&state=open&severity=critical&limit=1000' \
    -H "$AUTH" >/dev/null
check_eq "host open_findings/critical is the host's open critical findings" \
    "$(last "$T/hist-incident" open_findings critical)" \
    "$(jq '.items | length' "$T/crit")"
check_eq "host queued_total is its latest" \
    "$(last "$T/hist-incident" queued_total '')" \
    "$(get "$T/hd" /api/v1/hosts/incident -H "$AUTH" >/dev/null
	jq '.queued_total // .mail.queued_total' "$T/hd")"
check "host curves include a spool's entries" \
    jq -e '[.series[] | select(.metric == "spool_entries")] | length > 0' \
    "$T/hist-incident"

# label=: the fleet's curves over the hosts with those labels, per
# minute the sum of the hosts' own largest points of the minute; one
# label from the curves kept per label at ingest (label_history), several
# computed from history
check_eq "history?label=role:mta answers 200" \
    "$(get "$T/hl" '/api/v1/history?range=1h&label=role:mta' -H "$AUTH")" 200
check_eq "label=role:mta: queued_total is the incident host's" \
    "$(last "$T/hl" queued_total '')" "$(last "$T/hist-incident" queued_total '')"
check_eq "label=role:mta: open critical findings are the incident host's" \
    "$(last "$T/hl" open_findings critical)" \
    "$(last "$T/hist-incident" open_findings critical)"
check_eq "label=role:mta: the four fleet metrics" \
    "$(jq -c '[.series[] | .metric + "/" + .subject] | sort' "$T/hl")" \
    '["open_findings/critical","open_findings/info","open_findings/warning","queued_total/","syserr/","unread_total/"]'
check_eq "history?label=env:prod (both hosts) answers 200" \
    "$(get "$T/hp" '/api/v1/history?range=24h&label=env:prod' -H "$AUTH")" 200
check_eq "history?label=env:prod twice (computed from history) answers 200" \
    "$(get "$T/hp2" '/api/v1/history?range=24h&label=env:prod&label=env:prod' -H "$AUTH")" 200
check_eq "label=env:prod: the kept curves are the ones computed from history" \
    "$(jq -c .series "$T/hp")" "$(jq -c .series "$T/hp2")"
check "label=env:prod: its queued_total sums both hosts'" \
    jq -e --argjson q "$(last "$T/hist-incident" queued_total '')" \
    '[.series[] | select(.metric == "queued_total") | .points[][1]] | add >= $q and $q > 0' "$T/hp"
# label_history is what history and host_labels give (the labels have
# not changed since the reports)
recount="SELECT hl.key, hl.value, h.metric, h.subject, h.minute, sum(h.m)
    FROM (SELECT host_id, metric, subject, ts - ts % 60 AS minute,
        max(value) AS m FROM history WHERE metric IN ('queued_total',
        'unread_total', 'syserr', 'open_findings') GROUP BY 1, 2, 3, 4) h
    JOIN host_labels hl ON hl.host_id = h.host_id GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5"
check_eq "label_history: the recount from history and host_labels" \
    "$(dbq "$T/c.db" "SELECT key, value, metric, subject, ts, total
	FROM label_history ORDER BY 1, 2, 3, 4, 5")" "$(dbq "$T/c.db" "$recount")"
check "label_history: rows for both labels" \
    [ "$(dbq "$T/c.db" "SELECT count(DISTINCT key) FROM label_history")" = 2 ]
check_eq "label=env:test (no host): no series" \
    "$(get "$T/hn" '/api/v1/history?range=1h&label=env:test' -H "$AUTH") $(jq '.series | length' "$T/hn")" \
    "200 0"
check_eq "label=bad: 400" \
    "$(get "$T/hb" '/api/v1/history?range=1h&label=nocolon' -H "$AUTH")" 400

# A curve written straight into fleet_history: 1500 points a minute
# apart up to now, value (i * 37) % 101.
now=$(date +%s)
cat >"$T/curve.sql" <<SQL
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1499)
INSERT INTO fleet_history (metric, subject, ts, value)
SELECT 'test_curve', 'x', $((now - now % 60)) - i * 60, (i * 37) % 101 FROM n;
SQL
check "test curve written into the database" \
    dbq "$T/c.db" "$(cat "$T/curve.sql")"

for r in 1h 24h 7d 30d; do
	code=$(get "$T/r$r" "/api/v1/history?range=$r" -H "$AUTH")
	check_eq "range=$r answers 200" "$code" 200
	check_eq "range=$r echoed" "$(jqr "$T/r$r" .range)" $r
	check "range=$r: at most 300 points per series, in time order, in [from, to]" \
	    jq -e '(.from | fromdate) as $f | (.to | fromdate) as $t |
		[.series[] | .points | map(.[0] | fromdate) as $ts |
		 (length <= 300) and ($ts == ($ts | sort | unique)) and
		 all($ts[]; . >= $f and . <= $t)] | all' "$T/r$r"
	span=$(jq '(.to | fromdate) - (.from | fromdate)' "$T/r$r")
	case $r in 1h) sec=3600 ;; 24h) sec=86400 ;; 7d) sec=604800 ;; 30d) sec=2592000 ;; esac
	check "range=$r: from is within one bucket of to - $sec s" \
	    [ "$span" -le "$sec" -a "$span" -gt $((sec - 2 * sec / 300)) ]
	# the expected buckets: max per floor(ts / width), from .. now
	width=$((sec / 300))
	from=$(( (now / width - 299) * width ))
	i=0
	while [ $i -lt 1500 ]; do
		ts=$((now - now % 60 - i * 60))
		[ "$ts" -ge "$from" ] && echo "$((ts / width * width)) $(((i * 37) % 101))"
		i=$((i + 1))
	done | awk '{ if (!($1 in m) || $2 > m[$1]) m[$1] = $2 }
	    END { for (k in m) print k, m[k] }' | sort -n >"$T/want$r"
	jq -r '[.series[] | select(.metric == "test_curve")][0].points[] |
	    "\(.[0] | fromdate) \(.[1])"' "$T/r$r" >"$T/got$r"
	check "range=$r: the test curve is its max per bucket of $width s" \
	    cmp -s "$T/want$r" "$T/got$r"
	check_eq "range=$r: the host answers too" \
	    "$(get "$T/hr$r" "/api/v1/history?range=$r&host=incident" -H "$AUTH") $(jqr "$T/hr$r" .range)" \
	    "200 $r"
done
check_eq "1h: one point per minute (60 or 61)" \
    "$(wc -l <"$T/got1h" | awk '{ print ($1 == 60 || $1 == 61) }')" 1
# 300 buckets; the newest one has no point yet when it began less than a
# minute ago (the curve's points are a minute apart)
check_eq "24h: the curve is thinned to its 300 (or 299) buckets" \
    "$(wc -l <"$T/got24h" | awk '{ print ($1 == 300 || $1 == 299) }') $(wc -l <"$T/got24h")" \
    "1 $(wc -l <"$T/want24h")"
check_eq "no range means 24h" \
    "$(get "$T/d" '/api/v1/history' -H "$AUTH") $(jqr "$T/d" .range)" "200 24h"

has_error() { jq -e --arg c "$2" '.error.code == $c and (.error.message |
    length > 0)' "$1" >/dev/null; }
for bad in 2h 1H 24 '1h%20' 'x%27' ''%2C1h; do
	check_eq "range=$bad: 400" \
	    "$(get "$T/bad" "/api/v1/history?range=$bad" -H "$AUTH")" 400
	check "range=$bad: the error shape" has_error "$T/bad" bad_request
done
check_eq "unknown host: 404" \
    "$(get "$T/nf" '/api/v1/history?host=nope' -H "$AUTH")" 404
check "unknown host: the error shape" has_error "$T/nf" not_found
stop_collector
check_eq "the collector stops cleanly" "$STOP_RC" 0
