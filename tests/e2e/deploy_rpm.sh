#!/bin/sh
# deploy_rpm.sh - "make rpm" builds both package sets from
# deploy/rpm/spoolwatch.spec and the static binaries: el5 (SysV; RHEL 5/6)
# and el7 (systemd; RHEL 7-10).  Checked from the headers: RHEL 5's rpm
# 4.4 reads the el5 set (gzip payload, MD5 file digests, only rpmlib()
# features 4.4 has, no rich dependencies, no file triggers), RHEL 7's rpm
# 4.11 the el7 set (xz, SHA-256); no library requirement; the files'
# owners, modes and config flags; rpmlint clean with deploy/rpm/
# rpmlint.toml.  Then each set installs, without --nodeps or --noscripts,
# into a scratch root (deploy_root.inc) whose rpm database holds one
# fixture package that provides what that root really has: the
# scriptlets run inside it and create the user and enable the services
# (systemctl preset; chkconfig); the agent's --check-config as root
# passes; rpm -V is clean; a reinstall keeps the enablement; rpm -e
# disables and leaves no file behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_root.inc"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
B=${BUILD:-build}
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$B" "$@"; }
v=$(cat "$top/.version")

for c in rpmbuild rpmlint; do
	if ! command -v $c >/dev/null; then
		not_ok "$c is not installed (tests/deps-deploy.txt)"
		exit 1
	fi
done

# What rpm 4.4.2 (RHEL 5) and 4.11 (RHEL 7) provide as rpmlib() features.
rpmlib_44="CompressedFileNames PayloadFilesHavePrefix VersionedDependencies"
rpmlib_44="$rpmlib_44 ExplicitPackageProvide HeaderLoadSortsTags"
rpmlib_44="$rpmlib_44 ScriptletInterpreterArgs PartialHardlinkSets"
rpmlib_44="$rpmlib_44 ConcurrentAccess BuiltinLuaScripts PayloadIsBzip2"
rpmlib_411="$rpmlib_44 FileDigests PayloadIsXz PayloadIsLzma FileCaps"

pkgdir=$t/pkg
if mk rpm PKGDIR="$pkgdir" >"$t/out" 2>&1; then
	ok "make rpm (el5 and el7 sets)"
else
	not_ok "make rpm: $(tail -n 20 "$t/out")"
	exit 1
fi

rq() { rpm -qp "$@" 2>/dev/null; }
# files PKG: "mode user group flags path" for every file of PKG.
files() {
	rq --qf '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' "$1"
}
# has PKG LINE-REGEX DESC
has() {
	if files "$1" | grep -Eq "$2"; then ok "$3"; else
		not_ok "$3: $(files "$1" | tr '\n' ';')"
	fi
}

rpmlint -c "$top/deploy/rpm/rpmlint.toml" "$pkgdir"/*.rpm \
    "$top/deploy/rpm/spoolwatch.spec" >"$t/rpmlint" 2>&1
check "rpmlint: 0 errors, 0 warnings (deploy/rpm/rpmlint.toml)" grep -q \
    ' 0 errors, 0 warnings' "$t/rpmlint"
grep -E ': [EW]: ' "$t/rpmlint" | sed 's/^/# /'

# The fixture "base system" of the scratch roots: what they really have,
# as RHEL names it.  Installed with --justdb.
mkdir -p "$t/fix/SPECS"
cat >"$t/fix/SPECS/base.spec" <<'EOT'
Name: scratch-base
Version: 1
Release: 1
Summary: what the scratch Debian root provides, by RHEL's names
License: none
Group: System Environment/Base
BuildArch: noarch
Provides: /bin/sh, shadow-utils, systemd, chkconfig, initscripts, logrotate
%description
The bookworm root of deploy_root.inc: dash, passwd (useradd), systemd
(offline systemctl), logrotate, Debian's service(8), and the chkconfig
shim the test writes into it.
%files
EOT
rpmbuild -bb --define "_topdir $t/fix" "$t/fix/SPECS/base.spec" \
    >"$t/fix.log" 2>&1
base=$(ls "$t"/fix/RPMS/noarch/scratch-base-1-1.noarch.rpm 2>/dev/null)
check "fixture base package built" test -n "$base"

for f in el5 el7; do
	common=$pkgdir/spoolwatch-$v-1.$f.noarch.rpm
	agent=$pkgdir/spoolwatch-agent-$v-1.$f.x86_64.rpm
	coll=$pkgdir/spoolwatch-collector-$v-1.$f.x86_64.rpm
	check "$f: three packages built, the common one noarch" \
	    test -s "$common" -a -s "$agent" -a -s "$coll"
	if [ ! -s "$common" ] || [ ! -s "$agent" ] || [ ! -s "$coll" ]; then
		continue
	fi

	# --- the headers ---------------------------------------------------
	if [ $f = el5 ]; then
		want="gzip (none)" known=$rpmlib_44
	else
		want="xz 8" known=$rpmlib_411
	fi
	for p in "$common" "$agent" "$coll"; do
		n=${p##*/}
		check_eq "$n: payload compressor, file digest algorithm" \
		    "$(rq --qf '%{PAYLOADCOMPRESSOR} %{FILEDIGESTALGO}' "$p")" "$want"
		rq --requires "$p" >"$t/req"
		bad=$(sed -n 's/^rpmlib(\([A-Za-z0-9]*\)).*/\1/p' "$t/req" |
		    while read -r feat; do
			case " $known " in *" $feat "*) ;; *) echo "$feat" ;; esac
		done)
		check_eq "$n: only rpmlib() features the target rpm has" "$bad" ""
		check "$n: no rich (boolean) dependencies" sh -c \
		    "! grep -q '^(' '$t/req'"
		check "$n: no library requirement" sh -c \
		    "! grep -Eq '\\.so|GLIBC|rtld' '$t/req'"
		check_eq "$n: no file triggers" \
		    "$(rq --filetriggers "$p")" ""
	done
	rq --requires "$agent" >"$t/req"
	check "$f: the agent requires the same-build common package" \
	    grep -qx "spoolwatch = $v-1.$f" "$t/req"
	check_eq "$f: common package is noarch" \
	    "$(rq --qf '%{ARCH}' "$common")" noarch

	# --- the files -------------------------------------------------------
	has "$agent" '^-rwxr-xr-x root root +/usr/bin/spoolwatch-agent$' \
	    "$f: agent binary 0755 root:root"
	has "$agent" '^-rw-r----- root spoolwatch cn /etc/spoolwatch/agent.conf$' \
	    "$f: agent.conf is %config(noreplace) 0640 root:spoolwatch"
	has "$agent" '^drwx------ spoolwatch spoolwatch +/var/lib/spoolwatch$' \
	    "$f: agent state dir 0700 spoolwatch"
	has "$coll" '^-rw-r----- root spoolwatch cn /etc/spoolwatch/collector.conf$' \
	    "$f: collector.conf is %config(noreplace) 0640 root:spoolwatch"
	has "$coll" '^drwxr-x--- spoolwatch spoolwatch +/var/lib/spoolwatch-collector$' \
	    "$f: collector state dir 0750 spoolwatch"
	has "$common" '^drwxr-x--- root spoolwatch +/etc/spoolwatch$' \
	    "$f: /etc/spoolwatch 0750 root:spoolwatch"
	has "$common" '/usr/share/man/man5/spoolwatch.conf.5.gz$' \
	    "$f: spoolwatch.conf(5), compressed, in the common package"
	has "$agent" '/usr/share/man/man8/spoolwatch-agent.8.gz$' \
	    "$f: spoolwatch-agent(8) in the agent package"
	rq --scripts "$common" >"$t/common.scripts"
	check "$f: common %pre creates the spoolwatch user" \
	    grep -q 'useradd -r -g spoolwatch' "$t/common.scripts"
	rq --scripts "$agent" >"$t/agent.scripts"
	post=$(sed -n '/^postinstall scriptlet/,/^[a-z]* *scriptlet/p' "$t/agent.scripts")
	check "$f: agent %post never starts the service" sh -c \
	    "! echo '$post' | grep -Eq '(systemctl|service) [^|]*start'"
	if [ $f = el7 ]; then
		has "$agent" '^-rw-r--r-- root root +/usr/lib/systemd/system/spoolwatch-agent.service$' \
		    "el7: agent unit 0644"
		has "$agent" '/usr/lib/systemd/system-preset/85-spoolwatch-agent.preset$' \
		    "el7: agent preset"
		check "el7: no init script, no logrotate file" sh -c \
		    "! rpm -qlp '$agent' 2>/dev/null | grep -Eq 'init.d|logrotate'"
		check "el7: %post is %systemd_post (preset)" sh -c \
		    "echo '$post' | grep -q 'preset spoolwatch-agent.service'"
		check "el7: upgrades try-restart" \
		    grep -q 'try-restart spoolwatch-agent.service' "$t/agent.scripts"
	else
		has "$agent" '^-rwxr-xr-x root root +/etc/rc.d/init.d/spoolwatch-agent$' \
		    "el5: agent init script 0755 in /etc/rc.d/init.d"
		has "$agent" '^-rw-r--r-- root root cn /etc/sysconfig/spoolwatch-agent$' \
		    "el5: /etc/sysconfig/spoolwatch-agent is %config(noreplace)"
		has "$agent" '^-rw-r--r-- root root cn /etc/logrotate.d/spoolwatch-agent$' \
		    "el5: /etc/logrotate.d/spoolwatch-agent is %config(noreplace)"
		has "$coll" '^-rw-r--r-- root root cn /etc/logrotate.d/spoolwatch-collector$' \
		    "el5: /etc/logrotate.d/spoolwatch-collector is %config(noreplace)"
		check "el5: no systemd file" sh -c \
		    "! rpm -qlp '$agent' 2>/dev/null | grep -q systemd"
		check "el5: %post registers with chkconfig" sh -c \
		    "echo '$post' | grep -q 'chkconfig --add spoolwatch-agent'"
		check "el5: upgrades condrestart" grep -q condrestart "$t/agent.scripts"
	fi

	# --- installed into a scratch root, scriptlets and all ---------------
	r=$t/root-$f
	if ! deploy_root "$r"; then
		not_ok "$f: scratch root (debootstrap)"
		continue
	fi
	# RHEL's layout where the packages rely on it: /etc/sysconfig,
	# /etc/rc.d/init.d where init scripts live (Debian's service(8) looks
	# in /etc/init.d) and a chkconfig that registers a script with
	# update-rc.d.
	mkdir -p "$r/etc/rc.d" "$r/etc/sysconfig"
	ln -s ../init.d "$r/etc/rc.d/init.d"
	cat >"$r/usr/sbin/chkconfig" <<'EOT'
#!/bin/sh
# chkconfig shim of the spoolwatch tests: --add/--del through update-rc.d.
echo "chkconfig $*" >>/var/log/chkconfig-calls
case $1 in
--add) exec update-rc.d "$2" defaults ;;
--del) exec update-rc.d -f "$2" remove ;;
*) echo "chkconfig shim: $1 unsupported" >&2; exit 1 ;;
esac
EOT
	chmod 0755 "$r/usr/sbin/chkconfig"
	# insserv renumbers the other scripts' rc?.d links as ours come and
	# go: compare the links without their sequence numbers.
	rcnorm() { sed 's|^\(\./etc/rc.\.d/[SK]\)[0-9][0-9]|\1|' | sort; }
	root_files "$r" | rcnorm >"$t/before-$f"
	cp "$r/etc/passwd" "$t/passwd-$f"
	R="--root $r --dbpath /var/lib/rpm"
	# shellcheck disable=SC2086
	rpm $R --initdb && rpm $R -i --justdb "$base" >"$t/base-$f.log" 2>&1
	check_eq "$f: fixture base package in the root's rpm database" "$?" 0
	# shellcheck disable=SC2086
	if rpm $R -i "$common" "$agent" "$coll" >"$t/i-$f.log" 2>&1; then
		ok "$f: rpm -i into the root (no --nodeps, no --noscripts)"
	else
		not_ok "$f: rpm -i: $(tail -n 20 "$t/i-$f.log")"
	fi
	check_eq "$f: %pre made the system user" \
	    "$(chroot "$r" getent passwd spoolwatch | cut -d: -f6,7)" \
	    /var/lib/spoolwatch:/sbin/nologin
	check_eq "$f: agent.conf 0640 root:spoolwatch" \
	    "$(chroot "$r" stat -c '%a %U:%G' /etc/spoolwatch/agent.conf)" \
	    "640 root:spoolwatch"
	check_eq "$f: agent state dir 0700 spoolwatch" \
	    "$(chroot "$r" stat -c '%a %U' /var/lib/spoolwatch 2>/dev/null)" \
	    "700 spoolwatch"
	wants=$r/etc/systemd/system/multi-user.target.wants
	if [ $f = el7 ]; then
		check "el7: %post enabled the agent (preset)" \
		    test -L "$wants/spoolwatch-agent.service"
		check "el7: %post enabled the collector (preset)" \
		    test -L "$wants/spoolwatch-collector.service"
	else
		check "el5: %post ran chkconfig --add" grep -qx \
		    'chkconfig --add spoolwatch-agent' "$r/var/log/chkconfig-calls"
		check "el5: the agent's rc3.d link" sh -c \
		    "ls '$r'/etc/rc3.d/S*spoolwatch-agent >/dev/null 2>&1"
		chroot "$r" logrotate -d /etc/logrotate.d/spoolwatch-agent \
		    >"$t/lr-$f" 2>&1
		check_eq "el5: logrotate reads the agent's file" "$?" 0
	fi
	check "$f: the packaged agent runs in the root (static)" sh -c \
	    "chroot '$r' /usr/bin/spoolwatch-agent --version >/dev/null"
	check "$f: the packaged collector runs in the root (static)" sh -c \
	    "chroot '$r' /usr/bin/spoolwatch-collector --version >/dev/null"
	chroot "$r" /usr/bin/spoolwatch-agent --check-config >/dev/null 2>&1
	check_eq "$f: --check-config as root right after installing" "$?" 0
	# shellcheck disable=SC2086
	check_eq "$f: rpm -V finds the installation intact" \
	    "$(rpm $R -V spoolwatch spoolwatch-agent spoolwatch-collector 2>&1)" ""
	# shellcheck disable=SC2086
	rpm $R -U --replacepkgs "$common" "$agent" "$coll" >"$t/u-$f.log" 2>&1
	check_eq "$f: rpm -U --replacepkgs (the upgrade scriptlets)" "$?" 0
	if [ $f = el7 ]; then
		check "el7: the reinstall kept the agent enabled" \
		    test -L "$wants/spoolwatch-agent.service"
	else
		check "el5: the reinstall kept the rc3.d link" sh -c \
		    "ls '$r'/etc/rc3.d/S*spoolwatch-agent >/dev/null 2>&1"
	fi
	# shellcheck disable=SC2086
	rpm $R -e spoolwatch-agent spoolwatch-collector spoolwatch \
	    >"$t/e-$f.log" 2>&1
	check_eq "$f: rpm -e" "$?" 0
	if [ $f = el7 ]; then
		check "el7: %preun disabled the agent" \
		    test ! -e "$wants/spoolwatch-agent.service"
	else
		check "el5: %preun ran chkconfig --del" grep -qx \
		    'chkconfig --del spoolwatch-agent' "$r/var/log/chkconfig-calls"
	fi
	rm -f "$r/var/log/chkconfig-calls"
	root_files "$r" | rcnorm >"$t/after-$f"
	if diff "$t/before-$f" "$t/after-$f" >"$t/diff-$f"; then
		ok "$f: rpm -e leaves no file behind"
	else
		not_ok "$f: left behind: $(tr '\n' ' ' <"$t/diff-$f")"
	fi
	check "$f: the user stays (RHEL practice), nothing else changed" sh -c \
	    "grep -v '^spoolwatch:' '$r/etc/passwd' | cmp -s - '$t/passwd-$f'"
done
