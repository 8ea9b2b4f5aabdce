#!/bin/sh
# dashboard_assets.sh - the collector serves the dashboard it was built
# with: every file of collector/web/ byte for byte at its path (app.js is
# collector/web/js/*.js joined by bundle.sh), with its
# content type and the security headers the page relies on (CSP
# default-src 'self', nosniff), 404 for anything else, and the page works
# without a read token only as far as the API allows (the assets are
# public, the API answers 401).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/db_lib.inc"
set -u

top=$SPOOLWATCH_TOP
tmp=$(e2e_tmp)
port=$(free_port)
url=http://127.0.0.1:$port
api_record "127.0.0.1:$port"
printf 'read_tokens = %s\n' "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
    >"$tmp/collector.conf"
"$COLLECTOR" --config "$tmp/collector.conf" --listen "127.0.0.1:$port" \
    --db "$(collector_db "$tmp/spoolwatch.db")" >"$tmp/collector.log" 2>&1 &
cpid=$!
at_exit "kill $cpid 2>/dev/null; wait $cpid 2>/dev/null"
if wait_http "$url/healthz" 20; then
	ok "collector listens on $url"
else
	not_ok "collector listens on $url"
	sed 's/^/# /' "$tmp/collector.log"
	exit 1
fi

# fetch PATH NAME: body to $tmp/NAME.body, headers to $tmp/NAME.hdr;
# prints the status code.
fetch() {
	curl -s -m 10 --path-as-is -D "$tmp/$2.hdr" -o "$tmp/$2.body" -w '%{http_code}' \
	    "$url$1"
}

# header NAME FILE: the value of header NAME (case-insensitive), no CR.
header() {
	tr -d '\r' <"$2" | awk -v h="$1" 'BEGIN { h = tolower(h) ":" }
	    tolower(substr($0, 1, length(h))) == h {
		sub(/^[^:]*:[ \t]*/, ""); print; exit }'
}

# asset PATH FILE TYPE: PATH serves FILE with content type TYPE.
asset() {
	n=$(echo "$1" | tr -c 'A-Za-z0-9\n' '_')
	code=$(fetch "$1" "$n")
	check_eq "GET $1 answers 200" "$code" 200
	check "GET $1 is ${2#"$top/"} byte for byte" \
	    cmp -s "$tmp/$n.body" "$2"
	check_eq "GET $1 content type" \
	    "$(header Content-Type "$tmp/$n.hdr")" "$3"
	check_eq "GET $1 has CSP default-src 'self'" \
	    "$(header Content-Security-Policy "$tmp/$n.hdr" |
		grep -o "default-src 'self'")" "default-src 'self'"
	check_eq "GET $1: CSP forbids framing, <base> and foreign form targets" \
	    "$(header Content-Security-Policy "$tmp/$n.hdr" | tr ';' '\n' |
		sed 's/^ *//' | grep -E '^(frame-ancestors|base-uri|form-action) ' |
		sort | tr '\n' '|')" \
	    "base-uri 'none'|form-action 'self'|frame-ancestors 'none'|"
	check_eq "GET $1 has nosniff" \
	    "$(header X-Content-Type-Options "$tmp/$n.hdr")" nosniff
}

web=$top/collector/web
asset / "$web/index.html" 'text/html; charset=utf-8'
asset /index.html "$web/index.html" 'text/html; charset=utf-8'
sh "$web/bundle.sh" "$web"/js/*.js >"$tmp/app.js"
asset /static/app.js "$tmp/app.js" 'text/javascript; charset=utf-8'
asset /static/app.css "$web/app.css" 'text/css; charset=utf-8'
asset /static/favicon.svg "$web/favicon.svg" 'image/svg+xml'

for p in /static/ /static/nope.js /static/embed.sh /static/../index.html \
    /app.js /static/app.js/x; do
	check_eq "GET $p answers 404" "$(fetch "$p" nf)" 404
done
check_eq "the page is public, the API it reads asks for a token" \
    "$(fetch /api/v1/summary api)" 401
has_error_shape() { jq -e '.error.code and .error.message' "$1" >/dev/null; }
check "the 401 carries the API's error shape" has_error_shape "$tmp/api.body"
