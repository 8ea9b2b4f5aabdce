#!/bin/sh
# exim_real.sh - a real Exim 4.96 (tests/fixtures/real_exim.sh) driven
# into each failure; after each stage the agent reads that host's root
# with --root, one state dir for all stages (--commit-state, as a daemon
# would), and its report must say what a person would conclude:
#   1 healthy: exim, daemon up, queue empty, no warning
#   2 two mails deferred: queued with "Connection refused" / the retry
#     wait, deferral events
#   3 two frozen (a bounce, a router to this host): mail.frozen
#   4 a typo in exim4.conf: mta.paniclog with the configuration error
#   5 input/ root:root 0700: spool.permissions, not writable, the spool
#     error events
#   6 daemon stopped: mta.down, five waiting
# The hook copies the namespace's /proc view (processes, listeners) into
# the root, as the host would show it.  If the real Exim cannot run here
# this fails loudly: it never skips.
. "$(dirname "$0")/lib.sh"

FIX="$SPOOLWATCH_TOP/tests/fixtures/real_exim.sh"
t=$(e2e_tmp)
export AGENT SPOOLWATCH_TOP T="$t"
if [ "$(id -u)" != 0 ]; then
	not_ok "real Exim needs root (namespaces, overlay, chown): NOT RUN"
	exit 1
fi
: >"$t/empty.conf"
cat >"$t/hook.sh" <<'HOOK'
# hook.sh STAGE ROOT - snapshot the namespace's /proc, run the agent
st=$1 root=$2
. "$SPOOLWATCH_TOP/tests/e2e/ns_proc.inc"
ns_proc_snapshot "$(cat "${root%/fs}/state/ns.pid")" "$root"
"$AGENT" --config "$T/empty.conf" --once --stdout --commit-state \
    --root "$root" --state-dir "$T/state" >"$T/report$st.json" 2>"$T/agent$st.err"
echo $? >"$T/agent$st.rc"
exit 0
HOOK

EXIM_AFTER_STAGE="sh $t/hook.sh" sh "$FIX" "$t/run" >"$t/fixture.log" 2>&1
rc=$?
case $rc in
0) ok "real Exim ran all six stages" ;;
2)
	not_ok "REAL EXIM CANNOT RUN ON THIS MACHINE (fixture exit 2): this test did not run"
	sed 's/^/# /' "$t/fixture.log" | tail -20
	exit 1 ;;
*)
	not_ok "real Exim fixture failed (exit $rc)"
	sed 's/^/# /' "$t/fixture.log" | tail -20 ;;
esac

for s in 1 2 3 4 5 6; do
	r=$t/report$s.json
	check_eq "stage $s: agent exit status" "$(cat "$t/agent$s.rc" 2>/dev/null)" 0
	if ! jq -e . "$r" >/dev/null 2>&1; then
		not_ok "stage $s: the report is JSON"
		sed 's/^/# /' "$t/agent$s.err" | tail -5
		continue
	fi
	if [ -f "$SPOOLWATCH_TOP/tests/validate-report.py" ]; then
		check "stage $s: report valid against the schema" \
		    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$r"
	fi
done
f() { jq -c --arg c "$2" --arg s "$3" \
    '.findings[] | select(.code == $c and .subject == $s)' "$1" 2>/dev/null; }
count() { jq --arg c "$2" '[.findings[] | select(.code == $c)] | length' "$1"; }
SP=/var/spool/exim4
IN=$SP/input
PL=/var/log/exim4/paniclog

r=$t/report1.json
check_eq "stage 1: exim, daemon up, listening" \
    "$(jqr "$r" '"\(.mta.kind) \(.mta.daemon_running) \(.mta.smtp_listening)"')" "exim true true"
check_eq "stage 1: nothing queued" "$(jqr "$r" .mail.queued_total)" 0
check_eq "stage 1: no warning or critical finding" \
    "$(jqr "$r" '[.findings[] | select(.severity != "info") | .code] | unique | join(",")')" ""

r=$t/report2.json
check_eq "stage 2: two queued" "$(jqr "$r" .mail.queued_total)" 2
check_eq "stage 2: the first waits for ops@ only (root's copy delivered)" \
    "$(jqr "$r" '.mail.queued[] | select(.cron_command == "/usr/local/bin/backup.sh") | .to | join(",")')" \
    "ops@example.net"
check_eq "stage 2: its status is the msglog's reason" \
    "$(jqr "$r" '.mail.queued[] | select(.cron_command == "/usr/local/bin/backup.sh") | .status')" \
    "Connection refused"
check_eq "stage 2: a deferral event with Exim's reason" \
    "$(jqr "$r" '[.events[] | select(.kind == "deferred" and .program == "exim") | .message | test("defer \\(111\\): Connection refused")] | any')" true
check_eq "stage 2: no mail.frozen yet" "$(count "$r" mail.frozen)" 0

r=$t/report3.json
fz=$(f "$r" mail.frozen $SP)
check "stage 3: mail.frozen" test -n "$fz"
check_eq "stage 3: two frozen, one a bounce" \
    "$(printf "%s\n" "$fz" | jq -r '"\(.evidence.frozen) \(.evidence.bounces)"')" "2 1"
check_eq "stage 3: both reasons" \
    "$(printf "%s\n" "$fz" | jq -r '[.evidence.top_reasons[].reason] | sort | join("|")')" \
    "Unrouteable address|remote host address is the local host"
check_eq "stage 3: four queued" "$(jqr "$r" .mail.queued_total)" 4
check_eq "stage 3: no paniclog yet" "$(count "$r" mta.paniclog)" 0

r=$t/report4.json
pf=$(f "$r" mta.paniclog $PL)
check "stage 4: mta.paniclog" test -n "$pf"
check "stage 4: the configuration error is the evidence" \
    sh -c 'printf "%s\n" "$1" | jq -r ".evidence.last_lines[]" | grep -q "main option \"message_size_limt\" unknown"' sh "$pf"

r=$t/report5.json
check_eq "stage 5: input/ root:root 0700" \
    "$(jqr "$r" ".spools[] | select(.path == \"$IN\") | \"\(.owner):\(.group) \(.mode)\"")" "root:root 0700"
check "stage 5: spool.permissions on input/" test -n "$(f "$r" spool.permissions $IN)"
check "stage 5: spool.not_writable_by_mta on input/" test -n "$(f "$r" spool.not_writable_by_mta $IN)"
check_eq "stage 5: the spool error is an event" \
    "$(jqr "$r" '[.events[] | select(.program == "exim" and .errno == "Permission denied")] | length > 0')" true
check_eq "stage 5: the paniclog is still there" "$(count "$r" mta.paniclog)" 1

r=$t/report6.json
check_eq "stage 6: daemon stopped" "$(jqr "$r" '"\(.mta.daemon_running) \(.mta.smtp_listening)"')" "false false"
check_eq "stage 6: mta.down" "$(count "$r" mta.down)" 1
check_eq "stage 6: five waiting" "$(jqr "$r" .mail.queued_total)" 5
check_eq "stage 6: the spool is fine again" \
    "$(jqr "$r" ".spools[] | select(.path == \"$IN\") | .ok")" true
exit 0
