#!/bin/sh
# journal_only.sh - a Debian 12 host whose mail log is only the systemd
# journal (tests/mkroot_relays.sh journal-only: a real journal file
# written by systemd-journal-remote): the postfix deferrals and warning
# come out as events from source "journal" with log_sources[] path
# "journal"; the next run resumes from the committed cursor and reads
# nothing twice; an uncommitted run reads again; a journal replaced while
# the agent was down (cursor gone) is a note, not a failure; a corrupt
# journal file is no failure either; [journal] enabled = no turns it off.
. "$(dirname "$0")/lib.sh"

if [ ! -x /lib/systemd/systemd-journal-remote ] || ! command -v journalctl >/dev/null; then
	ok "# SKIP systemd-journal-remote or journalctl missing (tests/deps-journal.txt)"
	exit 0
fi
t=$(e2e_tmp)
root=$t/root st=$t/st
mkdir -p "$st"
sh "$SPOOLWATCH_TOP/tests/mkroot_relays.sh" journal-only "$root" >"$t/mk.log" 2>&1 ||
	not_ok "mkroot_relays.sh journal-only: $(cat "$t/mk.log")"
run() { # run OUT [commit] [CONF]
	"$AGENT" --once --stdout ${2:+--commit-state} ${3:+--config "$3"} \
	    --root "$root" --state-dir "$st" --hostname h >"$t/$1.json" 2>"$t/$1.err"
}
check "first run exits 0" run r1 commit
check "the report is valid" python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$t/r1.json"
check_eq "log_sources[] has the journal" \
    "$(jqr "$t/r1.json" '[.log_sources[] | select(.path == "journal") | .status] | join(",")')" ok
check_eq "three mail events from the journal" \
    "$(jqr "$t/r1.json" '[.events[] | select(.source == "journal")] | length')" 3
check_eq "two postfix deferrals" \
    "$(jqr "$t/r1.json" '[.events[] | select(.kind == "deferred" and .program == "postfix/smtp")] | length')" 2
check_eq "the warning too" \
    "$(jqr "$t/r1.json" '[.events[] | select(.kind == "warning")] | .[0].program')" postfix/qmgr
check_eq "the event's queue id and host come from the entry" \
    "$(jqr "$t/r1.json" '[.events[] | select(.kind == "deferred")][0] | "\(.queue_id) \(.host)"')" "4F3A21C0B3 host1"
check_eq "non-mail entries are not asked for (facility 3: systemd)" \
    "$(jqr "$t/r1.json" '.log_sources[] | select(.path == "journal") | .entries')" 5
check "the cursor is in the state" grep -q '"journal:cursor"' "$st/state.json"

check "second run exits 0" run r2 commit
check_eq "nothing read twice" \
    "$(jqr "$t/r2.json" '[.events[] | select(.source == "journal")] | length')" 0
check_eq "the cursor was found" \
    "$(jqr "$t/r2.json" '.log_sources[] | select(.path == "journal") | .cursor_lost')" false

# a new entry (a second journal file, as journald writes after a
# rotation), then a run whose report is not committed: it comes again
now=$(date +%s)
printf '__CURSOR=s=0;i=1\n__REALTIME_TIMESTAMP=%d000000\n__MONOTONIC_TIMESTAMP=9\n_BOOT_ID=6f1c9a2b3d4e5f60718293a4b5c6d7e8\n_HOSTNAME=host1\nSYSLOG_IDENTIFIER=postfix/smtp\n_PID=990\nSYSLOG_FACILITY=2\nMESSAGE=7C0FFEE123: to=<ops@example.com>, relay=none, delay=3, delays=0/0/3/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.10]:25: Connection timed out)\n\n' "$now" |
    /lib/systemd/systemd-journal-remote -o "$root/var/log/journal/0123456789abcdef0123456789abcdef/system@0001.journal" - 2>/dev/null
check "uncommitted run" run r3
check "committed run" run r4 commit
check "third run" run r4b commit
check_eq "the new entry: uncommitted, again, then no more" \
    "$(jqr "$t/r3.json" '.events | length')/$(jqr "$t/r4.json" '.events | length')/$(jqr "$t/r4b.json" '.events | length')" 1/1/0

# the journal replaced while the agent was down (vacuumed, rebuilt)
rm -rf "$root/var/log/journal"
sh "$SPOOLWATCH_TOP/tests/mkroot_relays.sh" journal-only "$root" >"$t/mk2.log" 2>&1
check "run after the journal was replaced exits 0" run r5 commit
check_eq "the lost cursor is said" \
    "$(jqr "$t/r5.json" '.log_sources[] | select(.path == "journal") | .cursor_lost')" true
check "with a note" sh -c "jq -e '.log_sources[] | select(.path == \"journal\") | .note | test(\"no longer in the journal\")' '$t/r5.json' >/dev/null"
check_eq "the source is still ok (entries older than the old position are not read again)" \
    "$(jqr "$t/r5.json" '.log_sources[] | select(.path == "journal") | "\(.status) \(.entries)"')" "ok 0"

# a corrupt journal file: no failure
j=$(find "$root/var/log/journal" -name '*.journal' | head -1)
head -c 4096 /dev/urandom >"$j"
rm -f "$st/state.json"
check "a corrupt journal: exit 0" run r6 commit
check "a corrupt journal: still a log_sources[] entry" \
    sh -c "jq -e '[.log_sources[] | select(.path == \"journal\")] | length == 1' '$t/r6.json' >/dev/null"

# off
printf '[journal]\nenabled = no\n' >"$t/off.conf"
check "enabled = no: exit 0" run r7 commit "$t/off.conf"
check_eq "enabled = no: no journal source" \
    "$(jqr "$t/r7.json" '[.log_sources[] | select(.path == "journal")] | length')" 0
printf '[journal]\nenabled = maybe\n' >"$t/bad.conf"
"$AGENT" --check-config --config "$t/bad.conf" --state-dir "$st" >"$t/bad.out" 2>&1
check_eq "enabled = maybe is a config error (exit 2)" "$?" 2
"$AGENT" --check-config --config "$t/off.conf" --state-dir "$st" >"$t/cc.out" 2>&1
check "--check-config prints [journal]" grep -q '^\[journal\]' "$t/cc.out"
