#!/bin/sh
# logs_rotation.sh - the agent reads every SYSERR line exactly once while
# the log is written to and rotated the way logrotate does it (create with
# numbered and dateext names, copytruncate), across many agent runs (each
# one a restart), including runs between the rename and the create, and
# runs whose report was not committed (their lines must come again).
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
root=$t/root st=$t/state out=$t/out
mkdir -p "$root/var/log" "$st" "$out"
log=$root/var/log/maillog
cat >"$t/agent.conf" <<EOF
max_events = 10000
[logs]
files = /var/log/maillog, /var/log/messages
EOF
n=0
# emit K: K unique SYSERR lines (and a non-mail line each) to the log
emit() {
	_k=0
	while [ "$_k" -lt "$1" ]; do
		n=$((n + 1))
		printf 'Feb 15 09:%02d:%02d host1 sendmail[%d]: u1F1K2am%06d: SYSERR(root): collect: Cannot write ./dfu1F1K2am%06d (bfcommit, uid=51, gid=51): Permission denied\n' \
		    $((n / 60 % 60)) $((n % 60)) "$n" "$n" "$n" >>"${2:-$log}"
		printf 'Feb 15 09:00:00 host1 CRON[%d]: (root) CMD (run-parts /etc/cron.hourly)\n' "$n" >>"${2:-$log}"
		_k=$((_k + 1))
	done
}
runs=0 failed_runs=0
# agent [commit]: one run; committed runs' events are collected
agent() {
	runs=$((runs + 1))
	if [ "${1:-commit}" = commit ]; then
		"$AGENT" --once --stdout --commit-state --config "$t/agent.conf" \
		    --root "$root" --state-dir "$st" --hostname h \
		    >"$out/run$runs.json" 2>"$out/run$runs.err" ||
		    failed_runs=$((failed_runs + 1))
	else
		"$AGENT" --once --stdout --config "$t/agent.conf" \
		    --root "$root" --state-dir "$st" --hostname h \
		    >"$out/uncommitted$runs.json" 2>"$out/run$runs.err" ||
		    failed_runs=$((failed_runs + 1))
	fi
}
shift_old() {	# logrotate's shifting of older generations
	for g in $(seq 40 -1 1); do
		[ -e "$log.$g" ] && mv "$log.$g" "$log.$((g + 1))"
	done
	return 0
}

emit 20
agent
emit 10
agent nocommit			# report lost: these lines must come again
emit 5
agent
for round in 1 2 3 4; do
	# create rotation, numbered; syslogd writes two more lines to the
	# old file before its HUP
	emit 7
	shift_old
	mv "$log" "$log.1"
	emit 2 "$log.1"
	emit 3
	agent
	emit 4 "$log.1"		# late line after our switch: prev file
	emit 4
	agent
	# restart between rename and create (dateext name)
	emit 6
	mv "$log" "$log-2026021$round"
	agent			# maillog missing now
	emit 2 "$log-2026021$round"
	emit 5
	agent
	# copytruncate
	emit 8
	shift_old
	cp "$log" "$log.1"
	: >"$log"
	emit 3
	agent
	agent nocommit
done
# two create rotations while no agent runs: the middle generation is
# read whole (it was written after the file we were reading)
emit 3
shift_old
mv "$log" "$log.1"
sleep 0.05
emit 4
sleep 0.05
shift_old
mv "$log" "$log.1"
emit 2
agent
# compress without delaycompress: the old file is gzip'ed before the
# agent finished it; it reads on from the .gz
emit 5
agent
emit 3
mv "$log" "$log-20260301"
gzip -n "$log-20260301"
emit 2
agent
# a writer running concurrently with create rotations and agent runs
(
	i=0
	while [ $i -lt 300 ]; do
		printf 'Feb 15 10:00:00 host1 sm-mta[%d]: w1F1K2am%06d: SYSERR(root): queueup: cannot create queue file ./qfw1F1K2am%06d, euid=0, fd=-1, fp=0x0: No space left on device\n' "$i" "$i" "$i" >>"$log"
		i=$((i + 1))
	done
) &
wpid=$!
for r in 1 2 3; do
	agent
	shift_old
	mv "$log" "$log.1" 2>/dev/null
	agent
done
wait $wpid
agent
agent

check_eq "every agent run succeeded" "$failed_runs" 0
for f in "$out"/run*.json; do
	jq -r '.events[].raw' "$f"
done | sort >"$t/seen"
for f in "$log"*; do
	zcat -f "$f"
done | grep SYSERR | sort >"$t/written"
check_eq "lines written" "$(wc -l <"$t/written")" $((n + 300))
check_eq "no line reported twice" "$(uniq -d "$t/seen" | wc -l)" 0
check_eq "every line reported" "$(comm -23 "$t/written" "$t/seen" | wc -l)" 0
check_eq "nothing reported that was not written" \
    "$(comm -13 "$t/written" "$t/seen" | wc -l)" 0
check "uncommitted runs reported lines too" \
    test "$(cat "$out"/uncommitted*.json | jq -s '[.[].events | length] | add')" -gt 0
check "group counts match events" \
    test "$(for f in "$out"/run*.json; do jq '[.event_groups[].count] | add // 0' "$f"; done | awk '{s += $1} END {print s}')" -eq "$(wc -l <"$t/seen")"
check "renamed files were finished through their rotated names" \
    test "$(cat "$out"/run*.json | jq -s '[.[].log_sources[] | select(.rotated_from != null)] | length')" -gt 0
check "the non-mail lines were not events" \
    test "$(grep -c CRON "$t/seen")" -eq 0
check "every report validates against schema/report.schema.json" \
    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$out"/run*.json \
    "$out"/uncommitted*.json
