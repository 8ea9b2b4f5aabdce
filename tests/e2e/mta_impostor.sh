#!/bin/sh
# mta_impostor.sh - any user can start a process named "master" or
# "sendmail": it does not count as the MTA daemon (nor hide mta.down)
# unless it belongs to root (or postfix's mail_owner) and its exe is a
# program in a system directory.  Fake roots from tests/mkroot.sh: the
# proc/PID/status Uid line and the exe link are edited as an attacker's
# process would show them.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
run() {	# run ROOT OUT
	"$AGENT" --once --stdout --root "$1" --state-dir "$t/state-${1##*/}" \
	    >"$2" 2>"$2.err"
}
running() { jq -r '.mta.daemon_running' "$1"; }
uid() {	# uid ROOT PID UID: the process's real uid in its status file
	sed -i "s/^Uid:.*/Uid:\t$3\t$3\t$3\t$3/" "$1/proc/$2/status"
}

P=$t/postfix
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-postfix "$P"
check "postfix: agent runs" run "$P" "$t/p0.json"
check_eq "... root's master is the daemon" "$(running "$t/p0.json")" true
uid "$P" 901 1000
check "alice's process named master: agent runs" run "$P" "$t/p1.json"
check_eq "... is not the daemon" "$(running "$t/p1.json")" false
uid "$P" 901 107
check "master as postfix's mail_owner: agent runs" run "$P" "$t/p2.json"
check_eq "... is the daemon" "$(running "$t/p2.json")" true
uid "$P" 901 0
ln -sfn /home/alice/bin/master "$P/proc/901/exe"
check "root's master run from /home: agent runs" run "$P" "$t/p3.json"
check_eq "... is not the daemon" "$(running "$t/p3.json")" false
ln -sfn /usr/lib/postfix/sbin/../../../../tmp/master "$P/proc/901/exe"
check "exe climbing out of /usr/lib with ..: agent runs" run "$P" "$t/p4.json"
check_eq "... is not the daemon" "$(running "$t/p4.json")" false

S=$t/sendmail
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-sendmail "$S"
check "sendmail: agent runs" run "$S" "$t/s0.json"
check_eq "... root's sendmail is the daemon" "$(running "$t/s0.json")" true
uid "$S" 2401 500
check "a user's 'sendmail: accepting connections': agent runs" run "$S" "$t/s1.json"
check_eq "... is not the daemon" "$(running "$t/s1.json")" false
# the RHEL 5 shape: no comm (stat gives the name), the owner still counts
rm -f "$S/proc/2401/comm"
echo '2401 (sendmail) S 1 2401 2401 0 -1 4202816 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0' \
    >"$S/proc/2401/stat"
check "without comm: agent runs" run "$S" "$t/s2.json"
check_eq "... still not the daemon" "$(running "$t/s2.json")" false
uid "$S" 2401 0
check "without comm, root's: agent runs" run "$S" "$t/s3.json"
check_eq "... is the daemon" "$(running "$t/s3.json")" true
exit 0
