#!/bin/sh
# static_collector.sh - the static collector (make static; what the
# collector packages ship for RHEL 8/9, Debian 11/12, Ubuntu 22.04/24.04):
# no shared library, its bundled SQLite runs the schema (RETURNING needs
# 3.35), it stores what the static agent sends and answers the API, and
# tls_cert is refused with a clear error (no TLS: a proxy terminates it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/static_lib.inc"
COLLECTOR=$SCOLLECTOR
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
[ -x "$SCOLLECTOR" ] || { not_ok "static collector built (make static)"; exit 1; }
check "statically linked: no program interpreter" \
    sh -c "! LC_ALL=C readelf -l '$SCOLLECTOR' | grep -q 'program interpreter'"
check "statically linked: no shared library needed" \
    sh -c "! LC_ALL=C readelf -d '$SCOLLECTOR' 2>/dev/null | grep -q NEEDED"
check "--version names the bundled SQLite" \
    sh -c "'$SCOLLECTOR' --version | grep -q 'sqlite3 3\.'"

mkdir -p "$T/c" "$T/st"
check "static collector starts" start_collector "$T/c"
mk_fixture incident "$T/root"
printf 'server = %s\n' "$URL" >"$T/agent.conf"
timeout 60 "$SAGENT" --config "$T/agent.conf" --state-dir "$T/st" --once \
    --root "$T/root" >"$T/out" 2>"$T/err"
check_eq "static agent delivers to it: exit 0" "$?" 0
check_eq "... the outbox is empty" \
    "$(ls "$T/st/outbox" 2>/dev/null | grep -c '\.gz$')" 0
code=$(get "$T/host.json" /api/v1/hosts/host1.example.com)
check_eq "the host is stored" "$code" 200
check_eq "... with one report" "$(jq -r .reports "$T/host.json")" 1
code=$(get "$T/f.json" "/api/v1/findings?code=spool.not_writable_by_mta")
check_eq "the findings API answers" "$code" 200
check "... with the incident's finding" jq_e \
    '[.. | objects | select(.code? == "spool.not_writable_by_mta")] | length > 0' \
    "$T/f.json"
stop_collector
check_eq "clean stop" "$STOP_RC" 0

printf 'listen = 127.0.0.1:%s\ndb = %s\ntls_cert = %s\ntls_key = %s\n' \
    "$(free_port)" "$T/c/t.db" "$T/agent.conf" "$T/agent.conf" >"$T/tls.conf"
timeout 20 "$SCOLLECTOR" --config "$T/tls.conf" >"$T/tls.out" 2>&1
check "tls_cert: refused" test "$?" -ne 0
check "... saying there is no TLS support" grep -q "no TLS support" "$T/tls.out"
