#!/bin/sh
# deploy_rpm.sh - "make rpm" builds the RPMs from deploy/rpm/spoolwatch.spec
# with Debian's rpmbuild, in both flavours (systemd; SysV for RHEL 5/6),
# and rpm -qlp shows the right files, owners, modes and config flags; the
# scriptlets create the user and enable, but never start, the services.
. "$(dirname "$0")/lib.sh"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
B=${BUILD:-build}
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$B" "$@"; }
v=$(cat "$top/.version")

if ! command -v rpmbuild >/dev/null; then
	not_ok "rpmbuild is not installed (tests/deps-deploy.txt: rpm)"
	exit 1
fi

# files PKG: "mode user group flags path" for every file of PKG.
files() {
	rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' "$1" 2>/dev/null
}

# has PKG LINE-REGEX DESC
has() {
	if files "$1" | grep -Eq "$2"; then ok "$3"; else
		not_ok "$3: $(files "$1" | tr '\n' ';')"
	fi
}

for flavour in systemd sysvinit; do
	flags=
	[ $flavour = sysvinit ] && flags="--with sysvinit"
	pkgdir=$t/$flavour
	if mk rpm PKGDIR="$pkgdir" RPMBUILD_FLAGS="$flags" >"$t/out" 2>&1; then
		ok "make rpm ($flavour)"
	else
		not_ok "make rpm ($flavour): $(tail -n 20 "$t/out")"
		continue
	fi
	common=$(ls "$pkgdir"/spoolwatch-"$v"-1*.rpm 2>/dev/null | head -1)
	agent=$(ls "$pkgdir"/spoolwatch-agent-"$v"-1*.rpm 2>/dev/null | head -1)
	coll=$(ls "$pkgdir"/spoolwatch-collector-"$v"-1*.rpm 2>/dev/null | head -1)
	check "$flavour: three packages built" \
	    test -n "$common" -a -n "$agent" -a -n "$coll"
	[ -n "$common" ] && [ -n "$agent" ] && [ -n "$coll" ] || continue

	check "$flavour: rpm -qlp lists the agent binary" \
	    sh -c "rpm -qlp '$agent' | grep -qx /usr/bin/spoolwatch-agent"
	has "$agent" '^-rwxr-xr-x root root +/usr/bin/spoolwatch-agent$' \
	    "$flavour: agent binary 0755 root:root"
	has "$agent" '^-rw-r----- root spoolwatch cn /etc/spoolwatch/agent.conf$' \
	    "$flavour: agent.conf is %config(noreplace) 0640 root:spoolwatch"
	has "$agent" '^drwx------ spoolwatch spoolwatch +/var/lib/spoolwatch$' \
	    "$flavour: agent state dir 0700 spoolwatch"
	has "$coll" '^-rw-r----- root spoolwatch cn /etc/spoolwatch/collector.conf$' \
	    "$flavour: collector.conf is %config(noreplace) 0640 root:spoolwatch"
	has "$coll" '^drwxr-x--- spoolwatch spoolwatch +/var/lib/spoolwatch-collector$' \
	    "$flavour: collector state dir 0750 spoolwatch"
	has "$common" '^drwxr-x--- root spoolwatch +/etc/spoolwatch$' \
	    "$flavour: /etc/spoolwatch 0750 root:spoolwatch"
	has "$common" '/usr/share/man/man5/spoolwatch.conf.5' \
	    "$flavour: spoolwatch.conf(5) in the common package"
	has "$agent" '/usr/share/man/man8/spoolwatch-agent.8' \
	    "$flavour: spoolwatch-agent(8) in the agent package"
	check "$flavour: agent requires the same-version common package" sh -c \
	    "rpm -qp --requires '$agent' 2>/dev/null | grep -q '^spoolwatch = $v-1'"
	rpm -qp --scripts "$common" >"$t/common.scripts" 2>/dev/null
	check "$flavour: common %pre creates the spoolwatch user" \
	    grep -q 'useradd -r -g spoolwatch' "$t/common.scripts"
	rpm -qp --scripts "$agent" >"$t/agent.scripts" 2>/dev/null
	post=$(sed -n '/^postinstall scriptlet/,/^[a-z]* *scriptlet/p' "$t/agent.scripts")
	check "$flavour: agent %post never starts the service" sh -c \
	    "! echo '$post' | grep -Eq '(systemctl|service) [^|]*start'"
	# Install them for real into a scratch root (no scriptlets: they would
	# run chrooted; the user comes from the scratch root's passwd), check
	# what landed, then erase them.
	r=$t/root-$flavour
	mkdir -p "$r/etc"
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	    'spoolwatch:x:990:990::/var/lib/spoolwatch:/sbin/nologin' >"$r/etc/passwd"
	printf '%s\n' 'root:x:0:' 'spoolwatch:x:990:' >"$r/etc/group"
	if rpm -i --nodeps --noscripts --root "$r" "$common" "$agent" "$coll" \
	    >"$t/rpm-i.log" 2>&1; then
		ok "$flavour: rpm -i into a scratch root"
	else
		not_ok "$flavour: rpm -i: $(cat "$t/rpm-i.log")"
	fi
	check_eq "$flavour: installed agent.conf 0640 root:spoolwatch" \
	    "$(stat -c '%a %u:%g' "$r/etc/spoolwatch/agent.conf" 2>/dev/null)" "640 0:990"
	check_eq "$flavour: installed state dir 0700 spoolwatch" \
	    "$(stat -c '%a %u' "$r/var/lib/spoolwatch" 2>/dev/null)" "700 990"
	check "$flavour: the installed agent runs" sh -c \
	    "'$r/usr/bin/spoolwatch-agent' --version >/dev/null"
	check "$flavour: rpm -V finds the installation intact" \
	    rpm -V --root "$r" --nodeps spoolwatch-agent
	rpm -e --nodeps --noscripts --root "$r" spoolwatch-agent \
	    spoolwatch-collector spoolwatch >"$t/rpm-e.log" 2>&1
	check_eq "$flavour: rpm -e" "$?" 0
	left=$(cd "$r" && find . -path ./root -prune -o -path ./var/lib/rpm -prune \
	    -o -path ./usr/lib/sysimage -prune -o -type f -print | grep -v '^./etc/\(passwd\|group\)$')
	check_eq "$flavour: rpm -e leaves no file behind" "$left" ""
	if [ $flavour = systemd ]; then
		has "$agent" '^-rw-r--r-- root root +/usr/lib/systemd/system/spoolwatch-agent.service$' \
		    "systemd: agent unit 0644"
		check "systemd: no init script" sh -c \
		    "! rpm -qlp '$agent' | grep -q init.d"
		check "systemd: %post enables the unit" sh -c \
		    "echo '$post' | grep -q 'systemctl enable spoolwatch-agent.service'"
		check "systemd: %preun stops and disables on erase" \
		    grep -q 'disable --now spoolwatch-agent.service' "$t/agent.scripts"
		check "systemd: upgrades try-restart" \
		    grep -q 'try-restart spoolwatch-agent.service' "$t/agent.scripts"
	else
		has "$agent" '^-rwxr-xr-x root root +/etc(/rc.d)?/init.d/spoolwatch-agent$' \
		    "sysvinit: agent init script 0755"
		has "$agent" '^-rw-r--r-- root root cn /etc/sysconfig/spoolwatch-agent$' \
		    "sysvinit: /etc/sysconfig/spoolwatch-agent is %config(noreplace)"
		check "sysvinit: no systemd unit" sh -c \
		    "! rpm -qlp '$agent' | grep -q systemd"
		check "sysvinit: %post registers with chkconfig" sh -c \
		    "echo '$post' | grep -q 'chkconfig --add spoolwatch-agent'"
		check "sysvinit: upgrades condrestart" \
		    grep -q 'condrestart' "$t/agent.scripts"
	fi
done
