#!/usr/bin/env python3
"""notify_receiver.py - a webhook receiver for the notifier's e2e tests.

Usage: notify_receiver.py SECRET_FILE PORT_FILE LOG_FILE FAIL_FIRST [DELAY]

Listens on 127.0.0.1 (a free port, written to PORT_FILE; started again
with PORT_FILE present, the port it names), checks each
POST's X-Spoolwatch-Signature (sha256=HMAC-SHA256 of the body under the
key in SECRET_FILE) and answers:
  401 when the signature is missing or wrong,
  500 the first FAIL_FIRST times a delivery id is seen (a failing
      receiver, so that the collector has to retry),
  200 otherwise,
each after DELAY seconds (default 0: a slow receiver keeps deliveries in
flight, so that two senders of one queue would overlap).
Every request is one JSON line in LOG_FILE: delivery, event, finding
code/subject/host, the status answered, and whether the signature held.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import threading
import time

secret = open(sys.argv[1], "rb").read().rstrip(b"\r\n")
port_file, log_file, fail_first = sys.argv[2], sys.argv[3], int(sys.argv[4])
delay = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
seen = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        sig = self.headers.get("X-Spoolwatch-Signature", "")
        want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        sig_ok = hmac.compare_digest(sig, want)
        entry = {"sig_ok": sig_ok,
                 "delivery": self.headers.get("X-Spoolwatch-Delivery"),
                 "event_header": self.headers.get("X-Spoolwatch-Event")}
        try:
            doc = json.loads(body)
            f = doc.get("finding", {})
            entry.update(id=doc.get("id"), event=doc.get("event"),
                         code=f.get("code"), subject=f.get("subject"),
                         host=f.get("host"), state=f.get("state"))
        except ValueError:
            entry["event"] = None
        with lock:
            if not sig_ok:
                status = 401
            else:
                k = entry["delivery"]
                seen[k] = seen.get(k, 0) + 1
                status = 500 if seen[k] <= fail_first else 200
            entry["status"] = status
            with open(log_file, "a") as fp:
                fp.write(json.dumps(entry) + "\n")
        time.sleep(delay)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


# A restarted receiver takes the port it had (PORT_FILE exists).
port = int(open(port_file).read()) if os.path.exists(port_file) else 0
srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
with open(port_file + ".tmp", "w") as fp:
    fp.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
