#!/bin/sh
# spool_incident.sh - the SPEC's incident root (tests/mkroot.sh incident):
# clientmqueue root:root 0755 with a bloated directory, orphans and an old
# queue, no sendmail, nothing on 127.0.0.1:25.  The report's spools[], mta
# and findings are checked field by field.
. "$(dirname "$0")/lib.sh"

# jqe FILTER FILE: jq -e without its output (check prints the verdict).
jqe() { jq -e "$@" >/dev/null; }

tmp=$(e2e_tmp)
mkdir -p "$tmp/state"
root=$tmp/root
if ! sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$root" >"$tmp/mk.log" 2>&1
then
	not_ok "mkroot.sh incident"
	sed 's/^/# /' "$tmp/mk.log"
	exit 1
fi
: >"$tmp/empty.conf"
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r.json" 2>"$tmp/err"
check_eq "agent exits 0" "$?" 0
check "report is a JSON object" jqe "type == \"object\"" "$tmp/r.json"

cq='.spools[] | select(.path == "/var/spool/clientmqueue")'
j() { jq -r "$1" "$tmp/r.json"; }
check_eq "clientmqueue listed once" "$(j "[$cq] | length")" 1
check_eq "clientmqueue role" "$(j "$cq | .role")" msp_queue
check_eq "clientmqueue exists" "$(j "$cq | .exists")" true
check_eq "clientmqueue owner" "$(j "$cq | .owner")" root
check_eq "clientmqueue group" "$(j "$cq | .group")" root
check_eq "clientmqueue uid/gid" "$(j "$cq | \"\(.uid)/\(.gid)\"")" 0/0
check_eq "clientmqueue mode" "$(j "$cq | .mode")" 0755
check_eq "clientmqueue expected" \
    "$(j "$cq | .expected | \"\(.owner):\(.group) \(.mode)\"")" \
    "smmsp:smmsp 0770"
check_eq "clientmqueue not writable by smmsp" \
    "$(j "$cq | .writable_by_mta")" false
check_eq "the MSP's RunAsUser from submit.cf" "$(j "$cq | .writer.user")" \
    smmsp
check_eq "clientmqueue ok" "$(j "$cq | .ok")" false
# other parts of mkroot.sh may queue more mail: count what is there
nqf=$(ls -A "$root/var/spool/clientmqueue" | grep -c '^qf')
ndf=$(ls -A "$root/var/spool/clientmqueue" | grep -c '^df')
check "at least the old message and the three orphans" \
    test "$nqf" -ge 1 -a "$ndf" -ge 4
check_eq "qf count" "$(j "$cq | .by_prefix.qf")" "$nqf"
check_eq "df count" "$(j "$cq | .by_prefix.df")" "$ndf"
check_eq "queued" "$(j "$cq | .queued")" "$nqf"
check_eq "entries" "$(j "$cq | .entries")" "$(ls -A "$root/var/spool/clientmqueue" | wc -l)"
check_eq "orphans" "$(j "$cq | .orphans")" 3
check_eq "orphans exact" "$(j "$cq | .orphans_exact")" true
# the old message's queue id says 2014-08-12 03:02:00 UTC
collected=$(j '.collected_at')
want_age=$(( $(date -u -d "$collected" +%s) - 1407812520 ))
check_eq "oldest_age_s from the queue id" "$(j "$cq | .oldest_age_s")" \
    "$want_age"
check_eq "no stat was needed for the ages" "$(j "$cq | .scan.stats")" 0
check_eq "dir_size_bytes is st_size" "$(j "$cq | .dir_size_bytes")" \
    "$(stat -c %s "$root/var/spool/clientmqueue")"
check "the directory is bloated (over 1 MiB)" \
    test "$(j "$cq | .dir_size_bytes")" -gt 1048576

mq='.spools[] | select(.path == "/var/spool/mqueue")'
check_eq "mqueue root:mail 0700 as packaged" \
    "$(j "$mq | \"\(.owner):\(.group) \(.mode) \(.ok)\"")" \
    "root:mail 0700 true"
check_eq "mail spool root:mail 0775" \
    "$(j '.spools[] | select(.path == "/var/spool/mail") | "\(.role) \(.owner):\(.group) \(.mode) \(.ok)"')" \
    "mailbox root:mail 0775 true"
check_eq "no postfix or Debian paths checked" \
    "$(j '[.spools[] | select(.path | test("postfix|mqueue-client|/var/mail$"))] | length')" 0

check_eq "mta kind" "$(j '.mta.kind')" sendmail
check_eq "mta daemon_running" "$(j '.mta.daemon_running')" false
check_eq "mta smtp_listening (sshd on 22 does not count)" \
    "$(j '.mta.smtp_listening')" false

f() { j ".findings[] | select(.code == \"$1\" and .subject == \"$2\") | $3"; }
check_eq "spool.not_writable_by_mta critical" \
    "$(f spool.not_writable_by_mta /var/spool/clientmqueue .severity)" critical
check_eq "spool.not_writable_by_mta remedy" \
    "$(f spool.not_writable_by_mta /var/spool/clientmqueue .remedy)" \
    "chown smmsp:smmsp /var/spool/clientmqueue && chmod 0770 /var/spool/clientmqueue"
check_eq "spool.not_writable_by_mta evidence" \
    "$(f spool.not_writable_by_mta /var/spool/clientmqueue '.evidence | "\(.uid) \(.gid) \(.mode) \(.writer_user)"')" \
    "0 0 0755 smmsp"
check_eq "spool.permissions warning" \
    "$(f spool.permissions /var/spool/clientmqueue .severity)" warning
check_eq "spool.orphans evidence" \
    "$(f spool.orphans /var/spool/clientmqueue .evidence.orphans)" 3
check_eq "spool.stale critical (years old)" \
    "$(f spool.stale /var/spool/clientmqueue .severity)" critical
check_eq "spool.bloated_dir" \
    "$(f spool.bloated_dir /var/spool/clientmqueue .evidence.entries)" \
    "$(j "$cq | .entries")"
check "spool.bloated_dir remedy recreates the directory" \
    sh -c "jq -r '.findings[] | select(.code == \"spool.bloated_dir\") | .remedy' '$tmp/r.json' | grep -q 'mkdir /var/spool/clientmqueue.new && chown smmsp:smmsp'"
check_eq "mta.down subject" "$(f mta.down sendmail .severity)" critical
check_eq "mta.down evidence: the waiting message" \
    "$(f mta.down sendmail '.evidence.queued_by_spool["/var/spool/clientmqueue"]')" "$nqf"
check_eq "mta.down remedy: RHEL 5 is SysV, sendmail not enabled at boot" \
    "$(f mta.down sendmail .remedy)" "chkconfig sendmail on && service sendmail start"
check_eq "no spool finding on the healthy mqueue" \
    "$(j '[.findings[] | select(.subject == "/var/spool/mqueue")] | length')" 0
check_eq "no errors from these collectors" \
    "$(j '[.errors[] | select(.source | test("spool|mqueue|mta|accounts|proc|mounts"))] | length')" 0

# sendmail enabled in runlevel 3 (an S link): start it, nothing to enable
mkdir -p "$root/etc/rc.d/rc3.d"
ln -s ../init.d/sendmail "$root/etc/rc.d/rc3.d/S80sendmail"
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r3.json" 2>"$tmp/err3"
check_eq "mta.down remedy: enabled at boot, only started" \
    "$(jq -r '.findings[] | select(.code == "mta.down") | .remedy' "$tmp/r3.json")" \
    "service sendmail start"
rm -r "$root/etc/rc.d"

# The agent changed nothing.
check_eq "clientmqueue still root:root 0755" \
    "$(stat -c '%u:%g %a' "$root/var/spool/clientmqueue")" "0:0 755"

# The report holds to schema/report.schema.json.
check "r.json: valid against the report schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$tmp/r.json"
