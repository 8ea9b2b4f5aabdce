#!/bin/sh
# relay_dma_ssmtp.sh - dma holding a cron mail its smarthost greylists
# (tests/mkroot_relays.sh dma-deferred): mta.kind dma with its
# SMARTHOST, the Q/M pair in mail.queued[] with the cron job, the
# deferral as an event, mail.undelivered with dma's commands; and ssmtp
# with the package's placeholder mailhub (ssmtp-placeholder): mta.down,
# every mail lost, its errors as events.
. "$(dirname "$0")/lib.sh"

t=$(e2e_tmp)
for k in dma-deferred ssmtp-placeholder; do
	mkdir -p "$t/st-$k"
	sh "$SPOOLWATCH_TOP/tests/mkroot_relays.sh" "$k" "$t/$k" >"$t/mk.log" 2>&1 ||
		not_ok "mkroot_relays.sh $k: $(cat "$t/mk.log")"
	"$AGENT" --once --stdout --root "$t/$k" --state-dir "$t/st-$k" \
	    --hostname h >"$t/$k.json" 2>"$t/$k.err"
	check_eq "$k: agent exits 0" "$?" 0
	check "$k: the report is valid" python3 "$SPOOLWATCH_TOP/tests/validate-report.py" -q "$t/$k.json"
done
r=$t/dma-deferred.json
check_eq "dma: kind and smarthost" "$(jqr "$r" '"\(.mta.kind) \(.mta.relay.smarthost)"')" "dma relay.example.net"
check_eq "dma: the queued message with its cron job" \
    "$(jqr "$r" '.mail.queued[] | "\(.queue) \(.id) \(.cron_command)"')" \
    "/var/spool/dma 1a2b3c.55d0 /usr/local/bin/backup.sh"
check_eq "dma: the deferral is an event with its queue id" \
    "$(jqr "$r" '.events[] | select(.program == "dma") | "\(.kind) \(.queue_id)"')" "deferred 1a2b3c.55d0"
check "dma: mail.undelivered says dma -q" sh -c \
    "jq -e '.findings[] | select(.code == \"mail.undelivered\" and .subject == \"/var/spool/dma\") | .remedy | test(\"dma -q\")' '$r' >/dev/null"
r=$t/ssmtp-placeholder.json
check_eq "ssmtp: kind" "$(jqr "$r" '.mta.kind')" ssmtp
check "ssmtp: mta.down names the placeholder" sh -c \
    "jq -e '.findings[] | select(.code == \"mta.down\" and .subject == \"ssmtp\") | .message | test(\"placeholder\")' '$r' >/dev/null"
check_eq "ssmtp: its two errors are bounced events" \
    "$(jqr "$r" '[.events[] | select(.program == "sSMTP" and .kind == "bounced")] | length')" 2
