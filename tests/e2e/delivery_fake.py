#!/usr/bin/env python3
"""delivery_fake.py - a stand-in collector for the agent's delivery tests.

It answers what the real collector cannot produce on demand: 500, 503 with
Retry-After, 413, 401, a 200 that does not name the report, a slow answer.

    delivery_fake.py DIR

Listens on 127.0.0.1, port 0 (HTTPS when DIR/cert.pem and DIR/key.pem
exist); writes the port to DIR/port.  Each POST takes
the first line of DIR/plan (and removes it; an empty plan answers 200):

    200 | 500 | 503 retry-after=N | 413 | 401 | 400 | 200-noid | sleep=S

appends the plan line to DIR/arrived as the request arrives, and one JSON
line per answered request to DIR/requests.jsonl: status given,
client port (keep-alive shows as the same port), headers that matter, and
the report's report_id, outbox_dropped and collected_at.  Stops on SIGTERM
or after 300 s, whichever comes first.
"""
import gzip
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
lock = threading.Lock()
seen = set()


def next_plan():
    path = os.path.join(DIR, "plan")
    with lock:
        try:
            with open(path) as f:
                lines = [l.strip() for l in f if l.strip()]
        except FileNotFoundError:
            return "200"
        if not lines:
            return "200"
        with open(path + ".new", "w") as f:
            f.write("".join(l + "\n" for l in lines[1:]))
        os.rename(path + ".new", path)
        return lines[0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, extra=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:  # the agent gave up waiting (timeout tests)
            pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        plan = next_plan()
        with open(os.path.join(DIR, "arrived"), "a") as f:
            f.write(plan + "\n")
        rec = {
            "plan": plan,
            "path": self.path,
            "client_port": self.client_address[1],
            "authorization": self.headers.get("Authorization"),
            "content_encoding": self.headers.get("Content-Encoding"),
            "content_type": self.headers.get("Content-Type"),
            "user_agent": self.headers.get("User-Agent"),
            "bytes": n,
        }
        try:
            body = raw
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(raw)
            doc = json.loads(body)
            rec["report_id"] = doc.get("report_id")
            rec["outbox_dropped"] = doc.get("outbox_dropped")
            rec["collected_at"] = doc.get("collected_at")
        except Exception as e:  # a bad body is recorded, not fatal
            rec["error"] = str(e)
        if plan.startswith("sleep="):
            time.sleep(float(plan.split("=", 1)[1]))
            plan = "200"
        rec["status"] = plan
        with lock:
            with open(os.path.join(DIR, "requests.jsonl"), "a") as f:
                f.write(json.dumps(rec) + "\n")
        rid = rec.get("report_id")
        if plan == "200":
            dup = rid in seen
            seen.add(rid)
            self.reply(200, {"report_id": rid, "duplicate": dup})
        elif plan == "200-noid":
            self.reply(200, {"ok": True})
        elif plan.startswith("503"):
            ra = plan.split("retry-after=", 1)[1] if "retry-after=" in plan else "1"
            self.reply(503, {"error": {"code": "overloaded",
                                       "message": "try later"}},
                       [("Retry-After", ra)])
        else:
            code = int(plan)
            self.reply(code, {"error": {"code": "test",
                                        "message": "planned %d" % code}})


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    cert = os.path.join(DIR, "cert.pem")
    if os.path.exists(cert):  # HTTPS with the test's own certificate
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, os.path.join(DIR, "key.pem"))
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(os.path.join(DIR, "port.new"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(DIR, "port.new"), os.path.join(DIR, "port"))
    signal.signal(signal.SIGTERM, lambda *a: threading.Thread(
        target=srv.shutdown).start())
    t = threading.Timer(300, srv.shutdown)
    t.daemon = True
    t.start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
