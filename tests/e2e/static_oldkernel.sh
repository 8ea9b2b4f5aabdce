#!/bin/sh
# static_oldkernel.sh - the static agent under the system call table of
# Linux 2.6.18 (RHEL 5), 2.6.32 (RHEL 6) and 3.10 (RHEL 7), simulated by
# tests/oldkernel (seccomp: newer calls answer ENOSYS, 2.6.18's flag
# errors): its report on the incident, healthy and postfix roots is the
# one it gives without the filter (ids, timestamps, live figures aside),
# and under 2.6.18 it delivers over HTTPS to the real collector, once
# and as a daemon.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/static_lib.inc"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
: >"$T/empty.conf"

# the launcher itself: what 2.6.18 lacks fails as it did there
"$OLDKERNEL" "$TABLE" 2.6.18 --probe >"$T/probe" 2>&1
check_eq "launcher 2.6.18: getrandom is ENOSYS" \
    "$(sed -n 's/^getrandom //p' "$T/probe")" "Function not implemented"
check_eq "launcher 2.6.18: pipe2 is ENOSYS" \
    "$(sed -n 's/^pipe2 //p' "$T/probe")" "Function not implemented"
check_eq "launcher 2.6.18: socket with SOCK_CLOEXEC is EINVAL" \
    "$(sed -n 's/^socket+SOCK_CLOEXEC //p' "$T/probe")" "Invalid argument"
check_eq "launcher 2.6.18: F_DUPFD_CLOEXEC is EINVAL" \
    "$(sed -n 's/^fcntl+F_DUPFD_CLOEXEC //p' "$T/probe")" "Invalid argument"
check_eq "launcher 2.6.18: private futex is ENOSYS" \
    "$(sed -n 's/^futex+PRIVATE //p' "$T/probe")" "Function not implemented"
check_eq "launcher 2.6.18: a plain futex works" \
    "$(sed -n 's/^futex //p' "$T/probe")" ok
"$OLDKERNEL" "$TABLE" 2.6.32 --probe >"$T/probe" 2>&1
check_eq "launcher 2.6.32: pipe2 works, getrandom is ENOSYS" \
    "$(sed -n 's/^pipe2 //p; s/^getrandom //p' "$T/probe" | tr '\n' /)" \
    "Function not implemented/ok/"
"$OLDKERNEL" "$TABLE" 3.10 --probe >"$T/probe" 2>&1
check_eq "launcher 3.10: statx is ENOSYS, epoll_create1 works" \
    "$(sed -n 's/^statx //p; s/^epoll_create1 //p' "$T/probe" | tr '\n' /)" \
    "Function not implemented/ok/"

# the same report with and without the old kernel
for kind in incident healthy-sendmail healthy-postfix; do
	mk_fixture "$kind" "$T/$kind"
	mkdir -p "$T/$kind.st0"
	"$SAGENT" --config "$T/empty.conf" --state-dir "$T/$kind.st0" --once \
	    --stdout --root "$T/$kind" >"$T/$kind.0.json" 2>"$T/$kind.0.err"
	check_eq "$kind: static agent exits 0" "$?" 0
	norm "$T/$kind.0.json" >"$T/$kind.0.norm"
	for k in 2.6.18 2.6.32 3.10; do
		mkdir -p "$T/$kind.st$k"
		"$OLDKERNEL" "$TABLE" "$k" "$SAGENT" --config "$T/empty.conf" \
		    --state-dir "$T/$kind.st$k" --once --stdout --root "$T/$kind" \
		    >"$T/$kind.$k.json" 2>"$T/$kind.$k.err"
		check_eq "$kind under $k: exit 0" "$?" 0
		norm "$T/$kind.$k.json" >"$T/$kind.$k.norm"
		if cmp -s "$T/$kind.0.norm" "$T/$kind.$k.norm"; then
			ok "$kind under $k: the same report"
		else
			not_ok "$kind under $k: the same report"
			diff "$T/$kind.0.norm" "$T/$kind.$k.norm" | head -20 |
			    sed 's/^/# /'
			sed 's/^/# stderr: /' "$T/$kind.$k.err" | head -5
		fi
	done
done
check "the incident report under 2.6.18 has the SPEC's findings" jq_e \
    '[.findings[].code] | index("spool.not_writable_by_mta") != null' \
    "$T/incident.2.6.18.json"

# HTTPS delivery to the real collector under 2.6.18
command -v openssl >/dev/null || { ok "# SKIP no openssl"; exit 0; }
mkdir -p "$T/tls" "$T/c"
check "a CA and a collector certificate" mk_tls "$T/tls"
SCHEME=https
check "collector over HTTPS" start_collector "$T/c" \
    "tls_cert = $T/tls/cert.pem" "tls_key = $T/tls/key.pem"
printf 'server = https://127.0.0.1:%s\nca_file = %s\nconnect_timeout = 5\ntimeout = 10\n' \
    "$PORT" "$T/tls/ca.pem" >"$T/https.conf"
mkdir -p "$T/st.https"
timeout 60 "$OLDKERNEL" "$TABLE" 2.6.18 "$SAGENT" --config "$T/https.conf" \
    --state-dir "$T/st.https" --once --root "$T/incident" \
    >"$T/https.out" 2>"$T/https.err"
check_eq "2.6.18, https://127.0.0.1 (IP SAN): agent exits 0" "$?" 0
check_eq "... nothing left in the outbox" \
    "$(ls "$T/st.https/outbox" 2>/dev/null | grep -c '\.gz$')" 0
code=$(curl -s -m 10 --cacert "$T/tls/ca.pem" -o "$T/host.json" \
    -w '%{http_code}' "https://127.0.0.1:$PORT/api/v1/hosts/host1.example.com")
check_eq "... the collector has the host" "$code" 200
check_eq "... with the report's findings" \
    "$(jq '[.open_findings[]?, .findings[]?] | length > 0' "$T/host.json")" true
sed 's/^/# agent: /' "$T/https.err" | head -5

# the daemon under 2.6.18: two cycles delivered, SIGTERM ends it cleanly
printf 'interval = 2\nsplay = 0\n' >>"$T/https.conf"
mkdir -p "$T/st.daemon"
"$OLDKERNEL" "$TABLE" 2.6.18 "$SAGENT" --config "$T/https.conf" \
    --state-dir "$T/st.daemon" --root "$T/incident" \
    --hostname daemon.example.com >"$T/daemon.out" 2>"$T/daemon.err" &
DPID=$!
at_exit "kill -9 $DPID 2>/dev/null"
reports_of() {
	curl -s -m 10 --cacert "$T/tls/ca.pem" \
	    "https://127.0.0.1:$PORT/api/v1/hosts/$1" | jq -r '.reports // 0'
}
i=0
while [ "$(reports_of daemon.example.com)" -lt 2 ] && [ $i -lt 150 ]; do
	sleep 0.2; i=$((i + 1))
done
check_eq "2.6.18 daemon: two cycles delivered" \
    "$(reports_of daemon.example.com)" 2
kill -TERM "$DPID"
i=0
while kill -0 "$DPID" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
kill -9 "$DPID" 2>/dev/null
wait "$DPID"
check_eq "... SIGTERM: exit 0" "$?" 0
stop_collector
