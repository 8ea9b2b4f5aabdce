#!/bin/sh
# static_rhel5.sh - what RHEL 5 (to 7) looks like to the agent:
# - /proc without PID/comm (2.6.33+) and mountinfo (tests/mkroot.sh
#   rhel5-sendmail): the running sendmail is seen from PID/stat, by the
#   static agent (also under 2.6.18's system calls) and the dynamic one;
# - Postfix before 3.1, whose postqueue has no -j: "not available", the
#   queue files are read and no error is reported, cycle after cycle
#   (the static agent in a chroot shaped like a postfix host, with a
#   postqueue that answers -j as Postfix 2.x does).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/static_lib.inc"

T=$(e2e_tmp)
: >"$T/empty.conf"
mk_fixture rhel5-sendmail "$T/r5"
check "rhel5-sendmail: no proc/PID/comm" test ! -e "$T/r5/proc/2401/comm"
check "rhel5-sendmail: proc/PID/stat" test -s "$T/r5/proc/2401/stat"
check "rhel5-sendmail: no mountinfo" test ! -e "$T/r5/proc/self/mountinfo"

# mta_of LABEL CMD...: CMD's report on the RHEL 5 root; its .mta checked
mta_of() {
	_l=$1; shift
	mkdir -p "$T/st.$_l"
	"$@" --config "$T/empty.conf" --state-dir "$T/st.$_l" --once --stdout \
	    --root "$T/r5" >"$T/$_l.json" 2>"$T/$_l.err"
	check_eq "$_l: exit 0" "$?" 0
	check_eq "$_l: sendmail seen running (daemon, pid)" \
	    "$(jq -r '.mta | "\(.daemon_running) \(.daemon_pid)"' "$T/$_l.json")" \
	    "true 2401"
	check_eq "$_l: the MSP queue runner seen" \
	    "$(jq -r .mta.msp_queue_runner "$T/$_l.json")" true
	check_eq "$_l: no mta.down finding" \
	    "$(jq '[.findings[] | select(.code == "mta.down")] | length' "$T/$_l.json")" 0
}
mta_of static "$SAGENT"
mta_of static-2.6.18 "$OLDKERNEL" "$TABLE" 2.6.18 "$SAGENT"
mta_of dynamic "$AGENT"

# --- Postfix before 3.1 ---------------------------------------------------
C=$T/pf
mk_fixture broken-postfix "$C"
mkdir -p "$C/usr/sbin" "$C/st"
cp "$SAGENT" "$C/spoolwatch-agent"
: >"$C/e.conf"
# postqueue as in Postfix 2.x: -j is a usage error (EX_USAGE, 64);
# PQ_STATUS makes it fail otherwise
cat >"$T/pq.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
int
main(void)
{
	const char *st = getenv("PQ_STATUS");
	fprintf(stderr, "postqueue: fatal: usage: postqueue -f | postqueue "
	                "-i queueid | postqueue -p | postqueue -s site\n");
	return st ? atoi(st) : 64;
}
EOF
if ! musl-gcc -static -O2 -o "$C/usr/sbin/postqueue" "$T/pq.c" 2>"$T/cc.err"
then
	not_ok "a static postqueue for the chroot"
	sed 's/^/# /' "$T/cc.err"
	exit 1
fi
[ "$(id -u)" = 0 ] || { ok "# SKIP chroot needs root"; exit 0; }
for i in 1 2; do
	chroot "$C" /spoolwatch-agent --config /e.conf --state-dir /st --once \
	    --stdout >"$T/pf$i.json" 2>"$T/pf$i.err"
	check_eq "old postfix, cycle $i: exit 0" "$?" 0
	check_eq "... postqueue -j not available" \
	    "$(jq -r '.mail.postqueue | "\(.ran) \(.available)"' "$T/pf$i.json")" \
	    "true false"
	check_eq "... no error about postqueue" \
	    "$(jq '[.errors[] | select(.source | test("postqueue"))] | length' "$T/pf$i.json")" 0
	check_eq "... the 150 deferred queue files read instead" \
	    "$(jq '.mail.queued_total' "$T/pf$i.json")" 150
done
PQ_STATUS=75 chroot "$C" /spoolwatch-agent --config /e.conf --state-dir /st \
    --once --stdout >"$T/pf3.json" 2>"$T/pf3.err"
check_eq "a postqueue -j that fails otherwise is still an error" \
    "$(jq '[.errors[] | select(.source | test("postqueue"))] | length' "$T/pf3.json")" 1
