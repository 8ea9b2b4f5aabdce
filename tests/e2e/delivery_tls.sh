#!/bin/sh
# delivery_tls.sh - TLS verification is on by default: a collector whose
# certificate no trusted CA signed is not sent to (the report waits in
# the outbox); ca_file makes it trusted; a ca_file that did not sign
# the collector's certificate does not; insecure_skip_verify sends anyway,
# warned.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.inc"
command -v openssl >/dev/null || { ok "# SKIP no openssl"; exit 0; }
T=$(e2e_tmp)
mini_root "$T/root"
F="$T/fake"
mkdir -p "$F"
# a self-signed certificate for 127.0.0.1, and one for another name
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$F/key.pem" \
    -out "$F/cert.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=elsewhere" \
    -addext "subjectAltName=DNS:elsewhere.example" -keyout "$T/other-key.pem" \
    -out "$T/other.pem" 2>/dev/null
start_fake "$F"
URL=$(echo "$FAKE_URL" | sed 's/^http:/https:/')
ST="$T/state"
base="server = $URL
connect_timeout = 3
timeout = 5"

printf '%s\n' "$base" >"$T/verify.conf"
run_agent --once --config "$T/verify.conf" --root "$T/root" --state-dir "$ST"
check_eq "untrusted certificate: exit 0 (kept)" "$rc" 0
check "... the log names the certificate problem" grep -qi "certificate" "$T/err"
check_eq "... nothing reached the collector" "$(nreq "$F")" 0
check_eq "... the report waits in the outbox" "$(outbox_n "$ST")" 1

printf '%s\nca_file = %s\n' "$base" "$F/cert.pem" >"$T/ca.conf"
run_agent --once --config "$T/ca.conf" --root "$T/root" --state-dir "$ST"
check_eq "with ca_file: exit 0" "$rc" 0
check_eq "... both reports delivered over TLS" "$(nreq "$F")" 2
check_eq "... the outbox is empty" "$(outbox_n "$ST")" 0

# a ca_file holding some other certificate: the collector's is not trusted
printf '%s\nca_file = %s\n' "$base" "$T/other.pem" >"$T/wrong.conf"
run_agent --once --config "$T/wrong.conf" --root "$T/root" --state-dir "$ST"
check_eq "ca_file of another certificate: not sent" "$(nreq "$F")" 2
check_eq "... kept" "$(outbox_n "$ST")" 1

printf '%s\ninsecure_skip_verify = yes\n' "$base" >"$T/insecure.conf"
run_agent --once --config "$T/insecure.conf" --root "$T/root" --state-dir "$ST"
check_eq "insecure_skip_verify: exit 0" "$rc" 0
check "... loudly warned about" grep -q "NOT verified" "$T/err"
check_eq "... and sent" "$(nreq "$F")" 4
