#!/bin/sh
# static_build.sh - what make static produced: one x86_64 executable with
# no program interpreter and no shared library, stripped, at most 2 MB,
# whose --version lists what it bundles; a second make static has
# nothing to do (the libraries and objects are cached in BUILD/static).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/static_lib.inc"

elf() { LC_ALL=C readelf "$@" 2>/dev/null; }
check_eq "agent: an x86_64 ELF executable" \
    "$(elf -h "$SAGENT" | sed -n 's/^ *Machine: *//p')" \
    "Advanced Micro Devices X86-64"
check "agent: no program interpreter" \
    sh -c "! LC_ALL=C readelf -l '$SAGENT' | grep -q 'program interpreter'"
check "agent: no dynamic section (no shared library)" \
    sh -c "LC_ALL=C readelf -d '$SAGENT' | grep -q 'no dynamic section'"
check "agent: stripped (no symbol table)" \
    sh -c "! LC_ALL=C readelf -S '$SAGENT' | grep -q '\.symtab'"
size=$(wc -c <"$SAGENT" | tr -d ' ')
check "agent: at most 2 MB ($size bytes)" test "$size" -le 2000000
echo "# static agent: $size bytes"
v=$("$SAGENT" --version)
for lib in musl zlib jansson mbedtls curl; do
	check "--version names the bundled $lib" \
	    sh -c "printf '%s\n' '$v' | grep -q 'bundling:.*$lib [0-9]'"
done
check "make static again: nothing to do" \
    make -q -s --no-print-directory -C "$SPOOLWATCH_TOP" \
    BUILD="${BUILD:-build}" static
