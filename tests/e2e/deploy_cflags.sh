#!/bin/sh
# deploy_cflags.sh - the source tarball builds with an older compiler: the
# Makefile probes -Wvla, -Wimplicit-fallthrough and
# -fstack-protector-strong instead of assuming them.  A wrapper around cc
# that refuses the last two (as gcc 4.8 and 6 do) still compiles an agent
# source file, and this machine's compiler still gets all of them.
. "$(dirname "$0")/lib.sh"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" "$@"; }

cat >"$t/oldcc" <<'EOT'
#!/bin/sh
# cc without -Wimplicit-fallthrough and -fstack-protector-strong.
for a; do
	case $a in
	-Wimplicit-fallthrough | -fstack-protector-strong)
		echo "cc1: error: unrecognized command line option '$a'" >&2
		exit 1 ;;
	esac
done
exec cc "$@"
EOT
chmod 0755 "$t/oldcc"

obj=$t/b/rel/agent/main.o
if mk CC="$t/oldcc" BUILD="$t/b" "$obj" >"$t/old.log" 2>&1; then
	ok "an older compiler builds agent/main.o"
else
	not_ok "an older compiler: $(tail -n 5 "$t/old.log")"
fi
mk -n CC="$t/oldcc" BUILD="$t/b2" "$t/b2/rel/agent/main.o" >"$t/old.n" 2>&1
check "it gets -fstack-protector instead of -strong" sh -c \
    "grep -q -- '-fstack-protector ' '$t/old.n' &&
     ! grep -q -- '-fstack-protector-strong' '$t/old.n'"
check "it keeps -Wvla" grep -q -- '-Wvla' "$t/old.n"
mk -n BUILD="$t/b3" "$t/b3/rel/agent/main.o" >"$t/new.n" 2>&1
check "this machine's compiler gets -Wimplicit-fallthrough" grep -q -- \
    '-Wimplicit-fallthrough' "$t/new.n"
check "this machine's compiler gets -fstack-protector-strong" grep -q -- \
    '-fstack-protector-strong' "$t/new.n"
