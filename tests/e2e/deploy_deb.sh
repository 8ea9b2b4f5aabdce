#!/bin/sh
# deploy_deb.sh - "make deb" builds spoolwatch, spoolwatch-agent and
# spoolwatch-collector with dpkg-deb from the static binaries: no library
# dependency, stripped, in a format Debian 8's and Ubuntu 14.04's dpkg
# read, lintian clean (overrides carry their reasons).  They install into
# a scratch Debian root (deploy_root.inc) with dpkg run inside it, so the
# maintainer scripts run there: the user, the modes, the enablement, the
# packaged agent's --check-config as root, logrotate's reading of the
# logrotate files, removal and purge leaving the root as it was.  Then on
# this machine: config files as conffiles 0640 root:spoolwatch, the
# services enabled but not started; the packaged collector and agent
# (unprivileged, via the packaged init scripts: PID 1 is not systemd
# here) run and the report arrives; an upgrade restarts the running agent
# and keeps the edited configuration; removal stops the services and
# purge leaves the machine exactly as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lock.inc"
. "$(dirname "$0")/deploy_root.inc"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
B=${BUILD:-build}
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$B" "$@"; }
v=$(cat "$top/.version")-1
arch=$(dpkg --print-architecture)

deploy_lock
cleanup() {
	if [ -n "${root_proc:-}" ]; then
		_p=$(cat "$t/root/run/spoolwatch-agent.pid" 2>/dev/null)
		[ -n "$_p" ] && kill "$_p" 2>/dev/null
		umount -l "$root_proc"
	fi
	[ "${deploy_owned:-0}" = 1 ] || return 0
	for s in spoolwatch-agent spoolwatch-collector; do
		[ -x /etc/init.d/$s ] && /etc/init.d/$s stop >/dev/null 2>&1
	done
	dpkg --purge spoolwatch-agent spoolwatch-collector spoolwatch \
	    >/dev/null 2>&1
	deploy_restore
}
at_exit cleanup
deploy_clean_or_die "$t/before"

if mk deb PKGDIR="$t/pkg" >"$t/out" 2>&1; then
	ok "make deb"
else
	not_ok "make deb: $(tail -n 20 "$t/out")"
	exit 1
fi
common=$t/pkg/spoolwatch_${v}_all.deb
agent=$t/pkg/spoolwatch-agent_${v}_$arch.deb
coll=$t/pkg/spoolwatch-collector_${v}_$arch.deb
for p in "$common" "$agent" "$coll"; do
	check "built ${p##*/}" test -s "$p"
done

# --- the packages as files -------------------------------------------------
for p in "$agent" "$coll"; do
	n=${p##*/}
	check_eq "$n Depends on nothing but the same-version common package" \
	    "$(dpkg-deb -f "$p" Depends)" "spoolwatch (= $v)"
	dpkg-deb --fsys-tarfile "$p" | tar -xOf - "./usr/bin/${n%%_*}" >"$t/bin"
	check "$n: the binary is static (no program interpreter)" sh -c \
	    "! readelf -lW '$t/bin' | grep -q 'program interpreter'"
	check "$n: the binary is stripped" sh -c \
	    "! readelf -SW '$t/bin' | grep -q ' \.symtab '"
done
check_eq "common package Depends" "$(dpkg-deb -f "$common" Depends)" adduser
check_eq "common package is Architecture: all" \
    "$(dpkg-deb -f "$common" Architecture)" all
for p in "$common" "$agent" "$coll"; do
	check_eq "${p##*/}: members Debian 8 / Ubuntu 14.04's dpkg reads" \
	    "$(ar t "$p" | tr '\n' ' ')" "debian-binary control.tar.gz data.tar.xz "
done
check "Maintainer is not at localhost" sh -c \
    "! dpkg-deb -f '$agent' Maintainer | grep -q localhost"
mkdir -p "$t/ctl"
for p in "$common" "$agent" "$coll"; do
	n=${p##*/}
	rm -rf "$t/ctl/$n"
	dpkg-deb -e "$p" "$t/ctl/$n"
	for s in "$t/ctl/$n"/postinst "$t/ctl/$n"/prerm "$t/ctl/$n"/postrm; do
		[ -f "$s" ] || continue
		check "$n ${s##*/}: POSIX sh (shellcheck -s sh)" shellcheck -s sh "$s"
		check "$n ${s##*/}: no '-' template leftovers" sh -c \
		    "! grep -Eq 'systemctl [a-z-]* -\.service|init\.d/- ' '$s'"
		check "$n ${s##*/}: no systemctl but daemon-reload" sh -c \
		    "! grep -Ev '^[[:space:]]*(echo|\")' '$s' |
		     grep -E '(^|[^-])systemctl ' | grep -vq daemon-reload"
	done
done
check "the common package has no prerm (nothing to stop)" \
    test ! -e "$t/ctl/${common##*/}/prerm"
dpkg-deb --ctrl-tarfile "$agent" | tar -xOf - ./conffiles >"$t/conffiles"
for f in /etc/spoolwatch/agent.conf /etc/default/spoolwatch-agent \
    /etc/init.d/spoolwatch-agent /etc/logrotate.d/spoolwatch-agent; do
	check "agent conffile $f" grep -qx "$f" "$t/conffiles"
done
dpkg-deb -c "$agent" >"$t/list"
check "every agent file is root:root" sh -c \
    "awk '{print \$2}' '$t/list' | sort -u | grep -qx root/root"
check "agent binary is 0755" grep -Eq \
    '^-rwxr-xr-x root/root .* \./usr/bin/spoolwatch-agent$' "$t/list"
check "agent.conf is 0640 (group applied by dpkg-statoverride)" grep -Eq \
    '^-rw-r----- root/root .* \./etc/spoolwatch/agent\.conf$' "$t/list"
check "agent unit is shipped" grep -q \
    './lib/systemd/system/spoolwatch-agent.service$' "$t/list"
check "man page is compressed" grep -q \
    './usr/share/man/man8/spoolwatch-agent.8.gz$' "$t/list"
check "changelog.Debian.gz is shipped" grep -q \
    './usr/share/doc/spoolwatch-agent/changelog.Debian.gz$' "$t/list"
if command -v lintian >/dev/null; then
	lintian --fail-on error,warning "$common" "$agent" "$coll" \
	    >"$t/lintian" 2>&1
	check_eq "lintian: no error or warning left unexplained" "$?" 0
	grep -v 'root privileges' "$t/lintian" | sed 's/^/# /'
else
	not_ok "lintian is not installed (tests/deps-deploy.txt)"
fi

# --- in a scratch Debian root: the maintainer scripts run there ----------
r=$t/root
if deploy_root "$r"; then
	ok "scratch bookworm root"
	# A booted SysV host knows its runlevel, which invoke-rc.d consults
	# before a start or restart; a chroot has none: this one is at 2.
	root_runlevel "$r" 2
	root_files "$r" >"$t/root-before"
	cp "$r/etc/passwd" "$t/passwd-before"
	cp "$common" "$agent" "$coll" "$r/tmp/"
	if chroot "$r" dpkg -i "/tmp/${common##*/}" "/tmp/${agent##*/}" \
	    "/tmp/${coll##*/}" >"$t/root-install.log" 2>&1; then
		ok "dpkg -i inside the root (no --force)"
	else
		not_ok "dpkg -i inside the root: $(tail -n 20 "$t/root-install.log")"
	fi
	check_eq "the postinst made the system user" \
	    "$(chroot "$r" getent passwd spoolwatch | cut -d: -f6,7)" \
	    /var/lib/spoolwatch:/usr/sbin/nologin
	check_eq "agent.conf 0640 root:spoolwatch" \
	    "$(chroot "$r" stat -c '%a %U:%G' /etc/spoolwatch/agent.conf)" \
	    "640 root:spoolwatch"
	check_eq "agent state dir 0700 spoolwatch" \
	    "$(chroot "$r" stat -c '%a %U' /var/lib/spoolwatch)" "700 spoolwatch"
	check "agent enabled for systemd (wants link)" test -L \
	    "$r/etc/systemd/system/multi-user.target.wants/spoolwatch-agent.service"
	check "agent enabled for SysV (rc2.d link)" sh -c \
	    "ls '$r'/etc/rc2.d/S*spoolwatch-agent >/dev/null 2>&1"
	check "the packaged agent runs in the root (static)" sh -c \
	    "chroot '$r' /usr/bin/spoolwatch-agent --version >/dev/null"
	check "the packaged collector runs in the root (static)" sh -c \
	    "chroot '$r' /usr/bin/spoolwatch-collector --version >/dev/null"
	chroot "$r" /usr/bin/spoolwatch-agent --check-config \
	    >"$t/cc.out" 2>"$t/cc.err"
	check_eq "--check-config as root right after installing" "$?" 0
	check "it notes whose the state directory is" grep -q \
	    'state_dir /var/lib/spoolwatch: owned by uid' "$t/cc.err"
	for s in agent collector; do
		chroot "$r" logrotate -d /etc/logrotate.d/spoolwatch-$s \
		    >"$t/lr.$s" 2>&1
		check_eq "logrotate reads /etc/logrotate.d/spoolwatch-$s" "$?" 0
	done
	# The agent started by its init script inside the root (no
	# policy-rc.d there): an upgrade restarts it, removal stops it.
	mount -t proc proc "$r/proc" && root_proc=$r/proc
	printf 'server = http://127.0.0.1:9\ninterval = 60\n' \
	    >"$r/etc/spoolwatch/agent.conf"
	chroot "$r" invoke-rc.d spoolwatch-agent start >"$t/rs.log" 2>&1
	rpid=$(cat "$r/run/spoolwatch-agent.pid" 2>/dev/null)
	check "invoke-rc.d spoolwatch-agent start in the root" alive "${rpid:-0}"
	chroot "$r" dpkg -i "/tmp/${agent##*/}" >"$t/root-upgrade.log" 2>&1
	check_eq "dpkg -i over the installed agent in the root" "$?" 0
	npid=$(cat "$r/run/spoolwatch-agent.pid" 2>/dev/null)
	check "the upgrade restarted the running agent (invoke-rc.d)" \
	    test -n "$npid" -a "${npid:-x}" != "${rpid:-y}"
	check "the upgrade kept the edited agent.conf" grep -q 127.0.0.1:9 \
	    "$r/etc/spoolwatch/agent.conf"
	chroot "$r" dpkg -r spoolwatch-agent spoolwatch-collector \
	    >"$t/root-remove.log" 2>&1
	check_eq "dpkg -r inside the root" "$?" 0
	check "removal stopped the agent (invoke-rc.d)" eval "! alive ${npid:-0}"
	[ -n "${root_proc:-}" ] && umount "$root_proc" && root_proc=
	check "removal keeps the configuration" test -f \
	    "$r/etc/spoolwatch/agent.conf"
	chroot "$r" dpkg --purge spoolwatch-agent spoolwatch-collector \
	    spoolwatch >"$t/root-purge.log" 2>&1
	check_eq "dpkg --purge inside the root" "$?" 0
	rm -f "$r/tmp/"*.deb
	root_files "$r" >"$t/root-after"
	if diff "$t/root-before" "$t/root-after" >"$t/root-diff"; then
		ok "purge leaves the root's files as they were"
	else
		not_ok "purge left: $(tr '\n' ' ' <"$t/root-diff")"
	fi
	check "purge removes the user" cmp -s "$t/passwd-before" "$r/etc/passwd"
else
	not_ok "scratch bookworm root (debootstrap)"
fi

# --- install -----------------------------------------------------------------

if dpkg -i "$common" "$agent" "$coll" >"$t/install.log" 2>&1; then
	ok "dpkg -i the three packages"
else
	not_ok "dpkg -i: $(tail -n 20 "$t/install.log")"
	exit 1
fi
uid=$(id -u spoolwatch 2>/dev/null)
check "the spoolwatch system user exists" test -n "$uid" -a "${uid:-9999}" -lt 1000
check_eq "its shell is nologin" "$(getent passwd spoolwatch | cut -d: -f7)" \
    /usr/sbin/nologin
check_eq "/etc/spoolwatch is 0750 root:spoolwatch" \
    "$(stat -c '%a %U:%G' /etc/spoolwatch)" "750 root:spoolwatch"
check_eq "agent.conf is 0640 root:spoolwatch" \
    "$(stat -c '%a %U:%G' /etc/spoolwatch/agent.conf)" "640 root:spoolwatch"
check_eq "collector.conf is 0640 root:spoolwatch" \
    "$(stat -c '%a %U:%G' /etc/spoolwatch/collector.conf)" "640 root:spoolwatch"
check_eq "agent state dir is 0700 spoolwatch" \
    "$(stat -c '%a %U' /var/lib/spoolwatch)" "700 spoolwatch"
check_eq "collector state dir is 0750 spoolwatch" \
    "$(stat -c '%a %U' /var/lib/spoolwatch-collector)" "750 spoolwatch"
check "agent enabled for SysV (rc2.d link)" sh -c \
    "ls /etc/rc2.d/S*spoolwatch-agent >/dev/null 2>&1"
check "agent enabled for systemd (wants link)" test -L \
    /etc/systemd/system/multi-user.target.wants/spoolwatch-agent.service
check "collector enabled for systemd (wants link)" test -L \
    /etc/systemd/system/multi-user.target.wants/spoolwatch-collector.service
deploy_snapshot "$t/now"
check "nothing started by the installation" sh -c \
    "! grep -q '^running ' '$t/now'"
check "postinst says how to start it" grep -q \
    'enabled but not started' "$t/install.log"
check "man finds spoolwatch.conf(5)" sh -c "man -w 5 spoolwatch.conf >/dev/null"

# --- configure, start through the packaged init scripts ---------------------
port=$(free_port)
url=http://127.0.0.1:$port
itok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
rtok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
cat >/etc/spoolwatch/collector.conf <<EOT
listen = 127.0.0.1:$port
ingest_tokens = $itok
read_tokens = $rtok
EOT
printf '%s\n' "$itok" >/etc/spoolwatch/agent.token
chown root:spoolwatch /etc/spoolwatch/agent.token
chmod 0640 /etc/spoolwatch/agent.token
cat >/etc/spoolwatch/agent.conf <<EOT
server = $url
token_file = /etc/spoolwatch/agent.token
interval = 2
splay = 0
hostname = deb-e2e-host
EOT
# Unprivileged on SysV too (setpriv is there): it owns its state dir.
echo AGENT_USER=spoolwatch >>/etc/default/spoolwatch-agent

svc() {
	if command -v service >/dev/null; then service "$@"; else
		_s=$1; shift; "/etc/init.d/$_s" "$@"
	fi
}
svc spoolwatch-collector start >"$t/out" 2>&1
check_eq "service spoolwatch-collector start" "$?" 0
check "packaged collector answers /healthz" wait_http "$url/healthz" 20
check_eq "it keeps its database in /var/lib/spoolwatch-collector" \
    "$(stat -c %U /var/lib/spoolwatch-collector/spoolwatch.db 2>/dev/null)" \
    spoolwatch
svc spoolwatch-agent start >"$t/out" 2>&1
check_eq "service spoolwatch-agent start" "$?" 0
apid=$(cat /var/run/spoolwatch-agent.pid 2>/dev/null)
check_eq "packaged agent runs as spoolwatch" \
    "$(ps -o user= -p "${apid:-0}" 2>/dev/null | tr -d ' ')" spoolwatch
svc spoolwatch-agent status >/dev/null 2>&1
check_eq "service spoolwatch-agent status" "$?" 0

got=0
i=0
while [ $i -lt 300 ]; do
	code=$(curl -s -o "$t/host.json" -w '%{http_code}' -m 2 \
	    -H "Authorization: Bearer $rtok" "$url/api/v1/hosts/deb-e2e-host")
	[ "$code" = 200 ] && { got=1; break; }
	sleep 0.1
	i=$((i + 1))
done
check_eq "the packaged agent's report reaches the packaged collector" "$got" 1
check_eq "the read API wants the read token" "$(curl -s -o /dev/null \
    -w '%{http_code}' -m 5 "$url/api/v1/hosts/deb-e2e-host")" 401

# --- upgrade (same version reinstalled): restart if running, keep conffiles -
# Without systemd the scripts act through invoke-rc.d, which obeys this
# machine's policy-rc.d (a container's denies every action: then the
# services are left as they are, and the scratch root above showed the
# restart and the stop).
policy_denies=0
if [ -x /usr/sbin/policy-rc.d ]; then
	/usr/sbin/policy-rc.d spoolwatch-agent restart >/dev/null 2>&1
	[ $? = 101 ] && policy_denies=1
fi
dpkg -i "$agent" >"$t/upgrade.log" 2>&1
check_eq "dpkg -i over the installed agent" "$?" 0
npid=$(cat /var/run/spoolwatch-agent.pid 2>/dev/null)
if [ $policy_denies = 1 ]; then
	check_eq "policy-rc.d denies: the upgrade left the agent running" \
	    "$npid" "$apid"
	check "the postinst asked invoke-rc.d" grep -q \
	    'policy-rc.d denied execution of try-restart' "$t/upgrade.log"
else
	check "the running agent was restarted by the upgrade" \
	    test -n "$npid" -a "${npid:-x}" != "${apid:-y}"
fi
check "the agent runs after the upgrade" alive "${npid:-0}"
check "the upgrade kept the edited agent.conf" grep -q deb-e2e-host \
    /etc/spoolwatch/agent.conf

# --- remove, purge -----------------------------------------------------------
if [ $policy_denies = 1 ]; then
	svc spoolwatch-agent stop >/dev/null 2>&1
	svc spoolwatch-collector stop >/dev/null 2>&1
fi
dpkg -r spoolwatch-agent spoolwatch-collector >"$t/remove.log" 2>&1
check_eq "dpkg -r agent and collector" "$?" 0
check "the agent is stopped" eval "! alive ${npid:-0}"
deploy_snapshot "$t/now"
check "the collector is stopped" sh -c \
    "! grep -q '^running /usr/bin/spoolwatch-collector' '$t/now'"
check "removal keeps the configuration (conffiles)" test -f \
    /etc/spoolwatch/agent.conf
dpkg --purge spoolwatch-agent spoolwatch-collector spoolwatch \
    >"$t/purge.log" 2>&1
check_eq "dpkg --purge" "$?" 0
deploy_snapshot "$t/after"
if cmp -s "$t/before" "$t/after"; then
	ok "purge leaves the machine as it was"
else
	not_ok "left behind after purge: $(tr '\n' ' ' <"$t/after")"
fi
