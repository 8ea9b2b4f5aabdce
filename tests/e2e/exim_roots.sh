#!/bin/sh
# exim_roots.sh - the agent on the Exim host roots of tests/mkroot_exim.sh:
# healthy, spool input/ owned by root, frozen messages, a paniclog, the
# daemon down, and a daemon-less host whose queue runs from cron.
. "$(dirname "$0")/lib.sh"

tmp=$(e2e_tmp)
: >"$tmp/empty.conf"
# agent KIND: build the root, run the agent once; the report in $tmp/KIND.json
agent() {
	rm -rf "$tmp/$1" "$tmp/state"
	mkdir -p "$tmp/state"
	if ! sh "$SPOOLWATCH_TOP/tests/mkroot_exim.sh" "$1" "$tmp/$1" \
	    >"$tmp/mk.log" 2>&1; then
		not_ok "mkroot_exim.sh $1"
		sed 's/^/# /' "$tmp/mk.log"
		return 1
	fi
	"$AGENT" --config "$tmp/empty.conf" --state-dir "$tmp/state" --once \
	    --stdout --root "$tmp/$1" >"$tmp/$1.json" 2>"$tmp/$1.err"
	check_eq "$1: agent exits 0" "$?" 0
	if [ -f "$SPOOLWATCH_TOP/tests/validate-report.py" ]; then
		check "$1: report valid against the schema" \
		    python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$tmp/$1.json"
	fi
}
j() { jq -r "$2" "$tmp/$1.json"; }
# f KIND CODE SUBJECT FILTER: a field of that finding
f() { j "$1" ".findings[] | select(.code == \"$2\" and .subject == \"$3\") | $4"; }
count() { j "$1" "[.findings[] | select(.code == \"$2\")] | length"; }
IN=/var/spool/exim4/input
SP=/var/spool/exim4
PL=/var/log/exim4/paniclog

# ---- healthy
agent healthy-exim
check_eq "healthy: mta.kind exim, daemon runs, 127.0.0.1:25 listens" \
    "$(j healthy-exim '"\(.mta.kind) \(.mta.daemon_running) \(.mta.smtp_listening)"')" \
    "exim true true"
check_eq "healthy: spool and input/ Debian-exim:Debian-exim 0750, ok" \
    "$(j healthy-exim "[.spools[] | select(.path == \"$SP\" or .path == \"$IN\") | \"\(.owner):\(.group) \(.mode) \(.ok)\"] | unique | join(\",\")")" \
    "Debian-exim:Debian-exim 0750 true"
check_eq "healthy: input/ writable by Debian-exim" \
    "$(j healthy-exim ".spools[] | select(.path == \"$IN\") | .writable_by_mta")" true
check_eq "healthy: nothing queued" "$(j healthy-exim .mail.queued_total)" 0
check_eq "healthy: no warning or critical finding" \
    "$(j healthy-exim '[.findings[] | select(.severity != "info") | .code] | join(",")')" ""
check_eq "healthy: the mainlog is a log source" \
    "$(j healthy-exim '[.log_sources[]? | select(.path == "/var/log/exim4/mainlog")] | length')" 1

# ---- input/ owned by root
agent exim-wrong-owner
check_eq "wrong owner: input/ root:root 0700 against Debian-exim:Debian-exim 0750" \
    "$(j exim-wrong-owner ".spools[] | select(.path == \"$IN\") | \"\(.owner):\(.group) \(.mode) \(.expected.owner):\(.expected.group) \(.expected.mode)\"")" \
    "root:root 0700 Debian-exim:Debian-exim 0750"
check_eq "wrong owner: spool.not_writable_by_mta on input/, critical" \
    "$(f exim-wrong-owner spool.not_writable_by_mta $IN .severity)" critical
check "wrong owner: spool.permissions on input/" \
    test -n "$(f exim-wrong-owner spool.permissions $IN .code)"
check "wrong owner: its remedy chowns to Debian-exim" \
    sh -c 'echo "$1" | grep -q "chown Debian-exim:Debian-exim /var/spool/exim4/input"' sh \
    "$(f exim-wrong-owner spool.not_writable_by_mta $IN .remedy)"
check_eq "wrong owner: the spool errors are events (Permission denied on a -D file)" \
    "$(j exim-wrong-owner '[.events[] | select(.program == "exim" and .errno == "Permission denied" and (.path | test("^/var/spool/exim4//input//.*-D$")))] | length')" 3
check_eq "wrong owner: one signature for the three (ids normalised)" \
    "$(j exim-wrong-owner '[.event_groups[] | select(.signature | test("spool file"))] | "\(length) \(.[0].count)"')" "1 3"
check_eq "wrong owner: mta.paniclog too" "$(count exim-wrong-owner mta.paniclog)" 1
check_eq "wrong owner: the paniclog is a symptom of the spool (caused_by)" \
    "$(f exim-wrong-owner mta.paniclog $PL '.caused_by | "\(.code) \(.subject)"')" \
    "spool.not_writable_by_mta $IN"

# ---- frozen
agent exim-frozen
fz=$(f exim-frozen mail.frozen $SP .)
check "frozen: mail.frozen on the spool" test -n "$fz"
check_eq "frozen: critical (real mail is frozen, not only bounces)" \
    "$(printf "%s\n" "$fz" | jq -r .severity)" critical
check_eq "frozen: three frozen, one a bounce, of four queued" \
    "$(printf "%s\n" "$fz" | jq -r '"\(.evidence.frozen) \(.evidence.bounces) \(.evidence.messages)"')" "3 1 4"
check_eq "frozen: the top reason and its count" \
    "$(printf "%s\n" "$fz" | jq -r '.evidence.top_reasons[0] | "\(.reason)|\(.count)"')" \
    "remote host address is the local host|2"
check "frozen: oldest about two hours" \
    test "$(printf "%s\n" "$fz" | jq -r '.evidence.oldest_age_s >= 7100 and .evidence.oldest_age_s < 7800')" = true
check "frozen: remedy says what to fix first, then exim -Mt / exim -qff" \
    sh -c 'echo "$1" | grep -q "fix the router" && echo "$1" | grep -q "exim -Mt " && echo "$1" | grep -q "exim -qff"' sh \
    "$(printf "%s\n" "$fz" | jq -r .remedy)"
check_eq "frozen: four messages in mail.queued" "$(j exim-frozen .mail.queued_total)" 4
check_eq "frozen: their cron jobs" \
    "$(j exim-frozen '[.mail.queued[].cron_command // empty] | sort | join(",")')" \
    "/usr/local/bin/backup.sh,/usr/local/bin/sync.sh,/usr/sbin/logrotate"
check_eq "frozen: the deferred one's status is its msglog reason" \
    "$(j exim-frozen '.mail.queued[] | select(.cron_command == "/usr/sbin/logrotate") | .status')" \
    "Connection refused"
check_eq "frozen: frozen ones say so in their status" \
    "$(j exim-frozen '[.mail.queued[] | select(.status | startswith("frozen"))] | length')" 3
check_eq "frozen: the -D without -H is an orphan (spool.orphans)" \
    "$(f exim-frozen spool.orphans $IN '"\(.severity) \(.evidence.orphans)"')" "warning 1"
check_eq "frozen: input/ counts -H and -D" \
    "$(j exim-frozen ".spools[] | select(.path == \"$IN\") | \"\(.by_prefix[\"-H\"]) \(.by_prefix[\"-D\"]) \(.queued)\"")" "4 5 4"
check_eq "frozen: deferrals and freezes are events" \
    "$(j exim-frozen '[.events[] | select(.program == "exim") | .kind] | sort | unique | join(",")')" \
    "bounced,deferred,warning"

# ---- paniclog
agent exim-paniclog
pf=$(f exim-paniclog mta.paniclog $PL .)
check_eq "paniclog: mta.paniclog, critical" "$(printf "%s\n" "$pf" | jq -r .severity)" critical
check_eq "paniclog: a configuration error has no cause" \
    "$(printf "%s\n" "$pf" | jq -c .caused_by)" null
check_eq "paniclog: its entry with the continuation line as evidence" \
    "$(printf "%s\n" "$pf" | jq -r '.evidence.last_lines[0] | sub("^[0-9: -]{20}"; "")')" \
    "Exim configuration error in line 124 of /etc/exim4/exim4.conf:
  main option \"message_size_limt\" unknown"
check "paniclog: remedy: fix the line (exim -bV), then empty the paniclog" \
    sh -c 'echo "$1" | grep -q "exim -bV" && echo "$1" | grep -q ": > /var/log/exim4/paniclog"' sh \
    "$(printf "%s\n" "$pf" | jq -r .remedy)"
check_eq "paniclog: the entry is a panic event" \
    "$(j exim-paniclog '[.events[] | select(.kind == "panic")] | length')" 1

# ---- daemon down
agent exim-down
check_eq "down: daemon not running, nothing on port 25" \
    "$(j exim-down '"\(.mta.kind) \(.mta.daemon_running) \(.mta.smtp_listening)"')" "exim false false"
check_eq "down: mta.down critical" "$(f exim-down mta.down exim .severity)" critical
check "down: remedy starts exim4 and runs the queue" \
    sh -c 'echo "$1" | grep -q "exim4" && echo "$1" | grep -q "exim -q"' sh "$(f exim-down mta.down exim .remedy)"
check_eq "down: two cron mails waiting" "$(j exim-down .mail.queued_total)" 2
check_eq "down: mail.undelivered says the MTA is down" \
    "$(j exim-down "[.findings[] | select(.code == \"mail.undelivered\") | .evidence.mta_down] | first")" true

# ---- the collector takes these reports: the Exim roles and codes
. "$(dirname "$0")/collector_lib.inc"
cdir=$(e2e_tmp)
if start_collector "$cdir"; then
	for k in exim-wrong-owner exim-frozen exim-paniclog; do
		check_eq "collector accepts the $k report" \
		    "$(post "$cdir/post.out" "$tmp/$k.json")" 200
	done
	# one host: each report resolves what the one before had
	check_eq "collector: it stored mail.frozen and mta.paniclog" \
	    "$(get "$cdir/f.json" "/api/v1/findings" >/dev/null
	       jq -r '[.items[].code | select(. == "mail.frozen" or . == "mta.paniclog")] | unique | join(",")' "$cdir/f.json")" \
	    "mail.frozen,mta.paniclog"
	stop_collector
else
	not_ok "the collector did not start"
	sed 's/^/# /' "$cdir/collector.log" | tail -5
fi

# ---- no daemon by design, queue run from cron
agent exim-cron-runner
check_eq "cron runner: no daemon" "$(j exim-cron-runner .mta.daemon_running)" false
check_eq "cron runner: not mta.down (cron runs the queue)" "$(count exim-cron-runner mta.down)" 0
check_eq "cron runner: its mail is queued" "$(j exim-cron-runner .mail.queued_total)" 1
exit 0
