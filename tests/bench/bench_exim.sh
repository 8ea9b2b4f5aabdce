#!/bin/sh
# bench_exim.sh - the agent reading an Exim spool of 100,000 messages
# (-H, -D and msglog each; a tenth frozen) against the real Exim 4.96
# (the extracted package of tests/fixtures/real_exim.sh) on the same
# spool: `exim -bpc` (counts the -H files) and `exim -bp` (reads each
# one, as the agent does, which also reads each msglog), when it can run
# here (root, a mount namespace for its Debian-exim user).  Figures only,
# no verdict.
#
# BENCH_EXIM_MESSAGES (100000) sets the size; the root is kept in
# $BENCH_TMP between runs (it takes a while to create).
set -u
: "${SPOOLWATCH_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BINDIR:=$SPOOLWATCH_TOP/bin}"
: "${BENCH_TMP:=/tmp/spoolwatch-bench}"
n=${BENCH_EXIM_MESSAGES:-100000}
agent=$BINDIR/spoolwatch-agent
work=$BENCH_TMP/exim
root=$work/root
spool=$root/var/spool/exim4
mkdir -p "$work"
[ -x "$agent" ] || { echo "bench_exim: no agent at $agent (run make)"; exit 1; }

if ! [ -f "$work/.complete" ] || [ "$(cat "$work/.complete")" != "$n" ]; then
	echo "building the spool ($n messages; kept in $work) ..."
	rm -rf "$root"
	sh "$SPOOLWATCH_TOP/tests/mkroot_exim.sh" healthy-exim "$root" || exit 1
	python3 - "$spool" "$n" <<'PY' || exit 1
import os, sys, time
spool, n = sys.argv[1], int(sys.argv[2])
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(v, k):
    s = ""
    for _ in range(k):
        s = B62[v % 62] + s
        v //= 62
    return s
t0 = int(time.time()) - 30 * 86400
for i in range(n):
    t = t0 + i * 20
    mid = "%s-%s-%s" % (b62(t, 6), b62(i % 56800235584, 6), b62(i % 3844, 2))
    frozen = i % 10 == 0
    job = "/usr/local/bin/job%d.sh" % (i % 50)
    heads = ["Received: from root by host1.example.com with local (Exim 4.96)\n"
             "\tid %s\n\tfor ops@example.net;\n\tTue, 01 Dec 2026 09:22:08 +0000\n" % mid,
             "From: root@host1.example.com (Cron Daemon)\n",
             "Subject: Cron <root@host1> %s\n" % job]
    flags = ["P", "F", " "]
    h = ("%s-H\nroot 0 0\n<root@host1.example.com>\n%d 0\n-ident root\n"
         "-received_protocol local\n-body_linecount 1\n%s-local\nXX\n1\n"
         "ops@example.net\n\n" % (mid, t, "-frozen %d\n" % (t + 1) if frozen else ""))
    h += "".join("%03d%s %s" % (len(x), f, x) for x, f in zip(heads, flags))
    with open(os.path.join(spool, "input", mid + "-H"), "w") as f:
        f.write(h)
    with open(os.path.join(spool, "input", mid + "-D"), "w") as f:
        f.write("%s-D\n%s failed: exit status 1\n" % (mid, job))
    ml = ("2026-11-01 09:22:08 Received from root@host1.example.com U=root P=local S=400\n"
          "2026-11-01 09:22:08 ops@example.net R=smarthost T=remote_smtp defer (111): Connection refused\n")
    if frozen:
        ml = ("2026-11-01 09:22:08 ops@example.net R=loopback defer (-1): remote host address is the local host\n"
              "*** Frozen\n")
    with open(os.path.join(spool, "msglog", mid), "w") as f:
        f.write(ml)
PY
	echo "$n" >"$work/.complete"
fi
: >"$work/empty.conf"
mkdir -p "$work/state"

# run NAME CMD: best wall and CPU time of 3 runs after a warm-up, peak RSS
run() {
	python3 - "$@" <<'PY'
import os, subprocess, sys, time
name, cmd = sys.argv[1], sys.argv[2]
best, cpu, rss = None, None, 0
for i in range(4):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, shell=True)
    _, status, ru = os.wait4(p.pid, 0)
    el = time.perf_counter() - t
    c = ru.ru_utime + ru.ru_stime
    if i > 0:
        best = el if best is None else min(best, el)
        cpu = c if cpu is None else min(cpu, c)
    rss = max(rss, ru.ru_maxrss)
print("%s %.3f %.3f %d %d" % (name, best, cpu, rss,
                             os.waitstatus_to_exitcode(status)))
PY
}

# exim -bpc: the extracted Exim, in a mount namespace where /etc/passwd
# has its Debian-exim user, with -C naming this spool (as root, -C only
# costs Exim its setuid: reading the spool needs none)
exim=$SPOOLWATCH_TOP/${BUILD:-build}/exim-cache/root/usr/sbin/exim4
have_exim=no
if [ "$(id -u)" = 0 ] && [ -x "$exim" ] && command -v unshare >/dev/null; then
	cat >"$work/exim.conf" <<CONF
spool_directory = $spool
log_file_path = $work/%slog
primary_hostname = host1.example.com
keep_environment =
CONF
	cp "$root/etc/passwd" "$work/passwd"
	cp "$root/etc/group" "$work/group"
	# bpc.sh OPTION: exim OPTION (-bpc counts the -H files, -bp reads
	# every one of them, as the agent does)
	cat >"$work/bpc.sh" <<SH
mount --bind '$work/passwd' /etc/passwd && mount --bind '$work/group' /etc/group &&
exec '$exim' -C '$work/exim.conf' "\${1:--bpc}"
SH
	if [ "$(unshare -m sh "$work/bpc.sh" 2>/dev/null)" = "$n" ]; then
		have_exim=yes
	fi
fi

{
	run agent "'$agent' --config '$work/empty.conf' --state-dir '$work/state' --once --stdout --root '$root'"
	[ $have_exim = yes ] && run exim-bpc "unshare -m sh '$work/bpc.sh' -bpc"
	[ $have_exim = yes ] && run exim-bp "unshare -m sh '$work/bpc.sh' -bp"
} >"$work/results.txt"
while read -r name secs cpu rss st; do
	printf '%-12s %8.3f s wall %8.3f s cpu   peak RSS %7d KiB  (exit %d)\n' \
	    "$name" "$secs" "$cpu" "$rss" "$st"
done <"$work/results.txt"
[ $have_exim = yes ] ||
    echo "exim -bpc: not run (needs root, unshare and $exim from tests/fixtures/real_exim.sh)"
"$agent" --config "$work/empty.conf" --state-dir "$work/state" --once \
    --stdout --root "$root" 2>/dev/null >"$work/report.json"
jq -r '"agent: queued_total \(.mail.queued_total), mail.frozen \([.findings[] | select(.code == "mail.frozen") | .evidence.frozen] | first // "none")"' \
    "$work/report.json" 2>/dev/null
[ $have_exim = yes ] && echo "exim -bpc: $(unshare -m sh "$work/bpc.sh")"
exit 0
