#!/bin/sh
# spool_broken_postfix.sh - tests/mkroot.sh broken-postfix: maildrop 0700
# (postdrop cannot write), 150 messages deferred for ten days in hashed
# subdirectories, master not running.
. "$(dirname "$0")/lib.sh"

tmp=$(e2e_tmp)
mkdir -p "$tmp/state"
root=$tmp/root
if ! sh "$SPOOLWATCH_TOP/tests/mkroot.sh" broken-postfix "$root" \
    >"$tmp/mk.log" 2>&1; then
	not_ok "mkroot.sh broken-postfix"
	sed 's/^/# /' "$tmp/mk.log"
	exit 1
fi
: >"$tmp/empty.conf"
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r.json" 2>"$tmp/err"
check_eq "agent exits 0" "$?" 0
j() { jq -r "$1" "$tmp/r.json"; }
f() { j ".findings[] | select(.code == \"$1\" and .subject == \"$2\") | $3"; }
md='.spools[] | select(.role == "postfix_maildrop")'
df='.spools[] | select(.role == "postfix_deferred")'
check_eq "maildrop postfix:postdrop 0700" \
    "$(j "$md | \"\(.owner):\(.group) \(.mode)\"")" "postfix:postdrop 0700"
check_eq "maildrop not writable by the postdrop group" \
    "$(j "$md | .writable_by_mta")" false
check_eq "spool.not_writable_by_mta on maildrop" \
    "$(f spool.not_writable_by_mta /var/spool/postfix/maildrop '"\(.severity) \(.remedy)"')" \
    "critical chown postfix:postdrop /var/spool/postfix/maildrop && chmod 0730 /var/spool/postfix/maildrop"
check_eq "deferred: the hashed subdirectories are walked" \
    "$(j "$df | \"\(.entries) \(.queued)\"")" "150 150"
check_eq "deferred: arrival time from the T records (ten days)" \
    "$(j "$df | .oldest_age_s >= 864000 and .oldest_age_s < 864000 + 600")" true
check_eq "deferred: one T record read per file, no more" "$(j "$df | .scan.stats")" 150
check_eq "spool.backlog warning at 150" \
    "$(f spool.backlog /var/spool/postfix/deferred '"\(.severity) \(.evidence.queued) \(.remedy)"')" \
    "warning 150 postqueue -p && postqueue -f"
check_eq "spool.stale critical at ten days" \
    "$(f spool.stale /var/spool/postfix/deferred .severity)" critical
check_eq "mta: postfix, master not running" \
    "$(j '.mta | "\(.kind) \(.daemon_running) \(.smtp_listening)"')" \
    "postfix false false"
check_eq "mta.down: a systemd host, postfix not enabled at boot: enable and start" "$(f mta.down postfix '"\(.severity) \(.evidence.queued) \(.remedy)"')" \
    "critical 150 systemctl enable postfix && systemctl start postfix"
check_eq "no finding on the healthy postfix dirs" \
    "$(j '[.findings[] | select(.subject | test("incoming|active|hold|corrupt"))] | length')" 0

# The report holds to schema/report.schema.json.
check "r.json: valid against the report schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$tmp/r.json"
