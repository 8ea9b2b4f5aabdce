#!/bin/sh
# static_chroot.sh - the static agent in an empty chroot that holds only
# itself, its config, a CA bundle (at RHEL's path, found without
# ca_file), an /etc/hosts and a fixture root: it reports and delivers
# over HTTPS to the real collector by DNS name (from /etc/hosts) and by
# IP address (iPAddress SAN), refuses a certificate for another name or
# address, and without getrandom(2) (2.6.18) and /dev/urandom says so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/static_lib.inc"
. "$(dirname "$0")/collector_lib.inc"
command -v openssl >/dev/null || { ok "# SKIP no openssl"; exit 0; }
[ "$(id -u)" = 0 ] || { ok "# SKIP chroot needs root"; exit 0; }

T=$(e2e_tmp)
C=$T/chroot
mkdir -p "$C/etc/pki/tls/certs" "$C/state" "$T/tls" "$T/c1" "$T/c2"
cp "$SAGENT" "$C/spoolwatch-agent"
mk_fixture incident "$C/root"
echo "127.0.0.1 collector.test other.test" >"$C/etc/hosts"
check "a CA and a collector certificate" mk_tls "$T/tls"
cp "$T/tls/ca.pem" "$C/etc/pki/tls/certs/ca-bundle.crt"

SCHEME=https
check "collector over HTTPS" start_collector "$T/c1" \
    "tls_cert = $T/tls/cert.pem" "tls_key = $T/tls/key.pem"

# run_in URL: the agent in the chroot, one cycle, sending to URL
run_in() {
	printf 'server = %s\nconnect_timeout = 5\ntimeout = 10\n' "$1" \
	    >"$C/agent.conf"
	timeout 60 chroot "$C" /spoolwatch-agent --config /agent.conf \
	    --state-dir /state --once --root /root >"$T/out" 2>"$T/err"
	rc=$?
}
queued() { ls "$C/state/outbox" 2>/dev/null | grep -c '\.gz$'; }
reports() {
	curl -s -m 10 --cacert "$T/tls/ca.pem" \
	    "https://127.0.0.1:$PORT/api/v1/hosts/host1.example.com" |
	    jq -r '.reports // 0'
}

run_in "https://collector.test:$PORT"
check_eq "by DNS name (/etc/hosts): exit 0" "$rc" 0
check_eq "... delivered, the outbox is empty" "$(queued)" 0
check_eq "... the collector stored it" "$(reports)" 1
check "... the CA bundle found is logged" \
    grep -q "CA bundle /etc/pki/tls/certs/ca-bundle.crt" "$T/err"

run_in "https://127.0.0.1:$PORT"
check_eq "by IP address (iPAddress SAN): exit 0" "$rc" 0
check_eq "... delivered, the outbox is empty" "$(queued)" 0
check_eq "... the collector stored it" "$(reports)" 2

run_in "https://other.test:$PORT"
check_eq "a name the certificate does not hold: kept" "$(queued)" 1
check "... the log says why" grep -qi "cert\|SSL\|match" "$T/err"
check_eq "... nothing stored" "$(reports)" 2
rm -f "$C/state/outbox/"*.gz

# a certificate for DNS:collector.test and IP:127.0.0.2 only
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$T/tls/k2.pem" -out "$T/tls/r2.pem" 2>/dev/null
printf 'subjectAltName=DNS:collector.test,IP:127.0.0.2\n' >"$T/tls/ext2"
openssl x509 -req -in "$T/tls/r2.pem" -CA "$T/tls/ca.pem" \
    -CAkey "$T/tls/ca-key.pem" -CAcreateserial -days 2 \
    -extfile "$T/tls/ext2" -out "$T/tls/c2.pem" 2>/dev/null
stop_collector
check "collector with a certificate for another address" start_collector \
    "$T/c2" "tls_cert = $T/tls/c2.pem" "tls_key = $T/tls/k2.pem"
run_in "https://127.0.0.1:$PORT"
check_eq "an address the certificate does not hold: kept" "$(queued)" 1
check "... a name mismatch is logged" grep -qi "mismatch\|cert" "$T/err"
run_in "https://collector.test:$PORT"
check_eq "... by the name it holds: delivered" "$(queued)" 0

# no getrandom (2.6.18) and no /dev/urandom: a clear error of the agent
timeout 60 "$OLDKERNEL" --chroot "$C" "$TABLE" 2.6.18 /spoolwatch-agent \
    --config /agent.conf --state-dir /state --once --root /root \
    >"$T/out" 2>"$T/err"
rc=$?
check "no randomness: the agent fails" test "$rc" -ne 0
check "... saying what is missing" grep -q "no source of randomness" "$T/err"
sed 's/^/# /' "$T/err" | head -3
mkdir -p "$C/dev"
mknod -m 444 "$C/dev/urandom" c 1 9
timeout 60 "$OLDKERNEL" --chroot "$C" "$TABLE" 2.6.18 /spoolwatch-agent \
    --config /agent.conf --state-dir /state --once --root /root \
    >"$T/out" 2>"$T/err"
check_eq "with /dev/urandom under 2.6.18: exit 0" "$?" 0
check_eq "... delivered" "$(queued)" 0
stop_collector
