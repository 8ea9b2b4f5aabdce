#!/bin/sh
# spool_healthy.sh - the healthy sendmail (RHEL) and postfix (Debian) roots
# of tests/mkroot.sh: every spool as packaged, the daemon running and
# listening, no spool.*, fs.* or mta.* finding.  Also: thresholds and
# [spool PATH] sections from agent.conf.
. "$(dirname "$0")/lib.sh"

tmp=$(e2e_tmp)
mkdir -p "$tmp/state"
for kind in healthy-sendmail healthy-postfix; do
	if ! sh "$SPOOLWATCH_TOP/tests/mkroot.sh" $kind "$tmp/$kind" \
	    >"$tmp/mk.log" 2>&1; then
		not_ok "mkroot.sh $kind"
		sed 's/^/# /' "$tmp/mk.log"
		exit 1
	fi
done
: >"$tmp/empty.conf"
run() {	# run KIND CONF OUT
	"$AGENT" --config "$2" --state-dir "$tmp/state" --once --stdout --root "$tmp/$1" >"$3" \
	    2>"$3.err"
}

# --- sendmail -------------------------------------------------------------
run healthy-sendmail "$tmp/empty.conf" "$tmp/s.json"
check_eq "sendmail: agent exits 0" "$?" 0
j() { jq -r "$1" "$tmp/s.json"; }
check_eq "sendmail: spools and roles" \
    "$(j '[.spools[] | "\(.path)=\(.role)"] | join(" ")')" \
    "/var/spool/clientmqueue=msp_queue /var/spool/mqueue=mta_queue /var/spool/mail=mailbox"
check_eq "sendmail: clientmqueue smmsp:smmsp 0770" \
    "$(j '.spools[0] | "\(.owner):\(.group) \(.uid):\(.gid) \(.mode)"')" \
    "smmsp:smmsp 51:51 0770"
check_eq "sendmail: every spool ok and writable" \
    "$(j '[.spools[] | .ok and .writable_by_mta and .exists] | all')" true
check_eq "sendmail: empty queues" \
    "$(j '[.spools[] | select(.role != "mailbox") | .entries] | add')" \
    "$(ls -A "$tmp/healthy-sendmail/var/spool/clientmqueue" \
	"$tmp/healthy-sendmail/var/spool/mqueue" | grep -c '^[qd]f')"
check_eq "sendmail: oldest_age_s null when nothing waits" \
    "$(j '.spools[0].oldest_age_s')" null
check_eq "sendmail: mta" \
    "$(j '.mta | "\(.kind) \(.daemon_running) \(.smtp_listening) \(.daemon_pid) \(.msp_queue_runner)"')" \
    "sendmail true true 2401 true"
check_eq "sendmail: listener" "$(j '.mta.listeners | join(",")')" \
    "127.0.0.1:25"
check_eq "sendmail: no spool/fs/mta finding" \
    "$(j '[.findings[] | select(.code | test("^(spool|fs|mta)\\."))] | length')" 0

# Mail waiting while the daemon runs is a backlog, not mta.down.
cq=$tmp/healthy-sendmail/var/spool/clientmqueue
now=$(date +%s)
i=0
while [ $i -lt 5 ]; do
	id=$(python3 -c '
import sys, time
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
t = time.gmtime(int(sys.argv[1]))
print(a[(t.tm_year - 1900) % 60] + a[t.tm_mon - 1] + a[t.tm_mday] +
      a[t.tm_hour] + a[t.tm_min] + a[t.tm_sec] + "aa%06d" % int(sys.argv[2]))' \
	    $((now - 7200 - i)) $((1000 + i)))
	printf 'V8\nT%s\n.\n' $now >"$cq/qf$id"
	echo body >"$cq/df$id"
	i=$((i + 1))
done
chown 51:51 "$cq"/*
cat >"$tmp/low.conf" <<'CONF'
[spool]
backlog_warning = 3
backlog_critical = 10
stale_age = 1h
stale_age_critical = 1d

[spool /var/spool/mqueue]
check = no

[spool /srv/extra-queue]
role = custom
owner = smmsp
group = mail
mode = 0770
user = smmsp
CONF
mkdir -p "$tmp/healthy-sendmail/srv/extra-queue"
chown 51:12 "$tmp/healthy-sendmail/srv/extra-queue"
chmod 0750 "$tmp/healthy-sendmail/srv/extra-queue"
run healthy-sendmail "$tmp/low.conf" "$tmp/s2.json"
check_eq "thresholds: agent exits 0" "$?" 0
j() { jq -r "$1" "$tmp/s2.json"; }
f() { j ".findings[] | select(.code == \"$1\" and .subject == \"$2\") | $3"; }
check_eq "thresholds: spool.backlog warning at 5 >= 3" \
    "$(f spool.backlog /var/spool/clientmqueue '"\(.severity) \(.evidence.queued)"')" \
    "warning 5"
check_eq "thresholds: spool.stale warning at 2 h" \
    "$(f spool.stale /var/spool/clientmqueue .severity)" warning
check_eq "thresholds: stale age from the queue ids" \
    "$(j '.spools[0].oldest_age_s >= 7204 and .spools[0].oldest_age_s < 7300')" true
check_eq "thresholds: a pair within orphan_grace is no orphan" \
    "$(j '.spools[0].orphans')" 0
check_eq "thresholds: no mta.down while the daemon listens" \
    "$(j '[.findings[] | select(.code == "mta.down")] | length')" 0
check_eq "[spool PATH] check = no drops mqueue" \
    "$(j '[.spools[] | select(.path == "/var/spool/mqueue")] | length')" 0
check_eq "[spool PATH] custom spool and its policy" \
    "$(j '.spools[] | select(.path == "/srv/extra-queue") | "\(.role) \(.expected.owner):\(.expected.group) \(.expected.mode) \(.mode) \(.writable_by_mta)"')" \
    "custom smmsp:mail 0770 0750 true"
check_eq "[spool PATH] custom mode mismatch is spool.permissions" \
    "$(f spool.permissions /srv/extra-queue .remedy)" \
    "chown smmsp:mail /srv/extra-queue && chmod 0770 /srv/extra-queue"

# A bad [spool PATH] section is a configuration error (exit 2).
printf '[spool relative/path]\nmode = 0700\n' >"$tmp/bad.conf"
"$AGENT" --config "$tmp/bad.conf" --check-config >/dev/null 2>"$tmp/bad.err"
check_eq "relative [spool PATH]: exit 2" "$?" 2
check "relative [spool PATH]: names the line" grep -q 'bad.conf:1' "$tmp/bad.err"
printf '[spool /x]\nrole = queue\n' >"$tmp/bad.conf"
"$AGENT" --config "$tmp/bad.conf" --check-config >/dev/null 2>"$tmp/bad.err"
check_eq "unknown role: exit 2" "$?" 2

# --- postfix (Debian) -----------------------------------------------------
run healthy-postfix "$tmp/empty.conf" "$tmp/p.json"
check_eq "postfix: agent exits 0" "$?" 0
j() { jq -r "$1" "$tmp/p.json"; }
check_eq "postfix: spools and roles" \
    "$(j '[.spools[] | "\(.path)=\(.role)"] | join(" ")')" \
    "/var/spool/postfix/maildrop=postfix_maildrop /var/spool/postfix/incoming=postfix_incoming /var/spool/postfix/active=postfix_active /var/spool/postfix/deferred=postfix_deferred /var/spool/postfix/hold=postfix_hold /var/spool/postfix/corrupt=postfix_corrupt /var/mail=mailbox"
check_eq "postfix: maildrop postfix:postdrop 0730" \
    "$(j '.spools[0] | "\(.owner):\(.group) \(.mode) \(.writable_by_mta) \(.writer.group)"')" \
    "postfix:postdrop 0730 true postdrop"
check_eq "postfix: Debian's /var/mail 2775" \
    "$(j '.spools[] | select(.role == "mailbox") | "\(.mode) \(.ok)"')" "2775 true"
check_eq "postfix: the /var/spool/mail symlink is not listed twice" \
    "$(j '[.spools[] | select(.path == "/var/spool/mail")] | length')" 0
check_eq "postfix: every spool ok" "$(j '[.spools[] | .ok] | all')" true
check_eq "postfix: by_prefix is empty for postfix queues" \
    "$(j '.spools[0].by_prefix | length')" 0
check_eq "postfix: mta" \
    "$(j '.mta | "\(.kind) \(.detected_by) \(.daemon_running) \(.smtp_listening) \(.daemon_pid)"')" \
    "postfix etc/postfix/main.cf true true 901"
check_eq "postfix: no spool/fs/mta finding" \
    "$(j '[.findings[] | select(.code | test("^(spool|fs|mta)\\."))] | length')" 0

# The report holds to schema/report.schema.json.
check "s.json: valid against the report schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$tmp/s.json"

# The report holds to schema/report.schema.json.
check "p.json: valid against the report schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$tmp/p.json"
