#!/bin/sh
# bench_syslog.sh - the whole agent (--once, every field of every event,
# groups, JSON) on four generated syslog files, each side by side with
# `LC_ALL=C grep -c SYSERR FILE >FILE2` (output to a file: GNU grep stops at
# the first match when its output is /dev/null) in the same run, best of
# BENCH_RUNS (default 5) alternating runs, wall clock and CPU time (the
# task-clock of `perf stat` when perf is installed, in ms; else user +
# system from /usr/bin/time, in steps of 10 ms).  The agent is run as
# built by `make` (bin/spoolwatch-agent, dynamically linked: about 10 ms
# of its CPU time is the dynamic linker) and, when `make static` built it,
# as deployed (bin/static/spoolwatch-agent, musl, static):
#
#   project   the project's mix (kernel, CROND, sshd, systemd, dhclient;
#             0.1% SYSERR, 1% sendmail), BENCH_MB MiB (default 1024)
#   app       the application mix of issue 15: 1.5 M lines
#             (BENCH_APP_LINES), 0.1% SYSERR, 1% sendmail stat=Sent, the
#             rest "app7[123]: request id=... status=200 ..." lines
#   mail      100% mail lines: sendmail from=/to= pairs, 1% SYSERR
#             (BENCH_MAIL_LINES, default 1 M)
#   long      64 KiB lines of application text (BENCH_LONG_LINES, default
#             2048: 128 MiB), every 64th a sendmail SYSERR line
#
# BENCH_BASE=DIR also runs DIR/spoolwatch-agent (and DIR/static/
# spoolwatch-agent when there) in the same alternation: another build
# (main's, say) side by side, its figures and ratio printed the same way.
#
# Next to grep, in the same alternation: syslog_floor.c, the file read as
# the agent reads it (pread() of 192 KiB) with its line ends counted and
# nothing else, the least any reader that looks at every line does.
#
# Each file is measured twice (BENCH_CACHE=written or readback: once):
# its page cache just written, as generated (small folios, as a live
# log's tail is), then written out, dropped and read back from disk by
# readahead (large folios, which make a mapping cheaper; see cache()).
# The page cache is warm either way; the files are removed afterwards.  The
# ratio is grep's time over the agent's (> 1: the agent is faster).  On a
# shared machine the absolute figures vary with its load; the ratio of
# runs made side by side is the figure to read.  Prints only.
set -u
: "${BENCH_TMP:=/tmp/spoolwatch-bench}"
: "${BINDIR:=$(cd "$(dirname "$0")/../.." && pwd)/bin}"
runs=${BENCH_RUNS:-5}
d=$BENCH_TMP/syslog.$$
mkdir -p "$d/root/var/log" "$d/state"
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$d"' EXIT INT TERM
f=$d/root/var/log/maillog
top=$(cd "$(dirname "$0")/../.." && pwd)
cc -O2 -march=native -D_GNU_SOURCE -o "$d/floor" "$top/tests/bench/syslog_floor.c" ||
    cc -O2 -D_GNU_SOURCE -o "$d/floor" "$top/tests/bench/syslog_floor.c" || exit 1

cat >"$d/agent.conf" <<EOF
max_events = 500
[logs]
files = /var/log/maillog
readback = 4G
EOF

# gen_project MB: the project's mix, a 64 MiB block repeated
gen_project() {
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
	}' >"$d/block" || return 1
	: >"$f"
	i=0
	while [ $((i * 64)) -lt "$1" ]; do
		cat "$d/block" >>"$f"
		i=$((i + 1))
	done
	rm -f "$d/block"
}

# gen_app LINES: the application mix of issue 15
gen_app() {
	awk -v lines="$1" 'BEGIN {
	srand(7)
	for (n = 1; n <= lines; n++) {
		ts = sprintf("Feb %2d %02d:%02d:%02d", int(n / 60000) % 28 + 1, int(n / 3600) % 24, int(n / 60) % 60, n % 60)
		qid = sprintf("u%c%c%c%c%cam%06d", 65 + n % 26, 65 + int(n / 26) % 26, 97 + int(n / 7) % 26, 48 + n % 10, 65 + int(n / 3) % 26, n % 999999)
		r = rand()
		if (r < 0.001)
			printf "%s host1 sendmail[%d]: %s: SYSERR(root): collect: Cannot write ./df%s (bfcommit, uid=51, gid=51): Permission denied\n", ts, n % 32768, qid, qid
		else if (r < 0.011)
			printf "%s host1 sendmail[%d]: %s: to=<user%d@example.com>, ctladdr=root (0/0), delay=00:00:01, xdelay=00:00:01, mailer=esmtp, pri=%d, relay=mx.example.com. [192.0.2.%d], dsn=2.0.0, stat=Sent (%s Message accepted for delivery)\n", ts, n % 32768, qid, n % 500, 30000 + n % 9000, n % 250, qid
		else
			printf "%s host1 app%d[%d]: request id=%08x-%04x path=/api/v2/items/%d status=200 bytes=%d duration_ms=%d\n", ts, n % 10, 1000 + n % 30000, n * 2654435761 % 4294967296, n % 65536, n % 100000, 200 + (n * 7) % 50000, n % 900
	}
	}' >"$f"
}

# gen_mail LINES: every line a sendmail line, 1% of them SYSERR
gen_mail() {
	awk -v lines="$1" 'BEGIN {
	for (n = 1; n <= lines; n++) {
		ts = sprintf("Mar %2d %02d:%02d:%02d", int(n / 40000) % 28 + 1, int(n / 3600) % 24, int(n / 60) % 60, n % 60)
		qid = sprintf("v%c%c%c%c%cbm%06d", 65 + n % 26, 65 + int(n / 26) % 26, 97 + int(n / 7) % 26, 48 + n % 10, 65 + int(n / 3) % 26, n % 999999)
		if (n % 100 == 0)
			printf "%s mx1 sendmail[%d]: %s: SYSERR(root): collect: Cannot write ./df%s (bfcommit, uid=51, gid=51): Permission denied\n", ts, n % 32768, qid, qid
		else if (n % 2)
			printf "%s mx1 sendmail[%d]: %s: from=<app%d@example.com>, size=%d, class=0, nrcpts=1, msgid=<%s@mx1>, proto=ESMTP, daemon=MTA, relay=app%d.example.com [192.0.2.%d]\n", ts, n % 32768, qid, n % 97, 300 + n % 9000, qid, n % 40, n % 250
		else
			printf "%s mx1 sendmail[%d]: %s: to=<user%d@example.net>, delay=00:00:0%d, xdelay=00:00:0%d, mailer=esmtp, pri=%d, relay=mx%d.example.net. [198.51.100.%d], dsn=2.0.0, stat=Sent (ok %s)\n", ts, n % 32768, qid, n % 500, n % 10, n % 10, 30000 + n % 9000, n % 5, n % 250, qid
	}
	}' >"$f"
}

# gen_long LINES: 64 KiB lines (under max_line), every 64th a SYSERR line
gen_long() {
	awk -v lines="$1" 'BEGIN {
	pad = "k=v"
	while (length(pad) < 65400)
		pad = pad " key" length(pad) "=value_" length(pad)
	for (n = 1; n <= lines; n++) {
		ts = sprintf("Apr %2d %02d:%02d:%02d", n % 28 + 1, int(n / 3600) % 24, int(n / 60) % 60, n % 60)
		if (n % 64 == 0)
			printf "%s host1 sendmail[%d]: w%07dcm%06d: SYSERR(root): collect: Cannot write ./dfw%07dcm%06d (bfcommit, uid=51, gid=51): Permission denied\n", ts, n % 32768, n, n, n, n
		else
			printf "%s host1 app%d[%d]: trace %s\n", ts, n % 10, 1000 + n, pad
	}
	}' >"$f"
}

now() { date +%s.%N; }
perf_ok=
perf stat -x, -e task-clock -o /dev/null true 2>/dev/null && perf_ok=1
# run_timed OUT CMD...: wall and CPU seconds of CMD into OUT ("wall cpu
# rss")
run_timed() {
	out=$1
	shift
	if [ -x /usr/bin/time ] && [ -n "$perf_ok" ]; then
		t0=$(now)
		perf stat -x, -e task-clock -o "$d/perf" \
		    /usr/bin/time -f '%U %S %M' -o "$d/time" "$@"
		rc=$?
		t1=$(now)
		cpu=$(awk -F, '/task-clock/ { printf "%.4f", $1 / 1000 }' "$d/perf")
		awk -v a="$t0" -v b="$t1" -v c="$cpu" \
		    '{ printf "%.4f %s %s\n", b - a, c, $3 }' "$d/time" >"$out"
	elif [ -x /usr/bin/time ]; then
		t0=$(now)
		/usr/bin/time -f '%U %S %M' -o "$d/time" "$@"
		rc=$?
		t1=$(now)
		awk -v a="$t0" -v b="$t1" '{ printf "%.4f %.2f %s\n", b - a, $1 + $2, $3 }' \
		    "$d/time" >"$out"
	else
		t0=$(now)
		"$@"
		rc=$?
		t1=$(now)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f - -\n", b - a }' >"$out"
	fi
	return $rc
}
# best FILE COL: the least value in column COL of FILE
best() { awk -v c="$2" 'NR == 1 || $c < m { m = $c } END { print m }' "$1"; }

# run_agent BIN OUT: one --once run of BIN on the file, times into OUT
run_agent() {
	rm -rf "$d/state"
	mkdir -p "$d/state"
	if ! run_timed "$2" "$1" --once \
	    --stdout --config "$d/agent.conf" --root "$d/root" \
	    --state-dir "$d/state" --hostname bench \
	    >"$d/report.json" 2>"$d/err"; then
		echo "agent failed:"
		cat "$d/err"
		return 1
	fi
}

# line LABEL ALL: the best figures of ALL, and the ratio to grep's
line() {
	w=$(best "$2" 1) c=$(best "$2" 2) m=$(best "$2" 3)
	printf '  %-36s wall %7.3f s (%6.2f GB/s)  cpu %6s s  peak RSS %s KiB\n' \
	    "$1" "$w" \
	    "$(awk -v b="$bytes" -v s="$w" 'BEGIN { print b / s / 1e9 }')" "$c" "$m"
	printf '  %-36s grep/agent: wall %s x, cpu %s x; floor/agent: cpu %s x\n' "" \
	    "$(awk -v a="$w" -v g="$gw" 'BEGIN { printf "%.2f", g / a }')" \
	    "$(awk -v a="$c" -v g="$gc" 'BEGIN { if (a > 0) printf "%.2f", g / a; else print "-" }')" \
	    "$(awk -v a="$c" -v g="$fc" 'BEGIN { if (a > 0) printf "%.2f", g / a; else print "-" }')"
}

# cache STATE: the file's page cache as STATE says: "just written" (as
# generated: small folios, what a tailer of a live log reads) or "read
# back from disk" (its pages written out, dropped with
# posix_fadvise(DONTNEED) through dd's nocache, and read back by
# readahead: large folios, which make a mapping cheaper)
cache() {
	case $1 in
	read*)
		sync "$f" &&
		    dd if="$f" iflag=nocache count=0 status=none 2>/dev/null
		;;
	esac
	cat "$f" >/dev/null
}

measure() {
	label=$1
	bytes=$(stat -c %s "$f")
	static=$BINDIR/static/spoolwatch-agent
	[ -x "$static" ] || static=
	cache "$2"
	: >"$d/g.all"
	: >"$d/f.all"
	: >"$d/a.all"
	: >"$d/s.all"
	: >"$d/b.all"
	: >"$d/bs.all"
	base=${BENCH_BASE:-}
	[ -z "$base" ] || [ -x "$base/spoolwatch-agent" ] || base=
	r=0
	while [ $r -lt "$runs" ]; do
		r=$((r + 1))
		run_timed "$d/g.one" sh -c 'LC_ALL=C exec grep -c SYSERR "$1" >"$2"' \
		    sh "$f" "$d/grep.out"
		cat "$d/g.one" >>"$d/g.all"
		run_timed "$d/f.one" "$d/floor" "$f" >"$d/floor.out"
		cat "$d/f.one" >>"$d/f.all"
		if [ -n "$base" ]; then
			run_agent "$base/spoolwatch-agent" "$d/b.one" || return 1
			cat "$d/b.one" >>"$d/b.all"
			cp "$d/report.json" "$d/base.json"
			if [ -x "$base/static/spoolwatch-agent" ]; then
				run_agent "$base/static/spoolwatch-agent" \
				    "$d/b.one" || return 1
				cat "$d/b.one" >>"$d/bs.all"
			fi
		fi
		if [ -n "$static" ]; then
			run_agent "$static" "$d/s.one" || return 1
			cat "$d/s.one" >>"$d/s.all"
			cp "$d/report.json" "$d/static.json"
		fi
		run_agent "$BINDIR/spoolwatch-agent" "$d/a.one" || return 1
		cat "$d/a.one" >>"$d/a.all"
	done
	gw=$(best "$d/g.all" 1) gc=$(best "$d/g.all" 2)
	g=$(cat "$d/grep.out")
	syserr=$(jq '[.event_groups[] | select(.kind == "syserr") | .count] | add // 0' "$d/report.json")
	total=$(jq '.log_summary.events_total' "$d/report.json")
	impl=$(jq -r '.log_summary.prefilter' "$d/report.json")
	printf '%s: %d MiB, %d lines, page cache %s, best of %d\n' "$label" \
	    $((bytes >> 20)) "$(wc -l <"$f")" "$2" "$runs"
	printf '  %-36s wall %7.3f s (%6.2f GB/s)  cpu %6s s\n' \
	    "LC_ALL=C grep -c SYSERR >file" "$gw" \
	    "$(awk -v b="$bytes" -v s="$gw" 'BEGIN { print b / s / 1e9 }')" "$gc"
	fw=$(best "$d/f.all" 1) fc=$(best "$d/f.all" 2)
	printf '  %-36s wall %7.3f s (%6.2f GB/s)  cpu %6s s\n' \
	    "floor: read, count the line ends" "$fw" \
	    "$(awk -v b="$bytes" -v s="$fw" 'BEGIN { print b / s / 1e9 }')" "$fc"
	line "spoolwatch-agent (dynamic, $impl)" "$d/a.all"
	[ -z "$static" ] || line "static agent (make static, musl)" "$d/s.all"
	[ ! -s "$d/b.all" ] || line "BENCH_BASE's agent" "$d/b.all"
	[ ! -s "$d/bs.all" ] || line "BENCH_BASE's static agent" "$d/bs.all"
	printf '  SYSERR lines: grep %s, agent %s; events: %s\n' \
	    "$g" "$syserr" "$total"
	[ "$g" = "$syserr" ] ||
	    echo "  MISMATCH: the agent and grep disagree on the SYSERR count"
	if [ -n "$static" ] &&
	    ! jq -e --slurpfile s "$d/static.json" \
	        '.event_groups == $s[0].event_groups and .cron_lost == $s[0].cron_lost' \
	        "$d/report.json" >/dev/null; then
		echo "  MISMATCH: the static and the dynamic agent disagree"
	fi
	if [ -n "$base" ] &&
	    ! jq -e --slurpfile s "$d/base.json" \
	        '.event_groups == $s[0].event_groups and .cron_lost == $s[0].cron_lost' \
	        "$d/report.json" >/dev/null; then
		echo "  MISMATCH: BENCH_BASE's agent and this one disagree"
	fi
}

# both: each file measured just written, then read back from disk
states() {
	case ${BENCH_CACHE:-both} in
	written) measure "$1" "just written" ;;
	readback) measure "$1" "read back from disk" ;;
	*) measure "$1" "just written" && measure "$1" "read back from disk" ;;
	esac
}

gen_project "${BENCH_MB:-1024}" && states "project mix"
gen_app "${BENCH_APP_LINES:-1500000}" && states "application mix (issue 15)"
gen_mail "${BENCH_MAIL_LINES:-1000000}" && states "100% mail lines"
gen_long "${BENCH_LONG_LINES:-2048}" && states "64 KiB lines"
