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

# a sparse 10 GB mailbox: over mbox_max_bytes (2G), not read at all
cp "$M/alice" "$t/alice.orig"
truncate -s 10G "$M/alice"
check "sparse 10 GB mailbox: agent runs" run "$t/5.json"
check_eq "... not read" "$(box "$t/5.json")" ""
check "... the error names the cap" \
    sh -c 'echo "$1" | grep -q "over mbox_max_bytes"' sh "$(err "$t/5.json")"

# a 3 MB mailbox with a 1 MiB budget per cycle: read over the cycles
python3 - "$M/alice" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write("From root@host1 Mon Nov 30 10:%02d:00 2026\n" % (i % 60))
        f.write("From: root@host1 (Cron Daemon)\nTo: alice\n")
        f.write("Subject: Cron <alice@host1> /bin/job%d\n\n" % (i % 7))
        f.write("x" * 900 + "\n\n")
PY
touch -d '1 hour ago' "$M/alice"
printf '[mail]\nusers = root, alice\nmbox_cycle_bytes = 1M\n' >"$t/budget.conf"
rm -rf "$t/state"
cyc() {	# cyc N: one committed cycle with the budget into $t/bN.json
	"$AGENT" --once --stdout --commit-state --root "$R" --state-dir "$t/state" \
	    --config "$t/budget.conf" >"$t/b$1.json" 2>"$t/b$1.err"
}
msgs() { jq -r '.mail.mailboxes[] | select(.path == "/var/mail/alice") | .messages' "$1"; }
check "budget: cycle 1 runs" cyc 1
n1=$(msgs "$t/b1.json")
check "... parses part of the mailbox ($n1 of 3000)" test "$n1" -gt 0 -a "$n1" -lt 3000
check "... and says the rest waits" \
    sh -c 'echo "$1" | grep -q "left for the next cycle"' sh "$(err "$t/b1.json")"
cyc 2; cyc 3; cyc 4
check_eq "... after four cycles every message is counted once" "$(msgs "$t/b4.json")" 3000
check_eq "... and nothing is left" "$(err "$t/b4.json")" ""
exit 0
