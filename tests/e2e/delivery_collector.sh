#!/bin/sh
# delivery_collector.sh - the agent against the real collector on
# loopback: the collector down for several cycles then back (every report
# arrives, in order, once), and the agent SIGKILLed in the middle of a
# delivery and at each step of an outbox write (nothing lost, nothing
# stored twice).  The kills are placed with strace's fault injection, so
# they land exactly where they must, every run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.inc"
. "$(dirname "$0")/db_lib.inc"
T=$(e2e_tmp)
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/root" >/dev/null
ST="$T/state"
DB="$T/db"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
cat >"$T/agent.conf" <<CONF
server = $URL
connect_timeout = 2
timeout = 10
CONF

start_collector() {
	# its own (empty) configuration: never the host's /etc/spoolwatch
	: >"$T/collector.conf"
	"$COLLECTOR" --config "$T/collector.conf" --listen "127.0.0.1:$PORT" \
	    --db "$(collector_db "$DB")" 2>>"$T/collector.err" &
	CPID=$!
	at_exit "kill $CPID 2>/dev/null"
	wait_http "$URL/healthz" 20 || { not_ok "collector started"; exit 1; }
	# the port must be ours, not some other process's that took it
	kill -0 "$CPID" 2>/dev/null &&
	    grep -q "listening on 127.0.0.1:$PORT" "$T/collector.err" ||
	    { not_ok "collector listening on $PORT"; exit 1; }
}
stop_collector() {
	kill "$CPID"
	wait "$CPID"
}
once() { run_agent --once --config "$T/agent.conf" --root "$T/root" --state-dir "$ST"; }
# new_line N: one more SYSERR in the maillog, unique to N
new_line() {
	printf '%s host1 sendmail[%d]: u1FE2E%05d: SYSERR(root): collect: Cannot write ./dfu1FE2E%05d (bfcommit, uid=51, gid=51): Permission denied\n' \
	    "$(LC_ALL=C date '+%b %e %H:%M:%S')" $((20000 + $1)) "$1" "$1" \
	    >>"$T/root/var/log/maillog"
}
sql() { dbq "$DB" "$1"; }
# every_event_stored: the events a fresh agent finds in the whole log are
# exactly the events the collector holds (nothing lost, nothing extra).
every_event_stored() {
	rm -rf "$T/fresh"
	timeout 60 "$AGENT" --once --stdout --root "$T/root" --state-dir "$T/fresh" \
	    --config "$T/agent.conf" | jq -r '.events[].id' | sort >"$T/want"
	sql "SELECT eid FROM events" | sort >"$T/got"
	[ -s "$T/want" ] && cmp -s "$T/want" "$T/got"
}
no_tmp_left() { [ "$(ls -A "$ST/outbox" | grep -c '^\.tmp-')" -eq 0 ]; }

# --- the collector is down for four cycles, then back -------------------
for i in 1 2 3 4; do
	new_line "$i"
	once
	[ "$rc" -eq 0 ] || not_ok "collector down, cycle $i: exit $rc"
done
check_eq "collector down: four reports wait in the outbox" "$(outbox_n "$ST")" 4
ls "$ST/outbox" | grep '\.gz$' | sort | cut -c22-57 >"$T/order"
start_collector
new_line 5
once
check_eq "collector back: exit 0" "$rc" 0
[ "$(outbox_n "$ST")" -eq 0 ] || sed "s/^/# /" "$T/err" "$T/collector.err"
check_eq "... the outbox is empty" "$(outbox_n "$ST")" 0
check_eq "... five reports stored" "$(sql 'SELECT count(*) FROM reports')" 5
sql "SELECT report_id FROM reports ORDER BY id LIMIT 4" >"$T/stored"
check "... the queued ones first, in the order they were made" cmp -s "$T/order" "$T/stored"
check "... every event of the log stored once" every_event_stored

# --- SIGKILL in the middle of a delivery ---------------------------------
# after the request went out, before the answer is read: the collector
# stores the report, the agent never learns it, its offsets stay behind,
# and the next run's report repeats the events, which are not stored again
new_line 6
before=$(sql 'SELECT count(*) FROM events')
strace -f -o /dev/null -e trace=recvfrom,read -e inject=recvfrom:signal=KILL \
    timeout 60 "$AGENT" --once --config "$T/agent.conf" --root "$T/root" \
    --state-dir "$ST" >/dev/null 2>&1
check_eq "killed during delivery: the collector stored that report" \
    "$(sql 'SELECT count(*) FROM reports')" 6
check_eq "... with the new event" "$(sql 'SELECT count(*) FROM events')" $((before + 1))
once
check_eq "the next run: exit 0" "$rc" 0
check_eq "... a new report stored" "$(sql 'SELECT count(*) FROM reports')" 7
check "... the repeated events not stored twice" every_event_stored

# killed while flushing the outbox, after the collector took a queued
# report but before the agent removed it: it is sent again, the collector
# answers "duplicate", and it is stored once
stop_collector
new_line 7
once	# queued
check_eq "collector down again: one report queued" "$(outbox_n "$ST")" 1
queued=$(ls "$ST/outbox" | grep '\.gz$' | cut -c22-57)
start_collector
strace -f -o /dev/null -e trace=recvfrom,read -e inject=recvfrom:signal=KILL \
    timeout 60 "$AGENT" --once --config "$T/agent.conf" --root "$T/root" \
    --state-dir "$ST" >/dev/null 2>&1
check_eq "killed while flushing: the queued report reached the collector" \
    "$(sql "SELECT count(*) FROM reports WHERE report_id = '$queued'")" 1
# (that run flushes before keeping its own report, so it died with its
# own report unkept and its offsets uncommitted: the next run reads
# those lines again)
check_eq "... and is still in the outbox, alone" "$(outbox_n "$ST")" 1
run_agent --once --config "$T/agent.conf" --root "$T/root" --state-dir "$ST"
check_eq "the next run: exit 0" "$rc" 0
check_eq "... the outbox is empty" "$(outbox_n "$ST")" 0
check_eq "... the resent report is stored once" \
    "$(sql "SELECT count(*) FROM reports WHERE report_id = '$queued'")" 1
check_eq "... no report stored twice" \
    "$(sql 'SELECT count(*) - count(DISTINCT report_id) FROM reports')" 0
check "... every event stored once" every_event_stored

# --- SIGKILL at each step of an outbox write -----------------------------
# fsync 1: the temporary file (not yet renamed); 2: the outbox directory
# (renamed, offsets not committed); 3 and 4: state.json and its directory
stop_collector
for k in 1 2 3 4; do
	new_line $((10 + k))
	strace -f -o /dev/null -e trace=fsync \
	    -e inject=fsync:signal=KILL:when=$k \
	    timeout 60 "$AGENT" --once --config "$T/agent.conf" --root "$T/root" \
	    --state-dir "$ST" >/dev/null 2>&1
	case $k in
	1) check "killed before the rename: a temporary file is left" \
	    sh -c "ls -A '$ST/outbox' | grep -q '^\.tmp-'" ;;
	2) check "killed after the rename: the report is in the outbox" \
	    test "$(outbox_n "$ST")" -ge 1 ;;
	esac
	once	# collector still down: this run queues its report properly
	check "after kill at fsync $k: the next run exits 0" test "$rc" -eq 0
	check "... and leaves no temporary file" no_tmp_left
done
start_collector
once
check_eq "collector back after the kills: exit 0" "$rc" 0
check_eq "... the outbox is empty" "$(outbox_n "$ST")" 0
check_eq "... no report stored twice" \
    "$(sql 'SELECT count(*) - count(DISTINCT report_id) FROM reports')" 0
check "... every event of the log stored, once" every_event_stored
sql 'SELECT collected_at FROM reports ORDER BY id' >"$T/order"
check "... the reports arrived in the order they were made" \
    sort -n -c "$T/order"
stop_collector
