#!/bin/sh
# mail_hostile.sh - mailboxes an attacker shaped (the agent reads them as
# root): a hard link to another user's 0600 mailbox under a watched
# account's name, a mailbox owned by another uid, a second link to a
# user's own mailbox.  None is read: an errors[] entry each, no cron
# subject or excerpt of the other user's mail in the report.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
R=$t/root
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-postfix "$R"
printf '[mail]\nusers = root, alice\n' >"$t/alice.conf"
run() {	# run OUT: one cycle of the agent on R
	"$AGENT" --once --stdout --root "$R" --state-dir "$t/state" \
	    --config "$t/alice.conf" >"$1" 2>"$1.err"
}
box() { jq -c '.mail.mailboxes[] | select(.path == "/var/mail/alice")' "$1"; }
err() { jq -r '.errors[] | select(.source == "/var/mail/alice") | .error' "$1"; }
M=$R/var/mail

check "alice's own mailbox: agent runs" run "$t/0.json"
check "... and reads it" test -n "$(box "$t/0.json")"

# bob's private mailbox, hard-linked under alice's name
mv "$M/alice" "$M/bob"
chown 1001:8 "$M/bob"
chmod 0600 "$M/bob"
ln "$M/bob" "$M/alice"
check "hard link to bob's mailbox: agent runs" run "$t/1.json"
check_eq "... alice's name does not read bob's mail" "$(box "$t/1.json")" ""
check "... an errors[] entry says why" \
    sh -c 'echo "$1" | grep -q "not read"' sh "$(err "$t/1.json")"
check_eq "... no mailbox of alice's with bob's cron subjects" \
    "$(jq -c '[.mail.mailboxes[] | select(.user == "alice")] | length' "$t/1.json")" 0

# owned by bob, one link: not alice's
rm "$M/alice"
mv "$M/bob" "$M/alice"
check "mailbox of uid 1001 under alice's name: agent runs" run "$t/2.json"
check_eq "... not read" "$(box "$t/2.json")" ""
check "... the error names the owner" \
    sh -c 'echo "$1" | grep -q "uid 1001"' sh "$(err "$t/2.json")"

# alice's own mailbox with a second link: one link is the rule
chown 1000:8 "$M/alice"
ln "$M/alice" "$t/elsewhere"
check "alice's mailbox with two links: agent runs" run "$t/3.json"
check_eq "... not read" "$(box "$t/3.json")" ""
check "... the error says hard links" \
    sh -c 'echo "$1" | grep -q "2 hard links"' sh "$(err "$t/3.json")"
rm "$t/elsewhere"
check "one link again: agent runs" run "$t/4.json"
check "... and reads it" test -n "$(box "$t/4.json")"
exit 0
