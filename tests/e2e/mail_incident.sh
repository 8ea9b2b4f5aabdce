#!/bin/sh
# mail_incident.sh - the agent's mail section on fake roots (tests/mkroot.sh):
#   incident: years of unread cron mail for root and cron mails queued in
#   clientmqueue while the MTA is down -> mail.unread_root naming the cron
#   jobs, mail.undelivered critical with the remedy; a second cycle parses
#   only what was appended; damaged input (garbage qf, qf without df,
#   binary mailbox, missing first From line) gives errors[] entries and a
#   report that still validates; the agent never writes the mailbox.
#   healthy-sendmail / healthy-postfix: no mail finding; a uid-1000 user's
#   mailbox is read only when [mail] users names it.  broken-postfix: the
#   deferred queue's files are read for details, all are counted.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
VALIDATE="$SPOOLWATCH_TOP/tests/validate-report.py"
run() {	# run ROOT OUT [extra agent args]: one cycle, state committed
	_r=$1 _o=$2; shift 2
	"$AGENT" --once --stdout --commit-state --root "$_r" \
	    --state-dir "$t/state-${_r##*/}" "$@" > "$_o" 2> "$_o.err"
}
valid() { [ ! -f "$VALIDATE" ] || python3 "$VALIDATE" -q "$1"; }
f() { jq -c --arg c "$2" --arg s "$3" \
    '.findings[] | select(.code == $c and .subject == $s)' "$1"; }
MB=/var/spool/mail/root
Q=/var/spool/clientmqueue

# ---- incident
R=$t/incident
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$R"
before=$(stat -c '%s %Y %X' "$R$MB")
check "incident: agent runs" run "$R" "$t/i1.json"
check "incident: report valid" valid "$t/i1.json"
check_eq "incident: root's mailbox counted" \
    "$(jqr "$t/i1.json" '.mail.mailboxes[] | select(.path == "'$MB'") | "\(.messages) \(.unread)"')" \
    "1205 1202"
check_eq "incident: its date range" \
    "$(jqr "$t/i1.json" '.mail.mailboxes[0] | "\(.oldest_ts) \(.newest_ts)"')" \
    "2014-08-12T03:00:00Z 2016-02-14T15:00:00Z"
check_eq "incident: cron jobs by count" \
    "$(jqr "$t/i1.json" '[.mail.mailboxes[0].cron[] | "\(.command)=\(.count)"] | join(",")')" \
    "/bin/freemem.py=1104,/usr/sbin/ntpdate time.example.com=79,/usr/sbin/logrotate /etc/logrotate.conf=19"
check_eq "incident: excerpt unquotes >From" \
    "$(jqr "$t/i1.json" '.mail.mailboxes[0].cron[2].excerpt' | tail -n 1)" \
    "From the config: check su directive"
ur=$(f "$t/i1.json" mail.unread_root $MB)
check_eq "incident: mail.unread_root is a warning" "$(echo "$ur" | jq -r .severity)" warning
check "incident: it names /bin/freemem.py first" \
    sh -c 'echo "$1" | jq -e ".evidence.top_cron_commands[0].command == \"/bin/freemem.py\" and .evidence.top_cron_commands[0].unread == 1104" >/dev/null' sh "$ur"
check "incident: its remedy points at the cron job" \
    sh -c 'echo "$1" | jq -r .remedy | grep -q "/bin/freemem.py"' sh "$ur"
check_eq "incident: three messages queued" "$(jqr "$t/i1.json" .mail.queued_total)" 3
check_eq "incident: queued by cron command" \
    "$(jqr "$t/i1.json" '[.mail.queued[].cron_command] | sort | join(",")')" \
    "/bin/freemem.py,/bin/freemem.py,/usr/sbin/ntpdate time.example.com"
und=$(f "$t/i1.json" mail.undelivered $Q)
check_eq "incident: mail.undelivered critical" "$(echo "$und" | jq -r .severity)" critical
check_eq "incident: remedy" "$(echo "$und" | jq -r .remedy)" \
    "service sendmail start && sendmail -Ac -q"
check "incident: oldest age in years" \
    sh -c 'echo "$1" | jq -r .message | grep -q "years old"' sh "$und"
check_eq "incident: mailbox not modified, atime kept (O_NOATIME)" \
    "$(stat -c '%s %Y %X' "$R$MB")" "$before"

# second cycle: nothing new is parsed; then one appended message is
cat >> "$R$MB" <<'EOF2'
From root@host1.example.com  Mon Feb 15 09:20:02 2016
From: root@host1.example.com (Cron Daemon)
Subject: Cron <root@host1> /usr/local/bin/backup.sh
Auto-Submitted: auto-generated
X-Cron-Env: <LOGNAME=root>

backup failed: No space left on device

EOF2
check "incident: second cycle" run "$R" "$t/i2.json"
check_eq "incident: only the appended message parsed" \
    "$(jqr "$t/i2.json" '.mail.mailboxes[0] | "\(.parsed) \(.messages) \(.unread) \(.rescanned)"')" \
    "1 1206 1203 false"
check_eq "incident: the new job is there" \
    "$(jqr "$t/i2.json" '.mail.mailboxes[0].cron[] | select(.command == "/usr/local/bin/backup.sh") | "\(.count) \(.excerpt)"')" \
    "1 backup failed: No space left on device"
check "incident: third cycle" run "$R" "$t/i3.json"
check_eq "incident: nothing new, nothing parsed" \
    "$(jqr "$t/i3.json" '.mail.mailboxes[0] | "\(.parsed) \(.messages)"')" "0 1206"

# damaged input
printf 'V8\nT1455499202\nSroot\nRPFD:root\nH??Subject: Cron <root@host1> /bin/x\n' \
    > "$R$Q/qfu1F1K2zz099999"			# truncated, and no df
head -c 5000 /dev/urandom > "$R$Q/qfu1F1K2zy099998"	# garbage
echo 'df' > "$R$Q/dfu1F1K2zy099998"
head -c 100000 /dev/urandom | tr -d '\n' > "$R/var/spool/mail/mail"
printf 'Subject: no envelope\n\nhello\n\nFrom a@b Mon Feb 15 09:20:02 2016\nSubject: x\n\ny\n\n' \
    > "$R/var/spool/mail/daemon"
check "incident: damaged input, agent still runs" run "$R" "$t/i4.json"
check "incident: report still valid" valid "$t/i4.json"
err() { jq -r --arg s "$2" '.errors[] | select(.source | contains($s)) | .error' "$1"; }
check "errors: truncated qf" sh -c 'echo "$1" | grep -q truncated' sh "$(err "$t/i4.json" qfu1F1K2zz099999)"
check "errors: qf without df" sh -c 'echo "$1" | grep -q "without its df"' sh "$(err "$t/i4.json" qfu1F1K2zz099999)"
check "errors: garbage qf" sh -c 'echo "$1" | grep -q "not a qf file"' sh "$(err "$t/i4.json" qfu1F1K2zy099998)"
check "errors: binary mailbox" sh -c 'echo "$1" | grep -q "belong to no message"' sh "$(err "$t/i4.json" /var/spool/mail/mail)"
check "errors: missing first From line" sh -c 'echo "$1" | grep -q "^[0-9]* bytes that belong"' sh "$(err "$t/i4.json" /var/spool/mail/daemon)"
check_eq "damaged messages still counted in the queue" "$(jqr "$t/i4.json" .mail.queued_total)" 5
check_eq "the binary mailbox has no message" \
    "$(jqr "$t/i4.json" '.mail.mailboxes[] | select(.user == "mail") | .messages')" 0
check_eq "the mailbox without a first From line has one" \
    "$(jqr "$t/i4.json" '.mail.mailboxes[] | select(.user == "daemon") | .messages')" 1

# ---- healthy hosts
for k in healthy-sendmail healthy-postfix; do
	R=$t/$k
	sh "$SPOOLWATCH_TOP/tests/mkroot.sh" $k "$R"
	check "$k: agent runs" run "$R" "$t/$k.json"
	check "$k: report valid" valid "$t/$k.json"
	check_eq "$k: no mail finding" \
	    "$(jqr "$t/$k.json" '[.findings[] | select(.code | startswith("mail."))] | length')" 0
	check_eq "$k: root's read mail" \
	    "$(jqr "$t/$k.json" '[.mail.mailboxes[] | "\(.user) \(.messages) \(.unread)"] | join(",")')" \
	    "root 6 0"
done
printf '[mail]\nusers = root, alice\n' > "$t/alice.conf"
check "healthy-postfix: [mail] users = root, alice" \
    run "$t/healthy-postfix" "$t/alice.json" --config "$t/alice.conf"
check_eq "healthy-postfix: alice's unread mail found" \
    "$(jqr "$t/alice.json" '[.findings[] | select(.code == "mail.unread_root") | .subject] | join(",")')" \
    "/var/mail/alice"
check_eq "healthy-postfix: /var/spool/mail -> ../mail read once" \
    "$(jqr "$t/alice.json" '.mail.mailboxes | length')" 2
# ---- broken postfix: 150 deferred messages, postfix down; under --root
# the queue files themselves are read (postqueue is for the live host)
R=$t/broken-postfix
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" broken-postfix "$R"
printf 'max_queued = 4\n' > "$t/pf.conf"
check "broken-postfix: agent runs" run "$R" "$t/pf.json" --config "$t/pf.conf"
check "broken-postfix: report valid" valid "$t/pf.json"
check_eq "broken-postfix: all counted, four detailed" \
    "$(jqr "$t/pf.json" '"\(.mail.queued_total) \(.mail.queued | length)"')" "150 4"
check_eq "broken-postfix: details read from the queue files" \
    "$(jqr "$t/pf.json" '.mail.queued[0] | "\(.from) \(.to[0]) \(.subject)"')" \
    "root@host1.example.com alice@example.org backlog 149"
und=$(f "$t/pf.json" mail.undelivered /var/spool/postfix/deferred)
check_eq "broken-postfix: mail.undelivered critical, postfix remedy" \
    "$(echo "$und" | jq -r '"\(.severity) \(.remedy)"')" \
    "critical postfix start && postqueue -f"
check "broken-postfix: it says the MTA is down and the age" \
    sh -c 'echo "$1" | jq -r .message | grep -q "oldest 10 days old.*MTA is down"' sh "$und"
check_eq "broken-postfix: postqueue not run under --root" \
    "$(jqr "$t/pf.json" .mail.postqueue.ran)" false

printf 'max_queued = -1\n' > "$t/bad.conf"
"$AGENT" --check-config --config "$t/bad.conf" > /dev/null 2>&1
check_eq "max_queued out of range is a config error" "$?" 2
printf '[mail]\nmailbox_dirs = var/mail\n' > "$t/bad2.conf"
"$AGENT" --check-config --config "$t/bad2.conf" > /dev/null 2>&1
check_eq "relative mailbox_dirs is a config error" "$?" 2
exit 0
