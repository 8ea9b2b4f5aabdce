#!/bin/sh
# deploy_prometheus_rules.sh - deploy/prometheus/spoolwatch-rules.yml:
# `promtool check rules` accepts it, `promtool test rules` passes its
# unit tests (spoolwatch-rules.test.yml), and every spoolwatch_ metric
# it names is one a real collector's /metrics serves (so a renamed
# metric cannot leave a rule that never fires).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

P="$SPOOLWATCH_TOP/deploy/prometheus"
if ! command -v promtool >/dev/null 2>&1; then
	not_ok "promtool is not installed (Debian prometheus, tests/deps-notify.txt)"
	exit 1
fi
T=$(e2e_tmp)

check "promtool check rules" sh -c \
    "promtool check rules '$P/spoolwatch-rules.yml' >'$T/check' 2>&1"
check "promtool test rules" sh -c \
    "cd '$P' && promtool test rules spoolwatch-rules.test.yml >'$T/test' 2>&1"

check "collector starts" start_collector "$T"
fresh_report "$T/incident.json"
check_eq "incident report accepted" "$(post "$T/r" "$T/incident.json")" 200
curl -s -m 10 "$URL/metrics" | awk '/^spoolwatch_/ { sub(/[{ ].*/, ""); print }' |
    sort -u >"$T/served"
grep -o 'spoolwatch_[a-z_]*' "$P/spoolwatch-rules.yml" | sort -u >"$T/used"
check "the rules name metrics (found $(wc -l <"$T/used"))" test -s "$T/used"
check_eq "every metric the rules use is served by /metrics" \
    "$(comm -23 "$T/used" "$T/served" | tr '\n' ' ')" ""
