#!/bin/sh
# pg_notify_takeover.sh - [notify] on two collectors of one PostgreSQL
# database, one webhook receiver (notify_receiver.py, every signature
# checked):
#  - exactly one of them leads (spoolwatch_notify_leader), and each
#    finding that opens is delivered "opened" once, not once per
#    collector;
#  - with the receiver down, six findings resolve and their resolves
#    wait in the shared queue; the leader is killed (SIGKILL), the
#    receiver comes back: the other collector takes the lead within a
#    scan interval and delivers the six, once each;
#  - nothing the receiver accepted is sent again, by either collector.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"
. "$(dirname "$0")/notify_lib.inc"

T=$(e2e_tmp)
LOG=$T/hook.log
printf 'webhook-key-2\n' >"$T/secret"
check "a PostgreSQL server" pg_start
pg_createdb notify
DB=$(pg_url notify)

check "receiver listens" start_receiver "$T" 0 0.4
notify_conf() {
	start_collector "$1" "db = $DB" "[notify]" \
	    "webhook_url = http://127.0.0.1:$RPORT/hook" \
	    "webhook_secret_file = $T/secret" "scan_interval = 2" \
	    "retry_min = 1" "retry_max = 2" "repeat_interval = 0"
}
mkdir -p "$T/a" "$T/b"
check "collector A with [notify]" notify_conf "$T/a"
URLA=$URL CA=$CPID
check "collector B with [notify] on the same database" notify_conf "$T/b"
URLB=$URL CB=$CPID

# leaders: the sum of spoolwatch_notify_leader over both, after a tick
leader_of() {
	curl -s -m 10 "$1/metrics" |
	    awk '$1 == "spoolwatch_notify_leader" { print $2 }'
}
sleep 2
la=$(leader_of "$URLA") lb=$(leader_of "$URLB")
check_eq "exactly one collector leads" "$((${la:-0} + ${lb:-0}))" 1
if [ "$la" = 1 ]; then
	LPID=$CA FURL=$URLB FDIR=$T/b
else
	LPID=$CB FURL=$URLA FDIR=$T/a
fi

URL=$FURL
report_with "$T/open.json" 0 'true'
check_eq "incident report accepted (by the follower)" \
    "$(post "$T/r" "$T/open.json")" 200
check "all 8 findings delivered opened (30 s at most)" \
    wait_accepted "$LOG" 8 '.event == "opened"'
sleep 5 # two more scans of each collector: nothing else may come
check_eq "each opened once, not once per collector" \
    "$(accepted "$LOG" '.event == "opened"')" 8
check_eq "8 distinct findings opened" \
    "$(jq -s '[.[] | select(.status == 200) | [.code, .subject]] |
        unique | length' "$LOG")" 8

# Receiver down; six findings resolve; their notifications wait.
stop_receiver
report_with "$T/fixed.json" 60 \
    '.code == "spool.permissions" or .code == "spool.not_writable_by_mta"'
check_eq "report resolving six findings accepted" \
    "$(post "$T/r" "$T/fixed.json")" 200
check "six resolves queued while the receiver is down" \
    wait_metric 'spoolwatch_notify_queue{target="webhook"}' 6

kill -9 "$LPID"
wait "$LPID" 2>/dev/null
check "receiver back on its port" start_receiver "$T" 0 0.4
URL=$FURL
check "the other collector takes the lead (one scan interval)" \
    wait_metric spoolwatch_notify_leader 1 4
check "six resolves delivered by the new leader" \
    wait_accepted "$LOG" 6 '.event == "resolved"'
check "queue empty" wait_metric 'spoolwatch_notify_queue{target="webhook"}' 0
sleep 5
check_eq "no delivery accepted twice" \
    "$(jq -s '[.[] | select(.status == 200) | .delivery] |
        (length) - (unique | length)' "$LOG")" 0
check_eq "each transition once: 8 opened, 6 resolved" \
    "$(accepted "$LOG" '.event == "opened"') $(accepted "$LOG" '.event == "resolved"')" \
    "8 6"
check_eq "each resolve of a distinct finding" \
    "$(jq -s '[.[] | select(.status == 200 and .event == "resolved") |
        [.code, .subject]] | unique | length' "$LOG")" 6
check "the take-over is in the new leader's log" \
    grep -q 'notify: this collector notifies now' "$FDIR/collector.log"
