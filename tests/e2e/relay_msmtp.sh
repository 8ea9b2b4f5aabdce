#!/bin/sh
# relay_msmtp.sh - hosts that lose every cron mail: cronie handing its
# mail to msmtp with no msmtprc (tests/mkroot_relays.sh msmtp-norelay),
# and Debian's cron on a host with no MTA at all (no-mta).  Both say
# mail.cron_lost with the jobs named; the msmtp host also mta.down.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
for k in msmtp-norelay no-mta; do
	mkdir -p "$t/st-$k"
	sh "$SPOOLWATCH_TOP/tests/mkroot_relays.sh" "$k" "$t/$k" >"$t/mk.log" 2>&1 ||
		not_ok "mkroot_relays.sh $k: $(cat "$t/mk.log")"
	"$AGENT" --once --stdout --root "$t/$k" --state-dir "$t/st-$k" \
	    --hostname h >"$t/$k.json" 2>"$t/$k.err"
	check_eq "$k: agent exits 0" "$?" 0
	check "$k: the report is valid" python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$t/$k.json"
done
r=$t/msmtp-norelay.json
check_eq "msmtp: mta.kind (sendmail links to msmtp)" "$(jqr "$r" '.mta.kind')" msmtp
check_eq "msmtp: no relay configured" "$(jqr "$r" '.mta.relay.configured')" no
check "msmtp: mta.down says every mail is lost" sh -c \
    "jq -e '.findings[] | select(.code == \"mta.down\" and .subject == \"msmtp\") | .message | test(\"every mail\")' '$r' >/dev/null"
check_eq "msmtp: mail.cron_lost names both jobs" \
    "$(jqr "$r" '[.findings[] | select(.code == "mail.cron_lost") | .evidence.jobs[].command] | sort | join(",")')" \
    "/usr/lib64/sa/sa1 1 1,/usr/local/bin/backup.sh"
check_eq "msmtp: the MTA's exit status is in the reason" \
    "$(jqr "$r" '[.findings[] | select(.code == "mail.cron_lost") | .evidence.jobs[0].reason][0]')" \
    "the MTA failed (exit status 0x004e)"
check_eq "msmtp: its own failure is an event" \
    "$(jqr "$r" '[.events[] | select(.program == "msmtp")] | .[0].kind')" bounced
r=$t/no-mta.json
check_eq "no MTA: kind none" "$(jqr "$r" '.mta.kind')" none
check_eq "no MTA: mail.cron_lost for the job that had output" \
    "$(jqr "$r" '[.findings[] | select(.code == "mail.cron_lost") | .evidence.jobs[] | "\(.command) \(.count)"] | join(",")')" \
    "/usr/local/bin/backup.sh 1"
check "no MTA: the remedy says to install one" sh -c \
    "jq -e '.findings[] | select(.code == \"mail.cron_lost\") | .remedy | test(\"install an MTA\")' '$r' >/dev/null"
check_eq "no MTA: cron's complaint is an event" \
    "$(jqr "$r" '[.events[] | select(.program == "CRON")] | .[0].kind')" other
