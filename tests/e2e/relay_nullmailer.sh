#!/bin/sh
# relay_nullmailer.sh - a cron host sending through nullmailer whose
# smarthost refuses the mail (tests/mkroot_relays.sh nullmailer-failed):
# mta.kind nullmailer (the package owns /usr/sbin/sendmail), the queued
# and the given-up messages in mail.queued[] with their cron job,
# nullmailer-send's failures as events, mta.down and mail.undelivered
# with nullmailer's own remedies; then with an empty remotes file.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
root=$t/root
mkdir -p "$t/st"
sh "$SPOOLWATCH_TOP/tests/mkroot_relays.sh" nullmailer-failed "$root" >"$t/mk.log" 2>&1 ||
	not_ok "mkroot_relays.sh nullmailer-failed: $(cat "$t/mk.log")"
run() {
	"$AGENT" --once --stdout --root "$root" --state-dir "$t/st" --hostname h \
	    >"$t/$1.json" 2>"$t/$1.err"
}
check "agent exits 0" run r
check "the report is valid" python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$t/r.json"
check_eq "mta.kind" "$(jqr "$t/r.json" '.mta.kind')" nullmailer
check_eq "its smarthost" "$(jqr "$t/r.json" '.mta.relay.smarthost')" smtp.example.com
check_eq "three messages queued in all" "$(jqr "$t/r.json" '.mail.queued_total')" 3
check_eq "two waiting, one given up" \
    "$(jqr "$t/r.json" '[.mail.queued[] | .queue] | sort | join(" ")')" \
    "/var/spool/nullmailer/failed /var/spool/nullmailer/queue /var/spool/nullmailer/queue"
check_eq "each with its cron job" \
    "$(jqr "$t/r.json" '[.mail.queued[] | .cron_command] | sort | unique | join(",")')" \
    "/usr/local/bin/backup.sh,df -h"
check_eq "the refusal is a bounced event" \
    "$(jqr "$t/r.json" '[.events[] | select(.program == "nullmailer" and .kind == "bounced")] | length')" 1
check_eq "mta.down for nullmailer" \
    "$(jqr "$t/r.json" '[.findings[] | select(.code == "mta.down") | .subject] | join(",")')" nullmailer
check "mail.undelivered for failed/ says how to requeue" sh -c \
    "jq -e '.findings[] | select(.code == \"mail.undelivered\" and .subject == \"/var/spool/nullmailer/failed\") | .remedy | test(\"mv /var/spool/nullmailer/failed\")' '$t/r.json' >/dev/null"
: >"$root/etc/nullmailer/remotes"
check "no remote: agent exits 0" run r2
check "no remote: mta.down says nothing will send them" sh -c \
    "jq -e '.findings[] | select(.code == \"mta.down\") | .message | test(\"no remote host\")' '$t/r2.json' >/dev/null"
