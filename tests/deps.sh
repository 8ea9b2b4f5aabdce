#!/bin/sh
# deps.sh - install the Debian packages spoolwatch needs, or say how.
#
# Usage: sh tests/deps.sh build [test] [bench]
#   build  compilers and libraries for make
#   test   what make check needs in addition (cmocka, clang's fuzzer
#          runtime, jq, the schema validator, ...)
#   bench  what make bench needs in addition (wrk for the ingest load)
# As root the missing packages are installed with apt-get (after one
# apt-get update); otherwise the exact command is printed and we fail.
set -u

build_pkgs="gcc make pkg-config libcurl4-openssl-dev libjansson-dev
libsqlite3-dev libmicrohttpd-dev zlib1g-dev libpq-dev"
test_pkgs="libcmocka-dev clang libclang-rt-14-dev jq python3 python3-jsonschema
sqlite3 curl procps iproute2 util-linux"
bench_pkgs="wrk jq sqlite3 curl time python3"
rpm_build="gcc make pkgconf-pkg-config libcurl-devel jansson-devel
sqlite-devel libmicrohttpd-devel zlib-devel libcmocka-devel libpq-devel"

want=""
for set in "$@"; do
	case $set in
	build) want="$want $build_pkgs" ;;
	test) want="$want $test_pkgs" ;;
	bench) want="$want $bench_pkgs" ;;
	*) echo "deps.sh: unknown set '$set'" >&2; exit 2 ;;
	esac
done
# Extra sets that later parts of the tree declare (one package per line).
for f in tests/deps-*.txt; do
	[ -f "$f" ] || continue
	case " $* " in *" test "*) want="$want $(grep -v '^#' "$f")" ;; esac
done

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
# sendmail-bin conflicts with every other MTA: apt-get -y would remove the
# host's own.  Leave it out then (mail_real_sendmail.sh says it cannot run).
case " $missing " in
*" sendmail-bin "*)
	mta=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev} ${Provides}\n' \
	    2>/dev/null | awk '$2 == "ii" && /mail-transport-agent/ { print $1 }')
	if [ -n "$mta" ]; then
		echo "spoolwatch: not installing sendmail-bin: it would replace" \
		    "the MTA installed here ($mta)" >&2
		missing=$(echo "$missing" | sed 's/ sendmail-bin\( \|$\)/\1/')
	fi ;;
esac
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "spoolwatch: missing build dependencies; on RPM systems run:" >&2
	echo "  dnf install $(echo $rpm_build)" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "spoolwatch: missing packages:$missing" >&2
	echo "  run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "spoolwatch: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Test packages bring daemons (sendmail, rsyslog) that the tests run in
# their own namespaces: a policy-rc.d refusing every start keeps them off
# the host while apt-get runs, and the mode of /var/mail, which sendmail's
# postinst changes, is put back afterwards.
policy=/usr/sbin/policy-rc.d made_policy=""
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" &&
	    made_policy=1
fi
varmail=$(stat -c '%a %U:%G' /var/mail 2>/dev/null)
# shellcheck disable=SC2086 # $missing is a list of package names
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 &&
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
	$missing >&2
rc=$?
[ -n "$made_policy" ] && rm -f "$policy"
if [ -n "$varmail" ]; then
	chmod "${varmail%% *}" /var/mail && chown "${varmail#* }" /var/mail
fi
exit "$rc"
