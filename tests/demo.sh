#!/bin/sh
# demo.sh BINDIR - the main job, end to end: start the collector on its
# embedded defaults (127.0.0.1:8470, ./spoolwatch.db), run the agent once
# on this host and once on a fake root that reproduces the incident of
# SPEC.md (tests/mkroot.sh incident), print GET /api/v1/summary, say how
# to open the dashboard and query the API, stop the collector.
#
# An empty configuration file is passed to both programs so that a
# system-wide /etc/spoolwatch/*.conf (e.g. tokens of an installed
# package) does not change what the demo shows.
set -eu
BINDIR=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spoolwatch-demo.XXXXXX")
cpid=""
cleanup() {
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
: >"$tmp/empty.conf"

listen=127.0.0.1:8470
if curl -s -o /dev/null -m 1 "http://$listen/"; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	echo "(port 8470 is in use here; the demo listens on $port instead)"
	listen=127.0.0.1:$port
fi
url=http://$listen

echo "== starting the collector: $BINDIR/spoolwatch-collector --listen $listen --db ./spoolwatch.db"
"$BINDIR/spoolwatch-collector" --config "$tmp/empty.conf" --listen "$listen" \
    --db ./spoolwatch.db 2>"$tmp/collector.log" &
cpid=$!
i=0
until curl -s -o /dev/null -m 1 "$url/healthz"; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$cpid" 2>/dev/null; then
		echo "the collector did not start:" >&2
		cat "$tmp/collector.log" >&2
		exit 1
	fi
	sleep 0.1
done

echo "== the agent, once, on this host"
mkdir -p "$tmp/state-host"
"$BINDIR/spoolwatch-agent" --config "$tmp/empty.conf" --once \
    --server "$url" --state-dir "$tmp/state-host" || true

echo "== the agent, once, on a fake RHEL 5 root with the incident"
sh "$top/tests/mkroot.sh" incident "$tmp/incident" >/dev/null
mkdir -p "$tmp/state-incident"
"$BINDIR/spoolwatch-agent" --config "$tmp/empty.conf" --once \
    --server "$url" --root "$tmp/incident" --state-dir "$tmp/state-incident" \
    --hostname rhel5-incident.example.com

echo "== GET $url/api/v1/summary"
if command -v jq >/dev/null 2>&1; then
	curl -s "$url/api/v1/summary" | jq .
else
	curl -s "$url/api/v1/summary"; echo
fi

cat <<MSG

== what next
The data stays in ./spoolwatch.db.  Start the collector again with

    $BINDIR/spoolwatch-collector --db ./spoolwatch.db

and open the dashboard at http://127.0.0.1:8470/ in a browser.  Query the
API with curl (add -H 'Authorization: Bearer TOKEN' once read_tokens are
set in collector.conf):

    curl -s http://127.0.0.1:8470/api/v1/summary | jq .
    curl -s 'http://127.0.0.1:8470/api/v1/hosts?finding=spool.not_writable_by_mta'
    curl -s http://127.0.0.1:8470/api/v1/hosts/rhel5-incident.example.com | jq .
    curl -s 'http://127.0.0.1:8470/api/v1/findings?state=open&severity=critical'
    curl -s 'http://127.0.0.1:8470/api/v1/events?kind=syserr&limit=10'
    curl -s http://127.0.0.1:8470/api/v1/mail | jq .
    curl -s http://127.0.0.1:8470/metrics
MSG
echo "== stopping the collector"
kill "$cpid"
wait "$cpid" || true
cpid=""
