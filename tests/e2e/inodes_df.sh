#!/bin/sh
# inodes_df.sh - filesystems[] against df -i and df -B1 on the same mount;
# fs.inodes_high at the warning and critical thresholds (a tmpfs with few
# inodes); --root restricted to the mounts below the root; bind mounts
# once; pseudo filesystems never; network filesystems skipped by default
# and measured in a child when check_network = yes.
. "$(dirname "$0")/lib.sh"

jqe() { jq -e "$@" >/dev/null; }
tmp=$(e2e_tmp)
mkdir -p "$tmp/state"
: >"$tmp/empty.conf"

# --- the live host: every reported filesystem's total against df -i -----
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout >"$tmp/live.json" \
    2>"$tmp/live.err"
check_eq "live: agent exits 0" "$?" 0
check "live: at least one filesystem" jqe '.filesystems | length >= 1' \
    "$tmp/live.json"
check "live: no pseudo filesystem" \
    jqe '[.filesystems[] | select(.fstype | test("^(proc|sysfs|devpts|cgroup2?|mqueue)$"))] | length == 0' \
    "$tmp/live.json"
check "live: each mount point once" \
    jqe '[.filesystems[].mount] | length == (unique | length)' "$tmp/live.json"
bad=""
for m in $(jq -r '.filesystems[] | select(.mount | test("^[[:graph:]]+$")) | .mount' "$tmp/live.json"); do
	want=$(df --output=itotal "$m" 2>/dev/null | tail -n 1 | tr -d ' ')
	got=$(jq -r --arg m "$m" '.filesystems[] | select(.mount == $m) | .inodes_total' "$tmp/live.json")
	[ "$want" = "$got" ] || bad="$bad $m($got!=$want)"
done
check_eq "live: inodes_total equals df -i for every mount" "$bad" ""

# --- a quiet tmpfs: every figure equals df's ------------------------------
mnt=$tmp/mnt
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=4m,nr_inodes=200 spoolwatch-test "$mnt" \
    2>"$tmp/mount.err"; then
	ok "# SKIP cannot mount a tmpfs: $(cat "$tmp/mount.err")"
	exit 0
fi
at_exit "umount '$mnt' 2>/dev/null; umount '$tmp/bind' 2>/dev/null; umount '$tmp/root/var/spool' 2>/dev/null"
i=0
while [ $i -lt 150 ]; do : >"$mnt/f$i"; i=$((i + 1)); done
head -c 100000 /dev/zero >"$mnt/big"
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout >"$tmp/t.json" \
    2>"$tmp/t.err"
row() { jq -r --arg m "$mnt" ".filesystems[] | select(.mount == \$m) | $1" "$tmp/t.json"; }
df_i=$(df --output=itotal,iused,iavail,ipcent "$mnt" | tail -n 1 | tr -s ' ' | sed 's/^ //')
check_eq "tmpfs: inodes total used free pct = df -i" \
    "$(row '"\(.inodes_total) \(.inodes_used) \(.inodes_free) \(.inodes_used_pct)%"')" \
    "$df_i"
df_b=$(df -B1 --output=size,used,avail "$mnt" | tail -n 1 | tr -s ' ' | sed 's/^ //')
check_eq "tmpfs: bytes total used free = df -B1 size used avail" \
    "$(row '"\(.bytes_total) \(.bytes_used) \(.bytes_free)"')" "$df_b"
check_eq "tmpfs: device and type" "$(row '"\(.device) \(.fstype)"')" \
    "spoolwatch-test tmpfs"
f() { jq -r --arg m "$mnt" ".findings[] | select(.code == \"fs.inodes_high\" and .subject == \$m) | $1" "$2"; }
check_eq "tmpfs at 76%: no fs.inodes_high" "$(f .severity "$tmp/t.json")" ""

while [ $i -lt 175 ]; do : >"$mnt/f$i"; i=$((i + 1)); done
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout >"$tmp/w.json" 2>&1
check_eq "tmpfs at 89%: fs.inodes_high warning" \
    "$(f '"\(.severity) \(.evidence.inodes_used_pct)"' "$tmp/w.json")" \
    "warning $(df --output=ipcent "$mnt" | tail -n 1 | tr -d ' %')"
while [ $i -lt 195 ]; do : >"$mnt/f$i"; i=$((i + 1)); done
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout >"$tmp/c.json" 2>&1
check_eq "tmpfs at 99%: fs.inodes_high critical" \
    "$(f .severity "$tmp/c.json")" critical
check "fs.inodes_high remedy names the mount" \
    sh -c "jq -r '.findings[] | select(.code == \"fs.inodes_high\") | .remedy' '$tmp/c.json' | grep -qF 'find $mnt -xdev'"
printf '[inodes]\nwarning = 99.5\ncritical = 100\n' >"$tmp/hi.conf"
"$AGENT" --config "$tmp/hi.conf" --state-dir "$tmp/state" --once --stdout >"$tmp/hi.json" 2>&1
check_eq "thresholds from agent.conf" "$(f .severity "$tmp/hi.json")" ""

# --- a bind mount is the same filesystem: reported once ------------------
mkdir -p "$tmp/bind"
if mount --bind "$mnt" "$tmp/bind" 2>/dev/null; then
	"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout >"$tmp/b.json" 2>&1
	check_eq "bind mount: one entry, the first of equal length" \
	    "$(jq -r --arg a "$mnt" --arg b "$tmp/bind" '[.filesystems[] | select(.mount == $a or .mount == $b)] | length' "$tmp/b.json")" 1
	umount "$tmp/bind"
else
	ok "# SKIP mount --bind not permitted"
fi

# --- --root: the root's filesystem is "/", mounts below it by their path --
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-sendmail "$tmp/root" \
    >"$tmp/mk.log" 2>&1
mount -t tmpfs -o size=4m,nr_inodes=20 spoolwatch-spool "$tmp/root/var/spool"
mkdir -p "$tmp/root/var/spool/clientmqueue"
chown 51:51 "$tmp/root/var/spool/clientmqueue"
chmod 0770 "$tmp/root/var/spool/clientmqueue"
i=0
while [ $i -lt 18 ]; do : >"$tmp/root/var/spool/clientmqueue/xf$i"; i=$((i + 1)); done
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout --root "$tmp/root" \
    >"$tmp/r.json" 2>&1
check_eq "--root: the mounts below the root, by their host path" \
    "$(jq -r '[.filesystems[].mount] | sort | join(" ")' "$tmp/r.json")" \
    "/ /var/spool"
check_eq "--root: / is the filesystem holding the root" \
    "$(jq -r '.filesystems[] | select(.mount == "/") | .inodes_total' "$tmp/r.json")" \
    "$(df --output=itotal "$tmp/root" | tail -n 1 | tr -d ' ')"
check_eq "--root: fs.inodes_high names the spools on it" \
    "$(jq -r '.findings[] | select(.code == "fs.inodes_high") | "\(.subject) \(.severity) \(.evidence.spools | join(","))"' "$tmp/r.json")" \
    "/var/spool critical /var/spool/clientmqueue,/var/spool/mqueue,/var/spool/mail"
umount "$tmp/root/var/spool"

# --- an image's own mount table: pseudo skipped, network skipped ----------
mkdir -p "$tmp/img/proc/self" "$tmp/img/mnt/nfs" "$tmp/img/data"
cat >"$tmp/img/proc/self/mounts" <<'M'
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
sysfs /sys sysfs rw 0 0
filer:/export /mnt/nfs nfs4 rw,vers=4.1 0 0
/dev/sdb1 /data\040disk xfs rw 0 0
/dev/sda1 /data ext4 rw,relatime 0 0
M
mkdir -p "$tmp/img/data disk"
"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once --stdout --root "$tmp/img" \
    >"$tmp/i.json" 2>&1
check_eq "image: the network mount is skipped, with the reason" \
    "$(jq -r '.filesystems_skipped[] | "\(.mount) \(.fstype)"' "$tmp/i.json")" \
    "/mnt/nfs nfs4"
check_eq "image: pseudo filesystems are not listed; an escaped blank" \
    "$(jq -r '[.filesystems[].mount] | sort | join(",")' "$tmp/i.json")" \
    "/,/data disk"
check_eq "image: /data is /dev/sda1 again (a bind mount): once" \
    "$(jq -r '[.filesystems[] | select(.mount == "/data")] | length' "$tmp/i.json")" 0
printf '[inodes]\ncheck_network = yes\nstatvfs_timeout = 5\n' >"$tmp/net.conf"
"$AGENT" --config "$tmp/net.conf" --state-dir "$tmp/state" --once --stdout --root "$tmp/img" \
    >"$tmp/n.json" 2>&1
check_eq "check_network = yes: measured in a child" \
    "$(jq -r '.filesystems[] | select(.mount == "/mnt/nfs") | "\(.fstype) \(.inodes_total > 0)"' "$tmp/n.json")" \
    "nfs4 true"

# The report holds to schema/report.schema.json.
check "i.json: valid against the report schema" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$tmp/i.json"
