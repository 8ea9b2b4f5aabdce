#!/bin/sh
# mail_real_sendmail.sh - the incident replayed by a real sendmail
# (tests/fixtures/real_sendmail.sh); after each stage the agent reads
# the stage's root with --root and its report must say what a person
# would conclude:
#   1 clientmqueue root:root 0755: the spool is wrong, SYSERRs, no mail
#     queued;
#   2 permissions fixed, MTA down: two cron mails queued, deferred with
#     "Connection refused by [127.0.0.1]", mta.down, and mail.undelivered
#     saying so with the remedy to start the MTA and flush the queue;
#   3 MTA up, queue flushed: the queue is empty, root has two unread cron
#     mails (mail.unread_root naming the cron jobs).
# The fixture's namespace has its own processes and loopback; the hook
# copies that host's /proc view (process names, TCP listeners) into the
# root so that the agent sees the MTA as the host would show it.  One
# state dir is used for all stages, with --commit-state, like a daemon.
# If the real MTA cannot run here, this fails loudly: it never skips.
# The driver is bounded (300 s) and stops its daemons however it ends.
. "$(dirname "$0")/lib.sh"

FIX="$SPOOLWATCH_TOP/tests/fixtures/real_sendmail.sh"
t=$(e2e_tmp)
export AGENT SPOOLWATCH_TOP T="$t"

if [ ! -f "$FIX" ]; then
	not_ok "real-sendmail fixture not found at $FIX"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	not_ok "real sendmail needs root (namespaces, chown): NOT RUN"
	exit 1
fi

cat > "$t/hook.sh" <<'HOOK'
# hook.sh STAGE ROOT - snapshot the namespace's /proc, run the agent
st=$1 root=$2
. "$SPOOLWATCH_TOP/tests/e2e/ns_proc.inc"
ns_proc_snapshot "$(cat "${root%/fs}/state/ns.pid")" "$root"
"$AGENT" --once --stdout --commit-state --root "$root" \
    --state-dir "$T/state" > "$T/report$st.json" 2> "$T/agent$st.err"
echo $? > "$T/agent$st.rc"
cp -r "$root/var/spool/clientmqueue" "$T/queue$st" 2>/dev/null
exit 0
HOOK

SM_AFTER_STAGE="sh $t/hook.sh" timeout 300 sh "$FIX" "$t/run" \
    > "$t/fixture.log" 2>&1
rc=$?
case $rc in
0) ok "real sendmail ran all three stages" ;;
2)
	not_ok "REAL SENDMAIL CANNOT RUN ON THIS MACHINE (fixture exit 2): this test did not run"
	sed 's/^/# /' "$t/fixture.log" | tail -20
	exit 1 ;;
*)
	not_ok "real sendmail fixture failed (exit $rc)"
	sed 's/^/# /' "$t/fixture.log" | tail -20 ;;
esac

VALIDATE="$SPOOLWATCH_TOP/tests/validate-report.py"
for s in 1 2 3; do
	r="$t/report$s.json"
	check_eq "stage $s: agent exit status" "$(cat "$t/agent$s.rc" 2>/dev/null)" 0
	if ! jq -e . "$r" > /dev/null 2>&1; then
		not_ok "stage $s: the report is JSON"
		sed 's/^/# /' "$t/agent$s.err" | tail -5
		continue
	fi
	if [ -f "$VALIDATE" ]; then
		check "stage $s: report valid against the schema" \
		    python3 "$VALIDATE" -q "$r"
	fi
done

# f REPORT CODE SUBJECT: the finding (JSON) or nothing
f() { jq -c --arg c "$2" --arg s "$3" \
    '.findings[] | select(.code == $c and .subject == $s)' "$1" 2>/dev/null; }
has() { [ -n "$(f "$@")" ]; }
hasnt() { [ -z "$(f "$@")" ]; }
count_code() { jq --arg c "$2" '[.findings[] | select(.code == $c)] | length' "$1"; }
Q=/var/spool/clientmqueue
MB=/var/spool/mail/root

# ---- stage 1: broken spool, SYSERRs, nothing queued
r=$t/report1.json
check "stage 1: clientmqueue not writable by smmsp (spool.not_writable_by_mta)" \
    has "$r" spool.not_writable_by_mta $Q
check "stage 1: clientmqueue ownership/mode wrong (spool.permissions)" \
    has "$r" spool.permissions $Q
check "stage 1: the SYSERR lines are reported (log.syserr, critical)" \
    test "$(f "$r" log.syserr $Q | jq -r .severity)" = critical
check_eq "stage 1: the SYSERRs are a symptom of the spool (caused_by)" \
    "$(f "$r" log.syserr $Q | jq -c .caused_by)" \
    "{\"code\":\"spool.not_writable_by_mta\",\"subject\":\"$Q\"}"
check_eq "stage 1: the spool finding has no cause" \
    "$(f "$r" spool.not_writable_by_mta $Q | jq -c .caused_by)" null
check_eq "stage 1: nothing queued" "$(jqr "$r" .mail.queued_total)" 0
check_eq "stage 1: no mail.undelivered" "$(count_code "$r" mail.undelivered)" 0
check_eq "stage 1: no mailbox yet" "$(jqr "$r" '.mail.mailboxes | length')" 0

# ---- stage 2: fixed, MTA down, two cron mails deferred in clientmqueue
r=$t/report2.json
check "stage 2: spool no longer unwritable" hasnt "$r" spool.not_writable_by_mta $Q
check "stage 2: the MTA is down (mta.down)" test "$(count_code "$r" mta.down)" -ge 1
check_eq "stage 2: two messages queued" "$(jqr "$r" .mail.queued_total)" 2
check_eq "stage 2: both detailed" "$(jqr "$r" '.mail.queued | length')" 2
check_eq "stage 2: their cron commands" \
    "$(jqr "$r" '[.mail.queued[].cron_command] | sort | join(",")')" \
    "/bin/freemem.py,/usr/sbin/ntpdate time.example.com"
check_eq "stage 2: their status" \
    "$(jqr "$r" '[.mail.queued[].status] | unique | join(",")')" \
    "Deferred: Connection refused by [127.0.0.1]"
check_eq "stage 2: queue ids are the files' ids" \
    "$(jqr "$r" '[.mail.queued[].id] | sort | join(" ")')" \
    "$(ls "$t/queue2" 2>/dev/null | sed -n 's/^qf//p' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "stage 2: sender and recipient" \
    "$(jqr "$r" '[.mail.queued[] | .from + ">" + (.to | join(","))] | unique | join(";")')" \
    "root (Cron Daemon)>root"
und=$(f "$r" mail.undelivered $Q)
check "stage 2: mail.undelivered for clientmqueue" test -n "$und"
check_eq "stage 2: mail.undelivered is critical" "$(echo "$und" | jq -r .severity)" critical
check "stage 2: it says the MTA is down" \
    sh -c 'echo "$1" | jq -r .message | grep -q "MTA is down"' sh "$und"
check_eq "stage 2: remedy starts the MTA and flushes the client queue" \
    "$(echo "$und" | jq -r .remedy)" "service sendmail start && sendmail -Ac -q"
check_eq "stage 2: evidence counts and top status" \
    "$(echo "$und" | jq -r '[.evidence.messages, .evidence.top_statuses[0].status, .evidence.mta_down] | map(tostring) | join("|")')" \
    "2|Deferred: Connection refused by [127.0.0.1]|true"
check_eq "stage 2: the waiting mail is a symptom of the down MTA (caused_by)" \
    "$(echo "$und" | jq -c .caused_by)" \
    "$(jq -c '[.findings[] | select(.code == "mta.down") | {code, subject}][0]' "$r")"
check_eq "stage 2: the cause is sendmail's mta.down, itself uncaused" \
    "$(jq -r '.findings[] | select(.code == "mta.down") | "\(.subject) \(.caused_by)"' "$r")" \
    "sendmail null"
check_eq "stage 2: no SYSERR since the last report" "$(count_code "$r" log.syserr)" 0
check_eq "stage 2: no unread mail yet" "$(count_code "$r" mail.unread_root)" 0

# ---- stage 3: MTA up, delivered into root's mbox
r=$t/report3.json
check_eq "stage 3: queue empty" "$(jqr "$r" .mail.queued_total)" 0
check_eq "stage 3: no mail.undelivered" "$(count_code "$r" mail.undelivered)" 0
check_eq "stage 3: the MTA runs (no mta.down)" "$(count_code "$r" mta.down)" 0
check_eq "stage 3: root's mailbox: messages/unread" \
    "$(jqr "$r" '.mail.mailboxes[] | select(.path == "/var/spool/mail/root") | "\(.user) \(.messages) \(.unread)"')" \
    "root 2 2"
check_eq "stage 3: the cron jobs behind it" \
    "$(jqr "$r" '[.mail.mailboxes[0].cron[] | "\(.user):\(.command):\(.count)"] | sort | join(",")')" \
    "root:/bin/freemem.py:1,root:/usr/sbin/ntpdate time.example.com:1"
check_eq "stage 3: excerpt of the newest body" \
    "$(jqr "$r" '.mail.mailboxes[0].cron[] | select(.command == "/bin/freemem.py") | .excerpt')" \
    "free memory: 118 MB"
ur=$(f "$r" mail.unread_root $MB)
check "stage 3: mail.unread_root for root's mailbox" test -n "$ur"
check_eq "stage 3: it counts two unread" "$(echo "$ur" | jq -r .evidence.unread)" 2
check "stage 3: it names the cron jobs" \
    sh -c 'echo "$1" | jq -r .message | grep -q "/bin/freemem.py"' sh "$ur"
check "stage 3: mailbox file untouched (no lock file, same size)" \
    test ! -e "$t/run/fs/var/spool/mail/root.lock" -a \
    "$(stat -c %s "$t/run/fs/var/spool/mail/root")" = "$(jqr "$r" '.mail.mailboxes[0].bytes')"
exit 0
