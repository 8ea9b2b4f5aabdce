#!/usr/bin/env python3
"""gen-dashboard.py - write spoolwatch-dashboard.json, the Grafana dashboard.

The JSON is generated so that panel ids and grid positions stay
consistent; edit this file, run it, commit both.  Two data sources are
chosen on import: a Prometheus one that scrapes the collector's /metrics,
and an Infinity (yesoreyeram-infinity-datasource) one for the collector's
JSON API, configured with the collector's base URL in its allowed hosts
and, when read_tokens are set, a Bearer-token authentication.  The
variable "label" (KEY:VALUE, empty for all) narrows every JSON API panel
to the hosts with that label (the API's label= filter); /metrics has no
host labels (one series per label value and key would multiply the fleet
gauges by the fleet's label values), so the Prometheus panels stay
fleet-wide.
"""
import json
import os

PROM = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
API = {"type": "yesoreyeram-infinity-datasource", "uid": "${DS_SPOOLWATCH_API}"}

panels = []
_id = [0]
_y = [0]


def nid():
    _id[0] += 1
    return _id[0]


def row(title):
    panels.append({"type": "row", "title": title, "id": nid(), "collapsed": False,
                   "gridPos": {"h": 1, "w": 24, "x": 0, "y": _y[0]}, "panels": []})
    _y[0] += 1


def prom(expr, legend, ref="A", instant=False):
    return {"refId": ref, "datasource": PROM, "expr": expr,
            "legendFormat": legend, "instant": instant, "range": not instant}


def stat(title, expr, x, w, desc, thresholds):
    steps = [{"color": "green", "value": None}] + [
        {"color": c, "value": v} for v, c in thresholds]
    panels.append({
        "type": "stat", "title": title, "id": nid(), "description": desc,
        "datasource": PROM,
        "gridPos": {"h": 4, "w": w, "x": x, "y": _y[0]},
        "targets": [prom(expr, title, instant=True)],
        "fieldConfig": {"defaults": {"unit": "short", "thresholds": {
            "mode": "absolute", "steps": steps}}, "overrides": []},
        "options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                      "values": False},
                    "colorMode": "background", "graphMode": "area",
                    "textMode": "auto", "justifyMode": "auto",
                    "orientation": "auto"},
    })


def series(title, targets, x, w, desc, unit="short", h=8, stack=False):
    panels.append({
        "type": "timeseries", "title": title, "id": nid(), "description": desc,
        "datasource": PROM,
        "gridPos": {"h": h, "w": w, "x": x, "y": _y[0]},
        "targets": targets,
        "fieldConfig": {"defaults": {"unit": unit, "custom": {
            "drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
            "stacking": {"mode": "normal" if stack else "none",
                         "group": "A"}}}, "overrides": []},
        "options": {"legend": {"displayMode": "table", "placement": "bottom",
                               "calcs": ["lastNotNull", "max"]},
                    "tooltip": {"mode": "multi", "sort": "desc"}},
    })


def api_table(title, path, root, columns, x, w, desc, h=8):
    panels.append({
        "type": "table", "title": title, "id": nid(), "description": desc,
        "datasource": API,
        "gridPos": {"h": h, "w": w, "x": x, "y": _y[0]},
        "targets": [{
            "refId": "A", "datasource": API, "type": "json",
            "source": "url", "format": "table", "parser": "backend",
            "url": "${collector}" + path + ("&" if "?" in path else "?")
                   + "label=${label:percentencode}",
            "url_options": {"method": "GET", "data": ""},
            "root_selector": root,
            "columns": [{"selector": s, "text": t, "type": ty}
                        for s, t, ty in columns],
        }],
        "fieldConfig": {"defaults": {}, "overrides": []},
        "options": {"showHeader": True, "cellHeight": "sm",
                    "footer": {"show": False, "reducer": ["sum"]}},
    })


row("Fleet (Prometheus: the collector's /metrics)")
stat("Hosts", "spoolwatch_hosts", 0, 4, "Hosts that ever reported.", [])
stat("Stale hosts", "spoolwatch_hosts_stale", 4, 4,
     "Hosts silent longer than the collector's stale_after.",
     [(1, "orange"), (10, "red")])
stat("MTA down", "spoolwatch_hosts_mta_down", 8, 4,
     "Hosts whose MTA daemon is not running or not listening.", [(1, "red")])
stat("Critical findings", 'sum(spoolwatch_findings_open{severity="critical"}) or vector(0)',
     12, 4, "Open critical findings across the fleet.", [(1, "red")])
stat("Mail queued", "spoolwatch_mail_queued", 16, 4,
     "Messages waiting in the MTA queues of all hosts.",
     [(100, "orange"), (1000, "red")])
stat("Unread system mail", "spoolwatch_mail_unread", 20, 4,
     "Unread messages in watched mailboxes (root, cron).",
     [(1000, "orange")])
_y[0] += 4
series("Open findings by code",
       [prom("sum by (code) (spoolwatch_findings_open)", "{{code}}")],
       0, 12, "Open findings, by finding code (spool.permissions, log.syserr, ...).",
       stack=True)
series("Open findings by severity",
       [prom("sum by (severity) (spoolwatch_findings_open)", "{{severity}}")],
       12, 12, "Open findings, by severity.", stack=True)
_y[0] += 8
series("System mail across the fleet",
       [prom("spoolwatch_mail_queued", "queued", "A"),
        prom("spoolwatch_mail_unread", "unread", "B")],
       0, 12, "Queued and unread system mail, summed over all hosts.")
series("Hosts: stale and MTA down",
       [prom("spoolwatch_hosts_stale", "stale", "A"),
        prom("spoolwatch_hosts_mta_down", "MTA down", "B"),
        prom("spoolwatch_hosts", "all", "C")],
       12, 12, "Hosts that went silent, and hosts whose MTA is down.")
_y[0] += 8

row("Collector (Prometheus)")
series("Reports per second",
       [prom("rate(spoolwatch_reports_ingested_total[5m])", "stored", "A"),
        prom("rate(spoolwatch_reports_duplicate_total[5m])", "duplicate", "B"),
        prom("sum by (reason) (rate(spoolwatch_reports_rejected_total[5m]))",
             "rejected: {{reason}}", "C")],
       0, 8, "Ingest rate; duplicates are resent reports (agent outbox), "
       "rejects by reason (overloaded means 503 + Retry-After).", unit="reqps")
series("Ingest latency",
       [prom("histogram_quantile(0.5, sum by (le) (rate(spoolwatch_ingest_duration_seconds_bucket[5m])))", "p50", "A"),
        prom("histogram_quantile(0.99, sum by (le) (rate(spoolwatch_ingest_duration_seconds_bucket[5m])))", "p99", "B")],
       8, 8, "From the last body byte to the answer, for stored reports.",
       unit="s")
series("Writer",
       [prom("spoolwatch_ingest_queue_depth", "queue depth", "A"),
        prom("rate(spoolwatch_write_batch_reports_total[5m]) / rate(spoolwatch_write_batches_total[5m])",
             "reports per transaction", "B"),
        prom("rate(spoolwatch_write_batch_seconds_total[5m])", "writer busy (s/s)", "C")],
       16, 8, "Reports waiting for the single writer, group-commit size, and "
       "the share of time the writer is busy (1.0 = saturated: add a collector "
       "or raise batch_max).")
_y[0] += 8
series("HTTP answers by class",
       [prom("sum by (code) (rate(spoolwatch_http_responses_total[5m]))", "{{code}}")],
       0, 12, "All HTTP answers of the collector by status class.",
       unit="reqps", stack=True)
series("Database size",
       [prom("spoolwatch_db_bytes", "database + WAL")],
       12, 12, "SQLite database and WAL file size; retention_days bounds it.",
       unit="bytes")
_y[0] += 8

row("Fleet details (JSON API, Infinity data source)")
api_table("Open findings", "/api/v1/summary", "findings",
          [("code", "Code", "string"), ("severity", "Severity", "string"),
           ("hosts", "Hosts", "number")],
          0, 8, "GET /api/v1/summary: open findings, most hosts first.")
api_table("SYSERR signatures hitting most hosts", "/api/v1/summary", "syserr_top",
          [("signature", "Signature", "string"), ("hosts", "Hosts", "number"),
           ("count", "Lines", "number"), ("last_ts", "Last", "timestamp")],
          8, 16, "GET /api/v1/summary: syserr_top.")
_y[0] += 8
api_table("Fullest filesystems (inodes)", "/api/v1/summary", "inodes_top",
          [("host", "Host", "string"), ("mount", "Mount", "string"),
           ("inodes_used_pct", "Inodes used %", "number")],
          0, 8, "GET /api/v1/summary: inodes_top.")
api_table("Cron jobs behind unread and queued mail", "/api/v1/summary",
          "mail.top_cron_commands",
          [("command", "Command", "string"), ("hosts", "Hosts", "number"),
           ("messages", "Messages", "number")],
          8, 16, "GET /api/v1/summary: mail.top_cron_commands.")
_y[0] += 8
api_table("Stale hosts", "/api/v1/hosts?stale=true&limit=1000", "items",
          [("name", "Host", "string"), ("last_seen", "Last seen", "timestamp")],
          0, 8, "GET /api/v1/hosts?stale=true: hosts silent longer than stale_after.")
api_table("Critical findings", "/api/v1/findings?severity=critical&state=open&limit=1000",
          "items",
          [("host", "Host", "string"), ("code", "Code", "string"),
           ("subject", "Subject", "string"), ("first_seen", "Since", "timestamp"),
           ("last_seen", "Last seen", "timestamp")],
          8, 16, "GET /api/v1/findings?severity=critical&state=open.")
_y[0] += 8

dashboard = {
    "__inputs": [
        {"name": "DS_PROMETHEUS", "label": "Prometheus",
         "description": "Prometheus scraping the spoolwatch collector's /metrics",
         "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus"},
        {"name": "DS_SPOOLWATCH_API", "label": "spoolwatch API (Infinity)",
         "description": "Infinity data source allowed to query the collector",
         "type": "datasource", "pluginId": "yesoreyeram-infinity-datasource",
         "pluginName": "Infinity"},
    ],
    "__requires": [
        {"type": "grafana", "id": "grafana", "name": "Grafana", "version": "9.0.0"},
        {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
        {"type": "datasource", "id": "yesoreyeram-infinity-datasource",
         "name": "Infinity", "version": "2.0.0"},
        {"type": "panel", "id": "stat", "name": "Stat", "version": ""},
        {"type": "panel", "id": "timeseries", "name": "Time series", "version": ""},
        {"type": "panel", "id": "table", "name": "Table", "version": ""},
    ],
    "uid": "spoolwatch-fleet",
    "title": "spoolwatch: fleet system mail",
    "description": "Mail spools, MTAs, SYSERRs and unread cron mail across the "
                   "fleet, from the spoolwatch collector.",
    "tags": ["spoolwatch", "mail"],
    "timezone": "utc",
    "editable": True,
    "graphTooltip": 1,
    "refresh": "1m",
    "schemaVersion": 38,
    "version": 1,
    "time": {"from": "now-24h", "to": "now"},
    "templating": {"list": [{
        "name": "collector", "label": "Collector URL", "type": "textbox",
        "query": "http://collector.example:8470",
        "current": {"text": "http://collector.example:8470",
                    "value": "http://collector.example:8470"},
        "description": "Base URL of the collector's JSON API (no trailing slash)",
        "hide": 0,
    }, {
        "name": "label", "label": "Host label (KEY:VALUE)", "type": "textbox",
        "query": "", "current": {"text": "", "value": ""},
        "description": "Narrow the JSON API panels to the hosts with this "
                       "label, e.g. env:prod (empty: every host). The "
                       "Prometheus panels stay fleet-wide: /metrics carries "
                       "no host labels.",
        "hide": 0,
    }]},
    "annotations": {"list": []},
    "links": [{"title": "Collector dashboard", "type": "link",
               "url": "${collector}/", "targetBlank": True}],
    "panels": panels,
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "spoolwatch-dashboard.json")
with open(out, "w") as f:
    json.dump(dashboard, f, indent=2)
    f.write("\n")
