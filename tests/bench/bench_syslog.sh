#!/bin/sh
# bench_syslog.sh - scan a generated 1 GiB syslog file (0.1% sendmail
# SYSERR lines, 1% sendmail delivery lines, the rest other programs) with
# the agent's log collector and, in the same run and on the same file,
# with `LC_ALL=C grep -c SYSERR`; print GB/s for both and the ratio, and
# the agent's peak memory.  The page cache is warmed first.  The file is
# removed afterwards.  BENCH_MB overrides the size (default 1024).
set -u
: "${BENCH_TMP:=/tmp/spoolwatch-bench}"
: "${BINDIR:=$(cd "$(dirname "$0")/../.." && pwd)/bin}"
mb=${BENCH_MB:-1024}
d=$BENCH_TMP/syslog.$$
mkdir -p "$d/root/var/log" "$d/state"
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$d"' EXIT INT TERM
f=$d/root/var/log/maillog

# a 64 MiB block of varied lines, repeated to the size wanted
awk -v target=$((64 * 1024 * 1024)) 'BEGIN {
	srand(42)
	split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
	size = 0; n = 0
	while (size < target) {
		n++
		ts = sprintf("%s %2d %02d:%02d:%02d", mon[int(n / 200000) % 12 + 1],
		    int(n / 7000) % 28 + 1, int(n / 3600) % 24, int(n / 60) % 60, n % 60)
		r = rand()
		qid = sprintf("u%c%c%c%c%cam%06d", 65 + n % 26, 65 + int(n / 26) % 26,
		    97 + int(n / 7) % 26, 48 + n % 10, 65 + int(n / 3) % 26, n % 999999)
		if (r < 0.001)
			l = sprintf("%s host1 sendmail[%d]: %s: SYSERR(root): collect: Cannot write ./df%s (bfcommit, uid=51, gid=51): Permission denied", ts, n % 32768, qid, qid)
		else if (r < 0.006)
			l = sprintf("%s host1 sendmail[%d]: %s: from=root, size=%d, class=0, nrcpts=1, msgid=<%s@host1>, relay=root@localhost", ts, n % 32768, qid, 300 + n % 900, qid)
		else if (r < 0.0105)
			l = sprintf("%s host1 sendmail[%d]: %s: to=root, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=%d, relay=[127.0.0.1] [127.0.0.1], dsn=2.0.0, stat=Sent (%s Message accepted for delivery)", ts, n % 32768, qid, 30000 + n % 9000, qid)
		else if (r < 0.011)
			l = sprintf("%s host1 sendmail[%d]: %s: to=root, ctladdr=root (0/0), delay=00:00:00, xdelay=00:00:00, mailer=relay, pri=%d, relay=[127.0.0.1] [127.0.0.1], dsn=4.0.0, stat=Deferred: Connection refused by [127.0.0.1]", ts, n % 32768, qid, 30000 + n % 9000)
		else if (r < 0.25)
			l = sprintf("%s host1 kernel: [%d.%06d] IPv4: martian source 10.0.%d.%d from 192.0.2.%d, on dev eth0", ts, n, n % 1000000, n % 256, (n * 7) % 256, n % 200)
		else if (r < 0.45)
			l = sprintf("%s host1 CROND[%d]: (root) CMD (/usr/lib64/sa/sa1 1 1)", ts, n % 32768)
		else if (r < 0.65)
			l = sprintf("%s host1 sshd[%d]: Accepted publickey for admin from 192.0.2.%d port %d ssh2: RSA SHA256:abcdefghijklmnop", ts, n % 32768, n % 250, 1024 + n % 60000)
		else if (r < 0.85)
			l = sprintf("%s host1 systemd[1]: Started Session %d of user root.", ts, n)
		else
			l = sprintf("%s host1 dhclient[%d]: DHCPREQUEST on eth0 to 192.0.2.1 port 67 (xid=0x%x)", ts, n % 32768, n)
		print l
		size += length(l) + 1
	}
}' >"$d/block" || exit 1
: >"$f"
i=0
while [ $((i * 64)) -lt "$mb" ]; do
	cat "$d/block" >>"$f"
	i=$((i + 1))
done
rm -f "$d/block"
bytes=$(stat -c %s "$f")
cat "$f" >/dev/null	# warm the page cache

now() { date +%s.%N; }
gbps() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.2f", b / s / 1e9 }'; }

t0=$(now)
g=$(LC_ALL=C grep -c SYSERR "$f")
t1=$(now)
gs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

cat >"$d/agent.conf" <<EOF
max_events = 500
[logs]
files = /var/log/maillog
readback = 2G
EOF
t0=$(now)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$d/rss" "$BINDIR/spoolwatch-agent" --once \
	    --stdout --config "$d/agent.conf" --root "$d/root" \
	    --state-dir "$d/state" --hostname bench >"$d/report.json" 2>"$d/err"
else
	"$BINDIR/spoolwatch-agent" --once --stdout --config "$d/agent.conf" \
	    --root "$d/root" --state-dir "$d/state" --hostname bench \
	    >"$d/report.json" 2>"$d/err"
fi
rc=$?
t1=$(now)
as=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
if [ $rc -ne 0 ]; then
	echo "agent failed (exit $rc):"
	cat "$d/err"
	exit 1
fi
syserr=$(jq '[.event_groups[] | select(.kind == "syserr") | .count] | add // 0' "$d/report.json")
total=$(jq '.log_summary.events_total' "$d/report.json")
impl=$(jq -r '.log_summary.prefilter' "$d/report.json")

printf 'file: %d bytes (%d MiB), warm page cache\n' "$bytes" $((bytes >> 20))
printf '%-44s %8s s %8s GB/s\n' "LC_ALL=C grep -c SYSERR" "$gs" "$(gbps "$gs")"
printf '%-44s %8s s %8s GB/s\n' "spoolwatch-agent (prefilter: $impl)" "$as" "$(gbps "$as")"
printf 'ratio agent/grep: %s x  (whole agent run: every field of every event, groups, JSON)\n' \
    "$(awk -v a="$as" -v g="$gs" 'BEGIN { printf "%.2f", g / a }')"
printf 'SYSERR lines: grep %s, agent %s; events of all kinds: %s\n' "$g" "$syserr" "$total"
[ -f "$d/rss" ] && printf 'agent peak RSS: %s KiB\n' "$(tail -n 1 "$d/rss")"
[ "$g" = "$syserr" ] || echo "MISMATCH: the agent and grep disagree on the SYSERR count"
