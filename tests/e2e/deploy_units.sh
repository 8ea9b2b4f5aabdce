#!/bin/sh
# deploy_units.sh - the systemd units pass systemd-analyze verify and carry
# the hardening the agent and collector rely on; the unit's ExecStart runs
# the real agent the way systemd would (unprivileged, CAP_DAC_READ_SEARCH
# only) and it reads a 0770 queue directory it does not own; the man
# pages render without warnings; every shell script under deploy/ is
# clean under shellcheck.
. "$(dirname "$0")/lib.sh"
top=$SPOOLWATCH_TOP
BINDIR=$(cd "$BINDIR" && pwd)
t=$(e2e_tmp)

# --- systemd-analyze verify ----------------------------------------------
# PID 1 is not systemd here: verify loads the units offline.  The binaries
# are pointed at this build (verify checks that ExecStart is executable);
# Documentation= man pages are checked below with man itself.
for u in spoolwatch-agent spoolwatch-collector; do
	sed "s|/usr/bin/$u|$BINDIR/$u|g" "$top/deploy/systemd/$u.service" \
	    >"$t/$u.service"
	if out=$(systemd-analyze verify --man=no "$t/$u.service" 2>&1); then
		ok "systemd-analyze verify $u.service"
	else
		not_ok "systemd-analyze verify $u.service: $out"
	fi
	for m in $(sed -n 's/^Documentation=//p' "$t/$u.service"); do
		page=${m#man:}
		name=${page%(*}
		sec=${page#*(}
		sec=${sec%)}
		check "$u Documentation $m exists in deploy/man" \
		    test -f "$top/deploy/man/$name.$sec"
	done
done

a=spoolwatch-agent c=spoolwatch-collector
for kv in Type=simple User=spoolwatch ProtectSystem=strict \
    NoNewPrivileges=yes PrivateTmp=yes ReadWritePaths=/var/lib/spoolwatch \
    StateDirectory=spoolwatch CapabilityBoundingSet=CAP_DAC_READ_SEARCH \
    AmbientCapabilities=CAP_DAC_READ_SEARCH ProtectHome=read-only \
    ExecReload=/bin/kill\ -HUP\ \$MAINPID RestartPreventExitStatus=2; do
	check "$a.service has $kv" grep -qxF "$kv" "$t/$a.service"
done
for kv in User=spoolwatch ProtectSystem=strict NoNewPrivileges=yes \
    PrivateTmp=yes StateDirectory=spoolwatch-collector \
    WorkingDirectory=/var/lib/spoolwatch-collector \
    ReadWritePaths=/var/lib/spoolwatch-collector CapabilityBoundingSet=; do
	check "$c.service has $kv" grep -qxF "$kv" "$t/$c.service"
done
# systemd's own exposure score (0-10, lower is better) stays at "OK": the
# agent 2.0 or less (it needs the network, CAP_DAC_READ_SEARCH and other
# users' /proc for the MTA check), the collector 1.5 or less.
for ut in "$a 20" "$c 15"; do
	set -- $ut
	out=$(systemd-analyze security --offline=true --threshold="$2" \
	    --no-pager "$t/$1.service" 2>&1)
	rc=$?
	score=$(echo "$out" | sed -n 's/.*Overall exposure level for [^:]*: //p')
	check_eq "systemd-analyze security: $1 exposure <= $2/100 ($score)" "$rc" 0
done
# A reload must validate before it signals.
check "$a ExecReload runs --check-config first" sh -c \
    "grep '^ExecReload=' '$t/$a.service' | head -1 | grep -q -- --check-config"

# --- ExecStart the way the unit runs it ----------------------------------
# The unit's user has CAP_DAC_READ_SEARCH as its only capability: with it
# the agent reads root's 0600 mailbox; the same user without it cannot,
# and says so in errors[] (the agent never needs to be root).
exec_line=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$t/$a.service" |
    sed 's/^ExecStart=//; s/\\$//' | tr -s ' \n' '  ')
case $exec_line in
"$BINDIR/spoolwatch-agent --config /etc/spoolwatch/agent.conf --state-dir /var/lib/spoolwatch"*)
	ok "ExecStart runs the agent with its config and state dir" ;;
*) not_ok "ExecStart is '$exec_line'" ;;
esac
root=$t/root
mkdir -p "$root/etc" "$root/var/spool/mail" "$t/state"
# The unprivileged runs below must reach their files.
chmod 0711 "$(dirname "$t")"
chmod 0755 "$t"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
echo unit-host >"$root/etc/hostname"
printf '%s\n' 'From cron@unit-host Sat Nov 28 10:00:00 2026' \
    'From: Cron Daemon <root@unit-host>' \
    'Subject: Cron <root@unit-host> /bin/freemem.py' '' 'output' '' \
    >"$root/var/spool/mail/root"
chmod 0600 "$root/var/spool/mail/root"
chown nobody "$t/state"
chmod 0700 "$t/state"
: >"$t/agent.conf"
chmod 0644 "$t/agent.conf"
# run_unprivileged SETPRIV-CAPABILITY-FLAGS...: the agent as the unit's
# kind of user (nobody here), the unit's flags plus a bounded --once.
run_unprivileged() {
	timeout 60 setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    --no-new-privs "$@" "$BINDIR/spoolwatch-agent" \
	    --config "$t/agent.conf" --state-dir "$t/state" --once --stdout \
	    --root "$root" --hostname unit-host >"$t/report.json" \
	    2>"$t/err" </dev/null
}
run_unprivileged --inh-caps=-all,+dac_read_search \
    --ambient-caps=-all,+dac_read_search --bounding-set=-all,+dac_read_search
check_eq "agent as the unit runs it (CAP_DAC_READ_SEARCH) exits 0" "$?" 0
check_eq "with CAP_DAC_READ_SEARCH it reads root's 0600 mailbox" \
    "$(jq -r '[.mail.mailboxes[] | select(.user == "root") | .messages]
        | first' "$t/report.json" 2>/dev/null)" 1
run_unprivileged --inh-caps=-all --bounding-set=-all
check_eq "without the capability the agent still exits 0" "$?" 0
check "without it, errors[] says the mailbox could not be read" sh -c \
    "jq -e '[.errors[] | select(.source | endswith(\"/var/spool/mail/root\"))]
        | length == 1' '$t/report.json' >/dev/null"

# --- man pages -----------------------------------------------------------
for m in "$top"/deploy/man/*.[58]; do
	w=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$m" 2>&1 >/dev/null)
	check_eq "man -l ${m##*/} renders without warnings" "$w" ""
	lines=$(MANWIDTH=80 man -l "$m" 2>/dev/null | wc -l)
	check "man -l ${m##*/} has content" test "$lines" -gt 40
done

# --- shellcheck ----------------------------------------------------------
for s in "$top"/deploy/sysvinit/spoolwatch-agent \
    "$top"/deploy/sysvinit/spoolwatch-collector "$top"/deploy/deb/*.sh \
    "$top"/deploy/deb/*.postinst "$top"/deploy/deb/*.prerm \
    "$top"/deploy/deb/*.postrm; do
	if out=$(shellcheck -s sh "$s" 2>&1); then
		ok "shellcheck ${s#"$top"/}"
	else
		not_ok "shellcheck ${s#"$top"/}: $out"
	fi
done
# The settings files are sourced by the scripts: shell syntax.
for s in "$top"/deploy/sysvinit/*.sysconfig; do
	check "sh -n ${s##*/}" sh -n "$s"
done

# --- spoolwatch.conf(5) documents every configuration key -----------------
# The keys: every cfg_def table entry of the agent and the collector.
keys=$(cat "$top"/agent/*.c "$top"/collector/*.c |
    sed -n 's/^[[:space:]]*{"\([a-z_][a-z0-9_]*\)", CFG_.*/\1/p' | sort -u)
# The documented ones: the words of every .TP heading line.
awk 'prev == ".TP" { print } { prev = $0 }' "$top/deploy/man/spoolwatch.conf.5" |
    tr -c 'a-z0-9_\n' ' ' | tr ' ' '\n' | sort -u >"$t/documented"
missing=""
for k in $keys; do
	grep -qx "$k" "$t/documented" || missing="$missing $k"
done
check "there are configuration keys to document" test -n "$keys"
check_eq "spoolwatch.conf(5) documents every configuration key" "$missing" ""

# --- the man pages name every flag --help names -----------------------------
for prog in spoolwatch-agent spoolwatch-collector; do
	flags=$("$BINDIR/$prog" --help 2>/dev/null |
	    grep -o -- '--[a-z][a-z-]*' | sort -u)
	missing=""
	for f in $flags; do
		esc=$(echo "$f" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$top/deploy/man/$prog.8" || missing="$missing $f"
	done
	check "$prog --help lists flags" test -n "$flags"
	check_eq "$prog(8) documents every flag of --help" "$missing" ""
done
