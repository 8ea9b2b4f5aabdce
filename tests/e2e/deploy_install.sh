#!/bin/sh
# deploy_install.sh - "make install DESTDIR=... PREFIX=..." puts exactly
# the expected tree in place, with the right modes, paths rewritten for
# the prefix, and never overwrites an existing configuration file.
. "$(dirname "$0")/lib.sh"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
B=${BUILD:-build}
# The outer make's flags (BUILD=..., -j) must not leak into ours.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$B" "$@"; }

d=$t/d
if mk install DESTDIR="$d" PREFIX=/usr/local >"$t/out" 2>&1; then
	ok "make install DESTDIR PREFIX=/usr/local"
else
	not_ok "make install DESTDIR PREFIX=/usr/local: $(tail -n 5 "$t/out")"
	exit 1
fi

cat >"$t/want" <<'EOT'
etc/spoolwatch/agent.conf 640
etc/spoolwatch/collector.conf 640
etc/init.d/spoolwatch-agent 755
etc/init.d/spoolwatch-collector 755
etc/logrotate.d/spoolwatch-agent 644
etc/logrotate.d/spoolwatch-collector 644
etc/sysconfig/spoolwatch-agent 644
etc/sysconfig/spoolwatch-collector 644
usr/local/bin/spoolwatch-agent 755
usr/local/bin/spoolwatch-collector 755
usr/local/lib/systemd/system/spoolwatch-agent.service 644
usr/local/lib/systemd/system/spoolwatch-collector.service 644
usr/local/lib/sysusers.d/spoolwatch.conf 644
usr/local/share/doc/spoolwatch/examples/agent.conf 644
usr/local/share/doc/spoolwatch/examples/collector.conf 644
usr/local/share/man/man5/spoolwatch.conf.5 644
usr/local/share/man/man8/spoolwatch-agent.8 644
usr/local/share/man/man8/spoolwatch-collector.8 644
usr/local/share/spoolwatch/grafana/spoolwatch-dashboard.json 644
EOT
sort -o "$t/want" "$t/want"
(cd "$d" && find . -type f -printf '%P %m\n' | sort) >"$t/got"
if diff -u "$t/want" "$t/got" >"$t/diff"; then
	ok "installed tree: exactly the expected files and modes"
else
	not_ok "installed tree differs: $(cat "$t/diff")"
fi

check "installed agent runs" sh -c \
    "'$d/usr/local/bin/spoolwatch-agent' --version >/dev/null"
check "units point at PREFIX/bin" grep -q \
    '^ExecStart=/usr/local/bin/spoolwatch-agent ' \
    "$d/usr/local/lib/systemd/system/spoolwatch-agent.service"
check "units keep no /usr/bin path" sh -c \
    "! grep -q /usr/bin/spoolwatch '$d'/usr/local/lib/systemd/system/*.service"
check "init scripts point at PREFIX/bin" grep -q \
    '^BIN=/usr/local/bin/spoolwatch-agent$' "$d/etc/init.d/spoolwatch-agent"
check "init scripts still pass shellcheck" shellcheck -s sh \
    "$d/etc/init.d/spoolwatch-agent" "$d/etc/init.d/spoolwatch-collector"
check "agent.conf is the example" cmp -s "$d/etc/spoolwatch/agent.conf" \
    "$top/deploy/agent.conf.example"
check "collector.conf is the example" cmp -s \
    "$d/etc/spoolwatch/collector.conf" "$top/deploy/collector.conf.example"
check "the installed agent.conf is valid" sh -c \
    "'$d/usr/local/bin/spoolwatch-agent' --check-config \
    --config '$d/etc/spoolwatch/agent.conf' --state-dir '$t/state' \
    >/dev/null 2>&1"
for m in "$d"/usr/local/share/man/man*/*; do
	w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	check_eq "installed ${m##*/} renders without warnings" "$w" ""
done
check "installed Grafana dashboard is JSON" sh -c "jq -e .panels \
    '$d/usr/local/share/spoolwatch/grafana/spoolwatch-dashboard.json' >/dev/null"

# A second install keeps the operator's files.
echo "# edited by the operator" >>"$d/etc/spoolwatch/agent.conf"
echo "AGENT_USER=root # edited" >>"$d/etc/sysconfig/spoolwatch-agent"
mk install DESTDIR="$d" PREFIX=/usr/local >"$t/out2" 2>&1
check_eq "second make install exits 0" "$?" 0
check "second install keeps the edited agent.conf" grep -q \
    'edited by the operator' "$d/etc/spoolwatch/agent.conf"
check "second install keeps the edited sysconfig" grep -q \
    'AGENT_USER=root # edited' "$d/etc/sysconfig/spoolwatch-agent"
check "second install says it kept them" grep -q \
    'keeping existing' "$t/out2"

# PREFIX=/usr, without SysV scripts: units name /usr/bin.
d2=$t/d2
mk install DESTDIR="$d2" PREFIX=/usr WITH_SYSVINIT=no >"$t/out3" 2>&1
check_eq "make install PREFIX=/usr WITH_SYSVINIT=no exits 0" "$?" 0
check "PREFIX=/usr unit names /usr/bin" grep -q \
    '^ExecStart=/usr/bin/spoolwatch-collector ' \
    "$d2/usr/lib/systemd/system/spoolwatch-collector.service"
check "WITH_SYSVINIT=no installs no init script" test ! -e "$d2/etc/init.d"

# INSTALL_CONFIG=no: the examples, but no /etc/spoolwatch/*.conf.
d3=$t/d3
mk install DESTDIR="$d3" PREFIX=/usr INSTALL_CONFIG=no >"$t/out4" 2>&1
check_eq "make install INSTALL_CONFIG=no exits 0" "$?" 0
check "INSTALL_CONFIG=no writes no /etc/spoolwatch" test ! -e "$d3/etc/spoolwatch"
check "INSTALL_CONFIG=no still installs the examples" test -f \
    "$d3/usr/share/doc/spoolwatch/examples/agent.conf"
