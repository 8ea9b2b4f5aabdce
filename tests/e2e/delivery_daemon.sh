#!/bin/sh
# delivery_daemon.sh - the agent without --once: cycles on its interval
# over one kept-alive connection, sleeps without timers in between,
# retries the outbox with backoff, reloads on SIGHUP (a bad file keeps the
# old configuration), skips a cycle that overran, honours the splay, and
# on SIGTERM abandons a transfer in progress, keeps the report, exits 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.inc"
T=$(e2e_tmp)
mini_root "$T/root"
F="$T/fake"
start_fake "$F"
ST="$T/state"
conf() {
	cat >"$T/agent.conf" <<CONF
server = $FAKE_URL
token = $1
interval = ${2:-1}
splay = 0
retry_min = 1
retry_max = 2
connect_timeout = 2
timeout = ${3:-3}
CONF
}
conf tok-A
start_daemon d --config "$T/agent.conf" --root "$T/root" --state-dir "$ST"

check "three cycles arrive" wait_for 30 sh -c "[ \$(wc -l <'$F/requests.jsonl' 2>/dev/null || echo 0) -ge 3 ]"
check_eq "... over one kept-alive connection" \
    "$(head -3 "$F/requests.jsonl" | jq -r .client_port | sort -u | wc -l)" 1
check "... the start is logged with the schedule" grep -q "first cycle in 0.0s, then every 1s" "$T/d.err"

# SIGHUP: a new token is used from then on
conf tok-B
kill -HUP "$DPID"
check "SIGHUP: the new token is used" wait_for 20 grep -q '"Bearer tok-B"' "$F/requests.jsonl"
check "... and the reload is logged" grep -q "configuration reloaded" "$T/d.err"
# SIGHUP with a broken file: logged, the old configuration goes on
printf 'interval = soon\n' >"$T/agent.conf"
n=$(nreq "$F")
kill -HUP "$DPID"
check "a bad file on SIGHUP is refused with its line" wait_for 10 grep -q "not reloaded.*agent.conf:1" "$T/d.err"
check "... and the daemon goes on with the old one" wait_for 20 sh -c "[ \$(wc -l <'$F/requests.jsonl') -gt $n ]"
check "... still with tok-B" sh -c "tail -1 '$F/requests.jsonl' | grep -q tok-B"

# the collector overloaded for a while: reports queue, then all arrive,
# once each, in order
conf tok-B
kill -HUP "$DPID"
wait_for 10 sh -c "[ \$(grep -c 'configuration reloaded' '$T/d.err') -ge 2 ]"
printf '503 retry-after=1\n503 retry-after=5\n503 retry-after=1\n500\n500\n' >"$F/plan"
check "overload: the planned failures are met" wait_for 60 sh -c "[ ! -s '$F/plan' ]"
check "... the outbox drains afterwards" wait_for 30 sh -c "[ \$(ls '$ST/outbox' | grep -c '\.gz\$') -eq 0 ]"
check "... the backoff is logged" grep -q "next attempt in" "$T/d.err"
# retry_max is 2 s: only Retry-After: 5 explains a wait of 5 s or more
check "... Retry-After is honoured" grep -q "next attempt in [5-7]s" "$T/d.err"
check "... every report that failed arrived later" sh -c "
	for id in \$(jq -r 'select(.status != \"200\") | .report_id' '$F/requests.jsonl'); do
		jq -r 'select(.status == \"200\") | .report_id' '$F/requests.jsonl' | grep -q \$id || exit 1
	done"
check "... each once" sh -c \
    "[ -z \"\$(jq -r 'select(.status==\"200\") | .report_id' '$F/requests.jsonl' | sort | uniq -d)\" ]"
check "... in the order they were made" sh -c \
    "jq -r 'select(.status==\"200\") | .collected_at' '$F/requests.jsonl' | sort -c"

# idle between cycles: no system calls, no CPU (interval 1 h)
conf tok-B 1h
kill -HUP "$DPID"
wait_for 10 sh -c "[ \$(grep -c 'configuration reloaded' '$T/d.err') -ge 3 ]"
# the cycle after the reload is slow (the collector takes 2 s, as a busy
# machine would make it): a fixed sleep would strace it
printf 'sleep=2\n' >"$F/plan"
# idle is what the daemon says, not a guess at how long its last 1 s
# cycle takes: the cycle after the reload ends with "next cycle in" some
# 3,000 s, logged right before the wait
check "idle: the cycle after the reload is done, the next one is an hour away" \
    wait_for 60 grep -q "next cycle in [0-9][0-9][0-9][0-9]s" "$T/d.err"
if command -v strace >/dev/null; then
	timeout 3 strace -f -p "$DPID" -o "$T/idle.strace" 2>/dev/null
	n=$(grep -vc 'resumed>\|rt_sigtimedwait(\|+++\|---\|strace' "$T/idle.strace")
	check_eq "idle: no system call but the wait for the next cycle" "$n" 0
fi
t1=$(awk '{print $14 + $15}' "/proc/$DPID/stat")
sleep 2
t2=$(awk '{print $14 + $15}' "/proc/$DPID/stat")
check_eq "idle: no CPU time used in 2 s" "$t2" "$t1"
check_eq "SIGTERM: exit 0" "$(stop_daemon d TERM)" 0
check "... logged" grep -q "SIGTERM: stopping" "$T/d.err"

# a cycle that overruns (the collector takes 4 s, timeout 3 s, interval
# 1 s) is logged and the missed cycles are skipped, not stacked
conf tok-B 1 3
printf 'sleep=4\n' >"$F/plan"
start_daemon o --config "$T/agent.conf" --root "$T/root" --state-dir "$ST"
check "overrun: logged and skipped" wait_for 30 grep -q "longer than the interval (1s): skipped" "$T/o.err"
check_eq "... exit 0 on SIGINT" "$(stop_daemon o INT)" 0
sleep 2	# the fake's sleeping thread finishes

# SIGTERM in the middle of a slow transfer: abandoned at once, kept
conf tok-B 1h 60
: >"$F/arrived"
printf 'sleep=30\n' >"$F/plan"
before=$(outbox_n "$ST")
start_daemon t --config "$T/agent.conf" --root "$T/root" --state-dir "$ST"
check "slow transfer started" wait_for 30 grep -q "sleep=30" "$F/arrived"
start=$(date +%s)
rc=$(stop_daemon t TERM)
el=$(($(date +%s) - start))
check_eq "SIGTERM during a transfer: exit 0" "$rc" 0
check "... without waiting for the answer ($el s)" test "$el" -lt 20
check "... the transfer is abandoned" grep -q "abandoned" "$T/t.err"
check_eq "... and the report kept in the outbox" "$(outbox_n "$ST")" $((before + 1))

# the first cycle waits a random time within the splay
start_daemon s --config "$T/agent.conf" --splay 3 --root "$T/root" --state-dir "$ST"
wait_for 10 grep -q "first cycle in" "$T/s.err"
d=$(sed -n 's/.*first cycle in \([0-9.]*\)s.*/\1/p' "$T/s.err")
check "splay 3: the first cycle waits ${d}s, within [0, 3]" \
    awk -v d="$d" 'BEGIN { exit !(d >= 0 && d <= 3) }'
check_eq "... exit 0 on SIGTERM before it" "$(stop_daemon s TERM)" 0
