#!/bin/sh
# bench_queue.sh - a full clientmqueue: 400,000 entries (BENCH_QUEUE_PAIRS
# 200,000 qf/df pairs), each qf a copy of a real sendmail qf
# (tests/data/samples/real-sendmail/qf6ASEnAvr023598) under its own queue
# id, on a healthy-sendmail root.  The whole `spoolwatch-agent --once`
# report is timed next to queue_floor.c (getdents64, then open, read and
# close of each qf: what any reader that parses every qf must do) and a
# bare getdents64 listing, best of BENCH_RUNS (5) rounds after a warm-up,
# wall and CPU time; and the agent's peak RSS on that queue next to a
# 10-pair one (memory flat in the queue size).  The runs go round by
# round, every command once a round, so each meets the same load; the
# static agent (STATIC_BINDIR, bin/static) and the agents named in
# BENCH_QUEUE_REF (main's build, say) run in the same rounds, each with
# its ratio to the floor.  The directory is kept in
# $BENCH_TMP between runs.  On a shared machine the absolute figures vary
# with its load; the ratio of runs made side by side is the figure to
# read.  Prints only.
set -u
: "${SPOOLWATCH_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BINDIR:=$SPOOLWATCH_TOP/bin}"
: "${BENCH_TMP:=/tmp/spoolwatch-bench}"
pairs=${BENCH_QUEUE_PAIRS:-200000}
runs=${BENCH_RUNS:-5}
work=$BENCH_TMP/queue
qf=$SPOOLWATCH_TOP/tests/data/samples/real-sendmail/qf6ASEnAvr023598
df=$SPOOLWATCH_TOP/tests/data/samples/real-sendmail/df6ASEnAvr023598
mkdir -p "$work"
cc -O2 -o "$work/floor" "$SPOOLWATCH_TOP/tests/bench/queue_floor.c" || exit 1
cc -O2 -o "$work/getdents" "$SPOOLWATCH_TOP/tests/bench/spool_getdents.c" ||
    exit 1

# mkroot ROOT PAIRS: the healthy-sendmail root, its clientmqueue holding
# PAIRS qf/df pairs; the qf's own id ("id 6ASEnAvr023598" in Received:,
# Message-Id) replaced by the pair's
mkroot() {
	if [ -f "$1/.complete" ] && [ "$(cat "$1/.complete")" = "$2" ]; then
		return 0
	fi
	rm -rf "$1"
	sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-sendmail "$1" >/dev/null ||
	    return 1
	python3 - "$1/var/spool/clientmqueue" "$2" "$qf" "$df" <<'PY'
import os, sys
d, n, qf, df = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
q, m = open(qf, "rb").read(), open(df, "rb").read()
a = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
for i in range(n):
    qid = b"6AS" + bytes([a[i // 3600 % 24], a[i // 60 % 60], a[i % 60]]) + \
        b"%02d%06d" % (i // 86400 % 100, i % 1000000)
    for name, body in ((b"qf" + qid, q.replace(b"6ASEnAvr023598", qid)),
                       (b"df" + qid, m)):
        fd = os.open(os.path.join(d.encode(), name),
                     os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.write(fd, body)
        os.close(fd)
PY
	echo "$2" >"$1/.complete"
}

echo "building the queue ($pairs qf/df pairs; kept in $work) ..."
mkroot "$work/big" "$pairs" || exit 1
mkroot "$work/small" 10 || exit 1
dir=$work/big/var/spool/clientmqueue
: >"$work/empty.conf"

# side NAME=CMD ...: the commands run one after the other, $runs rounds
# after a warm-up round, so that each round meets the same load; the best
# wall and CPU time (user + system) and the best user time of each, as
# "NAME|wall|cpu|user" lines in the order given
side() {
	python3 - "$runs" "$@" <<'PY'
import os, subprocess, sys, time
runs, cmds = int(sys.argv[1]), [a.split("=", 1) for a in sys.argv[2:]]
best = {n: [None, None, None] for n, _ in cmds}
for i in range(runs + 1):
    for name, cmd in cmds:
        os.system("rm -rf '%s'" % os.environ["STATE"])
        os.makedirs(os.environ["STATE"])
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, shell=True)
        _, status, ru = os.wait4(p.pid, 0)
        el = time.perf_counter() - t
        got = (el, ru.ru_utime + ru.ru_stime, ru.ru_utime)
        if i > 0:
            b = best[name]
            for k in range(3):
                b[k] = got[k] if b[k] is None else min(b[k], got[k])
for name, _ in cmds:
    print("%s|%.3f|%.3f|%.3f" % (name, *best[name]))
PY
}
export STATE="$work/state"
agent() {
	echo "'$1' --config '$work/empty.conf'" \
	    "--state-dir '$STATE' --once --stdout --root '$2'"
}

"$work/floor" "$dir"
# the agents: this build's, the static one (make static) if built, and
# any other build named in BENCH_QUEUE_REF (agent binaries, by spaces:
# main's build, say), each next to the floor in the same rounds
set -- "floor: list + open/read/close each qf=$work/floor '$dir'" \
    "getdents64 listing=$work/getdents count '$dir'" \
    "spoolwatch-agent --once (whole report)=$(agent "$BINDIR/spoolwatch-agent" "$work/big")"
: "${STATIC_BINDIR:=$SPOOLWATCH_TOP/bin/static}"
if [ -x "$STATIC_BINDIR/spoolwatch-agent" ]; then
	set -- "$@" "static agent (make static)=$(agent "$STATIC_BINDIR/spoolwatch-agent" "$work/big")"
fi
for ref in ${BENCH_QUEUE_REF:-}; do
	set -- "$@" "reference $ref=$(agent "$ref" "$work/big")"
done
set -- "$@" "spoolwatch-agent --once, 10 pairs=$(agent "$BINDIR/spoolwatch-agent" "$work/small")"
side "$@" >"$work/res"
# peak RSS (/usr/bin/time's maximum resident set) on each queue
rss() {
	rm -rf "$STATE"
	mkdir -p "$STATE"
	/usr/bin/time -f %M -o "$work/rss" "$BINDIR/spoolwatch-agent" \
	    --config "$work/empty.conf" --state-dir "$STATE" --once --stdout \
	    --root "$1" >"$work/report.json" 2>/dev/null
	tail -n 1 "$work/rss"
}
small_rss=$(rss "$work/small")
big_rss=$(rss "$work/big")
echo "queue of $((pairs * 2)) entries ($pairs qf/df pairs), warm caches, best of $runs rounds:"
awk -F'|' 'NR == 1 { fw = $2; fc = $3 }
     { printf "  %-52s wall %7.3f s  cpu %7.3f s (user %.3f)", $1, $2, $3, $4
       if (NR > 2 && $1 !~ /10 pairs/)
           printf "  %.2fx, %.2fx cpu", $2 / fw, $3 / fc
       printf "\n" }' "$work/res"
echo "  agent peak RSS: $big_rss KiB on this queue, $small_rss KiB on 10 pairs"
jq -r '[.mail.queues[] | "\(.queue) \(.messages) messages"] | join(", ") | "  the report: " + .' \
    "$work/report.json" 2>/dev/null
