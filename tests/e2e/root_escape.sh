#!/bin/sh
# root_escape.sh - under --root, symbolic links on the way to a queue, a
# mailbox directory or a log (ROOT/var/spool -> /elsewhere on the host,
# ROOT/var/log -> ../../../..HOSTDIR) are resolved inside the root: the
# canaries outside (a queued cron mail, a mailbox message, a log line)
# never show up in the report; the same links pointing inside the image
# are followed.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
root=$t/root out=$t/outside
mkdir -p "$t/st" "$out"
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-sendmail "$root" >"$t/mk.log" 2>&1 ||
	not_ok "mkroot.sh healthy-sendmail: $(cat "$t/mk.log")"
run() {
	"$AGENT" --once --stdout --root "$root" --state-dir "$t/st" \
	    --hostname h >"$t/$1.json" 2>"$t/$1.err"
}
canary_qf() {
	printf 'V8\nT%s\nSroot\nRPFD:root\nH??Subject: Cron <root@h> CANARY-Q\n.\n' \
	    "$(date +%s)" >"$1/qf7ABCDEF000001"
	echo body >"$1/df7ABCDEF000001"
}
canary_mbox() {
	printf 'From root@h  Tue Dec  1 10:00:00 2026\nFrom: root@h\nSubject: Cron <root@h> CANARY-M\n\nCANARY-M body\n\n' >>"$1/root"
}

# the spool and the logs moved out of the image, links left in their place
mv "$root/var/spool" "$out/spool"
mv "$root/var/log" "$out/log"
cp -a "$out/spool" "$t/spool.clean"
cp -a "$out/log" "$t/log.clean"
canary_qf "$out/spool/mqueue"
canary_qf "$out/spool/clientmqueue"
canary_mbox "$out/spool/mail"
echo "Dec  1 10:00:00 h sendmail[1]: 7ABCDEF000001: SYSERR(root): CANARY-L" \
    >>"$out/log/maillog"
ln -s "$out/spool" "$root/var/spool"
ln -s "../../../../../../../../../..$out/log" "$root/var/log"
check "absolute and climbing links: agent runs" run esc
check "the report is valid" python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$t/esc.json"
check "no canary in the report" sh -c '! grep -q CANARY "$1"' sh "$t/esc.json"
check_eq "nothing queued (the queues outside are not read)" \
    "$(jqr "$t/esc.json" '.mail.queued_total')" 0
check_eq "no mailbox (the one outside is not read)" \
    "$(jqr "$t/esc.json" '[.mail.mailboxes[] | select(.path == "/var/spool/mail/root")] | length')" 0
check_eq "the log is missing, nothing read from outside" \
    "$(jqr "$t/esc.json" '.log_sources[] | select(.path == "/var/log/maillog") | "\(.status) \(.bytes_read)"')" "missing 0"

# the same links, now to copies inside the image (no canary): followed
mkdir -p "$root$out"
cp -a "$t/spool.clean" "$root$out/spool"
cp -a "$t/log.clean" "$root$out/log"
check "links inside the image: agent runs" run in
check "no canary in the report" sh -c '! grep -q CANARY "$1"' sh "$t/in.json"
check_eq "root's mailbox is read through the link" \
    "$(jqr "$t/in.json" '[.mail.mailboxes[] | select(.path == "/var/spool/mail/root")] | length')" 1
check "the log is read through the link" \
    test "$(jqr "$t/in.json" '.log_sources[] | select(.path == "/var/log/maillog") | .bytes_read')" -gt 0
