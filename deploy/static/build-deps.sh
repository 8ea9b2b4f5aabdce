#!/bin/sh
# build-deps.sh - the libraries the static binaries bundle, each built
# with musl-gcc from its Debian source package (fetched with
# `apt-get source`, Debian's patches applied) into one prefix.
#
# Usage: sh deploy/static/build-deps.sh OUT NAME LIB...
#   OUT  the cache: OUT/src (unpacked sources), OUT/prefix (headers,
#        static archives, versions.h); a library whose stamp
#        OUT/prefix/.built-LIB holds this script's checksum is not
#        built again (sources, once fetched, are kept).
#   NAME the binary the set is for: OUT/prefix/NAME-versions.h defines
#        SPOOLWATCH_BUNDLED, the Debian versions of musl and of its LIBs,
#        for --version.
#   LIB  zlib jansson mbedtls curl (the agent), libmicrohttpd sqlite3
#        (the collector); given in dependency order.
set -eu

[ $# -ge 3 ] || { echo "usage: build-deps.sh OUT NAME LIB..." >&2; exit 2; }
out=$(mkdir -p "$1" && cd "$1" && pwd)
name=$2
shift 2
src=$out/src
prefix=$out/prefix
mkdir -p "$src" "$prefix/include" "$prefix/lib"

CC=musl-gcc
CFLAGS="-Os -g0 -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables"
JOBS=${JOBS:-2}
export CC CFLAGS
# the libraries' own makes take -j$JOBS, not the calling make's jobserver
unset MAKEFLAGS MFLAGS MAKELEVEL

# fetch PKG - unpack the Debian source package PKG under $src once;
# prints its directory.
fetch() {
	if [ ! -s "$src/$1.dir" ]; then
		(
			cd "$src"
			rm -rf "$1".tmp && mkdir "$1".tmp && cd "$1".tmp
			apt-get source -qq "$1" >apt-source.log 2>&1 || {
				cat apt-source.log >&2
				echo "build-deps: apt-get source $1 failed" \
				    "(is deb-src configured? sh deploy/static/deps.sh)" >&2
				exit 1
			}
			d=$(find . -mindepth 1 -maxdepth 1 -type d | head -n 1)
			v=$(sed -n 's/^Version: //p' ./*.dsc | head -n 1)
			mv "$d" "../$1-src"
			echo "$v" >"../$1.version"
			cd .. && rm -rf "$1".tmp
		) || exit 1
		echo "$src/$1-src" >"$src/$1.dir"
	fi
	cat "$src/$1.dir"
}

build_zlib() {
	cd "$1"
	./configure --static --prefix="$prefix" >configure.log
	make -j"$JOBS" libz.a >make.log
	make install-libLTLIBRARIES install-headers >/dev/null 2>&1 ||
	    { cp libz.a "$prefix/lib/" && cp zlib.h zconf.h "$prefix/include/"; }
}

build_jansson() {
	# Debian's jansson source has CMake files but no configure script.
	rm -rf "$1/_build" && mkdir "$1/_build" && cd "$1/_build"
	cmake .. -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
	    -DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INSTALL_PREFIX="$prefix" \
	    -DCMAKE_INSTALL_LIBDIR=lib -DJANSSON_BUILD_SHARED_LIBS=OFF \
	    -DJANSSON_BUILD_DOCS=OFF -DJANSSON_WITHOUT_TESTS=ON \
	    -DJANSSON_EXAMPLES=OFF >configure.log
	make -j"$JOBS" >make.log
	make install >install.log
}

build_mbedtls() {
	cd "$1"
	# A client only, TLS 1.2 only: 2.28's TLS 1.3 is experimental and
	# curl 7.88 does not use it; TLS 1.0/1.1, DTLS and the server side
	# are not built.
	for opt in MBEDTLS_SSL_PROTO_TLS1 MBEDTLS_SSL_PROTO_TLS1_1 \
	    MBEDTLS_SSL_PROTO_DTLS MBEDTLS_SSL_DTLS_ANTI_REPLAY \
	    MBEDTLS_SSL_DTLS_HELLO_VERIFY MBEDTLS_SSL_DTLS_CLIENT_PORT_REUSE \
	    MBEDTLS_SSL_DTLS_BADMAC_LIMIT MBEDTLS_SSL_DTLS_CONNECTION_ID \
	    MBEDTLS_SSL_DTLS_SRTP MBEDTLS_SSL_SRV_C MBEDTLS_SSL_CACHE_C \
	    MBEDTLS_SSL_TICKET_C MBEDTLS_SSL_COOKIE_C MBEDTLS_SELF_TEST \
	    MBEDTLS_NET_C MBEDTLS_TIMING_C MBEDTLS_SSL_CBC_RECORD_SPLITTING \
	    MBEDTLS_ARC4_C MBEDTLS_DES_C MBEDTLS_BLOWFISH_C MBEDTLS_XTEA_C \
	    MBEDTLS_CAMELLIA_C MBEDTLS_ARIA_C MBEDTLS_MD2_C MBEDTLS_MD4_C \
	    MBEDTLS_RIPEMD160_C MBEDTLS_PKCS12_C MBEDTLS_PSA_CRYPTO_C \
	    MBEDTLS_PSA_CRYPTO_STORAGE_C MBEDTLS_PSA_ITS_FILE_C \
	    MBEDTLS_VERSION_FEATURES MBEDTLS_DEBUG_C; do
		python3 scripts/config.py unset "$opt"
	done
	# Randomness from the agent (mbedtls_hardware_poll in common/tls.c:
	# getrandom, else /dev/urandom): 2.28's own source uses getrandom
	# only with glibc, so with musl it would need /dev/urandom always.
	python3 scripts/config.py set MBEDTLS_NO_PLATFORM_ENTROPY
	python3 scripts/config.py set MBEDTLS_ENTROPY_HARDWARE_ALT
	make -C library clean >/dev/null # objects of an earlier config
	make -C library -j"$JOBS" CC="$CC" CFLAGS="$CFLAGS" \
	    libmbedcrypto.a libmbedx509.a libmbedtls.a >make.log
	cp library/libmbedtls.a library/libmbedx509.a library/libmbedcrypto.a \
	    "$prefix/lib/"
	rm -rf "$prefix/include/mbedtls" "$prefix/include/psa"
	cp -r include/mbedtls include/psa "$prefix/include/"
}

build_curl() {
	cd "$1"
	# HTTP and HTTPS over mbedTLS; every other protocol and every
	# optional library off; no built-in CA path: the agent picks the
	# bundle (common/cabundle.c).
	CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
	./configure --prefix="$prefix" --disable-shared --enable-static \
	    --with-mbedtls="$prefix" --with-zlib="$prefix" \
	    --without-ca-bundle --without-ca-path --without-ca-fallback \
	    --disable-ftp --disable-file --disable-ldap --disable-ldaps \
	    --disable-rtsp --disable-dict --disable-telnet --disable-tftp \
	    --disable-pop3 --disable-imap --disable-smb --disable-smtp \
	    --disable-gopher --disable-mqtt --disable-manual \
	    --disable-ntlm --disable-ntlm-wb \
	    --disable-alt-svc \
	    --disable-hsts --disable-cookies --disable-netrc --disable-doh \
	    --disable-mime --disable-tls-srp --disable-unix-sockets \
	    --disable-get-easy-options --disable-headers-api \
	    --disable-websockets --disable-dnsshuffle --disable-sspi \
	    --enable-threaded-resolver --enable-ipv6 \
	    --without-libidn2 --without-libpsl --without-brotli \
	    --without-zstd --without-nghttp2 --without-ngtcp2 \
	    --without-nghttp3 --without-quiche --without-libssh2 \
	    --without-libssh --without-wolfssh --without-librtmp \
	    --without-libgsasl --without-hyper --without-gssapi \
	    --without-msh3 >configure.log
	make -C lib -j"$JOBS" >make.log
	make -C lib install >install.log
	make -C include install >>install.log
}

build_libmicrohttpd() {
	cd "$1"
	[ -x configure ] || autoreconf -fi >autoreconf.log 2>&1
	# No TLS: libmicrohttpd's needs GnuTLS; a packaged collector
	# terminates TLS at a proxy.
	./configure --prefix="$prefix" --disable-shared --enable-static \
	    --disable-https --without-gnutls --disable-doc \
	    --disable-examples --disable-curl >configure.log
	make -C src/microhttpd -j"$JOBS" >make.log
	make -C src/microhttpd install >install.log
	make -C src/include install >>install.log
}

build_sqlite3() {
	cd "$1"
	# The amalgamation (needs tclsh), compiled alone: only the library.
	[ -f sqlite3.c ] || {
		./configure --disable-shared --disable-tcl >configure.log
		make sqlite3.c >make.log
	}
	$CC $CFLAGS -DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION \
	    -DSQLITE_DQS=0 -DSQLITE_DEFAULT_WAL_SYNCHRONOUS=1 \
	    -c sqlite3.c -o sqlite3.o
	ar rcs "$prefix/lib/libsqlite3.a" sqlite3.o
	cp sqlite3.h sqlite3ext.h "$prefix/include/"
}

recipe=$(cksum <"$0")
for lib in "$@"; do
	[ "$(cat "$prefix/.built-$lib" 2>/dev/null)" = "$recipe" ] && continue
	command -v "build_$lib" >/dev/null 2>&1 ||
	    { echo "build-deps: unknown library '$lib'" >&2; exit 2; }
	dir=$(fetch "$lib")
	echo "build-deps: $lib $(cat "$src/$lib.version")" >&2
	( "build_$lib" "$dir" ) || {
		echo "build-deps: building $lib failed; see the logs in $dir" >&2
		exit 1
	}
	echo "$recipe" >"$prefix/.built-$lib"
done

# NAME-versions.h: what NAME bundles (touched even when unchanged: it is
# make's target for the set).
v="musl $(dpkg-query -W -f='${Version}' musl-dev)"
for lib in "$@"; do
	v="$v${v:+, }$lib $(cat "$src/$lib.version")"
done
h=$prefix/$name-versions.h
printf '/* generated by deploy/static/build-deps.sh */\n#define SPOOLWATCH_BUNDLED "%s"\n' \
    "$v" >"$h.tmp"
mv "$h.tmp" "$h"
