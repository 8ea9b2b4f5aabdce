#!/bin/sh
# collector_agent.sh - the real agent and the real collector over
# 127.0.0.1: fake roots from tests/mkroot.sh reported through the agent's
# own delivery (gzip, bearer token), the incident shows up in the summary
# and the API; a second cycle stores no event twice; fixing the
# clientmqueue on the fake host resolves its findings while the others
# stay open; --stdout output POSTed by hand is accepted as well.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
IN=agent-ingest-token
RD=dash-read-token
AUTH_RD="Authorization: Bearer $RD"

check "collector starts" start_collector "$T" "ingest_tokens = $IN" \
    "read_tokens = $RD"
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/incident" >/dev/null 2>&1
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-postfix "$T/healthy" >/dev/null 2>&1
printf 'server = %s\ntoken = %s\n' "$URL" "$IN" >"$T/agent.conf"
printf 'server = %s\ntoken = wrong\n' "$URL" >"$T/bad-agent.conf"

agent() {
	_root=$1 _state=$2 _name=$3; shift 3
	mkdir -p "$_state"
	"$AGENT" --config "$T/agent.conf" --once --root "$_root" \
	    --state-dir "$_state" --hostname "$_name" "$@" \
	    >>"$T/agent.log" 2>&1
}

check "agent delivers the incident host" agent "$T/incident" "$T/st1" rhel5-incident
check "agent delivers a healthy postfix host" agent "$T/healthy" "$T/st2" deb-healthy
check_eq "both hosts are known" \
    "$(get "$T/h" /api/v1/hosts -H "$AUTH_RD") $(jq -c '[.items[].name]' "$T/h")" \
    '200 ["deb-healthy","rhel5-incident"]'
get "$T/s" /api/v1/summary -H "$AUTH_RD" >/dev/null
check_eq "summary: the broken clientmqueue" \
    "$(jq -r '[.findings[] | select(.code == "spool.not_writable_by_mta")][0].hosts' "$T/s")" 1
check_eq "summary: the MTA is down on the incident host" \
    "$(jq -c .mta_down.examples "$T/s")" '["rhel5-incident"]'
check "summary: the SYSERR signature from the logs" \
    sh -c "jq -r '.syserr_top[].signature' '$T/s' | grep -q 'SYSERR(root): collect: Cannot write'"
check_eq "findings: since when the clientmqueue is broken" \
    "$(get "$T/f" '/api/v1/findings?code=spool.not_writable_by_mta&state=open' -H "$AUTH_RD") $(jq -r '.items[0] | "\(.host) \(.subject) \(.first_seen | type)"' "$T/f")" \
    "200 rhel5-incident /var/spool/clientmqueue string"
ev1=$(get "$T/e" '/api/v1/events?host=rhel5-incident&limit=1000' -H "$AUTH_RD" >/dev/null; jq '.items | length' "$T/e")
check "events from the incident's maillog" test "$ev1" -gt 0

# second cycle: the agent's offsets make it send only new lines; even if
# it sent them again, the collector would store each once
check "second cycle" agent "$T/incident" "$T/st1" rhel5-incident
get "$T/e" '/api/v1/events?host=rhel5-incident&limit=1000' -H "$AUTH_RD" >/dev/null
check_eq "no event stored twice" "$(jq '.items | length' "$T/e")" "$ev1"
check "a cycle from a fresh state dir resends old lines" \
    agent "$T/incident" "$T/st-fresh" rhel5-incident
get "$T/e" '/api/v1/events?host=rhel5-incident&limit=1000' -H "$AUTH_RD" >/dev/null
check_eq "still no event stored twice" "$(jq '.items | length' "$T/e")" "$ev1"
get "$T/h" /api/v1/hosts/rhel5-incident -H "$AUTH_RD" >/dev/null
check_eq "three reports stored for the host" "$(jq .reports "$T/h")" 3

# the operator fixes the directory: the spool findings resolve
chown 51:51 "$T/incident/var/spool/clientmqueue"
chmod 0770 "$T/incident/var/spool/clientmqueue"
check "cycle after the fix" agent "$T/incident" "$T/st1" rhel5-incident
check_eq "spool.not_writable_by_mta resolved" \
    "$(get "$T/f" '/api/v1/findings?code=spool.not_writable_by_mta&host=rhel5-incident' -H "$AUTH_RD") $(jq -r '.items[0] | "\(.state) \(.resolved_at | type)"' "$T/f")" \
    "200 resolved string"
check_eq "mta.down still open" \
    "$(get "$T/f" '/api/v1/findings?code=mta.down&state=open' -H "$AUTH_RD") $(jq '.items | length' "$T/f")" \
    "200 1"
check_eq "hosts?finding=spool.not_writable_by_mta: none left" \
    "$(get "$T/h" '/api/v1/hosts?finding=spool.not_writable_by_mta' -H "$AUTH_RD") $(jq -c .items "$T/h")" \
    "200 []"

# a wrong token: the agent keeps the report (exit 0, outbox) and the
# collector stores nothing
mkdir -p "$T/st3"
"$AGENT" --config "$T/bad-agent.conf" --once --root "$T/healthy" \
    --state-dir "$T/st3" --hostname intruder >>"$T/agent.log" 2>&1
check_eq "wrong token: nothing stored" \
    "$(get "$T/h" /api/v1/hosts/intruder -H "$AUTH_RD")" 404

# --stdout, POSTed by hand
mkdir -p "$T/st4"
"$AGENT" --once --stdout --root "$T/healthy" --state-dir "$T/st4" \
    --hostname by-hand >"$T/report.json" 2>>"$T/agent.log"
check_eq "--stdout report accepted" \
    "$(post "$T/r" "$T/report.json" -H "Authorization: Bearer $IN") $(jq .duplicate "$T/r")" \
    "200 false"
stop_collector
check_eq "clean stop" "$STOP_RC" 0
