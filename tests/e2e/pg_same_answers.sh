#!/bin/sh
# pg_same_answers.sh - the same reports, posted in the same order to a
# collector on SQLite and to one on PostgreSQL, give the same API answers
# byte for byte, with nothing stripped but generated_at: the summary,
# every list (hosts, findings, events, mail, remedies) with and without
# filters (label= among them), each page of them by next_cursor, host
# detail, metrics' fleet lines, and the answers to duplicates and older
# reports.  The reports:
# the agent's own (incident roots, several hosts, --stdout), the
# incident and healthy examples, a newer report that resolves findings,
# an older one that must not reopen them, duplicates, three labelled
# hosts stored in the same second.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"
. "$(dirname "$0")/pg_lib.inc"

T=$(e2e_tmp)
check "a PostgreSQL server" pg_start
pg_createdb same

# the reports, in order
mkdir -p "$T/r"
sh "$SPOOLWATCH_TOP/tests/mkroot.sh" incident "$T/root" >/dev/null 2>&1
i=0
for h in alpha.example beta.example gamma.example; do
	i=$((i + 1))
	"$AGENT" --once --stdout --root "$T/root" --hostname "$h" \
	    --state-dir "$T/s-$h" >"$T/r/$i.json" 2>/dev/null
done
now=$(date +%s)
# at TS (seconds from now) NAME ID FILE: an example, re-dated and renamed
at() {
	jq --arg ts "$(date -u -d "@$(($now + $1))" +%Y-%m-%dT%H:%M:%SZ)" \
	    --arg h "$2" --arg id "$3" '.collected_at = $ts | .host.name = $h |
	    .report_id = $id | (.events[]?.ts) = $ts |
	    (.event_groups[]?.first_ts) = $ts | (.event_groups[]?.last_ts) = $ts' \
	    "$DATA/$4"
}
at -300 host1 11111111-0000-4000-8000-000000000001 report-incident.json >"$T/r/4.json"
at -250 web07 11111111-0000-4000-8000-000000000002 report-healthy.json >"$T/r/5.json"
at -200 host3 11111111-0000-4000-8000-000000000003 report-incident.json >"$T/r/6.json"
# host1 gets better: its findings resolve
at -100 host1 11111111-0000-4000-8000-000000000004 report-healthy.json >"$T/r/7.json"
# an older report of host1 arrives late: it must not reopen them
at -400 host1 11111111-0000-4000-8000-000000000005 report-incident.json >"$T/r/8.json"
cp "$T/r/4.json" "$T/r/9.json"   # a duplicate
cp "$T/r/1.json" "$T/r/10.json"  # another
# a second round of the agent (new offsets: fewer events)
"$AGENT" --once --stdout --root "$T/root" --hostname alpha.example \
    --state-dir "$T/s-alpha.example" >"$T/r/11.json" 2>/dev/null
at 0 minimal.example 11111111-0000-4000-8000-000000000006 report-minimal.json >"$T/r/12.json"
# three labelled hosts with the MTA down, stored in one second from the
# last name to the first: the label's summary lists them by last_seen,
# then by name, as the fleet's does
n=13
for h in tie3 tie2 tie1; do
	at 0 "$h.example" "11111111-0000-4000-8000-0000000000$n" report-incident.json |
	    jq '.host.labels = {"env": "prod"}' >"$T/r/$n.json"
	n=$((n + 1))
done
check "fifteen reports to post" test "$(ls "$T/r" | wc -l)" -eq 15

mkdir -p "$T/lite" "$T/pg"
check "a collector on SQLite" start_collector "$T/lite" "db = $T/lite/c.db"
PL=$PORT
check "a collector on PostgreSQL" start_collector "$T/pg" "db = $(pg_url same)"
PP=$PORT

# compare.py: posts every report to both in the same second, then asks
# both the same questions in the same second; prints one line per
# difference (and the answers under $T/ans)
cat >"$T/compare.py" <<'PY'
import http.client, json, os, sys, time
lite, pg, rdir, adir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

def req(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Content-Type": "application/json"} if body else {}
    c.request(method, path, body, h)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data

def same_second(f):
    # start early in a second, so both calls see the same clock
    if time.time() % 1 > 0.5:
        time.sleep(1.02 - time.time() % 1)
    t0 = int(time.time())
    res = f()
    return res, int(time.time()) == t0

def strip(data):
    try:
        v = json.loads(data)
    except ValueError:
        return data
    def walk(x):
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items() if k != "generated_at"}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x
    # key order as sent (json.dumps keeps it): byte for byte but for that
    return json.dumps(walk(v), ensure_ascii=False).encode()

diffs = []
def compare(name, method, path, body=None):
    (a, b), ok = same_second(lambda: (req(lite, method, path, body),
                                      req(pg, method, path, body)))
    if not ok:
        diffs.append("%s: not asked in the same second, not compared" % name)
        return a, b
    safe = name.replace("/", "_").replace("?", "_").replace("&", "_")
    open(os.path.join(adir, safe + ".lite"), "wb").write(a[1])
    open(os.path.join(adir, safe + ".pg"), "wb").write(b[1])
    if a[0] != b[0]:
        diffs.append("%s: status %d on SQLite, %d on PostgreSQL" % (name, a[0], b[0]))
    elif strip(a[1]) != strip(b[1]):
        diffs.append("%s: answers differ (%s)" % (name, safe))
    return a, b

n = len(os.listdir(rdir))
for i in range(1, n + 1):
    body = open(os.path.join(rdir, "%d.json" % i), "rb").read()
    compare("POST report %d" % i, "POST", "/api/v1/reports", body)

# the questions
paths = ["/api/v1/summary", "/api/v1/hosts", "/api/v1/findings",
         "/api/v1/findings?state=resolved", "/api/v1/findings?state=open",
         "/api/v1/findings?severity=critical", "/api/v1/findings?host=host1",
         "/api/v1/events", "/api/v1/events?kind=syserr",
         "/api/v1/events?host=alpha.example", "/api/v1/mail",
         "/api/v1/mail?host=host3", "/api/v1/remedies",
         "/api/v1/remedies?format=inventory", "/api/v1/hosts?stale=true",
         "/api/v1/hosts?q=example", "/api/v1/hosts?finding=mta.down",
         "/api/v1/summary?label=env:prod",
         "/api/v1/summary?label=env:prod&group_by=label:env",
         "/api/v1/findings?label=env:prod",
         "/api/v1/findings?label=env:prod&code=mta.down",
         "/api/v1/mail?label=env:prod", "/api/v1/remedies?label=env:prod",
         "/api/v1/history?label=env:prod"]
status, hosts = req(lite, "GET", "/api/v1/hosts?limit=1000")
for h in json.loads(hosts)["items"]:
    paths.append("/api/v1/hosts/" + h["name"])
for p in paths:
    compare("GET " + p, "GET", p)
# every page, two at a time, following each backend's own cursor (the
# cursors themselves must be the same too)
for ep in ["hosts", "findings", "events", "mail"]:
    cur = ""
    for page in range(200):
        p = "/api/v1/%s?limit=2%s" % (ep, "&cursor=" + cur if cur else "")
        a, b = compare("GET %s page %d" % (ep, page), "GET", p)
        try:
            cur = json.loads(a[1]).get("next_cursor") or ""
        except ValueError:
            break
        if not cur:
            break
    print("pages %s %d" % (ep, page + 1))
# the fleet part of /metrics (the collector's own counters differ:
# request counts, timings)
a = req(lite, "GET", "/metrics")[1].decode().splitlines()
b = req(pg, "GET", "/metrics")[1].decode().splitlines()
fleet = lambda ls: [l for l in ls if l.startswith(("spoolwatch_hosts",
                    "spoolwatch_findings", "spoolwatch_fleet"))]
if fleet(a) != fleet(b):
    diffs.append("GET /metrics: the fleet lines differ")
print("fleet metric lines %d" % len(fleet(a)))
for d in diffs:
    print("DIFF " + d)
PY
mkdir -p "$T/ans"
python3 "$T/compare.py" "$PL" "$PP" "$T/r" "$T/ans" >"$T/cmp" 2>&1
sed 's/^/# /' "$T/cmp"
check "the comparison ran" grep -q '^fleet metric lines' "$T/cmp"
check "findings come in several pages" grep -Eq '^pages findings ([3-9]|[1-9][0-9])' "$T/cmp"
check "events come in several pages" grep -Eq '^pages events ([3-9]|[1-9][0-9])' "$T/cmp"
check_eq "every answer the same on both backends" \
    "$(grep -c '^DIFF' "$T/cmp")" 0
# a readable first difference in the log
first=$(grep '^DIFF.*answers differ' "$T/cmp" | head -n 1 | sed 's/.*(\(.*\))$/\1/')
if [ -n "$first" ]; then
	jq -S . "$T/ans/$first.lite" >"$T/first.lite" 2>/dev/null
	jq -S . "$T/ans/$first.pg" >"$T/first.pg" 2>/dev/null
	diff -U4 "$T/first.lite" "$T/first.pg" | head -n 60 | sed "s/^/# /"
fi
check_eq "host1 resolved, not reopened by the older report (SQLite)" \
    "$(curl -s "127.0.0.1:$PL/api/v1/findings?host=host1&state=open" | jq '.items | length')" 0
check_eq "host1 resolved, not reopened by the older report (PostgreSQL)" \
    "$(curl -s "127.0.0.1:$PP/api/v1/findings?host=host1&state=open" | jq '.items | length')" 0
