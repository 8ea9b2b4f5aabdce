#!/bin/sh
# collector_paging.sh - every list endpoint, paged two items at a time by
# following next_cursor, returns exactly the items of one big page.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/db_lib.inc"
t=$(e2e_tmp)
port=$(free_port)
base=http://127.0.0.1:$port
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$t/root" >/dev/null 2>&1
printf 'listen = 127.0.0.1:%s\ndb = %s\n' "$port" "$(collector_db "$t/db")" \
    >"$t/c.conf"
"$COLLECTOR" --config "$t/c.conf" 2>"$t/c.log" &
cpid=$!
at_exit "kill $cpid 2>/dev/null; wait $cpid 2>/dev/null"
check "the collector answers" wait_http "$base/healthz" 20
"$AGENT" --once --root "$t/root" --state-dir "$t/s1" --server "$base" 2>/dev/null
for h in other.example third.example; do
	"$AGENT" --once --root "$t/root" --hostname "$h" --state-dir "$t/$h" \
	    --server "$base" 2>/dev/null
done

# pages EP: follow the cursor with limit=2; echo the items, one JSON array.
pages() {
	acc='[]' c='' n=0
	while [ "$n" -lt 1000 ]; do
		curl -s -m 10 "$base/api/v1/$1?limit=2${c:+&cursor=$c}" >"$t/p" ||
		    return 1
		acc=$(jq -c --argjson a "$acc" '$a + .items' "$t/p") || return 1
		c=$(jq -r '.next_cursor // empty' "$t/p")
		n=$((n + 1))
		[ -z "$c" ] && break
	done
	echo "$acc"
}

for ep in hosts findings events mail; do
	all=$(curl -s -m 10 "$base/api/v1/$ep?limit=1000" | jq -c '.items')
	n=$(echo "$all" | jq length)
	check "$ep: more than one page of data ($n items)" [ "$n" -gt 2 ]
	# compared by digest and length so that a failure stays readable
	got=$(pages "$ep")
	check_eq "$ep: the pages put together are the whole list" \
	    "$(echo "$got" | jq length) $(echo "$got" | sha256sum)" \
	    "$n $(echo "$all" | sha256sum)"
done
