#!/bin/sh
# deploy_grafana.sh - the Grafana dashboard is in sync with its generator,
# and every query in it works against the REAL collector after the real
# agent reported an incident host: each Prometheus expression names only
# metrics /metrics exposes, and each JSON API panel's URL answers 200 with
# an array at its root selector whose items carry every column selector;
# the label variable (KEY:VALUE) narrows every JSON API panel: with the
# agent's label its items are there, with another label they are not.
. "$(dirname "$0")/lib.sh"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
dash=$top/deploy/grafana/spoolwatch-dashboard.json

cp "$top/deploy/grafana/gen-dashboard.py" "$t/"
python3 "$t/gen-dashboard.py"
check "spoolwatch-dashboard.json is what gen-dashboard.py writes" \
    cmp -s "$t/spoolwatch-dashboard.json" "$dash"
check "panel ids are unique" sh -c \
    "jq -e '[.panels[].id] | length == (unique | length)' '$dash' >/dev/null"
check_eq "a label variable (textbox, empty: all hosts)" \
    "$(jq -c '[.templating.list[] | select(.name == "label") | [.type, .query]]' "$dash")" '[["textbox",""]]'
check_eq "every JSON API panel passes the label variable" \
    "$(jq '[.panels[].targets[]? | select(.source == "url") | select(.url | test("[?&]label=\\$\\{label:percentencode\\}") | not)] | length' "$dash")" 0
check "every data source is an import input" sh -c "jq -e '
    [.__inputs[].name | \"\${\" + . + \"}\"] as \$in |
    [.panels[] | select(.type != \"row\") | .datasource.uid] |
    all(. as \$u | \$in | index(\$u))' '$dash' >/dev/null"

# A collector with a read token, and one report of the incident host.
port=$(free_port)
url=http://127.0.0.1:$port
rtok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
itok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf 'ingest_tokens = %s\nread_tokens = %s\n' "$itok" "$rtok" >"$t/c.conf"
"$COLLECTOR" --config "$t/c.conf" --listen "127.0.0.1:$port" \
    --db "$t/c.db" >"$t/c.log" 2>&1 &
cpid=$!
at_exit "kill $cpid 2>/dev/null; wait $cpid 2>/dev/null"
if ! wait_http "$url/healthz" 20; then
	not_ok "collector did not start: $(tail -n 5 "$t/c.log")"
	exit 1
fi
sh "$top/tests/mkroot.sh" incident "$t/root" >"$t/mkroot.log" 2>&1
printf 'token = %s\nlabels = env=prod\n' "$itok" >"$t/a.conf"
timeout 120 "$AGENT" --config "$t/a.conf" --once --root "$t/root" \
    --server "$url" --state-dir "$t/state" --hostname grafana-host \
    >"$t/a.out" 2>&1
check_eq "the agent reported the incident host" "$?" 0
curl -s -m 10 -H "Authorization: Bearer $rtok" "$url/metrics" >"$t/metrics"

python3 - "$dash" "$t/metrics" "$url" "$rtok" "$_tap_n" <<'PY'
import json, re, sys, urllib.parse, urllib.request
dash, metrics_file, base, token = sys.argv[1:5]
d = json.load(open(dash))
exposed = set()
for line in open(metrics_file):
    if line and not line.startswith('#'):
        exposed.add(re.split(r'[{ ]', line, 1)[0])
n = int(sys.argv[5])
def get(u):
    req = urllib.request.Request(u, headers={'Authorization': 'Bearer ' + token})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, json.load(r)
def at(body, selector):
    for part in selector.split('.'):
        body = body.get(part) if isinstance(body, dict) else None
    return body
def ok(cond, desc):
    global n
    n += 1
    print(('ok %d - ' if cond else 'not ok %d - ') % n + desc)
ok(len(exposed) > 5, 'the collector exposes metrics (%d names)' % len(exposed))
for p in d['panels']:
    for tgt in p.get('targets', []):
        if 'expr' in tgt:
            names = set(re.findall(r'\bspoolwatch_[a-z_]+', tgt['expr']))
            missing = sorted(names - exposed)
            ok(names and not missing, '%s: %s %s' % (p['title'], tgt['expr'],
               'missing ' + ', '.join(missing) if missing else 'all exposed'))
        if tgt.get('source') == 'url':
            u = tgt['url'].replace('${collector}', base)
            # the label variable: the agent's label, and one nobody has
            mine = u.replace('${label:percentencode}', 'env%3Aprod')
            other = u.replace('${label:percentencode}', 'env%3Anowhere')
            u = u.replace('${label:percentencode}', '')
            try:
                sm, bm = get(mine)
                so, bo = get(other)
            except Exception as e:
                ok(False, '%s: label variable: %s' % (p['title'], e))
                continue
            nm, no = at(bm, tgt['root_selector']), at(bo, tgt['root_selector'])
            ok(sm == 200 and so == 200 and isinstance(no, list) and not no,
               '%s: label=env:nowhere answers an empty array' % p['title'])
            try:
                status, body = get(u)
            except Exception as e:
                ok(False, '%s: %s: %s' % (p['title'], u, e))
                continue
            node = at(body, tgt['root_selector'])
            ok(status == 200 and isinstance(node, list),
               '%s: %s answers an array at %s' % (p['title'], u, tgt['root_selector']))
            ok((isinstance(nm, list) and len(nm) == len(node)),
               '%s: label=env:prod (the only host) keeps every item' % p['title'])
            if not node:
                # e.g. no stale host yet: the same list unfiltered has
                # items of the same shape.
                parts = urllib.parse.urlsplit(u)
                node = at(get(parts._replace(query='limit=1000').geturl())[1],
                          tgt['root_selector'])
            cols = [c['selector'] for c in tgt['columns']]
            lacking = [c for c in cols if not node or c not in node[0]]
            ok(not lacking, '%s: items carry %s%s' % (p['title'], ', '.join(cols),
               ' (missing ' + ', '.join(lacking) + ')' if lacking else ''))
PY
