#!/bin/sh
# mkdeb.sh - build the Debian packages with dpkg-deb (no debhelper):
#   spoolwatch            the system user, /etc/spoolwatch, spoolwatch.conf(5),
#                         examples, the Grafana dashboard (Architecture: all)
#   spoolwatch-agent      the agent, its unit, init script and config
#   spoolwatch-collector  the collector, its unit, init script and config
#
# Usage: sh deploy/deb/mkdeb.sh VERSION AGENT_BIN COLLECTOR_BIN OUTDIR
# Run from the top of the tree.  Library dependencies come from
# dpkg-shlibdeps; files are owned by root (--root-owner-group), the
# spoolwatch group is applied to the configuration by dpkg-statoverride in
# the maintainer scripts.
set -eu

[ $# -eq 4 ] || { echo "usage: $0 VERSION AGENT_BIN COLLECTOR_BIN OUTDIR" >&2; exit 2; }
version=$1-1 agent_bin=$2 collector_bin=$3 outdir=$4
arch=$(dpkg --print-architecture)
maintainer="spoolwatch developers <spoolwatch@localhost>"
work=$(mktemp -d "${TMPDIR:-/tmp}/spoolwatch-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# One staged tree, exactly what "make install" would put on a Debian host.
root=$work/root
install -d "$root/usr/bin"
install -m 0755 "$agent_bin" "$collector_bin" "$root/usr/bin/"
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
	    "/etc/default/$p" "/etc/spoolwatch/$s.conf"
done
# Everything staged must have found its package.
left=$(find "$root" -type f | sed "s|^$root||")
if [ -n "$left" ]; then
	echo "mkdeb.sh: files in no package: $left" >&2
	exit 1
fi

copyright() {
	install -d "$work/$1/usr/share/doc/$1"
	cat >"$work/$1/usr/share/doc/$1/copyright" <<EOT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: spoolwatch
Files: *
Copyright: spoolwatch developers
License: unspecified
 The project has not chosen a license yet; see the source tree.
EOT
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

# scripts PKG NAME CONF STATEDIR STATEMODE: maintainer scripts from the
# templates (or the package's own, for "spoolwatch").
scripts() {
	for s in postinst prerm postrm; do
		src=deploy/deb/$1.$s
		[ -f "$src" ] || src=deploy/deb/service.$s
		[ -f "$src" ] || continue
		sed -e "s|@NAME@|$2|g" -e "s|@CONF@|$3|g" \
		    -e "s|@STATEDIR@|$4|g" -e "s|@STATEMODE@|$5|g" \
		    "$src" >"$work/$1/DEBIAN/$s"
		chmod 0755 "$work/$1/DEBIAN/$s"
	done
}

# shlibs BINARY: the Depends field dpkg-shlibdeps computes for BINARY.
shlibs() {
	mkdir -p "$work/shl/debian"
	printf 'Source: spoolwatch\n\nPackage: x\nArchitecture: any\n' \
	    >"$work/shl/debian/control"
	(cd "$work/shl" && dpkg-shlibdeps -O "$1" 2>/dev/null) |
	    sed -n 's/^shlibs:Depends=//p'
}

desc="fleet-wide watch over system mail"
copyright spoolwatch
control spoolwatch all "adduser, passwd" "$desc (common files)" \
    "spoolwatch watches the mail spools, MTAs, mail logs and root mailboxes \
of every host and answers fleet-wide questions centrally. This package \
holds the spoolwatch system user, /etc/spoolwatch, spoolwatch.conf(5), \
the example configurations and the Grafana dashboard."
scripts spoolwatch - - - -

copyright spoolwatch-agent
control spoolwatch-agent "$arch" \
    "$(shlibs "$work/spoolwatch-agent/usr/bin/spoolwatch-agent"), spoolwatch (= $version)" \
    "$desc (agent)" \
    "The agent reads the host's mail spools, filesystems, MTA state, \
sendmail/postfix logs and system mailboxes, never changes them, and \
reports findings with evidence and a remedy to a spoolwatch collector. \
The service is enabled on installation but not started."
scripts spoolwatch-agent spoolwatch-agent agent.conf /var/lib/spoolwatch 0700

copyright spoolwatch-collector
control spoolwatch-collector "$arch" \
    "$(shlibs "$work/spoolwatch-collector/usr/bin/spoolwatch-collector"), spoolwatch (= $version)" \
    "$desc (collector)" \
    "The collector receives the agents' reports over HTTP(S), stores them \
in SQLite and serves the fleet query API, Prometheus metrics and the \
dashboard. The service is enabled on installation but not started."
scripts spoolwatch-collector spoolwatch-collector collector.conf \
    /var/lib/spoolwatch-collector 0750

mkdir -p "$outdir"
for p in spoolwatch spoolwatch-agent spoolwatch-collector; do
	a=$arch
	[ "$p" = spoolwatch ] && a=all
	dpkg-deb --root-owner-group -Zxz --build "$work/$p" \
	    "$outdir/${p}_${version}_$a.deb" >/dev/null
	echo "$outdir/${p}_${version}_$a.deb"
done
