#!/bin/sh
# mkdeb.sh - build the Debian packages with dpkg-deb (no debhelper):
#   spoolwatch            the system user, /etc/spoolwatch, spoolwatch.conf(5),
#                         examples, the Grafana dashboard (Architecture: all)
#   spoolwatch-agent      the agent, its unit, init script, logrotate file
#                         and config
#   spoolwatch-collector  the collector, the same for it
#
# Usage: sh deploy/deb/mkdeb.sh VERSION AGENT_BIN COLLECTOR_BIN OUTDIR
# Run from the top of the tree.  The binaries are stripped.  A static
# binary (what make static builds, what make deb packages) depends on no
# library; a dynamic one gets what dpkg-shlibdeps finds, with the minimum
# versions the code needs (MIN_VERSIONS below).  Files are owned by root
# (--root-owner-group); the spoolwatch group is applied to the
# configuration by dpkg-statoverride in the maintainer scripts.
# deploy/deb/changelog names the package version and the Maintainer; its
# top entry must be VERSION-1.  For Debian 8 and Ubuntu 14.04 (dpkg
# 1.17.5): data.tar.xz, control.tar.gz, plain-sh maintainer scripts.
set -eu

[ $# -eq 4 ] || { echo "usage: $0 VERSION AGENT_BIN COLLECTOR_BIN OUTDIR" >&2; exit 2; }
version=$1-1 agent_bin=$2 collector_bin=$3 outdir=$4
arch=$(dpkg --print-architecture)
changelog=deploy/deb/changelog
# The libraries whose symbol files ask for less than the code uses:
# CURLOPT_PROTOCOLS_STR (libcurl 7.85), RETURNING (SQLite 3.35).
MIN_VERSIONS="libcurl:7.85.0 libsqlite3:3.35.0"

top=$(dpkg-parsechangelog -l "$changelog" -S Version)
if [ "$top" != "$version" ]; then
	echo "mkdeb.sh: $changelog starts at $top, not $version: add an entry" >&2
	exit 1
fi
maintainer=$(dpkg-parsechangelog -l "$changelog" -S Maintainer)
work=$(mktemp -d "${TMPDIR:-/tmp}/spoolwatch-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# One staged tree, exactly what "make install" would put on a Debian host.
root=$work/root
install -d "$root/usr/bin"
install -m 0755 "$agent_bin" "$root/usr/bin/spoolwatch-agent"
install -m 0755 "$collector_bin" "$root/usr/bin/spoolwatch-collector"
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    "$root/usr/bin/spoolwatch-agent" "$root/usr/bin/spoolwatch-collector"
make --no-print-directory -s -f deploy/install.mk PREFIX=/usr \
    DESTDIR="$root" UNITDIR=/lib/systemd/system SYSVCONFDIR=/etc/default \
    DOCDIR=/usr/share/doc/spoolwatch install >/dev/null
find "$root/usr/share/man" -type f -exec gzip -9n {} +

# move PKG PATH...: move staged paths into package PKG's tree.
move() {
	p=$1; shift
	for f in "$@"; do
		install -d "$work/$p$(dirname "$f")"
		mv "$root$f" "$work/$p$f"
	done
}
move spoolwatch /usr/share/man/man5/spoolwatch.conf.5.gz \
    /usr/share/doc/spoolwatch /usr/share/spoolwatch \
    /usr/lib/sysusers.d/spoolwatch.conf
install -d -m 0755 "$work/spoolwatch/etc/spoolwatch"
for s in agent collector; do
	p=spoolwatch-$s
	move "$p" "/usr/bin/$p" "/usr/share/man/man8/$p.8.gz" \
	    "/lib/systemd/system/$p.service" "/etc/init.d/$p" \
	    "/etc/default/$p" "/etc/logrotate.d/$p" "/etc/spoolwatch/$s.conf"
done
# Everything staged must have found its package.
left=$(find "$root" -type f | sed "s|^$root||")
if [ -n "$left" ]; then
	echo "mkdeb.sh: files in no package: $left" >&2
	exit 1
fi

# docs PKG: copyright, changelog.Debian.gz and the lintian overrides.
docs() {
	d=$work/$1/usr/share/doc/$1
	install -d "$d"
	cat >"$d/copyright" <<EOT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: spoolwatch

Files: *
Copyright: 2026 spoolwatch developers
License: unspecified
 The project has not chosen a license yet; see the source tree.
EOT
	gzip -9nc "$changelog" >"$d/changelog.Debian.gz"
	chmod 0644 "$d/copyright" "$d/changelog.Debian.gz"
	if [ -f "deploy/deb/$1.lintian-overrides" ]; then
		install -d "$work/$1/usr/share/lintian/overrides"
		install -m 0644 "deploy/deb/$1.lintian-overrides" \
		    "$work/$1/usr/share/lintian/overrides/$1"
	fi
}

# control PKG ARCH DEPENDS SHORT LONG
control() {
	d=$work/$1/DEBIAN
	install -d "$d"
	size=$(du -sk --exclude=DEBIAN "$work/$1" | cut -f1)
	{
		echo "Package: $1"
		echo "Version: $version"
		echo "Architecture: $2"
		echo "Maintainer: $maintainer"
		echo "Installed-Size: $size"
		echo "Depends: $3"
		echo "Section: admin"
		echo "Priority: optional"
		echo "Description: $4"
		echo "$5" | fold -s -w 72 | sed 's/^/ /; s/ *$//'
	} >"$d/control"
	(cd "$work/$1" && find . -path ./DEBIAN -prune -o -type f -print |
	    sed 's|^\./||' | sort | xargs -r md5sum) >"$d/md5sums"
	find "$work/$1/etc" -type f 2>/dev/null | sed "s|^$work/$1||" |
	    sort >"$d/conffiles"
	[ -s "$d/conffiles" ] || rm -f "$d/conffiles"
}

# scripts PKG SRC NAME CONF STATEDIR STATEMODE: maintainer scripts from
# deploy/deb/SRC.{postinst,prerm,postrm}, the @...@ names filled in.
scripts() {
	for s in postinst prerm postrm; do
		src=deploy/deb/$2.$s
		[ -f "$src" ] || continue
		sed -e "s|@NAME@|$3|g" -e "s|@CONF@|$4|g" \
		    -e "s|@STATEDIR@|$5|g" -e "s|@STATEMODE@|$6|g" \
		    "$src" >"$work/$1/DEBIAN/$s"
		if grep -n '@[A-Z]*@' "$work/$1/DEBIAN/$s" >&2; then
			echo "mkdeb.sh: $src: unfilled name" >&2
			exit 1
		fi
		chmod 0755 "$work/$1/DEBIAN/$s"
	done
}

# raise_min DEPENDS: DEPENDS with each MIN_VERSIONS library's minimum
# raised to what the code needs.
raise_min() {
	echo "$1" | tr ',' '\n' | sed 's/^ *//; s/ *$//' | while read -r dep; do
		[ -n "$dep" ] || continue
		name=${dep%% *}
		for m in $MIN_VERSIONS; do
			case $name in "${m%%:*}"*)
				have=$(echo "$dep" | sed -n 's/.*(>= *\([^)]*\)).*/\1/p')
				if [ -z "$have" ] ||
				    dpkg --compare-versions "$have" lt "${m#*:}"; then
					dep="$name (>= ${m#*:})"
				fi ;;
			esac
		done
		echo "$dep"
	done | paste -sd, - | sed 's/,/, /g'
}

# libdeps BINARY: nothing for a static binary; else the Depends field
# dpkg-shlibdeps computes, minimums raised.
libdeps() {
	if ! readelf -lW "$1" | grep -q 'Requesting program interpreter'; then
		return 0
	fi
	mkdir -p "$work/shl/debian"
	printf 'Source: spoolwatch\n\nPackage: x\nArchitecture: any\n' \
	    >"$work/shl/debian/control"
	deps=$(cd "$work/shl" && dpkg-shlibdeps -O "$1" 2>/dev/null |
	    sed -n 's/^shlibs:Depends=//p')
	[ -n "$deps" ] || { echo "mkdeb.sh: dpkg-shlibdeps failed on $1" >&2; exit 1; }
	echo "$(raise_min "$deps"), "
}

desc="fleet-wide watch over system mail"
docs spoolwatch
control spoolwatch all "adduser" "$desc (common files)" \
    "spoolwatch watches the mail spools, MTAs, mail logs and root mailboxes \
of every host and answers fleet-wide questions centrally. This package \
holds the spoolwatch system user, /etc/spoolwatch, spoolwatch.conf(5), \
the example configurations and the Grafana dashboard."
scripts spoolwatch spoolwatch - - - -

adeps=$(libdeps "$work/spoolwatch-agent/usr/bin/spoolwatch-agent")
docs spoolwatch-agent
control spoolwatch-agent "$arch" "${adeps}spoolwatch (= $version)" \
    "$desc (agent)" \
    "The agent reads the host's mail spools, filesystems, MTA state, \
sendmail/postfix logs and system mailboxes, never changes them, and \
reports findings with evidence and a remedy to a spoolwatch collector. \
The service is enabled on installation but not started."
scripts spoolwatch-agent service spoolwatch-agent agent.conf \
    /var/lib/spoolwatch 0700

cdeps=$(libdeps "$work/spoolwatch-collector/usr/bin/spoolwatch-collector")
docs spoolwatch-collector
control spoolwatch-collector "$arch" "${cdeps}spoolwatch (= $version)" \
    "$desc (collector)" \
    "The collector receives the agents' reports over HTTP(S), stores them \
in SQLite and serves the fleet query API, Prometheus metrics and the \
dashboard. The service is enabled on installation but not started."
scripts spoolwatch-collector service spoolwatch-collector collector.conf \
    /var/lib/spoolwatch-collector 0750

mkdir -p "$outdir"
for p in spoolwatch spoolwatch-agent spoolwatch-collector; do
	a=$arch
	[ "$p" = spoolwatch ] && a=all
	dpkg-deb --root-owner-group -Zxz --no-uniform-compression --build \
	    "$work/$p" "$outdir/${p}_${version}_$a.deb" >/dev/null
	echo "$outdir/${p}_${version}_$a.deb"
done
