#!/bin/sh
# dashboard_browser.sh - the fleet dashboard in a real browser.
#
# Starts the real collector on 127.0.0.1 with a read token, fills it with
# real agent reports (the incident root of tests/mkroot.sh, a healthy
# host, and a host whose name, log lines and cron mail carry markup and
# script), then drives Debian's chromium headless through playwright-core
# (tests/browser/dashboard.mjs): token prompt, overview, the clientmqueue
# finding with its remedy, the SYSERR signature and its sparkline, the
# inode bars, the cron command, a click through to a host, pagination, the
# hostile strings shown as text and never run, and a stopped collector.
# A fourth host is fixed between two reports (its finding resolved).
# Screenshots go to tests/out/dashboard/.  playwright-core is installed
# into tests/browser/node_modules from the lock file if it is not there.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/db_lib.inc"
set -u

top=$SPOOLWATCH_TOP
out=${TEST_OUT:-$top/tests/out}/dashboard
mkdir -p "$out"
rm -f "$out"/*.png
tmp=$(e2e_tmp)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
browser_dir=$top/tests/browser

# --- what the browser test needs ------------------------------------------

if [ ! -x "$CHROMIUM" ]; then
	not_ok "chromium at $CHROMIUM (apt-get install chromium)"
	exit 1
fi
if ! command -v node >/dev/null 2>&1; then
	not_ok "node is installed (apt-get install nodejs)"
	exit 1
fi
want=$(jq -r '.packages["node_modules/playwright-core"].version' \
    "$browser_dir/package-lock.json")
have=$(jq -r .version \
    "$browser_dir/node_modules/playwright-core/package.json" 2>/dev/null)
if [ "$have" != "$want" ]; then
	if ! command -v npm >/dev/null 2>&1; then
		not_ok "npm is installed to fetch playwright-core $want" \
		    "(apt-get install npm, or nodejs from nodesource)"
		exit 1
	fi
	if (cd "$browser_dir" && timeout 300 npm ci --no-audit --no-fund \
	    --loglevel=error) >"$tmp/npm.log" 2>&1; then
		ok "playwright-core $want installed from the npm registry"
	else
		not_ok "npm ci in tests/browser"
		sed 's/^/# /' "$tmp/npm.log" | tail -20
		exit 1
	fi
fi

# --- a collector with a read token -----------------------------------------

port=$(free_port)
url=http://127.0.0.1:$port
rtok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf 'read_tokens = %s\nretention_days = 36500\n' "$rtok" >"$tmp/collector.conf"
"$COLLECTOR" --config "$tmp/collector.conf" --listen "127.0.0.1:$port" \
    --db "$(collector_db "$tmp/spoolwatch.db")" >"$tmp/collector.log" 2>&1 &
cpid=$!
at_exit "kill $cpid 2>/dev/null; wait $cpid 2>/dev/null"
if wait_http "$url/healthz" 20; then
	ok "collector listens on $url"
else
	not_ok "collector listens on $url"
	sed 's/^/# /' "$tmp/collector.log"
	exit 1
fi

# api PATH: GET with the read token.
api() {
	curl -sf -m 10 -H "Authorization: Bearer $rtok" "$url$1"
}

# --- real agent reports --------------------------------------------------------

# report NAME ROOT: one agent cycle of ROOT sent as host NAME.
: >"$tmp/agent.conf"	# not the host's /etc/spoolwatch/agent.conf
report() {
	"$AGENT" --config "$tmp/agent.conf" --once --root "$2" \
	    --state-dir "$tmp/state-$3" \
	    --server "$url" --hostname "$1" >"$tmp/agent-$3.log" 2>&1
}

incident=rhel5-incident
if sh "$top/tests/mkroot.sh" incident "$tmp/incident" &&
    sh "$top/tests/mkroot.sh" healthy-sendmail "$tmp/healthy" &&
    sh "$top/tests/mkroot.sh" incident "$tmp/xss" &&
    sh "$top/tests/mkroot.sh" incident "$tmp/fixed" 2>"$tmp/mkroot.log"; then
	ok "fake roots built by tests/mkroot.sh"
else
	not_ok "fake roots built by tests/mkroot.sh"
	sed 's/^/# /' "$tmp/mkroot.log"
fi

# The hostile host: an incident root whose name, newest SYSERR line and
# newest cron mail carry markup.  The hooks would set window.__sw_xss if
# any of it ran; CSP would also report it.
xname='<img src=x onerror=window.__sw_xss=1>'
xlog='<script>window.__sw_xss=2</script>'
xcmd='/usr/local/bin/report.sh "><svg onload=window.__sw_xss=3>'
xbody='</pre><iframe src=javascript:window.__sw_xss=4></iframe>'
maillog=$(cd "$tmp/xss" && ls var/log/maillog var/log/mail.log 2>/dev/null |
    head -n 1)
mbox=$tmp/xss/var/spool/mail/root
[ -d "$tmp/xss/var/spool/mail" ] || mbox=$tmp/xss/var/mail/root
now_syslog=$(LC_ALL=C date '+%b %e %H:%M:%S')
now_mbox=$(LC_ALL=C date '+%a %b %e %H:%M:%S %Y')
now_hdr=$(LC_ALL=C date -R)
if [ -n "$maillog" ]; then
	printf '%s xss sendmail[4242]: u1F1K2am004242: SYSERR(root): %s: Cannot write ./dfu1F1K2am004242 (bfcommit, uid=51, gid=51): Permission denied\n' \
	    "$now_syslog" "$xlog" >>"$tmp/xss/$maillog"
	ok "hostile SYSERR line added to $maillog"
else
	not_ok "the incident root has a maillog"
fi
if [ -f "$mbox" ]; then
	printf '\nFrom root@xss  %s\nReturn-Path: <root@xss>\nDate: %s\nFrom: root (Cron Daemon)\nTo: root\nSubject: Cron <root@xss> %s\nAuto-Submitted: auto-generated\n\n%s\n\n' \
	    "$now_mbox" "$now_hdr" "$xcmd" "$xbody" >>"$mbox"
	ok "hostile cron mail added to ${mbox#"$tmp/xss/"}"
else
	not_ok "the incident root has root's mailbox ($mbox)"
fi

check "agent reports the incident host" report "$incident" "$tmp/incident" inc
check "agent reports a healthy host" report healthy-sendmail "$tmp/healthy" ok
if report "$xname" "$tmp/xss" xss; then
	ok "agent reports the host with a hostile name"
else
	not_ok "agent reports the host with a hostile name"
	sed 's/^/# /' "$tmp/agent-xss.log" | tail -5
fi
# A host whose clientmqueue is fixed between two reports: its finding
# moves to the resolved ones.
fixed=fixed-sendmail
check "agent reports the host to be fixed" report "$fixed" "$tmp/fixed" fix
smmsp_uid=$(awk -F: '$1 == "smmsp" { print $3 }' "$tmp/fixed/etc/passwd")
smmsp_gid=$(awk -F: '$1 == "smmsp" { print $3 }' "$tmp/fixed/etc/group")
if [ -n "$smmsp_uid" ] && [ -n "$smmsp_gid" ] &&
    chown "$smmsp_uid:$smmsp_gid" "$tmp/fixed/var/spool/clientmqueue" &&
    chmod 0770 "$tmp/fixed/var/spool/clientmqueue"; then
	ok "clientmqueue fixed (smmsp:smmsp 0770)"
else
	not_ok "clientmqueue fixed (smmsp $smmsp_uid:$smmsp_gid)"
fi
check "agent reports the fixed host again" report "$fixed" "$tmp/fixed" fix
for n in inc ok xss fix; do
	sed "s/^/# agent-$n: /" "$tmp/agent-$n.log" | tail -3
done

# --- what the page must show, from the API ---------------------------------------

check_eq "the API refuses a read without the token" \
    "$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$url/api/v1/summary")" 401
api /api/v1/summary >"$tmp/summary.json"
api "/api/v1/findings?host=$incident&state=open&limit=1000" \
    >"$tmp/findings.json"
api "/api/v1/mail?limit=1000" >"$tmp/mail.json"
hosts_total=$(jqr "$tmp/summary.json" '.hosts.total')
check_eq "four hosts in the summary" "$hosts_total" 4
resolved=$(api "/api/v1/findings?host=$fixed&state=resolved" |
    jq -r '[.items[].code] | map(select(. == "spool.not_writable_by_mta"))
    | .[0] // empty')
check_eq "the fixed host's finding is resolved in the API" "$resolved" \
    spool.not_writable_by_mta
# The clientmqueue finding (wrong owner/mode, MSP cannot write).
jq -c '[.items[] | select(.code == "spool.not_writable_by_mta" or
    .code == "spool.permissions") | select((.subject + " " + .message) |
    contains("clientmqueue"))] | sort_by(.code != "spool.not_writable_by_mta")
    | .[0] // empty' "$tmp/findings.json" >"$tmp/finding.json"
finding_code=$(jqr "$tmp/finding.json" '.code // empty')
remedy=$(jqr "$tmp/finding.json" '.remedy // empty')
check "the API has the clientmqueue finding with a remedy" \
    test -n "$finding_code" -a -n "$remedy"
signature=$(jqr "$tmp/summary.json" '.syserr_top[0].signature // empty')
check "the summary has a SYSERR signature" [ -n "$signature" ]
cron_command=$(jq -r '[.items[] | (.command // .cron_command // empty)
    | select(test("freemem"))][0] // empty' "$tmp/mail.json")
check "the mail API groups the incident's cron job" [ -n "$cron_command" ]
inode_host=$(jqr "$tmp/summary.json" \
    "[.inodes_top[] | select(.host == \"$incident\")][0].host // empty")
check_eq "the incident host is among the fullest filesystems" \
    "$inode_host" "$incident"

jq -n --arg url "$url" --arg token "$rtok" --argjson pid "$cpid" \
    --arg profile "$tmp/profile" --arg out "$out" --arg chromium "$CHROMIUM" \
    --arg incident "$incident" --arg code "$finding_code" \
    --arg remedy "$remedy" --arg sig "$signature" --arg cmd "$cron_command" \
    --arg inode "$inode_host" --arg xname "$xname" --arg xlog "$xlog" \
    --arg xcmd "$xcmd" --argjson total "${hosts_total:-0}" \
    --arg fixed "$fixed" \
    '{url: $url, token: $token, collector_pid: $pid, profile: $profile,
      out: $out, chromium: $chromium, incident_host: $incident,
      finding_code: $code, remedy: $remedy, signature: $sig,
      cron_command: $cmd, inode_host: $inode, xss_host: $xname,
      xss_strings: [$xname, $xlog, $xcmd], hosts_total: $total,
      fixed_host: $fixed}' \
    >"$tmp/expect.json"

# --- the browser ------------------------------------------------------------------

mkdir -p "$tmp/profile"
(cd "$browser_dir" && timeout -k 10 300 node dashboard.mjs "$tmp/expect.json") \
    >"$tmp/browser.out" 2>&1
brc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done <"$tmp/browser.out"
check_eq "the browser run exits cleanly" "$brc" 0

# Nothing may outlive the test: chromium is found by its own fresh profile.
sleep 0.5
left=$(pgrep -f -- "--user-data-dir=$tmp/profile" || true)
if [ -n "$left" ]; then
	not_ok "chromium exited with the test (left: $left)"
	kill $left 2>/dev/null
else
	ok "chromium exited with the test"
fi
wait "$cpid" 2>/dev/null
check "the collector was stopped by the test" sh -c "! kill -0 $cpid 2>/dev/null"
