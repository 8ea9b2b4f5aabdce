#!/bin/sh
# answers.sh - the collector's answers in the e2e suite, held to its
# description (schema/openapi.json).  tests/run.sh runs it after the e2e
# scripts, with SPOOLWATCH_RECORD_API naming the directory where
# tests/e2e/lib.sh recorded every curl call to a collector; it checks
# what was recorded (all of it in a full run, the selected scripts' with
# TESTS=) and fails if nothing was.  Its own requests go to a directory
# of their own, checked too but not counted as the suite's: that
# GET /api/v1/openapi.json serves the tree's file byte for byte, and the
# routes the e2e scripts may not reach (HEAD of every GET path, the
# page's assets, /api/v1/remedies in both formats).
: "${SPOOLWATCH_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
rec=${SPOOLWATCH_RECORD_API:-}
. "$SPOOLWATCH_TOP/tests/e2e/lib.sh"
. "$SPOOLWATCH_TOP/tests/e2e/collector_lib.inc"

T=$(e2e_tmp)
doc="$SPOOLWATCH_TOP/schema/openapi.json"
# this script's own answers: recorded apart from the suite's
SPOOLWATCH_RECORD_API="$T/own"
mkdir -p "$T/own"
if [ -z "$rec" ] || ! command -v curl >/dev/null; then
	not_ok "SPOOLWATCH_RECORD_API names the recorded answers (tests/run.sh sets it)"
	exit 1
fi
if start_collector "$T"; then
	code=$(curl -s -m 10 -D "$T/hdr" -o "$T/doc" -w '%{http_code}' \
	    "$URL/api/v1/openapi.json")
	check "GET /api/v1/openapi.json answers 200, no token needed" \
	    [ "$code" = 200 ]
	check "it serves schema/openapi.json byte for byte" cmp -s "$T/doc" "$doc"
	check "as application/json" \
	    grep -qi '^content-type: application/json' "$T/hdr"
	jq '.host.labels = {"env": "prod", "role": "mail"}' \
	    "$DATA/report-incident.json" >"$T/r.json"
	check_eq "a labelled incident report is stored" \
	    "$(post "$T/a" "$T/r.json")" 200
	for p in $(jq -r '.paths | to_entries[] | select(.value.head) |
	    .key | select(test("[{]") | not)' "$doc"); do
		curl -s -m 10 -I -o /dev/null "$URL$p"
	done
	for p in /api/v1/hosts/host1 /static/app.js /static/app.css \
	    /static/favicon.svg "/api/v1/remedies?label=env:prod" \
	    "/api/v1/remedies?format=inventory&role=cause" \
	    "/api/v1/remedies?limit=1" "/api/v1/remedies?format=yaml"; do
		curl -s -m 10 -o /dev/null "$URL$p"
	done
	check_eq "the inventory of the incident's remedies is text" \
	    "$(curl -s -m 10 -o /dev/null -w '%{content_type}' \
	        "$URL/api/v1/remedies?format=inventory")" \
	    "text/plain; charset=utf-8"
	stop_collector
else
	not_ok "the collector starts (see $T/collector.log)"
fi

python3 "$SPOOLWATCH_TOP/tests/api/check_answers.py" --self-test \
    --tap-start "$_tap_n" --own "$T/own" "$rec"
