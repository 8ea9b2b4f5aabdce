#!/bin/sh
# notify_alertmanager.sh - the notifier against a real Prometheus
# Alertmanager (Debian's prometheus-alertmanager) started here on
# 127.0.0.1 with its own configuration and storage: the incident's
# critical findings arrive as alerts with the labels and annotations of
# the README, are re-sent while open (endsAt moves on, and they outlive
# the endsAt of any one sending), carry the host's labels, and resolve
# (endsAt) when the next report no longer has them.  Asserted through
# Alertmanager's own /api/v2/alerts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/notify_lib.inc"

AM_BIN=$(command -v prometheus-alertmanager || command -v alertmanager)
if [ -z "$AM_BIN" ]; then
	not_ok "prometheus-alertmanager is not installed (tests/deps-notify.txt)"
	exit 1
fi

T=$(e2e_tmp)
AM_PORT=$(free_port)
AM="http://127.0.0.1:$AM_PORT"
mkdir -p "$T/am"
cat >"$T/am/alertmanager.yml" <<'YML'
route:
  receiver: blackhole
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: blackhole
YML
"$AM_BIN" --config.file="$T/am/alertmanager.yml" --storage.path="$T/am/data" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= \
    --log.level=warn >"$T/am/log" 2>&1 &
AMPID=$!
at_exit "kill $AMPID 2>/dev/null"
check "alertmanager answers on 127.0.0.1:$AM_PORT" \
    wait_http "$AM/-/ready" 30

# alerts FILTER: Alertmanager's alerts of host1 as jq FILTER sees them.
alerts() {
	curl -s -m 10 "$AM/api/v2/alerts?filter=host%3D%22host1%22" | jq -r "$1"
}
# wait_alerts FILTER WANT [SECONDS]
wait_alerts() {
	_i=0
	while [ "$_i" -lt "$((${3:-30} * 10))" ]; do
		[ "$(alerts "$1")" = "$2" ] && return 0
		sleep 0.2; _i=$((_i + 2))
	done
	return 1
}

# labelled FILE: FILE's host given the labels env, dc and a "host" that
# must not override the alert's own (host.labels, kept by the collector).
labelled() {
	jq '.host.labels = {"env": "prod", "dc": "fra1", "host": "spoof"}' \
	    "$1" >"$1.l" && mv "$1.l" "$1"
}

# A first run stores host1 with its labels before any notifier runs.
check "collector starts (no notify yet)" start_collector "$T"
report_with "$T/open.json" 0 'true'
labelled "$T/open.json"
check_eq "incident report accepted" "$(post "$T/r" "$T/open.json")" 200
stop_collector
check_eq "the collector keeps the host's labels (hosts.labels)" \
    "$(sqlite3 "$T/c.db" "SELECT labels FROM hosts WHERE name = 'host1'")" \
    '{"dc":"fra1","env":"prod","host":"spoof"}'

{
	echo "listen = 127.0.0.1:$PORT"
	echo "db = $T/c.db"
	echo "[notify]"
	echo "alertmanager_url = $AM/"
	echo "min_severity = critical"
	echo "scan_interval = 1"
	echo "resend_interval = 1"
	echo "retry_min = 1"
	echo "retry_max = 2"
} >"$T/collector.conf"
check "collector restarts with [notify] alertmanager_url" restart_collector "$T"

check "the 5 critical findings arrive as active alerts" \
    wait_alerts '[.[] | select(.status.state == "active")] | length' 5
check_eq "warnings do not notify (min_severity = critical)" \
    "$(alerts '[.[] | select(.labels.severity != "critical")] | length')" 0
check_eq "labels: alertname, host, code, subject, severity" \
    "$(alerts '.[] | select(.labels.code == "mta.down") | .labels |
        "\(.alertname) \(.host) \(.code) \(.subject) \(.severity)"')" \
    "mta.down host1 mta.down sendmail critical"
check_eq "the host's labels ride along; ours win a clash" \
    "$(alerts '.[] | select(.labels.code == "mta.down") | .labels |
        "\(.env) \(.dc) \(.host)"')" "prod fra1 host1"
check_eq "annotations: message and remedy" \
    "$(alerts '.[] | select(.labels.code == "mta.down") | .annotations |
        [has("message"), (.remedy | length > 0)] | @text')" "[true,true]"

E1=$(alerts '.[] | select(.labels.code == "mta.down") | .endsAt')
sleep 6 # past the endsAt of any one sending (4 x resend_interval)
check_eq "re-sent while open: still active 6 s later" \
    "$(alerts '[.[] | select(.status.state == "active")] | length')" 5
E2=$(alerts '.[] | select(.labels.code == "mta.down") | .endsAt')
check "re-sent while open: endsAt moved on ($E1 -> $E2)" \
    test "$(date -d "$E2" +%s)" -gt "$(date -d "$E1" +%s)"

# Dated a minute ahead (a host clock running fast): the resolve still
# ends the alerts now, not a minute later.
report_with "$T/fixed.json" 60 \
    '.code == "spool.permissions" or .code == "spool.not_writable_by_mta"'
labelled "$T/fixed.json"
check_eq "report resolving mta.down, log.syserr, fs.inodes_high" \
    "$(post "$T/r" "$T/fixed.json")" 200
check "resolved alerts leave Alertmanager's active list" \
    wait_alerts '[.[] | .labels.code] | sort | join(" ")' \
    "spool.not_writable_by_mta spool.permissions"
check_eq "queue drained" \
    "$(metric 'spoolwatch_notify_queue{target="alertmanager"}')" 0
check "Alertmanager took every batch (sent counter > 5)" \
    test "$(metric 'spoolwatch_notify_sent_total{target="alertmanager"}')" -gt 5
stop_collector
check_eq "collector stops cleanly" "$STOP_RC" 0
