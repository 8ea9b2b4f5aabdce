#!/bin/sh
# deploy_deb.sh - "make deb" builds spoolwatch, spoolwatch-agent and
# spoolwatch-collector with dpkg-deb; they install on this machine with the
# spoolwatch system user, config files as conffiles 0640 root:spoolwatch,
# the services enabled but not started; the packaged collector and agent
# (unprivileged, via the packaged init scripts: PID 1 is not systemd here)
# run and the report arrives; an upgrade restarts the running agent and
# keeps the edited configuration; removal stops the services and purge
# leaves the machine exactly as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lock.inc"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
B=${BUILD:-build}
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$B" "$@"; }
v=$(cat "$top/.version")-1
arch=$(dpkg --print-architecture)

deploy_lock
cleanup() {
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
dpkg-deb -f "$agent" Depends >"$t/dep"
check "agent Depends on libcurl (from dpkg-shlibdeps)" grep -q libcurl "$t/dep"
check "agent Depends on the same-version common package" \
    grep -qF "spoolwatch (= $v)" "$t/dep"
check "collector Depends on libmicrohttpd and sqlite" sh -c \
    "dpkg-deb -f '$coll' Depends | grep -q libmicrohttpd &&
     dpkg-deb -f '$coll' Depends | grep -q libsqlite3"
dpkg-deb --ctrl-tarfile "$agent" | tar -xOf - ./conffiles >"$t/conffiles"
for f in /etc/spoolwatch/agent.conf /etc/default/spoolwatch-agent \
    /etc/init.d/spoolwatch-agent; do
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
dpkg -i "$agent" >"$t/upgrade.log" 2>&1
check_eq "dpkg -i over the installed agent" "$?" 0
npid=$(cat /var/run/spoolwatch-agent.pid 2>/dev/null)
check "the running agent was restarted by the upgrade" \
    test -n "$npid" -a "${npid:-x}" != "${apid:-y}"
check "the restarted agent runs" alive "${npid:-0}"
check "the upgrade kept the edited agent.conf" grep -q deb-e2e-host \
    /etc/spoolwatch/agent.conf

# --- remove, purge -----------------------------------------------------------
dpkg -r spoolwatch-agent spoolwatch-collector >"$t/remove.log" 2>&1
check_eq "dpkg -r agent and collector" "$?" 0
check "removal stopped the agent" eval "! alive ${npid:-0}"
deploy_snapshot "$t/now"
check "removal stopped the collector" sh -c \
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
