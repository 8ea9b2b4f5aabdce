#!/bin/sh
# bench_footprint.sh - the agent's memory and idle cost, side by side with
# a bare libcurl program and Debian's prometheus-node-exporter and
# collectd, all started in this run.
#
#   agent      private memory (Anonymous, /proc/PID/smaps_rollup) sampled
#              every 10 ms through a full cycle on the incident host root
#              and the running host, then idle; peak RSS (VmHWM); CPU
#              ticks and system calls while idle
#   bare       a program that links the same libraries and makes one
#              libcurl POST to the same collector, then waits (the floor:
#              almost all of its RSS is shared library pages)
#   node-exporter, collectd   default configurations, idle RSS
#   static     the static agent (make static, STATIC_BINDIR) on the
#              incident root, on a quiet host (the healthy-sendmail root)
#              and on the running host, next to the dynamic build on the
#              quiet host too; and its stripped size
#
# Targets (issue #6): Anonymous < 2 MiB; peak RSS within 2 MiB of bare.
# Targets (issue #12, static agent): peak RSS <= 4 MiB on the incident
# root, <= 1.5 MiB on a quiet host; stripped binary <= 2 MB.
# Measures only; installs the reference packages with apt-get when run as
# root, else says they are missing.
set -u
: "${BINDIR:?}" "${SPOOLWATCH_TOP:?}"
T=$(mktemp -d "${BENCH_TMP:-/tmp}/footprint.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

kb() { awk -v k="$2" '$1 == k":" {print $2}' "$1"; }
anon() { kb "/proc/$1/smaps_rollup" Anonymous; }
rss() { kb "/proc/$1/status" VmRSS; }
hwm() { kb "/proc/$1/status" VmHWM; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
row() { printf '%-28s %10s %10s %10s  %s\n' "$@"; }

# --- a collector to report to ------------------------------------------------
CPORT=$(port)
: >"$T/collector.conf"
"$BINDIR/spoolwatch-collector" --config "$T/collector.conf" \
    --listen "127.0.0.1:$CPORT" --db "$T/db" 2>"$T/collector.err" &
pids="$pids $!"
i=0
until curl -s -o /dev/null "http://127.0.0.1:$CPORT/healthz"; do
	i=$((i + 1)); [ $i -gt 100 ] && { echo "collector did not start"; exit 1; }
	sleep 0.1
done
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/root" >/dev/null 2>&1
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" healthy-sendmail "$T/quiet" >/dev/null 2>&1
: "${STATIC_BINDIR:=$SPOOLWATCH_TOP/bin/static}"

# --- the agent: one daemon cycle, sampled, then idle -------------------------
# agent_run NAME [--root DIR]: start a daemon (interval 1 h, no splay),
# sample Anonymous until the report is stored, then idle for 3 s.
# AGENT_BIN (default: BINDIR's agent) is the binary run.
agent_run() {
	name=$1; shift
	printf 'server = http://127.0.0.1:%s\ninterval = 1h\nsplay = 0\n' "$CPORT" \
	    >"$T/agent.conf"
	before=$(sqlite3 "$T/db" 'SELECT count(*) FROM reports' 2>/dev/null || echo 0)
	"${AGENT_BIN:-$BINDIR/spoolwatch-agent}" --config "$T/agent.conf" \
	    --state-dir "$T/st-$name" \
	    "$@" 2>"$T/agent-$name.err" &
	apid=$!
	pids="$pids $apid"
	peak=0 n=0
	while [ $n -lt 3000 ]; do	# 30 s at most
		a=$(anon "$apid" 2>/dev/null) || break
		[ -n "$a" ] && [ "$a" -gt "$peak" ] && peak=$a
		now=$(sqlite3 "$T/db" 'SELECT count(*) FROM reports' 2>/dev/null || echo 0)
		[ "$now" -gt "$before" ] && break
		sleep 0.01
		n=$((n + 1))
	done
	sleep 0.5
	a=$(anon "$apid"); [ "$a" -gt "$peak" ] && peak=$a
	t0=$(ticks "$apid")
	sc=""
	if command -v strace >/dev/null 2>&1; then
		timeout 3 strace -f -p "$apid" -o "$T/idle.strace" 2>/dev/null
		sc=$(grep -vc 'resumed>\|rt_sigtimedwait(\|+++\|---\|strace' "$T/idle.strace")
	else
		sleep 3
	fi
	t1=$(ticks "$apid")
	idle_anon=$(anon "$apid")
	AG_PEAK=$peak AG_IDLE=$idle_anon AG_HWM=$(hwm "$apid") AG_RSS=$(rss "$apid")
	AG_TICKS=$((t1 - t0)) AG_SC=${sc:-n/a}
	kill "$apid"; wait "$apid" 2>/dev/null
}

# --- the bare program ----------------------------------------------------------
cat >"$T/bare.c" <<'C'
#include <curl/curl.h>
#include <stdio.h>
#include <unistd.h>
static size_t sink(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; return s * n; }
int main(int argc, char **argv) {
	CURL *h;
	(void)argc;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, argv[1]);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, "{}");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_perform(h);
	printf("ready\n");
	fflush(stdout);
	pause();
	return 0;
}
C
cc -O2 -o "$T/bare" "$T/bare.c" $(pkg-config --libs libcurl jansson sqlite3 libmicrohttpd zlib) \
    -lm -lpthread 2>"$T/cc.err" || { echo "cannot build the bare program:"; cat "$T/cc.err"; }

echo "memory in KiB (Anonymous = private memory; RSS includes shared library pages)"
row "program" "Anonymous" "RSS" "peak RSS" "notes"
agent_run incident --root "$T/root"
row "spoolwatch-agent (incident)" "$AG_PEAK" "$AG_RSS" "$AG_HWM" \
    "Anonymous peak through a cycle; idle: $AG_IDLE KiB, $AG_TICKS CPU ticks and $AG_SC syscalls in 3 s"
agent_hwm=$AG_HWM agent_peak=$AG_PEAK
agent_run host
row "spoolwatch-agent (this host)" "$AG_PEAK" "$AG_RSS" "$AG_HWM" \
    "idle: $AG_IDLE KiB, $AG_TICKS CPU ticks and $AG_SC syscalls in 3 s"
[ "$AG_HWM" -gt "$agent_hwm" ] && agent_hwm=$AG_HWM
[ "$AG_PEAK" -gt "$agent_peak" ] && agent_peak=$AG_PEAK
agent_run quiet --root "$T/quiet"
row "spoolwatch-agent (quiet)" "$AG_PEAK" "$AG_RSS" "$AG_HWM" \
    "healthy-sendmail root; idle: $AG_IDLE KiB"

static_hwm="" static_quiet=""
if [ -x "$STATIC_BINDIR/spoolwatch-agent" ]; then
	AGENT_BIN=$STATIC_BINDIR/spoolwatch-agent
	agent_run s-incident --root "$T/root"
	row "static agent (incident)" "$AG_PEAK" "$AG_RSS" "$AG_HWM" \
	    "idle: $AG_IDLE KiB, $AG_TICKS CPU ticks and $AG_SC syscalls in 3 s"
	static_hwm=$AG_HWM
	agent_run s-quiet --root "$T/quiet"
	row "static agent (quiet)" "$AG_PEAK" "$AG_RSS" "$AG_HWM" \
	    "healthy-sendmail root; idle: $AG_IDLE KiB"
	static_quiet=$AG_HWM
	agent_run s-host
	row "static agent (this host)" "$AG_PEAK" "$AG_RSS" "$AG_HWM" \
	    "idle: $AG_IDLE KiB"
	static_size=$(wc -c <"$AGENT_BIN" | tr -d ' ')
	unset AGENT_BIN
else
	echo "no static agent in $STATIC_BINDIR (make static) - skipped"
fi

if [ -x "$T/bare" ]; then
	"$T/bare" "http://127.0.0.1:$CPORT/api/v1/reports" >"$T/bare.out" &
	bpid=$!
	pids="$pids $bpid"
	i=0
	until grep -q ready "$T/bare.out" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && break
		sleep 0.1
	done
	bare_hwm=$(hwm "$bpid")
	row "bare libcurl program" "$(anon "$bpid")" "$(rss "$bpid")" "$bare_hwm" \
	    "same libraries, one POST"
	kill "$bpid"
fi

# --- the reference tools ---------------------------------------------------------
need=""
command -v prometheus-node-exporter >/dev/null 2>&1 || need="$need prometheus-node-exporter"
[ -f /etc/collectd/collectd.conf ] || need="$need collectd"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing:$need"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    --no-install-recommends $need >"$T/apt.log" 2>&1 ||
		    echo "apt-get failed: $(tail -1 "$T/apt.log")"
	else
		echo "missing (apt-get install$need) - skipped"
	fi
fi
if command -v prometheus-node-exporter >/dev/null 2>&1; then
	prometheus-node-exporter --web.listen-address="127.0.0.1:$(port)" \
	    >/dev/null 2>&1 &
	npid=$!
	pids="$pids $npid"
	sleep 5
	row "prometheus-node-exporter" "$(anon "$npid")" "$(rss "$npid")" "$(hwm "$npid")" \
	    "default configuration, idle 5 s"
	kill "$npid"
fi
CD=$(command -v collectd || echo /usr/sbin/collectd)
if [ -x "$CD" ]; then
	conf=/etc/collectd/collectd.conf
	[ -f "$conf" ] || conf=$(ls /usr/share/doc/collectd-core/examples/collectd.conf* 2>/dev/null | head -1)
	case $conf in *.gz) gunzip -c "$conf" >"$T/collectd.conf"; conf=$T/collectd.conf ;; esac
	"$CD" -f -C "$conf" >/dev/null 2>&1 &
	cpid=$!
	pids="$pids $cpid"
	sleep 5
	if kill -0 "$cpid" 2>/dev/null; then
		row "collectd" "$(anon "$cpid")" "$(rss "$cpid")" "$(hwm "$cpid")" \
		    "default configuration ($conf), idle 5 s"
		kill "$cpid"
	else
		echo "collectd did not stay up with $conf"
	fi
fi

echo
if [ -n "$static_hwm" ]; then
	echo "targets: static agent peak RSS ${static_hwm} KiB on the incident" \
	    "root (<= 4096), ${static_quiet} KiB quiet (<= 1536);" \
	    "stripped binary ${static_size} bytes (<= 2000000)"
fi
echo "targets: agent Anonymous peak ${agent_peak} KiB (< 2048);" \
    "agent peak RSS ${agent_hwm} KiB vs bare ${bare_hwm:-?} KiB" \
    "(difference $((agent_hwm - ${bare_hwm:-0})) KiB, < 2048)"
