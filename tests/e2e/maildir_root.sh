#!/bin/sh
# maildir_root.sh - root's mail in a Maildir (postfix home_mailbox =
# Maildir/; tests/mkroot_relays.sh root-maildir): messages and unread by
# the S flag, the cron jobs, mail.unread_root; the next cycle opens no
# message it has read, and sees a message the reader moved to cur/.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
root=$t/root
mkdir -p "$t/st"
sh "$SPOOLWATCH_TOP/tests/mkroot_relays.sh" root-maildir "$root" >"$t/mk.log" 2>&1 ||
	not_ok "mkroot_relays.sh root-maildir: $(cat "$t/mk.log")"
run() {
	"$AGENT" --once --stdout --commit-state --root "$root" --state-dir "$t/st" \
	    --hostname h >"$t/$1.json" 2>"$t/$1.err"
}
check "agent exits 0" run r1
check "the report is valid" python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$t/r1.json"
mb='.mail.mailboxes[] | select(.path == "/root/Maildir")'
check_eq "the Maildir is read" "$(jqr "$t/r1.json" "$mb | .format")" maildir
check_eq "3 messages, 2 unread, 1 new" \
    "$(jqr "$t/r1.json" "$mb | \"\(.messages) \(.unread) \(.new)\"")" "3 2 1"
check_eq "the backup job: 2 mails, 1 unread" \
    "$(jqr "$t/r1.json" "$mb | .cron[] | select(.command == \"/usr/local/bin/backup.sh\") | \"\(.count) \(.unread)\"")" "2 1"
check_eq "mail.unread_root for the Maildir" \
    "$(jqr "$t/r1.json" '[.findings[] | select(.code == "mail.unread_root") | .subject] | join(",")')" /root/Maildir
check "second run" run r2
check_eq "second run opens nothing" "$(jqr "$t/r2.json" "$mb | .parsed")" 0
# the reader reads the new message: new/ -> cur/ with S
f=$(ls "$root/root/Maildir/new")
mv "$root/root/Maildir/new/$f" "$root/root/Maildir/cur/$f:2,S"
check "third run" run r3
check_eq "third run: 1 unread, nothing opened" \
    "$(jqr "$t/r3.json" "$mb | \"\(.unread) \(.parsed)\"")" "1 0"
