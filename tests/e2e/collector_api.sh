#!/bin/sh
# collector_api.sh - the collector over 127.0.0.1: ingest (plain and
# gzip, idempotent), every read endpoint with filters and pagination,
# /metrics, /healthz, the dashboard page, tokens (ingest and read kept
# apart), the error shape, configuration refusals, HTTPS, and a graceful
# SIGTERM after which the data is still there.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
D="$SPOOLWATCH_TOP/tests/data"
IN=ingest-secret-1
RD=read-secret-1
AUTH_IN="Authorization: Bearer $IN"
AUTH_RD="Authorization: Bearer $RD"

# The reports of tests/data are from February 2026: a retention longer
# than their age keeps their events whatever today's date is.
check "collector starts and answers /healthz" start_collector "$T" \
    "ingest_tokens = $IN" "read_tokens = $RD" "retention_days = 36500"

# --- ingest -----------------------------------------------------------------
gzip -c "$D/report-incident.json" >"$T/incident.json.gz"
check_eq "gzip report accepted" \
    "$(post "$T/r" "$T/incident.json.gz" -H 'Content-Encoding: gzip' -H "$AUTH_IN")" 200
check_eq "answer names the report, not a duplicate" \
    "$(jq -c . "$T/r")" \
    '{"report_id":"5f0c6a0e-3b7d-4c2a-9d1e-8a4b2f6c7e90","duplicate":false}'
check_eq "same report again: 200" \
    "$(post "$T/r" "$D/report-incident.json" -H "$AUTH_IN")" 200
check_eq "same report again: duplicate true" "$(jq .duplicate "$T/r")" true
check_eq "healthy report accepted" \
    "$(post "$T/r" "$D/report-healthy.json" -H "$AUTH_IN")" 200
check_eq "minimal report accepted" \
    "$(post "$T/r" "$D/report-minimal.json" -H "$AUTH_IN")" 200

# --- tokens -------------------------------------------------------------------
check_eq "ingest without a token: 401" \
    "$(post "$T/r" "$D/report-minimal.json")" 401
check_eq "401 has the error shape" "$(jq -r .error.code "$T/r")" unauthorized
check_eq "ingest with a wrong token: 401" \
    "$(post "$T/r" "$D/report-minimal.json" -H 'Authorization: Bearer nope')" 401
check_eq "ingest with a read token: 401" \
    "$(post "$T/r" "$D/report-minimal.json" -H "$AUTH_RD")" 401
check_eq "read API without a token: 401" "$(get "$T/r" /api/v1/summary)" 401
check_eq "read API with the ingest token: 401" \
    "$(get "$T/r" /api/v1/summary -H "$AUTH_IN")" 401
check_eq "metrics with the ingest token: 401" \
    "$(get "$T/r" /metrics -H "$AUTH_IN")" 401
check_eq "read API with a read token: 200" \
    "$(get "$T/s" /api/v1/summary -H "$AUTH_RD")" 200

# --- summary --------------------------------------------------------------------
check_eq "summary: 3 hosts" "$(jq .hosts.total "$T/s")" 3
check_eq "summary: findings by code and severity, most hosts first" \
    "$(jq -r '[.findings[] | select(.code == "mta.down")][0] | "\(.severity) \(.hosts)"' "$T/s")" \
    "critical 1"
check_eq "summary: SYSERR signature on top" \
    "$(jq -r '.syserr_top[0].signature | startswith("SYSERR(root)")' "$T/s")" true
check_eq "summary: fullest filesystem by inodes" \
    "$(jq -r '.inodes_top[0] | "\(.host) \(.mount)"' "$T/s")" "host1 /var"
check_eq "summary: cron command behind most mail" \
    "$(jq -r .mail.top_cron_commands[0].command "$T/s")" /bin/freemem.py
check_eq "summary: queued total" "$(jq .mail.queued_total "$T/s")" \
    "$(jq -s 'map(.mail.queued_total // 0) | add' "$D/report-incident.json" \
    "$D/report-healthy.json" "$D/report-minimal.json")"
check_eq "summary: MTA down" "$(jq -c .mta_down "$T/s")" \
    '{"hosts":1,"examples":["host1"]}'
check_eq "summary: generated_at is RFC 3339" \
    "$(jq '.generated_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")' "$T/s")" true

# --- lists --------------------------------------------------------------------
check_eq "hosts: all three, no next page" \
    "$(get "$T/h" /api/v1/hosts -H "$AUTH_RD") $(jq -c '[.items[].name], .next_cursor' "$T/h" | tr '\n' ' ')" \
    '200 ["h","host1","web07.example.com"] null '
get "$T/h" '/api/v1/hosts?limit=2' -H "$AUTH_RD" >/dev/null
c=$(jq -r .next_cursor "$T/h")
check_eq "hosts: page 2 from the cursor" \
    "$(get "$T/h" "/api/v1/hosts?limit=2&cursor=$c" -H "$AUTH_RD") $(jq -c '[.items[].name]' "$T/h")" \
    '200 ["web07.example.com"]'
check_eq "hosts?finding=mta.down" \
    "$(get "$T/h" '/api/v1/hosts?finding=mta.down' -H "$AUTH_RD") $(jq -c '[.items[] | [.name, .findings.critical]]' "$T/h")" \
    '200 [["host1",5]]'
check_eq "hosts?severity=critical" \
    "$(get "$T/h" '/api/v1/hosts?severity=critical' -H "$AUTH_RD") $(jq -c '[.items[].name]' "$T/h")" \
    '200 ["host1"]'
check_eq "hosts?q=o (substring)" \
    "$(get "$T/h" '/api/v1/hosts?q=o' -H "$AUTH_RD") $(jq -c '[.items[].name]' "$T/h")" \
    '200 ["host1","web07.example.com"]'
check_eq "hosts?stale=true (collected long ago, received now: not stale)" \
    "$(get "$T/h" '/api/v1/hosts?stale=true' -H "$AUTH_RD") $(jq -c '.items' "$T/h")" \
    '200 []'
check_eq "host detail" \
    "$(get "$T/h" /api/v1/hosts/host1 -H "$AUTH_RD") $(jq -c '[.reports, .last_report_id, (.open_findings | length), (.spools | length), .mta.kind, (.recent_events | length > 0), (.first_seen | type)]' "$T/h")" \
    '200 [1,"5f0c6a0e-3b7d-4c2a-9d1e-8a4b2f6c7e90",8,3,"sendmail",true,"string"]'
check_eq "unknown host: 404 in the error shape" \
    "$(get "$T/h" /api/v1/hosts/nohost -H "$AUTH_RD") $(jq -r .error.code "$T/h")" \
    "404 not_found"
check_eq "findings?code=mta.down&state=open" \
    "$(get "$T/f" '/api/v1/findings?code=mta.down&state=open' -H "$AUTH_RD") $(jq -c '[.items[] | [.host, .subject, .state, (.first_seen|type), .resolved_at]]' "$T/f")" \
    '200 [["host1","sendmail","open","string",null]]'
check_eq "findings?state=resolved: none yet" \
    "$(get "$T/f" '/api/v1/findings?state=resolved' -H "$AUTH_RD") $(jq -c .items "$T/f")" '200 []'
n=$(jq '.events | length' "$D/report-incident.json")
get "$T/e" "/api/v1/events?host=host1&limit=1000" -H "$AUTH_RD" >/dev/null
check_eq "events of host1: each stored once" "$(jq '.items | length' "$T/e")" "$n"
get "$T/e" "/api/v1/events?kind=syserr&since=2026-02-15T09:20:30Z" -H "$AUTH_RD" >/dev/null
check_eq "events?kind=syserr&since=" "$(jq -c '[.items[] | .kind] | unique' "$T/e")" '["syserr"]'
check_eq "events?since= bad timestamp: 400" \
    "$(get "$T/e" '/api/v1/events?since=yesterday' -H "$AUTH_RD") $(jq -r .error.code "$T/e")" \
    "400 bad_request"
check_eq "mail grouped by command" \
    "$(get "$T/m" /api/v1/mail -H "$AUTH_RD") $(jq -r '.items[0].command' "$T/m")" \
    "200 /bin/freemem.py"
check_eq "mail?host=host1&command=" \
    "$(get "$T/m" '/api/v1/mail?host=host1&command=/bin/freemem.py' -H "$AUTH_RD") $(jq -c '[.items[] | .hosts]' "$T/m")" \
    '200 [1]'
check_eq "limit=0: 400" "$(get "$T/m" '/api/v1/events?limit=0' -H "$AUTH_RD")" 400
check_eq "limit=5000 is capped, not refused" \
    "$(get "$T/m" '/api/v1/events?limit=5000' -H "$AUTH_RD")" 200

# --- metrics, health, dashboard, errors -----------------------------------------
get "$T/metrics" /metrics -H "$AUTH_RD" >/dev/null
check_eq "metrics: reports ingested" \
    "$(grep '^spoolwatch_reports_ingested_total ' "$T/metrics")" \
    "spoolwatch_reports_ingested_total 3"
check_eq "metrics: duplicates" \
    "$(grep '^spoolwatch_reports_duplicate_total ' "$T/metrics")" \
    "spoolwatch_reports_duplicate_total 1"
check_eq "metrics: rejects by reason" \
    "$(grep '^spoolwatch_reports_rejected_total{reason="unauthorized"}' "$T/metrics")" \
    'spoolwatch_reports_rejected_total{reason="unauthorized"} 6'
check "metrics: latency histogram" \
    grep -q '^spoolwatch_ingest_duration_seconds_bucket{le="+Inf"} 4$' "$T/metrics"
check "metrics: fleet figures" grep -q '^spoolwatch_hosts 3$' "$T/metrics"
check "metrics: open findings" \
    grep -q '^spoolwatch_findings_open{code="mta.down",severity="critical"} 1$' "$T/metrics"
check "metrics: queue depth and database size" \
    grep -q '^spoolwatch_db_bytes [1-9]' "$T/metrics"
check "metrics: every sample line is NAME{LABELS} VALUE" \
    sh -c "! grep -v '^#' '$T/metrics' | grep -Ev '^[a-z_]+(\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\})? [0-9.e+-]+$'"
check_eq "healthz without a token" "$(get "$T/x" /healthz) $(jq -r .status "$T/x")" "200 ok"
code=$(curl -s -m 10 -D "$T/hdr" -o "$T/page" -w '%{http_code}' "$URL/")
check_eq "dashboard page without a token" "$code" 200
check "dashboard: content type" grep -qi '^content-type: text/html' "$T/hdr"
check "dashboard: CSP default-src 'self'" \
    grep -qi "^content-security-policy: default-src 'self'" "$T/hdr"
check "dashboard: nosniff" grep -qi '^x-content-type-options: nosniff' "$T/hdr"
check_eq "unknown page: 404 JSON" \
    "$(get "$T/x" /no/such/page) $(jq -r .error.code "$T/x")" "404 not_found"
check_eq "unknown API path: 404" \
    "$(get "$T/x" /api/v1/nothing -H "$AUTH_RD") $(jq -r .error.code "$T/x")" "404 not_found"
check_eq "GET /api/v1/reports: 405" "$(get "$T/x" /api/v1/reports -H "$AUTH_RD")" 405
check_eq "DELETE /api/v1/hosts: 405" \
    "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X DELETE -H "$AUTH_RD" "$URL/api/v1/hosts")" 405
# allow METHOD PATH: "status code Allow" of the answer (405s say what fits)
allow() {
	_c=$(curl -s -m 10 -D "$T/ahdr" -o "$T/abody" -w '%{http_code}' \
	    -X "$1" -H "$AUTH_RD" "$URL$2")
	printf '%s %s %s' "$_c" "$(jq -r .error.code "$T/abody" 2>/dev/null)" \
	    "$(sed -n 's/^[Aa]llow: *//p' "$T/ahdr" | tr -d '\r')"
}
check_eq "GET /api/v1/reports: 405, Allow: POST" \
    "$(allow GET /api/v1/reports)" "405 method_not_allowed POST"
check_eq "PUT /api/v1/reports: 405, Allow: POST" \
    "$(allow PUT /api/v1/reports)" "405 method_not_allowed POST"
check_eq "DELETE /api/v1/hosts/x: 405, Allow: GET, HEAD" \
    "$(allow DELETE /api/v1/hosts/x)" "405 method_not_allowed GET, HEAD"
check_eq "PUT /healthz: 405, Allow: GET, HEAD" \
    "$(allow PUT /healthz)" "405 method_not_allowed GET, HEAD"
check_eq "POST /: 405, Allow: GET, HEAD" \
    "$(allow POST /)" "405 method_not_allowed GET, HEAD"
check_eq "POST /metrics: 405, Allow: GET, HEAD" \
    "$(allow POST /metrics)" "405 method_not_allowed GET, HEAD"
check_eq "POST to an unknown path: 404" \
    "$(allow POST /api/v1/nothing)" "404 not_found "
code=$(curl -s -m 10 -I -o /dev/null -w '%{http_code}' -H "$AUTH_RD" "$URL/api/v1/summary")
check_eq "HEAD /api/v1/summary: 200" "$code" 200

# --- graceful stop, restart, data kept --------------------------------------------
stop_collector
check_eq "SIGTERM: clean exit (no leak, no error)" "$STOP_RC" 0
check "restart on the same database" restart_collector "$T"
check_eq "data still there after restart" \
    "$(get "$T/s" /api/v1/summary -H "$AUTH_RD") $(jq .hosts.total "$T/s")" "200 3"
stop_collector
check_eq "SIGTERM again" "$STOP_RC" 0

# --- configuration ----------------------------------------------------------------
: >"$T/empty.conf"
"$COLLECTOR" --config "$T/empty.conf" --listen 192.0.2.1:8470 --db "$T/x.db" \
    >"$T/out" 2>&1
check_eq "non-loopback without ingest tokens: exit 2" "$?" 2
check "the refusal says how to fix it" grep -q -- '--insecure' "$T/out"
printf 'listen = 127.0.0.1:1\nbogus_key = 1\n' >"$T/bad.conf"
"$COLLECTOR" --config "$T/bad.conf" >"$T/out" 2>&1
check_eq "unknown key: exit 2" "$?" 2
check "unknown key named with file and line" grep -q 'bad.conf:2' "$T/out"
"$COLLECTOR" --config "$T/nonexistent.conf" >"$T/out" 2>&1
check_eq "missing named config: exit 2" "$?" 2
"$COLLECTOR" --config "$T/empty.conf" --listen 127.0.0.1:99999 >"$T/out" 2>&1
check_eq "bad listen address: exit 2" "$?" 2
check "--help lists --insecure" sh -c "'$COLLECTOR' --help | grep -q -- --insecure"
check "--version" sh -c "'$COLLECTOR' --version | grep -q '^spoolwatch-collector '"

# --- HTTPS --------------------------------------------------------------------------
if openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" \
    -out "$T/cert.pem" >/dev/null 2>&1; then
	mkdir -p "$T/tls"
	SCHEME=https
	check "HTTPS: collector starts with tls_cert/tls_key" start_collector \
	    "$T/tls" "tls_cert = $T/cert.pem" "tls_key = $T/key.pem"
	SCHEME=http
	code=$(curl -s -m 20 --cacert "$T/cert.pem" -o "$T/r" -w '%{http_code}' \
	    -X POST -H 'Content-Type: application/json' \
	    --data-binary "@$D/report-minimal.json" \
	    "https://127.0.0.1:$PORT/api/v1/reports")
	check_eq "HTTPS: report accepted over TLS" "$code" 200
	check_eq "HTTPS: plain HTTP is not answered as HTTP" \
	    "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" 000
	stop_collector
	check_eq "HTTPS: clean stop" "$STOP_RC" 0
else
	ok "HTTPS # SKIP openssl cannot make a certificate"
fi
