#!/bin/sh
# agent_cli_flags.sh - the agent's flags and exit codes (SPEC), bad
# configuration files, --check-config, and the state_dir rules.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.inc"
T=$(e2e_tmp)
mini_root "$T/root"
ST="$T/state"
: >"$T/empty.conf"

run_agent --version
check_eq "--version exits 0" "$rc" 0
check "--version names the version" grep -q "^spoolwatch-agent [0-9]" "$T/out"
run_agent --help
check_eq "--help exits 0" "$rc" 0
for flag in --config --once --stdout --root --state-dir --server --hostname \
    --commit-state --interval --splay --check-config --version --help; do
	check "--help documents $flag" grep -q -- "$flag" "$T/out"
done
run_agent --no-such-flag
check_eq "an unknown flag exits 2" "$rc" 2
run_agent --once --stdout extra-arg
check_eq "a stray argument exits 2" "$rc" 2
run_agent --once --commit-state --root "$T/root" --state-dir "$ST"
check_eq "--commit-state without --stdout exits 2" "$rc" 2
run_agent --once --stdout --config "$T/nope.conf" --root "$T/root" --state-dir "$ST"
check_eq "a missing named --config exits 2" "$rc" 2
check "... and names the file" grep -q "nope.conf" "$T/err"
run_agent --once --root "$T/root" --state-dir "$ST" --config "$T/empty.conf"
check_eq "delivery without a server exits 2" "$rc" 2
check "... and says so" grep -q "no server" "$T/err"
run_agent --once --stdout --interval 0 --state-dir "$ST"
check_eq "--interval 0 exits 2" "$rc" 2
run_agent --once --stdout --splay soon --state-dir "$ST"
check_eq "--splay with a bad duration exits 2" "$rc" 2

# --once --stdout: a report, and nothing changed under state_dir
run_agent --once --stdout --root "$T/root" --state-dir "$ST" --config "$T/empty.conf"
check_eq "--once --stdout exits 0" "$rc" 0
check_eq "... prints a report" "$(jq -r .schema "$T/out")" "spoolwatch.report/1"
check_eq "... with --hostname's default from ROOT/etc/hostname" \
    "$(jq -r .host.name "$T/out")" "e2e-host"
check_eq "... carrying outbox_dropped" "$(jq -r .outbox_dropped "$T/out")" 0
check_eq "... and no state written" "$(state_of "$ST")" none
check "... and no outbox created" test ! -e "$ST/outbox"
run_agent --once --stdout --commit-state --hostname other --root "$T/root" \
    --state-dir "$ST" --config "$T/empty.conf"
check_eq "--stdout --commit-state exits 0" "$rc" 0
check_eq "--hostname is reported" "$(jq -r .host.name "$T/out")" other
# offsets exist once the log collector staged some (it reads the maillog)
if [ "$(jq '.events | length' "$T/out")" -gt 0 ]; then
	check "... and the offsets are committed" test -f "$ST/state.json"
else
	ok "# SKIP no events, so no offsets to commit"
fi
check_eq "state_dir is created 0700" "$(stat -c %a "$ST")" 700

# --check-config: the effective configuration, secrets hidden
cat >"$T/good.conf" <<CONF
# a comment
server = https://collector.example:8470/
token = s3cr3t-token
interval = 2m
splay = 30
outbox_max_bytes = 1M
retry_min = 5s
retry_max = 1h
CONF
run_agent --check-config --config "$T/good.conf" --state-dir "$ST"
check_eq "--check-config on a good file exits 0" "$rc" 0
check "... prints interval" grep -q "^interval = 120s" "$T/out"
check "... prints the server without the trailing /" \
    grep -q "^server = https://collector.example:8470$" "$T/out"
check "... prints outbox_max_bytes" grep -q "^outbox_max_bytes = 1048576" "$T/out"
check "... prints retry_max" grep -q "^retry_max = 3600s" "$T/out"
check "... never prints the token" sh -c "! grep -q s3cr3t '$T/out'"
check "... says it is set" grep -q "^token = <set, hidden>" "$T/out"
run_agent --check-config --config "$T/good.conf" --interval 90 --state-dir "$ST"
check "flags override the file" grep -q "^interval = 90s" "$T/out"
run_agent --check-config --config "$T/good.conf" --state-dir "$ST"
check "splay defaults to... the file's splay" grep -q "^splay = 30s" "$T/out"
printf 'interval = 45\n' >"$T/nosplay.conf"
run_agent --check-config --config "$T/nosplay.conf" --state-dir "$ST"
check "splay defaults to the interval" grep -q "^splay = 45s" "$T/out"

# bad files: exit 2 with FILE:LINE
bad() {
	_name=$1 _want=$2; shift 2
	printf "$@" >"$T/bad.conf"
	run_agent --check-config --config "$T/bad.conf" --state-dir "$ST"
	check_eq "bad config ($_name) exits 2" "$rc" 2
	check "... and says '$_want'" grep -q -- "$_want" "$T/err"
}
bad "unknown key" "bad.conf:2: unknown key 'intervall'" 'server = http://127.0.0.1:1\nintervall = 60\n'
bad "bad duration" "bad.conf:1: interval" 'interval = soon\n'
bad "interval out of range" "bad.conf:1: interval must be between" 'interval = 0\n'
bad "bad size" "bad.conf:1: outbox_max_bytes" 'outbox_max_bytes = lots\n'
bad "bad bool" "bad.conf:1: insecure_skip_verify" 'insecure_skip_verify = maybe\n'
bad "duplicate key" "bad.conf:2: duplicate key" 'interval = 60\ninterval = 70\n'
bad "no equals sign" "bad.conf:1:" 'server http://x\n'
bad "unknown section" "unknown section" '[nosuch]\nx = 1\n'
bad "ftp server" "server 'ftp://x'" 'server = ftp://x\n'
bad "server with a query" "no query" 'server = http://x/?a=b\n'
bad "token and token_file" "not both" 'token = a\ntoken_file = /etc/hostname\n'
bad "missing token_file" "token_file" "token_file = $T/no-token\n"
bad "token with a blank" "visible ASCII" 'token = "a b"\n'
bad "retry_min above retry_max" "retry_min" 'retry_min = 1h\nretry_max = 1m\n'
bad "missing ca_file" "ca_file" "ca_file = $T/no-ca.pem\n"
bad "log_target" "log_target" 'log_target = file\n'
bad "log_level" "log_level" 'log_level = loud\n'
printf 'interval = 60\0\n' >"$T/nul.conf"
run_agent --check-config --config "$T/nul.conf" --state-dir "$ST"
check_eq "a NUL byte in the file exits 2" "$rc" 2
head -c 3000 /dev/urandom >"$T/junk.conf"
run_agent --check-config --config "$T/junk.conf" --state-dir "$ST"
check_eq "binary junk exits 2" "$rc" 2
run_agent --check-config --config "$T" --state-dir "$ST"
check_eq "a directory as --config exits 2" "$rc" 2

# a token from token_file, trailing newline dropped, never printed
printf 'file-token-123\n' >"$T/token"
printf 'token_file = %s\n' "$T/token" >"$T/tf.conf"
run_agent --check-config --config "$T/tf.conf" --state-dir "$ST"
check_eq "token_file is accepted" "$rc" 0
check "... and its token hidden" sh -c "! grep -q file-token-123 '$T/out'"
chmod 0644 "$T/token"
run_agent --check-config --config "$T/tf.conf" --state-dir "$ST"
check "a token_file readable by everyone is warned about" grep -q "readable by every user" "$T/err"
chmod 0600 "$T/token"
run_agent --check-config --config "$T/tf.conf" --state-dir "$ST"
check "... a 0600 one is not" sh -c "! grep -q 'readable by every user' '$T/err'"

# insecure_skip_verify is warned about
printf 'insecure_skip_verify = yes\nserver = https://127.0.0.1:1\nconnect_timeout = 1\n' >"$T/insecure.conf"
run_agent --once --config "$T/insecure.conf" --root "$T/root" --state-dir "$T/st-insecure"
check "insecure_skip_verify is warned about" grep -q "NOT verified" "$T/err"
check_eq "... and an unreachable https collector still exits 0 (outbox)" "$rc" 0

# state_dir rules: world-writable or someone else's is refused (exit 2)
mkdir -p "$T/ww" && chmod 0777 "$T/ww"
run_agent --once --stdout --root "$T/root" --state-dir "$T/ww" --config "$T/empty.conf"
check_eq "a world-writable state_dir exits 2" "$rc" 2
check "... and says why" grep -q "world-writable" "$T/err"
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/theirs" && chown 65534:65534 "$T/theirs" && chmod 0700 "$T/theirs"
	run_agent --once --stdout --root "$T/root" --state-dir "$T/theirs" --config "$T/empty.conf"
	check_eq "a state_dir owned by another user exits 2" "$rc" 2
	check "... and says why" grep -q "owned by uid 65534" "$T/err"
	# unprivileged: its own state_dir works; root's is refused
	mkdir -p "$T/nobody-state" && chown 65534:65534 "$T/nobody-state"
	chmod 0755 "$(dirname "$T")" "$T" "$T/root"
	if command -v setpriv >/dev/null; then
		timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$AGENT" --once --stdout --commit-state --root "$T/root" \
		    --state-dir "$T/nobody-state" --config "$T/empty.conf" \
		    >"$T/out" 2>"$T/err"
		check_eq "runs unprivileged with its own state_dir" "$?" 0
		check_eq "... creating its lock as that user" \
		    "$(stat -c %u "$T/nobody-state/lock")" 65534
		timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$AGENT" --once --stdout --root "$T/root" --state-dir "$ST" \
		    --config "$T/empty.conf" >"$T/out" 2>"$T/err"
		check_eq "... and refuses root's state_dir" "$?" 2
	fi
fi

# a second agent on the same state_dir is refused while the first runs
printf 'server = http://127.0.0.1:9\ninterval = 1h\nsplay = 0\n' >"$T/d.conf"
start_daemon d --config "$T/d.conf" --root "$T/root" --state-dir "$T/locked"
wait_for 20 test -f "$T/locked/lock"
sleep 0.5
run_agent --once --root "$T/root" --state-dir "$T/locked" --config "$T/d.conf"
check_eq "a second agent on a locked state_dir exits 1" "$rc" 1
check "... saying another agent uses it" grep -q "another spoolwatch-agent" "$T/err"
check_eq "the daemon exits 0 on SIGTERM" "$(stop_daemon d TERM)" 0
