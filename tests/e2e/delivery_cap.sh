#!/bin/sh
# delivery_cap.sh - the outbox cap: the oldest reports go, the loss is
# counted into outbox_dropped of the next report, and the count plus the
# reports that arrive add up to every report made.  Then a full disk:
# the report cannot be kept, the run fails (exit 1) and nothing is
# committed, so the next run reads the same lines again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.inc"
T=$(e2e_tmp)
mini_root "$T/root"
ST="$T/state"
F="$T/fake"
printf 'server = http://127.0.0.1:9\noutbox_max_bytes = 4k\nconnect_timeout = 2\n' >"$T/down.conf"

made=0
: >"$T/made"
for i in $(seq 1 14); do
	run_agent --once --config "$T/down.conf" --root "$T/root" --state-dir "$ST"
	[ "$rc" -eq 0 ] || not_ok "cycle $i with the collector down: exit $rc"
	made=$((made + 1))
	# the newest file is this run's report (if the cap kept it)
	ls "$ST/outbox" | grep '\.gz$' | sort | tail -1 | cut -c22-57 >>"$T/made"
	bytes=$(cat "$ST/outbox/"*.gz | wc -c)
	[ "$bytes" -le 4096 ] || not_ok "cycle $i: the outbox holds $bytes bytes, over 4096"
done
n=$(outbox_n "$ST")
check "the outbox stays within outbox_max_bytes ($(cat "$ST/outbox/"*.gz | wc -c) bytes)" \
    test "$(cat "$ST/outbox/"*.gz | wc -c)" -le 4096
check "... so the oldest reports were dropped ($n of 14 kept)" test "$n" -lt 14
check "... and logged" grep -q "dropped" "$T/err"

start_fake "$F"
printf 'server = %s\noutbox_max_bytes = 4k\n' "$FAKE_URL" >"$T/up.conf"
run_agent --once --config "$T/up.conf" --root "$T/root" --state-dir "$ST"
made=$((made + 1))
check_eq "collector back: exit 0" "$rc" 0
check_eq "... the outbox is empty" "$(outbox_n "$ST")" 0
# the queued ones, oldest first, then this run's own
jq -r .report_id "$F/requests.jsonl" | head -n $(($(nreq "$F") - 1)) >"$T/arrived"
tail -n $(($(nreq "$F") - 1)) "$T/made" >"$T/newest"
check "... the reports that arrived are the newest ones, oldest first" \
    cmp -s "$T/arrived" "$T/newest"
# queuing this run's report dropped one more at the cap: the next report
# tells it
run_agent --once --config "$T/up.conf" --root "$T/root" --state-dir "$ST"
made=$((made + 1))
got=$(nreq "$F")
dropped=$(jq -s 'map(.outbox_dropped) | add' "$F/requests.jsonl")
check_eq "delivered ($got) + counted as dropped ($dropped) = made ($made)" \
    "$((got + dropped))" "$made"
check "... the count travels in the reports" test "$dropped" -gt 0
run_agent --once --config "$T/up.conf" --root "$T/root" --state-dir "$ST"
check_eq "once told, the count is not told again" \
    "$(tail -1 "$F/requests.jsonl" | jq .outbox_dropped)" 0

# a full disk under state_dir
if mkdir -p "$T/small" && mount -t tmpfs -o size=64k tmpfs "$T/small" 2>/dev/null; then
	at_exit "umount '$T/small' 2>/dev/null"
	SD="$T/small/state"
	run_agent --once --stdout --commit-state --root "$T/root" --state-dir "$SD" \
	    --config "$T/down.conf"
	st0=$(state_of "$SD")
	dd if=/dev/zero of="$T/small/fill" bs=4k count=100 2>/dev/null
	run_agent --once --config "$T/down.conf" --root "$T/root" --state-dir "$SD"
	check_eq "full disk: exit 1 (the report could not be kept)" "$rc" 1
	check "... with a clear message" grep -q "No space left on device" "$T/err"
	check_eq "... nothing committed" "$(state_of "$SD")" "$st0"
	check_eq "... no report and no temporary file left" "$(ls -A "$SD/outbox" | grep -vc rejected)" 0
	rm -f "$T/small/fill"
	run_agent --once --config "$T/up.conf" --root "$T/root" --state-dir "$SD"
	check_eq "space again: delivered, exit 0" "$rc" 0
	# full again with reports queued: --once sends the queue first,
	# which frees the space, instead of failing to queue its own
	run_agent --once --config "$T/down.conf" --root "$T/root" --state-dir "$SD"
	run_agent --once --config "$T/down.conf" --root "$T/root" --state-dir "$SD"
	q=$(outbox_n "$SD")
	dd if=/dev/zero of="$T/small/fill" bs=4k count=100 2>/dev/null
	before=$(nreq "$F")
	run_agent --once --config "$T/up.conf" --root "$T/root" --state-dir "$SD"
	check_eq "full disk, $q report(s) queued: --once sends them, exit 0" "$rc" 0
	check_eq "... the outbox is empty" "$(outbox_n "$SD")" 0
	check_eq "... the queued reports and this run's arrived" \
	    "$(($(nreq "$F") - before))" "$((q + 1))"
	rm -f "$T/small/fill"
else
	ok "# SKIP cannot mount a tmpfs here"
fi
