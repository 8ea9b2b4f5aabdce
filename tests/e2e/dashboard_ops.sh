#!/bin/sh
# dashboard_ops.sh - the dashboard's operator tools in a real browser
# (tests/browser/dashboard_ops.mjs, headless chromium): history charts
# drawn with the points /api/v1/history gave, the range picker changing
# the request and the drawing, the hover tooltip; tables sorted by any
# column (text, numbers, times; aria-sort); CSV export (the downloaded
# file: quoting, formula-injection prefix); acknowledging a finding with
# an admin token and withdrawing it (the API's state and the page), no
# ack buttons with only a read token; resolved findings styled apart;
# words kept whole in cells; a host's incidents (causes with their
# symptoms folded under them, as the API orders them), the overview's
# count of causes; the label filter narrowing the overview, the host
# list and the findings (the label= the page sends).  Real agent reports from tests/mkroot.sh;
# a day of fleet curve written into the database so that the ranges
# draw different points.  Screenshots go to tests/out/dashboard-ops/.
. "$(dirname "$0")/lib.sh"
set -u

top=$SPOOLWATCH_TOP
out=${TEST_OUT:-$top/tests/out}/dashboard-ops
mkdir -p "$out"
rm -f "$out"/*.png
tmp=$(e2e_tmp)
. "$(dirname "$0")/browser_lib.inc"

port=$(free_port)
url=http://127.0.0.1:$port
rtok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
asecret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf 'read_tokens = %s\nadmin_tokens = alice:%s\nretention_days = 36500\n' \
    "$rtok" "$asecret" >"$tmp/collector.conf"
"$COLLECTOR" --config "$tmp/collector.conf" --listen "127.0.0.1:$port" \
    --db "$tmp/spoolwatch.db" >"$tmp/collector.log" 2>&1 &
cpid=$!
at_exit "kill $cpid 2>/dev/null; wait $cpid 2>/dev/null"
if wait_http "$url/healthz" 20; then
	ok "collector listens on $url"
else
	not_ok "collector listens on $url"
	sed 's/^/# /' "$tmp/collector.log"
	exit 1
fi

# labels per host (agent.conf's labels =): the incident host is env=prod
# in dc fra1, the healthy one env=test, the others have none.
printf 'labels = env=prod, dc=fra1\n' >"$tmp/agent-inc.conf"
printf 'labels = env=test\n' >"$tmp/agent-ok.conf"
: >"$tmp/agent-csv.conf"
: >"$tmp/agent-fix.conf"
report() {
	"$AGENT" --config "$tmp/agent-$3.conf" --once --root "$2" \
	    --state-dir "$tmp/state-$3" \
	    --server "$url" --hostname "$1" >>"$tmp/agent-$3.log" 2>&1
}
for r in incident:incident healthy-sendmail:healthy incident:fixed \
    healthy-postfix:csv; do
	if ! sh "$top/tests/mkroot.sh" "${r%%:*}" "$tmp/${r#*:}" \
	    >>"$tmp/mkroot.log" 2>&1; then
		not_ok "fake root ${r#*:} built by tests/mkroot.sh"
		sed 's/^/# /' "$tmp/mkroot.log" | tail -5
	fi
done
incident=rhel5-incident
# a host name that a spreadsheet would run: quoting and the ' prefix
csvhost='=1+2,"q"'
check "agent reports the incident host" report "$incident" "$tmp/incident" inc
check "agent reports a healthy host" report healthy-sendmail "$tmp/healthy" ok
check "agent reports a host named like a formula" report "$csvhost" "$tmp/csv" csv
fixed=fixed-sendmail
check "agent reports the host to be fixed" report "$fixed" "$tmp/fixed" fix
smmsp_uid=$(awk -F: '$1 == "smmsp" { print $3 }' "$tmp/fixed/etc/passwd")
smmsp_gid=$(awk -F: '$1 == "smmsp" { print $3 }' "$tmp/fixed/etc/group")
chown "$smmsp_uid:$smmsp_gid" "$tmp/fixed/var/spool/clientmqueue" &&
    chmod 0770 "$tmp/fixed/var/spool/clientmqueue"
check "agent reports the fixed host again" report "$fixed" "$tmp/fixed" fix

# A day and an hour of fleet queued_total, one point a minute, so that
# 1 h, 24 h and 7 d draw different numbers of points.
now=$(date +%s)
i=1
{
	echo 'BEGIN;'
	while [ $i -le 1500 ]; do
		echo "INSERT OR IGNORE INTO fleet_history (metric, subject, ts, value) VALUES ('queued_total', '', $((now - now % 60 - i * 60)), $(((i * 7) % 50)));"
		i=$((i + 1))
	done
	echo 'COMMIT;'
} >"$tmp/curve.sql"
check "a day of fleet curve written into the database" \
    sqlite3 -cmd '.timeout 10000' "$tmp/spoolwatch.db" ".read $tmp/curve.sql"
resolved=$(curl -sf -m 10 -H "Authorization: Bearer $rtok" \
    "$url/api/v1/findings?host=$fixed&state=resolved" | jq '.items | length')
check "the fixed host has a resolved finding" [ "${resolved:-0}" -gt 0 ]

jq -n --arg url "$url" --arg token "$rtok" --arg admin "$asecret" \
    --arg profile "$tmp/profile" --arg out "$out" --arg chromium "$CHROMIUM" \
    --arg incident "$incident" --arg fixed "$fixed" --arg csvhost "$csvhost" \
    --arg downloads "$tmp/downloads" \
    '{url: $url, token: $token, admin: $admin, profile: $profile,
      out: $out, chromium: $chromium, incident_host: $incident,
      fixed_host: $fixed, csv_host: $csvhost, downloads: $downloads}' \
    >"$tmp/expect.json"
mkdir -p "$tmp/profile" "$tmp/downloads"
run_browser dashboard_ops.mjs "$tmp/expect.json"
no_chromium_left "$tmp/profile"
