#!/bin/sh
# answers.sh - the collector's answers in the e2e suite, held to its
# description (schema/openapi.json).  tests/run.sh runs it after the e2e
# scripts, with SPOOLWATCH_RECORD_API naming the directory where
# tests/e2e/lib.sh recorded every curl call to a collector; it checks
# what was recorded (all of it in a full run, the selected scripts' with
# TESTS=) and fails if nothing was.  Its own requests are not recorded:
# it starts a collector only to check that GET /api/v1/openapi.json
# serves the tree's file byte for byte.
: "${SPOOLWATCH_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
rec=${SPOOLWATCH_RECORD_API:-}
unset SPOOLWATCH_RECORD_API
. "$SPOOLWATCH_TOP/tests/e2e/lib.sh"
. "$SPOOLWATCH_TOP/tests/e2e/collector_lib.inc"

T=$(e2e_tmp)
doc="$SPOOLWATCH_TOP/schema/openapi.json"
if start_collector "$T"; then
	code=$(curl -s -m 10 -D "$T/hdr" -o "$T/doc" -w '%{http_code}' \
	    "$URL/api/v1/openapi.json")
	check "GET /api/v1/openapi.json answers 200, no token needed" \
	    [ "$code" = 200 ]
	check "it serves schema/openapi.json byte for byte" cmp -s "$T/doc" "$doc"
	check "as application/json" \
	    grep -qi '^content-type: application/json' "$T/hdr"
	stop_collector
else
	not_ok "the collector starts (see $T/collector.log)"
fi

if [ -z "$rec" ]; then
	not_ok "SPOOLWATCH_RECORD_API names the recorded answers (tests/run.sh sets it)"
	exit 1
fi
python3 "$SPOOLWATCH_TOP/tests/api/check_answers.py" --self-test \
    --tap-start "$_tap_n" "$rec"
