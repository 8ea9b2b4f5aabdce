#!/bin/sh
# agent_cli_conf_example.sh - deploy/agent.conf.example stays true: it is
# a valid configuration as shipped, every key the agent knows is in it,
# and with every example line uncommented it is still valid.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/delivery_lib.inc"
T=$(e2e_tmp)
EX="$SPOOLWATCH_TOP/deploy/agent.conf.example"
: >"$T/empty.conf"

run_agent --check-config --config "$EX" --state-dir "$T/st"
check_eq "the example as shipped is valid" "$rc" 0

# every key of the effective configuration (also the collectors' own)
run_agent --check-config --config "$T/empty.conf" --state-dir "$T/st"
sed -n 's/^\([a-z_]*\) = .*/\1/p; s/^# top level: \([a-z_]*\) = .*/\1/p' "$T/out" |
    sort -u >"$T/keys"
check "--check-config lists keys" test "$(wc -l <"$T/keys")" -gt 20
missing=""
for k in $(cat "$T/keys"); do
	grep -q "^#$k = \|^#$k =\$\|^$k = " "$EX" || missing="$missing $k"
done
check_eq "every key is in the example" "$missing" ""

# uncommented (the secrets' files and the CA, which do not exist here,
# left out), the example still loads: its values are valid
sed -n 's/^#\([a-z_]* =.*\)$/\1/p; s/^#\(\[[a-z]*.*\]\)$/\1/p' "$EX" |
    grep -v '^token_file =\|^ca_file =' >"$T/all.conf"
run_agent --check-config --config "$T/all.conf" --state-dir "$T/st"
check_eq "with every line uncommented it is valid" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/err"
# ... and says what the defaults are: the shown values are the defaults
for k in interval retry_min retry_max connect_timeout timeout outbox_max_bytes; do
	run_agent --check-config --config "$T/empty.conf" --state-dir "$T/st"
	got=$(grep "^$k = " "$T/out" | head -1)
	run_agent --check-config --config "$T/all.conf" --state-dir "$T/st"
	check_eq "the example's $k is the default" "$(grep "^$k = " "$T/out" | head -1)" "$got"
done
