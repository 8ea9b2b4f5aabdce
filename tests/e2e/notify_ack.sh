#!/bin/sh
# notify_ack.sh - acknowledging findings: POST/DELETE
# /api/v1/findings/{id}/ack only with an admin token (401 without, 403
# with a token of another kind or none configured), its errors (400,
# 404), "ack" on the findings; an acknowledged finding stays silent on
# the webhook until its evidence gets worse (another host with the same
# code) or the ack is taken back; an ack with until survives a resolve
# and the reopening; open_for holds back a finding that is too new.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/notify_lib.inc"

T=$(e2e_tmp)
LOG=$T/hook.log
ADM="Authorization: Bearer adm1n-secret"
RDH="Authorization: Bearer read-secret"
printf 'webhook-key-2\n' >"$T/secret"

# ack ID METHOD BODY [CURL-ARGS...]: the status; the answer in $T/a.
ack() {
	_id=$1 _m=$2 _b=$3; shift 3
	curl -s -m 20 -o "$T/a" -w '%{http_code}' -X "$_m" \
	    -H 'Content-Type: application/json' \
	    ${_b:+--data-binary "$_b"} "$@" "$URL/api/v1/findings/$_id/ack"
}
# fid CODE [HOST]: the id of the open finding CODE of HOST (host1).
fid() {
	curl -s -m 10 -H "$RDH" \
	    "$URL/api/v1/findings?state=open&host=${2:-host1}&code=$1" |
	    jq -r '.items[0].id'
}
# finding_ack CODE: the "ack" of CODE's open finding, compact.
finding_ack() {
	curl -s -m 10 -H "$RDH" "$URL/api/v1/findings?state=open&host=host1&code=$1" |
	    jq -c '.items[0].ack'
}
# delivered CODE [HOST]: accepted "opened" notifications of CODE.
delivered() {
	accepted "$LOG" ".event == \"opened\" and .code == \"$1\" and .host == \"${2:-host1}\""
}

check "receiver listens" start_receiver "$T" 0

# --- no admin tokens: 403 ----------------------------------------------------
check "collector without admin_tokens starts" start_collector "$T" \
    "read_tokens = read-secret"
report_with "$T/open.json" 0 'true'
check_eq "incident report accepted" "$(post "$T/r" "$T/open.json")" 200
ID=$(fid mta.down)
check_eq "no admin_tokens configured: 403" \
    "$(ack "$ID" POST '{"reason":"x"}' -H "$RDH")" 403
check_eq "403 has the error shape" "$(jq -r .error.code "$T/a")" forbidden
stop_collector
collector_db_drop "$T/c.db"

# --- with admin tokens; the acks are made before the notifier runs -----------
# host1's report is two hours old, so its findings are past open_for.
check "collector with admin_tokens starts" start_collector "$T" \
    "read_tokens = read-secret" "admin_tokens = ops:adm1n-secret"
report_with "$T/old.json" -7200 'true'
check_eq "incident report (two hours old) accepted" \
    "$(post "$T/r" "$T/old.json")" 200
ID=$(fid mta.down)
BLOAT=$(fid spool.bloated_dir)

check_eq "ack without a token: 401" "$(ack "$ID" POST '{"reason":"x"}')" 401
check_eq "401 has the error shape" "$(jq -r .error.code "$T/a")" unauthorized
check_eq "ack with a read token: 403" \
    "$(ack "$ID" POST '{"reason":"x"}' -H "$RDH")" 403
check_eq "ack with a wrong token: 401" \
    "$(ack "$ID" POST '{"reason":"x"}' -H 'Authorization: Bearer nope')" 401
check_eq "read with the admin token: 401 (one kind per token)" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H "$ADM" "$URL/api/v1/findings")" 401
check_eq "not JSON: 400" "$(ack "$ID" POST 'reason' -H "$ADM")" 400
check_eq "400 has the error shape" "$(jq -r .error.code "$T/a")" bad_request
check_eq "no reason: 400" "$(ack "$ID" POST '{"until":null}' -H "$ADM")" 400
check_eq "empty body: 400" "$(ack "$ID" POST '' -H "$ADM")" 400
check_eq "until not RFC 3339: 400" \
    "$(ack "$ID" POST '{"reason":"x","until":"tomorrow"}' -H "$ADM")" 400
check_eq "until in the past: 400" \
    "$(ack "$ID" POST '{"reason":"x","until":"2020-01-01T00:00:00Z"}' -H "$ADM")" 400
check_eq "no such finding: 404" \
    "$(ack 999999 POST '{"reason":"x"}' -H "$ADM")" 404
check_eq "404 has the error shape" "$(jq -r .error.code "$T/a")" not_found
check_eq "id not a number: 400" "$(ack abc POST '{"reason":"x"}' -H "$ADM")" 400
check_eq "GET on the ack path: 405" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/findings/$ID/ack")" 405

check_eq "ack mta.down: 200" \
    "$(ack "$ID" POST '{"reason":"MTA replaced tonight, CHG-1234","until":null}' -H "$ADM")" 200
check_eq "answer is the finding with its ack" \
    "$(jq -c '[.id, .code, .ack.by, .ack.reason, .ack.until, (.ack.at | length > 0)]' "$T/a")" \
    "[$ID,\"mta.down\",\"ops\",\"MTA replaced tonight, CHG-1234\",null,true]"
UNTIL=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
check_eq "ack spool.bloated_dir until in an hour: 200" \
    "$(ack "$BLOAT" POST "{\"reason\":\"rebuild planned\",\"until\":\"$UNTIL\"}" -H "$ADM")" 200
check_eq "findings list shows the ack" "$(finding_ack spool.bloated_dir)" \
    "$(jq -c .ack "$T/a")"
check_eq "an unacknowledged finding has ack null" "$(finding_ack log.syserr)" null
check_eq "the host endpoint shows the ack too" \
    "$(curl -s -H "$RDH" "$URL/api/v1/hosts/host1" |
        jq -r '.open_findings[] | select(.code == "mta.down") | .ack.by')" ops

stop_collector
{
	echo "listen = 127.0.0.1:$PORT"
	echo "db = $(collector_db "$T/c.db")"
	echo "read_tokens = read-secret"
	echo "admin_tokens = ops:adm1n-secret"
	echo "[notify]"
	echo "webhook_url = http://127.0.0.1:$RPORT/hook"
	echo "webhook_secret_file = $T/secret"
	echo "scan_interval = 1"
	echo "open_for = 1h"
	echo "retry_min = 1"
	echo "retry_max = 2"
} >"$T/collector.conf"
check "collector restarts with [notify] (open_for = 1h)" restart_collector "$T"

check "the six others notify after open_for" \
    wait_accepted "$LOG" 6 '.event == "opened"'
sleep 3 # three more scans
check_eq "acknowledged mta.down stays silent" "$(delivered mta.down)" 0
check_eq "acknowledged spool.bloated_dir stays silent" \
    "$(delivered spool.bloated_dir)" 0

# An ack with until survives the resolve and the reopening.
report_with "$T/nobloat.json" -7170 '.code != "spool.bloated_dir"'
check_eq "report without spool.bloated_dir (resolves it)" \
    "$(post "$T/r" "$T/nobloat.json")" 200
report_with "$T/bloat.json" -7140 'true'
check_eq "report with it again (reopens it)" "$(post "$T/r" "$T/bloat.json")" 200
check "reopened as a new finding" test "$(fid spool.bloated_dir)" != "$BLOAT"
check_eq "the reopened finding shows the ack" \
    "$(finding_ack spool.bloated_dir | jq -r .reason)" "rebuild planned"
sleep 3 # a few scans
check_eq "the reopened finding stays silent" \
    "$(delivered spool.bloated_dir)" 0
check_eq "DELETE the ack: 200" \
    "$(ack "$(fid spool.bloated_dir)" DELETE '' -H "$ADM")" 200
check_eq "DELETE answers ack null" "$(jq -c .ack "$T/a")" null
check "without the ack it notifies" \
    wait_accepted "$LOG" 1 '.event == "opened" and .code == "spool.bloated_dir"'

# Worse evidence: a second host with mta.down ends the ack of host1's.
# host2's finding is new: open_for holds it back.
report_with "$T/host2.json" 0 '.code == "mta.down"' host2
check_eq "host2 reports mta.down too" "$(post "$T/r" "$T/host2.json")" 200
check "host1's mta.down now notifies (more hosts than when acked)" \
    wait_accepted "$LOG" 1 '.event == "opened" and .code == "mta.down" and .host == "host1"'
check_eq "and its ack is gone" "$(finding_ack mta.down)" null
check_eq "host2's mta.down, open for less than open_for, waits" \
    "$(delivered mta.down host2)" 0
check_eq "signatures held throughout" \
    "$(jq -s '[.[] | select(.sig_ok | not)] | length' "$LOG")" 0
stop_collector
