#!/bin/sh
# incidents.sh - one cause, its symptoms, end to end: the incident root
# (tests/mkroot.sh incident) gives exactly two critical incidents in the
# agent's report (spool.not_writable_by_mta => log.syserr; mta.down =>
# mail.undelivered, spool.stale), every other finding its own incident;
# the collector shows the same in the host detail, the findings list
# (?role=), and the summary's counts; a healthy root gives none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
mkdir -p "$T/state"
: >"$T/empty.conf"
for kind in incident healthy-sendmail; do
	if ! sh "$SPOOLWATCH_TOP/tests/mkroot.sh" $kind "$T/$kind" \
	    >"$T/mk.log" 2>&1; then
		not_ok "mkroot.sh $kind"
		sed 's/^/# /' "$T/mk.log"
		exit 1
	fi
done
agent() { # agent ROOT HOST OUT
	rm -rf "$T/state"; mkdir -p "$T/state"
	"$AGENT" --config "$T/empty.conf" --state-dir "$T/state" --once \
	    --stdout --root "$T/$1" --hostname "$2" >"$3" 2>"$3.err"
}
CQ=/var/spool/clientmqueue

# --- the agent's report ---------------------------------------------------
agent incident inc "$T/inc.json"
check_eq "incident: agent exits 0" "$?" 0
check "incident: the report is valid against the schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$T/inc.json"
# incidents of the report: each finding without caused_by with the codes
# of the findings naming it
INC='[.findings as $f | $f[] | select(.caused_by == null) | . as $c |
  {cause: "\(.code) \(.subject)", severity,
   symptoms: [$f[] | select(.caused_by == {code: $c.code, subject: $c.subject})
              | "\(.code) \(.subject)"] | sort}]'
jq -c "$INC" "$T/inc.json" >"$T/inc.incidents"
check_eq "incident: two critical incidents, with these symptoms" \
    "$(jq -r '.[] | select(.severity == "critical") | "\(.cause) <= \(.symptoms | join(", "))"' "$T/inc.incidents")" \
    "spool.not_writable_by_mta $CQ <= log.syserr $CQ
mta.down sendmail <= mail.undelivered $CQ, spool.stale $CQ"
check_eq "incident: every other finding stands alone" \
    "$(jq -r '[.[] | select(.severity != "critical") | .symptoms | length] | add' "$T/inc.incidents")" 0
check_eq "incident: every caused_by names a finding of the report" \
    "$(jq '[.findings as $f | .findings[] | select(.caused_by) | .caused_by as $c |
       [$f[] | select(.code == $c.code and .subject == $c.subject)] | length == 1] | all' "$T/inc.json")" true
check_eq "incident: no cause is a symptom" \
    "$(jq '[.findings as $f | .findings[] | select(.caused_by) | .caused_by as $c |
       $f[] | select(.code == $c.code and .subject == $c.subject) | .caused_by == null] | all' "$T/inc.json")" true

agent healthy-sendmail ok "$T/ok.json"
check_eq "healthy: agent exits 0" "$?" 0
check_eq "healthy: no caused_by" \
    "$(jq '[.findings[] | select(.caused_by)] | length' "$T/ok.json")" 0

# --- the collector --------------------------------------------------------
check "collector starts" start_collector "$T"
check_eq "incident report accepted" "$(post "$T/r" "$T/inc.json")" 200
check_eq "healthy report accepted" "$(post "$T/r" "$T/ok.json")" 200

check_eq "host detail 200" "$(get "$T/h" /api/v1/hosts/inc)" 200
check_eq "host detail: the incidents, causes by severity, symptoms under them" \
    "$(jq -r '.incidents[] | select(.symptoms | length > 0) | "\(.cause.code) <= \([.symptoms[].code] | sort | join(", "))"' "$T/h")" \
    "spool.not_writable_by_mta <= log.syserr
mta.down <= mail.undelivered, spool.stale"
check_eq "host detail: critical causes first, two of them" \
    "$(jq -r '[.incidents[] | .cause.severity] | .[0:2] | join(" ")' "$T/h") $(jq '[.incidents[] | select(.cause.severity == "critical")] | length' "$T/h")" \
    "critical critical 2"
check_eq "host detail: every open finding once in the incidents" \
    "$(jq '[.incidents[] | .cause, .symptoms[]] | length' "$T/h") $(jq '.open_findings | length' "$T/h")" \
    "$(jq '.findings | length' "$T/inc.json") $(jq '.findings | length' "$T/inc.json")"
check_eq "host detail: a symptom's caused_by" \
    "$(jq -c '.open_findings[] | select(.code == "log.syserr") | .caused_by' "$T/h")" \
    "{\"code\":\"spool.not_writable_by_mta\",\"subject\":\"$CQ\"}"
check_eq "host detail: a cause's caused_by is null" \
    "$(jq -c '.open_findings[] | select(.code == "mta.down") | .caused_by' "$T/h")" null
check_eq "healthy host: no incident" \
    "$(get "$T/hh" /api/v1/hosts/ok) $(jq '.incidents | length' "$T/hh")" "200 0"

check_eq "findings?role=symptom" \
    "$(get "$T/s" '/api/v1/findings?role=symptom') $(jq -r '[.items[] | "\(.code)<\(.caused_by.code)"] | sort | join(" ")' "$T/s")" \
    "200 log.syserr<spool.not_writable_by_mta mail.undelivered<mta.down spool.stale<mta.down"
check_eq "findings?role=cause: the rest, none with a cause open" \
    "$(get "$T/c" '/api/v1/findings?role=cause') $(jq '.items | length' "$T/c")" \
    "200 $(( $(jq '.findings | length' "$T/inc.json") - 3 ))"
check_eq "findings?role=bogus is 400" \
    "$(get "$T/b" '/api/v1/findings?role=bogus') $(jq -r .error.code "$T/b")" \
    "400 bad_request"

check_eq "summary 200" "$(get "$T/sum" /api/v1/summary)" 200
check_eq "summary: two critical incidents on one host" \
    "$(jq -c '.incidents.by_severity.critical' "$T/sum")" '{"open":2,"hosts":1}'
check_eq "summary: open incidents are the causes" \
    "$(jq '.incidents.open' "$T/sum") $(jq '.incidents.hosts' "$T/sum")" \
    "$(jq '[.[]] | length' "$T/inc.incidents") 1"
check_eq "summary: findings still count every open finding, symptoms marked" \
    "$(jq -r '[.findings[] | select(.symptoms > 0) | "\(.code)=\(.hosts)/\(.symptoms)"] | sort | join(" ")' "$T/sum")" \
    "log.syserr=1/1 mail.undelivered=1/1 spool.stale=1/1"

# the MTA runs again on inc: mta.down leaves, the waiting mail stays but
# nothing causes it any more
jq --arg id "$(python3 -c 'import uuid; print(uuid.uuid4())')" \
    '.report_id = $id | .findings |= map(select(.code != "mta.down") | del(.caused_by | select(.code == "mta.down")))' \
    "$T/inc.json" >"$T/inc2.json"
check_eq "next report accepted" "$(post "$T/r" "$T/inc2.json")" 200
get "$T/sum2" /api/v1/summary >/dev/null
check_eq "summary: the spool incident and the waiting mail, now a cause" \
    "$(jq -c '.incidents.by_severity.critical' "$T/sum2") $(jq -r '[.findings[] | select(.symptoms > 0) | .code] | join(" ")' "$T/sum2")" \
    '{"open":3,"hosts":1} log.syserr'

stop_collector
check_eq "clean stop" "$STOP_RC" 0
