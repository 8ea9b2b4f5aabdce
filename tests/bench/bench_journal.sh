#!/bin/sh
# bench_journal.sh - the agent reading a systemd journal of JOURNAL_LINES
# entries (default 1 million, 1% of them mail: postfix deferrals), next
# to `journalctl -D DIR --output=json | wc -l` over the same journal in
# the same run.  The journal is a real one, written by
# systemd-journal-remote from export-format input.  Each side is run
# twice from a warm page cache and the faster run counts.  Files live in
# $BENCH_TMP and are removed.
set -u
: "${BENCH_TMP:=/tmp/spoolwatch-bench}"
: "${BINDIR:=$(cd "$(dirname "$0")/../.." && pwd)/bin}"
: "${JOURNAL_LINES:=1000000}"
AGENT=$BINDIR/spoolwatch-agent
REMOTE=/lib/systemd/systemd-journal-remote
W=$BENCH_TMP/journal.$$
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT INT TERM
if [ ! -x "$REMOTE" ] || ! command -v journalctl >/dev/null; then
	echo "bench_journal: needs systemd-journal-remote and journalctl" \
	    "(tests/deps-journal.txt); skipped"
	exit 0
fi
mkdir -p "$W/root/etc" "$W/root/var/log/journal/0123456789abcdef0123456789abcdef" \
    "$W/state"
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$W/root/etc/passwd"
printf 'root:x:0:\n' >"$W/root/etc/group"
echo bench >"$W/root/etc/hostname"
now=$(date +%s)

# export input: every 100th entry a postfix deferral, the rest the
# systemd and kernel chatter of a busy host; all within the last interval
awk -v n="$JOURNAL_LINES" -v now="$now" 'BEGIN {
	for (i = 1; i <= n; i++) {
		t = (now - 3000) * 1000000 + int(i * 2900000000 / n);
		printf "__CURSOR=s=0;i=%d\n__REALTIME_TIMESTAMP=%.0f\n", i, t;
		printf "__MONOTONIC_TIMESTAMP=%d\n", i;
		printf "_BOOT_ID=6f1c9a2b3d4e5f60718293a4b5c6d7e8\n_HOSTNAME=bench\n";
		if (i % 100 == 0) {
			printf "SYSLOG_FACILITY=2\nSYSLOG_IDENTIFIER=postfix/smtp\n";
			printf "_PID=%d\nMESSAGE=%X: to=<ops@example.com>, relay=none, ", 1000 + i % 30000, i;
			printf "delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred ";
			printf "(connect to mx.example.com[192.0.2.10]:25: Connection refused)\n\n";
		} else {
			printf "SYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=systemd\n_PID=1\n";
			printf "MESSAGE=Started session-%d.scope - Session %d of User app.\n\n", i, i;
		}
	}
}' >"$W/in.export"
j=$W/root/var/log/journal/0123456789abcdef0123456789abcdef/system.journal
t0=$(date +%s.%N)
"$REMOTE" -o "$j" - <"$W/in.export" 2>/dev/null
t1=$(date +%s.%N)
rm -f "$W/in.export"
printf 'journal: %d entries, %s MiB, written in %.1f s\n' "$JOURNAL_LINES" \
    "$(($(stat -c %s "$j") >> 20))" "$(echo "$t1 - $t0" | bc)"
printf '[journal]\nenabled = yes\n' >"$W/agent.conf"

# best SECONDS of two runs of CMD...
best() {
	_b=""
	for _r in 1 2; do
		_s=$(date +%s.%N)
		"$@" >"$W/out" 2>"$W/err"
		_e=$(date +%s.%N)
		_t=$(echo "$_e - $_s" | bc)
		if [ -z "$_b" ] || [ "$(echo "$_t < $_b" | bc)" = 1 ]; then _b=$_t; fi
	done
	echo "$_b"
}
agent_run() {
	rm -rf "$W/state"/*
	"$AGENT" --once --stdout --config "$W/agent.conf" --root "$W/root" \
	    --state-dir "$W/state" --hostname bench
}
jc_run() { journalctl -D "$W/root/var/log/journal" --output=json | wc -l; }

ta=$(best agent_run)
events=$(jq '.log_summary.events_total' "$W/out" 2>/dev/null)
tj=$(best jc_run)
lines=$(cat "$W/out")
printf 'agent (journalctl filtered to mail, parsed): %.2f s, %s events\n' \
    "$ta" "$events"
printf 'journalctl -D DIR --output=json | wc -l:     %.2f s, %s lines\n' \
    "$tj" "$lines"
printf 'ratio agent/journalctl: %.2f\n' "$(echo "$ta / $tj" | bc -l)"
