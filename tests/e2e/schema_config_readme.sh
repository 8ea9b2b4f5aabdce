#!/bin/sh
# schema_config_readme.sh - the README's "Configuration format" stays
# true: its example is accepted by the real agent, and the errors and the
# secret hiding it promises happen (--check-config, exit 0 or 2).
. "$(dirname "$0")/lib.sh"
tmp=$(e2e_tmp)
# hermetic: never the host's /var/lib/spoolwatch
mkdir -p "$tmp/state"
agent() { "$AGENT" --state-dir "$tmp/state" "$@"; }

# the first ``` block under "## Configuration format"
awk '/^## Configuration format/ { f = 1 }
    f && /^```/ { if (inb) exit; inb = 1; next }
    inb' "$SPOOLWATCH_TOP/README.md" >"$tmp/readme.conf"
check "the README has a configuration example" \
    grep -q '^\[spool /var/spool/clientmqueue\]' "$tmp/readme.conf"
agent --check-config --config "$tmp/readme.conf" >"$tmp/out" 2>"$tmp/err"
rc=$?
check_eq "the README's example passes --check-config" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/err"
check "its inline comments are comments (interval = 60s)" \
    grep -q '^interval = 60s$' "$tmp/out"
check "its server is read as written" \
    grep -q '^server = http://collector.example:8470$' "$tmp/out"
check "its sized value is read (64M)" \
    grep -q '^outbox_max_bytes = 67108864$' "$tmp/out"

# bad FILE TEXT WANT: --check-config exits 2 with WANT on stderr.
bad() {
	printf "$2" >"$tmp/$1.conf"
	agent --check-config --config "$tmp/$1.conf" >/dev/null \
	    2>"$tmp/$1.err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF "$tmp/$1.conf:$3" "$tmp/$1.err"; then
		ok "$1: exit 2 and '$1.conf:$3'"
	else
		not_ok "$1: rc $rc, want 2 and '$1.conf:$3'"
		sed 's/^/# /' "$tmp/$1.err"
	fi
}
bad unknown-key 'interval = 60\nintervall = 5\n' "2: unknown key 'intervall'"
bad unknown-section '[logz]\n' "1: unknown section [logz]"
bad duplicate-key 'interval = 60\n\ninterval = 90\n' \
    "3: duplicate key 'interval' (first at line 1)"
bad duplicate-section '[logs]\n[logs]\n' "2: duplicate section [logs]"
bad no-equals 'server\n' "1: expected 'key = value'"
bad bad-value 'interval = 1 fortnight\n' "1: interval: expected a duration"
bad out-of-bounds 'interval = 0\n' "1: interval must be between"
bad quote 'hostname = "open\n' "1: unterminated quote"
bad nul 'a = 1\nb = \0\n' "2: contains a NUL byte"
{ printf 'hostname = '; head -c 4096 /dev/zero | tr '\0' x; echo; } \
    >"$tmp/long.conf"
agent --check-config --config "$tmp/long.conf" >/dev/null 2>"$tmp/long.err"
rc=$?
check "a line over 4096 bytes: exit 2 naming line 1" \
    sh -c "[ $rc -eq 2 ] && grep -qF '$tmp/long.conf:1: line longer' '$tmp/long.err'"

# secrets are never printed
printf 'token = hunter2-secret\nhostname = e2e-host\n' \
    >"$tmp/secret.conf"
agent --check-config --config "$tmp/secret.conf" >"$tmp/secret.out" 2>&1
check_eq "a config with a token passes" "$?" 0
check "the token is not printed" \
    sh -c "! grep -q hunter2 '$tmp/secret.out'"
check "the token shows as <set, hidden>" \
    grep -q '^token = <set, hidden>$' "$tmp/secret.out"
check "other values are printed" \
    grep -q '^hostname = e2e-host$' "$tmp/secret.out"
echo hunter3-secret >"$tmp/token"
chmod 600 "$tmp/token"
printf 'token_file = %s\n' "$tmp/token" >"$tmp/tfile.conf"
agent --check-config --config "$tmp/tfile.conf" >"$tmp/tfile.out" 2>&1
check "token_file is printed (it is a path, not a secret)" \
    grep -qF "token_file = $tmp/token" "$tmp/tfile.out"
check "the token in it is not printed" \
    sh -c "! grep -q hunter3 '$tmp/tfile.out'"
