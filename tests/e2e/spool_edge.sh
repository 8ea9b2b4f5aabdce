#!/bin/sh
# spool_edge.sh - spools that are symbolic links (followed below --root
# only), files, missing or looping; a missing etc/group; a file name with
# a newline; an unreadable directory (the agent run as nobody) that must
# become an errors[] entry while the cycle goes on.
. "$(dirname "$0")/lib.sh"

# jqe FILTER FILE: jq -e without its output (check prints the verdict).
jqe() { jq -e "$@" >/dev/null; }

tmp=$(e2e_tmp)
mkdir -p "$tmp/state"
root=$tmp/root
if ! sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-sendmail "$root" \
    >"$tmp/mk.log" 2>&1; then
	not_ok "mkroot.sh healthy-sendmail"
	sed 's/^/# /' "$tmp/mk.log"
	exit 1
fi
# clientmqueue -> /srv/cmq (absolute: resolved inside the root)
mkdir -p "$root/srv/cmq" "$root/tmp"
chown 51:51 "$root/srv/cmq"
chmod 0770 "$root/srv/cmq"
rmdir "$root/var/spool/clientmqueue"
ln -s /srv/cmq "$root/var/spool/clientmqueue"
printf 'V8\n.\n' >"$root/srv/cmq/qfnewline
name"
# mqueue is a file; the mail spool is missing
rmdir "$root/var/spool/mqueue"
echo 'not a directory' >"$root/var/spool/mqueue"
rm -rf "$root/var/spool/mail"
# a link that climbs out of the root lands on the root's own /tmp
touch "$root/tmp/a" "$root/tmp/b"
ln -s ../../../../../../../../tmp "$root/srv/escape"
ln -s loop "$root/srv/loop"
cat >"$tmp/agent.conf" <<'CONF'
[spool /srv/escape]
[spool /srv/loop]
CONF

"$AGENT" --config "$tmp/agent.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r.json" 2>"$tmp/err"
check_eq "agent exits 0" "$?" 0
j() { jq -r "$1" "$tmp/r.json"; }
f() { j ".findings[] | select(.code == \"$1\" and .subject == \"$2\") | $3"; }
s() { j ".spools[] | select(.path == \"$1\") | $2"; }

check_eq "symlinked spool: reported under its own path" \
    "$(s /var/spool/clientmqueue '"\(.exists) \(.type) \(.symlink_target)"')" \
    "true directory /srv/cmq"
check_eq "symlinked spool: the target's owner and mode" \
    "$(s /var/spool/clientmqueue '"\(.owner):\(.group) \(.mode) \(.ok)"')" \
    "smmsp:smmsp 0770 true"
check_eq "a name with a newline is counted" \
    "$(s /var/spool/clientmqueue '"\(.entries) \(.by_prefix.qf)"')" "1 1"
check_eq "spool that is a file" \
    "$(s /var/spool/mqueue '"\(.exists) \(.type) \(.ok) \(.entries)"')" \
    "true file false null"
check_eq "spool that is a file: spool.missing critical" \
    "$(f spool.missing /var/spool/mqueue .severity)" critical
check_eq "missing mail spool: listed, not there" \
    "$(s /var/spool/mail '"\(.exists) \(.role)"')" "false mailbox"
check_eq "missing mail spool: spool.missing with mkdir" \
    "$(f spool.missing /var/spool/mail .remedy)" \
    "mkdir -p /var/spool/mail && chown root:mail /var/spool/mail && chmod 0775 /var/spool/mail"
check_eq "escaping link stays in the root" \
    "$(s /srv/escape '"\(.symlink_target) \(.entries)"')" "/tmp 2"
check_eq "link loop: not found, with the reason" \
    "$(s /srv/loop '"\(.exists) \(.error)"')" \
    "false Too many levels of symbolic links"
check "link loop: an errors[] entry" \
    jqe '[.errors[] | select(.source == "/srv/loop")] | length == 1' \
    "$tmp/r.json"
check_eq "link loop: no finding (unknown is not missing)" \
    "$(j '[.findings[] | select(.subject == "/srv/loop")] | length')" 0

# No etc/group: names unknown, ids still there, one error, no crash.
mv "$root/etc/group" "$root/etc/group.away"
"$AGENT" --config "$tmp/agent.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r2.json" 2>"$tmp/err2"
check_eq "missing etc/group: agent exits 0" "$?" 0
check_eq "missing etc/group: the group as a number, gid kept" \
    "$(jq -r '.spools[] | select(.path == "/var/spool/clientmqueue") | "\(.group) \(.gid) \(.owner)"' "$tmp/r2.json")" \
    "51 51 smmsp"
check "missing etc/group: an errors[] entry names it" \
    jqe '[.errors[] | select(.error | test("etc/group"))] | length >= 1' \
    "$tmp/r2.json"
mv "$root/etc/group.away" "$root/etc/group"

# An image without proc/: the MTA's state is unknown, so mail waiting is
# no mta.down, and the report says why once.
mv "$root/proc" "$root/proc.away"
"$AGENT" --config "$tmp/agent.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r4.json" 2>"$tmp/err4"
check_eq "no proc/: daemon_running and smtp_listening unknown" \
    "$(jq -r '.mta | "\(.kind) \(.daemon_running) \(.smtp_listening)"' "$tmp/r4.json")" \
    "sendmail null null"
check_eq "no proc/: mail waits but no mta.down" \
    "$(jq -r '"\([.spools[].queued // 0] | add) \([.findings[] | select(.code == "mta.down")] | length)"' "$tmp/r4.json")" \
    "1 0"
check "no proc/: one errors[] entry" \
    jqe '[.errors[] | select(.source == "/proc")] | length == 1' "$tmp/r4.json"
mv "$root/proc.away" "$root/proc"

# A spool on a network filesystem (the root's own mount table says so) is
# not touched unless [inodes] check_network = yes: a dead server would hang.
mkdir -p "$root/proc/self" "$root/var/spool/mail"
chown 0:12 "$root/var/spool/mail"
chmod 0775 "$root/var/spool/mail"
printf '/dev/sda1 / ext4 rw 0 0\nfiler:/mail /var/spool/mail nfs4 rw 0 0\n' \
    >"$root/proc/self/mounts"
"$AGENT" --config "$tmp/agent.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r5.json" 2>"$tmp/err5"
check_eq "network spool: not checked, and why" \
    "$(jq -r '.spools[] | select(.path == "/var/spool/mail") | "\(.exists) \(.error)"' "$tmp/r5.json")" \
    "false on a network filesystem (nfs4): not checked ([inodes] check_network = no)"
check_eq "network spool: no finding" \
    "$(jq -r '[.findings[] | select(.subject == "/var/spool/mail")] | length' "$tmp/r5.json")" 0
{ cat "$tmp/agent.conf"; printf '[inodes]\ncheck_network = yes\n'; } >"$tmp/net.conf"
"$AGENT" --config "$tmp/net.conf" --state-dir "$tmp/state" --once --stdout --root "$root" \
    >"$tmp/r6.json" 2>"$tmp/err6"
check_eq "network spool with check_network = yes: checked" \
    "$(jq -r '.spools[] | select(.path == "/var/spool/mail") | "\(.exists) \(.ok)"' "$tmp/r6.json")" \
    "true true"
rm -rf "$root/proc/self"

# Unreadable directory: run as nobody, clientmqueue (0770 smmsp) cannot be
# opened; the cycle goes on and reports it.
if command -v setpriv >/dev/null 2>&1; then
	chmod 0755 "$(dirname "$tmp")" "$tmp" "$root"
	mkdir -p "$tmp/state"
	chown 65534:65534 "$tmp/state"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$AGENT" --config "$tmp/agent.conf" --state-dir "$tmp/state" \
	    --once --stdout --root "$root" \
	    >"$tmp/r3.json" 2>"$tmp/err3"
	check_eq "unreadable: agent exits 0" "$?" 0
	check "unreadable: errors[] entry for the directory" \
	    jqe '[.errors[] | select(.source == "/var/spool/clientmqueue" and (.error | test("Permission denied")))] | length == 1' \
	    "$tmp/r3.json"
	check_eq "unreadable: owner and mode still reported, entries unknown" \
	    "$(jq -r '.spools[] | select(.path == "/var/spool/clientmqueue") | "\(.owner) \(.mode) \(.entries) \(.ok)"' "$tmp/r3.json")" \
	    "smmsp 0770 null false"
	check_eq "unreadable: the other spools still checked" \
	    "$(jq -r '.spools[] | select(.path == "/srv/escape") | .entries' "$tmp/r3.json")" 2
else
	ok "# SKIP setpriv not installed"
fi

# The report holds to schema/report.schema.json.
check "r.json: valid against the report schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$tmp/r.json"
