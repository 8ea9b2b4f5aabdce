#!/bin/sh
# bench_ingest_wrk.sh - POST /api/v1/reports with wrk (Debian's wrk) at
# BENCH_WRK_CONN connections (64) for BENCH_WRK_SECS seconds (5) a run,
# each report with its own report_id, plain JSON and gzip, two report
# sizes:
#
#   incident  a real `spoolwatch-agent --once` report of the incident root
#             (tests/mkroot.sh incident) with max_events = 8
#             (BENCH_INCIDENT_EVENTS): ~9 KB of JSON
#   healthy   tests/data/report-healthy.json: ~4 KB
#
# next to the ceiling measured in the same run: parse_ceiling.c, a bare
# libmicrohttpd server (the collector's threading) that only inflates and
# parses the same bodies with jansson.  Prints reports/s, the ratio to the
# ceiling and wrk's p50/p99 latency; best of BENCH_RUNS (3) alternating
# runs; the CPU time each server spent per answered request (from
# /proc, less dependent on the machine's load than the rates); and, from
# the collector's /metrics, how many reports a commit held and how long
# the writer took per commit (statements and fsync: with 64 connections
# a commit holds at most 64 reports, so the disk's fsync time bounds the
# rate).  On a shared machine the absolute figures vary with its load;
# the ratio of runs made side by side is the figure to read.  With
# BENCH_BASE_BINDIR (the bin/ of another build, e.g. main's) that
# build's collector runs too, in the same alternation, and is printed
# next to this one.  Prints only.
set -u
top=${SPOOLWATCH_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bindir=${BINDIR:-$top/bin}
tmp=${BENCH_TMP:-/tmp/spoolwatch-bench}/ingest-wrk.$$
conn=${BENCH_WRK_CONN:-64}
secs=${BENCH_WRK_SECS:-5}
runs=${BENCH_RUNS:-3}
base=${BENCH_BASE_BINDIR:-}
pids=""
command -v wrk >/dev/null 2>&1 || {
	echo "wrk is not installed (apt-get install wrk)"
	exit 0
}
mkdir -p "$tmp"
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# shellcheck disable=SC2046
cc -O2 -o "$tmp/ceiling" "$top/tests/bench/parse_ceiling.c" \
    $(pkg-config --cflags --libs libmicrohttpd jansson zlib) || exit 1
port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_up() {
	_i=0
	until curl -s -o /dev/null -m 1 "$1"; do
		_i=$((_i + 1)); [ "$_i" -gt 300 ] && return 1; sleep 0.1
	done
}

# the two reports
sh "$top/tests/mkroot.sh" incident "$tmp/root" >/dev/null 2>&1
mkdir -p "$tmp/st"
# max_events = 8: the size of the report issue 15 measured (~9 KB; with
# all 45 events of the root's maillog it is ~48 KB)
printf 'max_events = %s\n' "${BENCH_INCIDENT_EVENTS:-8}" >"$tmp/agent.conf"
"$bindir/spoolwatch-agent" --once --stdout --config "$tmp/agent.conf" \
    --root "$tmp/root" --state-dir "$tmp/st" \
    --hostname incident.example.com \
    >"$tmp/incident.json" 2>"$tmp/agent.err" ||
    { echo "agent failed:"; cat "$tmp/agent.err"; exit 1; }
cp "$top/tests/data/report-healthy.json" "$tmp/healthy.json"

# bodies KIND: for each of wrk's 2 threads a file of bodies, each with
# its own report_id and collected_at now, plain and gzip, as "LENGTH\n" +
# bytes records; 2000 a second of the run per thread (the collector stays
# below that: every report it stores is a new one)
n_bodies=$((2000 * secs))
bodies() {
	python3 - "$tmp/$1.json" "$tmp/$1" "$n_bodies" <<'PY'
import gzip, json, sys, uuid, datetime
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
r = json.load(open(src))
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
r["collected_at"] = now
for t in range(2):
    with open("%s.plain.%d" % (out, t), "wb") as p, open("%s.gz.%d" % (out, t), "wb") as g:
        for i in range(n):
            r["report_id"] = str(uuid.uuid4())
            b = json.dumps(r, separators=(",", ":")).encode()
            z = gzip.compress(b, 6)
            p.write(b"%d\n" % len(b) + b)
            g.write(b"%d\n" % len(z) + z)
print(len(b), len(z))
PY
}

cat >"$tmp/post.lua" <<'LUA'
-- each thread posts the bodies of its own file (BODIES.<thread>), in order
local file, gz = os.getenv("BODIES"), os.getenv("GZ") == "1"
local threads, counter = {}, 0
function setup(t)
	t:set("id", counter)
	counter = counter + 1
	table.insert(threads, t)
end
function init(args)
	local f = assert(io.open(file .. "." .. id, "rb"))
	local all = f:read("*a")
	f:close()
	local list, pos = {}, 1
	while pos <= #all do
		local nl = all:find("\n", pos, true)
		local len = tonumber(all:sub(pos, nl - 1))
		list[#list + 1] = all:sub(nl + 1, nl + len)
		pos = nl + 1 + len
	end
	bodies, n, i = list, #list, 0
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
	if gz then wrk.headers["Content-Encoding"] = "gzip" end
end
function request()
	local b = bodies[(i % n) + 1]
	i = i + 1
	return wrk.format(nil, "/api/v1/reports", nil, b)
end
LUA

# run NAME URL BODIES GZ: one wrk run; "reqs/s p50_ms p99_ms non2xx"
run() {
	BODIES=$3 GZ=$4 wrk -t2 -c"$conn" -d"${secs}s" --latency \
	    -s "$tmp/post.lua" "$2" >"$tmp/wrk.out" 2>&1
	awk '
	function ms(v) {
		if (v ~ /us$/) return v / 1000
		if (v ~ /ms$/) return v + 0
		if (v ~ /s$/) return v * 1000
		return v
	}
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/Requests\/sec:/ { r = $2 }
	/ requests in / { n = $1 }
	/Non-2xx/ { bad = $NF }
	END { printf "%.0f %.1f %.1f %d %d", r, p50, p99, bad, n }' "$tmp/wrk.out"
}

# cpu_us PID REQUESTS: the CPU time (user + system) of PID per request, us
hz=$(getconf CLK_TCK)
cpu_us() {
	awk -v n="$2" -v hz="$hz" '{ printf " %.0f\n", n ? ($14 + $15) * 1e6 / hz / n : 0 }' "/proc/$1/stat"
}

# collector_run BINDIR ALL STORED: one run of BINDIR's collector; its
# figures appended to ALL, the reports it stored to STORED
collector_run() {
	p=$(port)
	rm -f "$tmp/c.db"*
	printf 'listen = 127.0.0.1:%s\ndb = %s\nqueue_max = 100000\n' \
	    "$p" "$tmp/c.db" >"$tmp/c.conf"
	"$1/spoolwatch-collector" --config "$tmp/c.conf" \
	    2>>"$tmp/collector.log" & pids="$pids $!"
	cp_=$!
	wait_up "http://127.0.0.1:$p/healthz" || { echo "collector did not start"; exit 1; }
	run collector "http://127.0.0.1:$p" "$tmp/$kind.$enc" "$gzf" >"$tmp/c.one"
	cpu_us "$cp_" "$(awk '{ print $5 }' "$tmp/c.one")" >>"$tmp/c.one"
	# the run's commits: reports per commit, ms per commit
	curl -s "http://127.0.0.1:$p/metrics" | awk '
	/^spoolwatch_write_batches_total / { b = $2 }
	/^spoolwatch_write_batch_reports_total / { r = $2 }
	/^spoolwatch_write_batch_seconds_total / { s = $2 }
	END { printf " %.1f %.1f\n", b ? r / b : 0, b ? s * 1000 / b : 0 }' >"$tmp/c.m"
	{ tr -d '\n' <"$tmp/c.one"; cat "$tmp/c.m"; } >>"$2"
	stored=$(sqlite3 "$tmp/c.db" 'SELECT count(*) FROM reports' 2>/dev/null || echo '?')
	echo "$stored" >>"$3"
	kill "$cp_"; wait "$cp_" 2>/dev/null
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in incident healthy; do
	sizes=$(bodies "$kind")
	for enc in plain gz; do
		gzf=0
		[ "$enc" = gz ] && gzf=1
		: >"$tmp/c.all"
		: >"$tmp/b.all"
		: >"$tmp/k.all"
		r=0
		while [ "$r" -lt "$runs" ]; do
			r=$((r + 1))
			p=$(port)
			"$tmp/ceiling" "$p" & pids="$pids $!"
			cp_=$!
			wait_up "http://127.0.0.1:$p/" || { echo "ceiling did not start"; exit 1; }
			run ceiling "http://127.0.0.1:$p" "$tmp/$kind.$enc" "$gzf" >"$tmp/k.one"
			cpu_us "$cp_" "$(awk '{ print $5 }' "$tmp/k.one")" >>"$tmp/k.one"
			tr -d '\n' <"$tmp/k.one" >>"$tmp/k.all"
			echo >>"$tmp/k.all"
			kill "$cp_"; wait "$cp_" 2>/dev/null
			collector_run "$bindir" "$tmp/c.all" "$tmp/stored"
			[ -n "$base" ] &&
			    collector_run "$base" "$tmp/b.all" "$tmp/bstored"
		done
		# best run of each: the highest rate (its latency beside it)
		k=$(sort -n -r "$tmp/k.all" | head -n 1)
		c=$(sort -n -r "$tmp/c.all" | head -n 1)
		set -- $sizes
		bytes=$1
		[ "$enc" = gz ] && bytes=$2
		printf '%s report (%s bytes JSON, %s bytes on the wire, %s), %d connections, best of %d x %ss:\n' \
		    "$kind" "$1" "$bytes" "$enc" "$conn" "$runs" "$secs"
		echo "$k" | awk '{ printf "  %-34s %7d reports/s  p50 %6.1f ms  p99 %6.1f ms  CPU %4d us/request\n", "parse-only ceiling (jansson)", $1, $2, $3, $6 }'
		echo "$c" | awk '{ printf "  %-34s %7d reports/s  p50 %6.1f ms  p99 %6.1f ms  CPU %4d us/report  non-2xx %d\n", "spoolwatch-collector (stored)", $1, $2, $3, $6, $4 }'
		echo "$c" | awk '{ printf "  %-34s %7.1f reports a commit, %.1f ms a commit (statements + fsync)\n", "  its writer", $7, $8 }'
		echo "  reports stored per run (each a new report_id): $(tr '\n' ' ' <"$tmp/stored")"
		awk -v k="$k" -v c="$c" 'BEGIN { split(k, a); split(c, b)
			printf "  collector/ceiling: %.2f (CPU per request: ceiling/collector %.2f)\n", b[1] / a[1], b[6] ? a[6] / b[6] : 0 }'
		if [ -n "$base" ]; then
			c=$(sort -n -r "$tmp/b.all" | head -n 1)
			echo "$c" | awk '{ printf "  %-34s %7d reports/s  p50 %6.1f ms  p99 %6.1f ms  CPU %4d us/report  non-2xx %d\n", "base build'"'"'s collector", $1, $2, $3, $6, $4 }'
			echo "$c" | awk '{ printf "  %-34s %7.1f reports a commit, %.1f ms a commit\n", "  its writer", $7, $8 }'
			echo "  base build, reports stored per run: $(tr '\n' ' ' <"$tmp/bstored")"
			awk -v k="$k" -v c="$c" 'BEGIN { split(k, a); split(c, b)
				printf "  base collector/ceiling: %.2f (CPU per request: ceiling/collector %.2f)\n", b[1] / a[1], b[6] ? a[6] / b[6] : 0 }'
		fi
		rm -f "$tmp/stored" "$tmp/bstored"
	done
done
