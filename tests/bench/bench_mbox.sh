#!/bin/sh
# bench_mbox.sh - the agent parsing root's mbox of 1 GiB of cron mails,
# next to `LC_ALL=C grep -c '^From '` on the same file in the same run:
# MB/s of each, their ratio (target: the agent within 1.5x of grep), and
# the agent's peak RSS for the 1 GiB mailbox against a 1 MiB one (target:
# at most 1 MiB more).  Each is run twice from a warm page cache and the
# faster run counts, for the agent as `make` builds it and, when `make
# static` built it, as deployed (bin/static).  The files live in
# $BENCH_TMP and are removed (BENCH_KEEP=1: kept).
set -u
: "${BENCH_TMP:=/tmp/spoolwatch-bench}"
: "${BINDIR:=$(cd "$(dirname "$0")/../.." && pwd)/bin}"
AGENT=$BINDIR/spoolwatch-agent
W=$BENCH_TMP/mbox.$$
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT INT TERM
mkdir -p "$W"

# mkroot DIR MiB: a root whose /var/spool/mail/root holds MiB of cron mail
mkroot() {
	mkdir -p "$1/var/spool/mail" "$1/etc"
	printf 'root:x:0:0:root:/root:/bin/bash\n' > "$1/etc/passwd"
	printf 'root:x:0:\nmail:x:12:\n' > "$1/etc/group"
	echo bench > "$1/etc/hostname"
	python3 - "$1/var/spool/mail/root" "$2" <<'PY'
import sys, time
path, mib = sys.argv[1], int(sys.argv[2])
jobs = ["/bin/freemem.py", "/usr/sbin/ntpdate time.example.com",
        "/usr/local/bin/backup.sh --full", "run-parts /etc/cron.hourly"]
out, t = [], 1407812400
size = 0
while size < (1 << 20):
    tm = time.gmtime(t)
    job = jobs[(t // 3600) % len(jobs)]
    m = ("From root@host1.example.com  %s\n"
         "Return-Path: <root@host1.example.com>\n"
         "Received: (from root@localhost)\n"
         "\tby host1.example.com (8.13.8/8.13.8/Submit) id %08X;\n"
         "\t%s\n"
         "Date: %s\n"
         "Message-Id: <%d.%08X@host1.example.com>\n"
         "From: root@host1.example.com (Cron Daemon)\n"
         "To: root@host1.example.com\n"
         "Subject: Cron <root@host1> %s\n"
         "Content-Type: text/plain; charset=UTF-8\n"
         "Auto-Submitted: auto-generated\n"
         "X-Cron-Env: <SHELL=/bin/sh>\n"
         "X-Cron-Env: <HOME=/root>\n"
         "X-Cron-Env: <PATH=/usr/bin:/bin>\n"
         "X-Cron-Env: <LOGNAME=root>\n"
         "X-Cron-Env: <USER=root>\n"
         "\n"
         "free memory: %d MB\nswap used: %d%%\n"
         "\n") % (time.strftime("%a %b %e %H:%M:%S %Y", tm), t,
                  time.strftime("%a, %d %b %Y %H:%M:%S -0800", tm),
                  time.strftime("%a, %d %b %Y %H:%M:%S +0000", tm), t, t,
                  job, 80 + t % 90, t % 100)
    out.append(m)
    size += len(m)
    t += 3600
chunk = "".join(out).encode()
with open(path, "wb") as f:
    for _ in range(mib):
        f.write(chunk)
PY
}

# best CMD...: run twice, print "seconds peak_rss_kib" of the faster run
best() {
	b=""
	for _ in 1 2; do
		/usr/bin/time -f '%e %M' -o "$W/time" "$@" > "$W/out" 2> /dev/null
		r=$(cat "$W/time")
		if [ -z "$b" ] || awk -v a="${r% *}" -v b="${b% *}" 'BEGIN { exit !(a < b) }'; then
			b=$r
		fi
	done
	echo "$b"
}


if [ ! -x "$AGENT" ] || [ ! -x /usr/bin/time ]; then
	echo "bench_mbox: needs $AGENT and /usr/bin/time"
	exit 1
fi
mkroot "$W/small" 1
mkroot "$W/big" 1024
BIG=$W/big/var/spool/mail/root
bytes=$(stat -c %s "$BIG")
cat "$BIG" > /dev/null		# warm the page cache

g=$(best env LC_ALL=C grep -c '^From ' "$BIG")
ng=$(cat "$W/out")
# --stdout without --commit-state keeps no offsets: every run parses all
# of it, in one cycle (mbox_cycle_bytes, 256 MiB by default, would leave
# three quarters of it to the next cycles)
printf '[mail]\nmbox_cycle_bytes = 2G\n' >"$W/agent.conf"

mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", (s > 0 ? b / s / 1e6 : 0) }'; }
echo "mbox of $((bytes >> 20)) MiB, cron mails: grep counts $ng"
printf '%-34s %8s s %8s MB/s %10s KiB peak RSS\n' \
    "LC_ALL=C grep -c '^From '" "${g% *}" "$(mbs "${g% *}")" "${g#* }"

# measure LABEL BIN: BIN on the 1 GiB and the 1 MiB mailbox, next to grep
measure() {
	a=$(best "$2" --once --stdout --config "$W/agent.conf" --root "$W/big" \
	    --state-dir "$W/state")
	na=$(jq '.mail.mailboxes[0].messages' "$W/out")
	s=$(best "$2" --once --stdout --config "$W/agent.conf" \
	    --root "$W/small" --state-dir "$W/state")
	printf '%-34s %8s s %8s MB/s %10s KiB peak RSS\n' \
	    "$1 (1 GiB mbox)" "${a% *}" "$(mbs "${a% *}")" "${a#* }"
	printf '%-34s %8s s %8s      %10s KiB peak RSS\n' \
	    "$1 (1 MiB mbox)" "${s% *}" "" "${s#* }"
	awk -v a="${a% *}" -v g="${g% *}" -v ra="${a#* }" -v rs="${s#* }" \
	    -v l="$1" 'BEGIN {
		printf "  %s/grep time ratio: %.2f (target <= 1.5)\n", l,
		    (g > 0 ? a / g : 0)
		printf "  peak RSS 1 GiB - 1 MiB: %d KiB (target <= 1024)\n",
		    ra - rs
	}'
	[ "$ng" = "$na" ] ||
	    echo "  WARNING: grep counts $ng messages, $1 $na"
}

measure spoolwatch-agent "$AGENT"
# the agent as deployed (make static), when built
[ ! -x "$BINDIR/static/spoolwatch-agent" ] ||
    measure "static agent" "$BINDIR/static/spoolwatch-agent"
