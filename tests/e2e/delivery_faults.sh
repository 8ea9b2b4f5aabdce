#!/bin/sh
# delivery_faults.sh - what the agent does with each answer a collector
# can give (a stand-in collector answers on demand): 200, 500, 503 with
# Retry-After, 401, 413, 400, a 200 that does not name the report, a
# collector that does not answer in time, and nobody listening.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.inc"
T=$(e2e_tmp)
mini_root "$T/root"
F="$T/fake"
start_fake "$F"
ST="$T/state"
cat >"$T/agent.conf" <<CONF
server = $FAKE_URL
token = tok-1
connect_timeout = 2
timeout = 3
CONF
once() { run_agent --once --config "$T/agent.conf" --root "$T/root" --state-dir "$ST" "$@"; }
# req N FIELD: FIELD of the N-th request (1-based)
req() { sed -n "${1}p" "$F/requests.jsonl" | jq -r ".$2"; }

# 200: straight through, gzip'd, with the token and our User-Agent
once
check_eq "200: exit 0" "$rc" 0
check_eq "200: one request" "$(nreq "$F")" 1
check_eq "... to /api/v1/reports" "$(req 1 path)" /api/v1/reports
check_eq "... gzip'd" "$(req 1 content_encoding)" gzip
check_eq "... as JSON" "$(req 1 content_type)" application/json
check_eq "... with the bearer token" "$(req 1 authorization)" "Bearer tok-1"
check "... and a User-Agent naming the version" sh -c \
    "sed -n 1p '$F/requests.jsonl' | jq -r .user_agent | grep -q '^spoolwatch-agent/[0-9]'"
check "... a report that decodes" test "$(req 1 report_id)" != null
check_eq "... nothing left in the outbox" "$(outbox_n "$ST")" 0
first_state=$(state_of "$ST")

# 500: kept, exit 0 with a warning, offsets committed (it is durable)
echo 500 >"$F/plan"
once
check_eq "500: exit 0 (the report is safe in the outbox)" "$rc" 0
check "... a warning on stderr" grep -q "kept in the outbox" "$T/err"
check_eq "... one report in the outbox" "$(outbox_n "$ST")" 1
r500=$(req 2 report_id)
check "... the outbox file is that report" sh -c "ls '$ST/outbox' | grep -q '$r500'"
check_eq "... outbox files are 0600" "$(stat -c %a "$ST/outbox/"*.gz)" 600

# 503 + Retry-After: the queued one is tried first and fails; the new one
# queues behind it; order kept
printf '503 retry-after=7\n' >"$F/plan"
once
check_eq "503: exit 0" "$rc" 0
check_eq "... the oldest report was the one tried" "$(req 3 report_id)" "$r500"
check_eq "... two reports queued" "$(outbox_n "$ST")" 2
check "... the log carries the collector's message" grep -q "HTTP 503: try later" "$T/err"

# back to 200: both queued go, oldest first, then the new one
once
check_eq "back to 200: exit 0" "$rc" 0
check_eq "... the outbox is empty" "$(outbox_n "$ST")" 0
check_eq "... the oldest queued went first" "$(req 4 report_id)" "$r500"
n=$(nreq "$F")
check_eq "... three requests this run (2 queued + new)" "$n" 6
check "... each report arrived once" sh -c \
    "jq -r 'select(.status==\"200\") | .report_id' '$F/requests.jsonl' | sort | uniq -d | grep -q . && exit 1 || exit 0"
check "... in the order they were made" sh -c \
    "jq -r 'select(.status==\"200\") | .collected_at' '$F/requests.jsonl' | sort -c"

# 401: loud, kept, retried at the normal pace; fixing the token sends it
echo 401 >"$F/plan"
once
check_eq "401: exit 0" "$rc" 0
check "... a loud log line" grep -q "REFUSES OUR TOKEN" "$T/err"
check_eq "... the report is kept" "$(outbox_n "$ST")" 1
sed -i 's/^token = .*/token = tok-2/' "$T/agent.conf"
once
check_eq "new token: the kept report is delivered" "$(outbox_n "$ST")" 0
check_eq "... with the new token" "$(req "$(nreq "$F")" authorization)" "Bearer tok-2"

# 413 on a direct send: moved aside to rejected/, never resent, exit 1
before=$(nreq "$F")
echo 413 >"$F/plan"
once
check_eq "413: exit 1" "$rc" 1
check "... a log line" grep -q "rejected report" "$T/err"
check_eq "... not in the outbox" "$(outbox_n "$ST")" 0
check_eq "... kept in outbox/rejected/" "$(ls "$ST/outbox/rejected" | grep -c '\.gz$')" 1
rej=$(req "$(nreq "$F")" report_id)
once
check_eq "... and never resent" \
    "$(jq -r .report_id "$F/requests.jsonl" | grep -c "$rej")" 1

# 400 met while flushing the outbox: that one aside, the rest goes on
printf '500\n400\n200\n200\n' >"$F/plan"
once	# 500: queued
once	# 400 for the queued one, then 200 for the new one
check_eq "400 in the outbox: exit 0" "$rc" 0
check_eq "... the refused one is in rejected/" "$(ls "$ST/outbox/rejected" | grep -c '\.gz$')" 2
check_eq "... the outbox is empty" "$(outbox_n "$ST")" 0

# a 200 that does not name our report is not an acknowledgement
echo 200-noid >"$F/plan"
once
check_eq "200 without our report_id: exit 0" "$rc" 0
check_eq "... the report is kept" "$(outbox_n "$ST")" 1
check "... and the log says why" grep -q "without our report_id" "$T/err"
once
check_eq "... and sent again later" "$(outbox_n "$ST")" 0

# a collector that does not answer in time (timeout = 3 s)
echo sleep=8 >"$F/plan"
start=$(date +%s)
once
el=$(($(date +%s) - start))
check_eq "slow collector: exit 0" "$rc" 0
check "... given up after the timeout, not waited out ($el s)" test "$el" -lt 8
check "... the log names the timeout" grep -qi "timeout\|timed out" "$T/err"
check_eq "... the report is kept" "$(outbox_n "$ST")" 1
sleep 5	# let the fake finish its sleep
once
check_eq "... and delivered next time" "$(outbox_n "$ST")" 0

# nobody listening at all
sed -i "s|^server = .*|server = http://127.0.0.1:9|" "$T/agent.conf"
once
check_eq "connection refused: exit 0" "$rc" 0
check_eq "... the report is kept" "$(outbox_n "$ST")" 1
check_eq "... no temporary file is left" "$(ls -A "$ST/outbox" | grep -c '^\.tmp-')" 0
