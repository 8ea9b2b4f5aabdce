#!/bin/sh
# notify_webhook.sh - the notifier's webhook against a local receiver
# (notify_receiver.py) that checks every signature and fails the first
# attempt of each delivery: every finding of the incident report is
# delivered "opened" once, after a retry; with the receiver down the
# resolves wait in the queue; a collector restart in between loses none
# of them, and nothing the receiver acknowledged (2xx) is sent again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/notify_lib.inc"

T=$(e2e_tmp)
LOG=$T/hook.log
printf 'webhook-key-1\n' >"$T/secret"

check "receiver listens" start_receiver "$T" 1
check "collector starts with [notify] webhook_url" start_collector "$T" \
    "[notify]" "webhook_url = http://127.0.0.1:$RPORT/hook" \
    "webhook_secret_file = $T/secret" "scan_interval = 1" \
    "retry_min = 1" "retry_max = 2" "repeat_interval = 0"

report_with "$T/open.json" 0 'true'
check_eq "incident report accepted" "$(post "$T/r" "$T/open.json")" 200
check "all 8 findings delivered opened (30 s at most)" \
    wait_accepted "$LOG" 8 '.event == "opened"'
check_eq "each delivery failed once first (receiver's 500s)" \
    "$(jq -s '[.[] | select(.status == 500)] | length' "$LOG")" 8
check_eq "every request carried a valid signature" \
    "$(jq -s '[.[] | select(.sig_ok | not)] | length' "$LOG")" 0
check_eq "8 distinct findings opened" \
    "$(jq -s '[.[] | select(.status == 200) | [.code, .subject]] |
        unique | length' "$LOG")" 8
check_eq "header event matches the body" \
    "$(jq -s '[.[] | select(.event != .event_header or
        .delivery != .id)] | length' "$LOG")" 0
check_eq "critical finding carries host and state" \
    "$(jq -s -r '[.[] | select(.code == "mta.down" and .status == 200)][0] |
        "\(.host) \(.state)"' "$LOG")" "host1 open"

# The receiver checks: a body with a wrong signature is refused.
check_eq "receiver refuses a forged signature" \
    "$(curl -s -o /dev/null -w '%{http_code}' -m 10 \
        -H 'X-Spoolwatch-Signature: sha256=00' --data '{}' \
        "http://127.0.0.1:$RPORT/hook")" 401

# Receiver down; six findings resolve; their notifications wait.
stop_receiver
report_with "$T/fixed.json" 60 \
    '.code == "spool.permissions" or .code == "spool.not_writable_by_mta"'
check_eq "report resolving six findings accepted" \
    "$(post "$T/r" "$T/fixed.json")" 200
check "six resolves queued while the receiver is down" \
    wait_metric 'spoolwatch_notify_queue{target="webhook"}' 6
check "their deliveries fail and are retried" \
    sh -c "sleep 3; [ \"\$(curl -s '$URL/metrics' | awk '\$1 ~ /^spoolwatch_notify_failures_total.*webhook/ { print \$2 }')\" -gt 8 ]"

stop_collector
check_eq "collector stops on SIGTERM" "$STOP_RC" 0
check "collector restarts on the same database" restart_collector "$T"
check "receiver back on its port" start_receiver "$T" 1
check "six resolves delivered after the restart" \
    wait_accepted "$LOG" 6 '.event == "resolved"'
check "queue empty" wait_metric 'spoolwatch_notify_queue{target="webhook"}' 0

sleep 3 # three more scans: nothing else may come
check_eq "no delivery accepted twice" \
    "$(jq -s '[.[] | select(.status == 200) | .delivery] |
        (length) - (unique | length)' "$LOG")" 0
check_eq "14 notifications accepted: 8 opened, 6 resolved" \
    "$(accepted "$LOG" '.event == "opened"') $(accepted "$LOG" '.event == "resolved"')" \
    "8 6"
check_eq "resolved bodies say resolved" \
    "$(jq -s '[.[] | select(.event == "resolved" and .status == 200 and
        .state != "resolved")] | length' "$LOG")" 0
check_eq "the two open findings were not resolved" \
    "$(jq -s -r '[.[] | select(.event == "resolved" and .status == 200) |
        .code] | map(select(. == "spool.permissions" or
        . == "spool.not_writable_by_mta")) | length' "$LOG")" 0
