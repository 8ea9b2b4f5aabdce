#!/bin/sh
# deps.sh - what `make static` needs on a Debian build host: musl-gcc
# (musl-tools), dpkg-source (dpkg-dev), tclsh (the SQLite amalgamation),
# cmake (jansson), python3 (mbedTLS's config.py)
# and a deb-src entry so that `apt-get source` finds the bundled
# libraries' Debian source packages.
#
# Usage: sh deploy/static/deps.sh
# As root the missing pieces are added (apt-get update once); otherwise
# the exact commands are printed and we fail.
set -u

pkgs="musl-tools dpkg-dev tcl cmake python3"
sources=/etc/apt/sources.list.d/debian.sources

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done

# deb-src known to apt: a one-line "deb-src" entry or a deb822 stanza
# whose Types include deb-src.
have_src() {
	grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
	    /etc/apt/sources.list /etc/apt/sources.list.d/
}
need_src=0
have_src || need_src=1
[ -z "$missing" ] && [ $need_src = 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	[ -n "$missing" ] && echo "spoolwatch: make static needs:$missing" >&2
	[ $need_src = 1 ] && echo "spoolwatch: make static needs deb-src:" \
	    "add 'deb-src' to the 'Types:' lines of $sources" >&2
	echo "  run as root: sh deploy/static/deps.sh" >&2
	exit 1
fi
if [ $need_src = 1 ]; then
	if [ ! -f "$sources" ]; then
		echo "spoolwatch: no deb-src entry and no $sources to add" \
		    "one to; add a deb-src line for your mirror" >&2
		exit 1
	fi
	# deb822: the stanzas that fetch binaries fetch sources too.
	sed -i 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb deb-src/' \
	    "$sources" || exit 1
	echo "spoolwatch: added deb-src to $sources" >&2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || exit 1
if [ -n "$missing" ]; then
	echo "spoolwatch: installing:$missing" >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
fi
