#!/bin/sh
# journal_dedup.sh - a host with rsyslog's /var/log/mail.log and a journal
# holding the same lines (tests/mkroot_relays.sh journal-and-files): each
# line is counted once, whichever source it came through.
. "$(dirname "$0")/lib.sh"

if [ ! -x /lib/systemd/systemd-journal-remote ] || ! command -v journalctl >/dev/null; then
	ok "# SKIP systemd-journal-remote or journalctl missing (tests/deps-journal.txt)"
	exit 0
fi
t=$(e2e_tmp)
root=$t/root
mkdir -p "$t/st" "$t/st2"
sh "$SPOOLWATCH_TOP/tests/mkroot_relays.sh" journal-and-files "$root" >"$t/mk.log" 2>&1 ||
	not_ok "mkroot_relays.sh journal-and-files: $(cat "$t/mk.log")"
"$AGENT" --once --stdout --commit-state --root "$root" --state-dir "$t/st" \
    --hostname h >"$t/r.json" 2>"$t/r.err"
check_eq "agent exits 0" "$?" 0
check_eq "three events, not six" "$(jqr "$t/r.json" '.log_summary.events_total')" 3
check_eq "three duplicates seen" "$(jqr "$t/r.json" '.log_summary.duplicates')" 3
check_eq "both sources listed" \
    "$(jqr "$t/r.json" '[.log_sources[] | select(.status == "ok") | .path] | join(" ")')" \
    "/var/log/mail.log journal"
check_eq "the deferral group counts 2" \
    "$(jqr "$t/r.json" '[.event_groups[] | select(.kind == "deferred")][0].count')" 2
# the journal alone gives the same events
printf '[logs]\nfiles = /var/log/none\n' >"$t/j.conf"
"$AGENT" --once --stdout --config "$t/j.conf" --root "$root" --state-dir "$t/st2" \
    --hostname h >"$t/j.json" 2>"$t/j.err"
check_eq "the journal alone: the same three" \
    "$(jqr "$t/j.json" '[.events[] | .signature] | sort | join("|")')" \
    "$(jqr "$t/r.json" '[.events[] | .signature] | sort | join("|")')"
