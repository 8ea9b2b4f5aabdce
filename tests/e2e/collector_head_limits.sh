#!/bin/sh
# collector_head_limits.sh - request heads libmicrohttpd would refuse with
# its own HTML page (414 for a long request line, 431 for large header
# fields) or leave unanswered (a query that fills the connection pool) are
# answered by the collector in the JSON error shape: a 20 KB URI, 100 KB
# of headers in many lines and in one, 600 query arguments.  Each answer
# comes on the same connection before the client gives up (a bound, not a
# timing assertion), and the collector serves the next request.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
check "collector starts" start_collector "$T"

cat >"$T/head.py" <<'PY'
# head.py PORT KIND: send one GET whose head is KIND, print
# "STATUS CONTENT-TYPE ERROR-CODE" of the answer
import json, socket, sys
port, kind = int(sys.argv[1]), sys.argv[2]
target, headers = "/api/v1/hosts", ""
if kind == "uri":
    target = "/api/v1/hosts?q=" + "x" * 20000
elif kind == "args":
    target = "/api/v1/hosts?" + "&".join("a%d=1" % i for i in range(600))
elif kind == "headers":
    headers = "".join("X-Pad-%d: %s\r\n" % (i, "y" * 1000) for i in range(100))
elif kind == "header":
    headers = "X-Pad: " + "z" * 100000 + "\r\n"
req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sConnection: close\r\n\r\n"
       % (target, headers)).encode()
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(req)
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except socket.timeout:
    print("no answer")
    sys.exit(0)
head, _, body = data.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
status = lines[0].split()[1] if lines and len(lines[0].split()) > 1 else "?"
ctype = "-"
for l in lines[1:]:
    k, _, v = l.partition(":")
    if k.strip().lower() == "content-type":
        ctype = v.strip().split(";")[0]
try:
    code = json.loads(body)["error"]["code"]
except Exception:
    code = "not-json"
print(status, ctype, code)
PY
for k in "uri 414 uri_too_long" "args 414 uri_too_long" \
    "headers 431 headers_too_large" "header 431 headers_too_large"; do
	set -- $k
	check_eq "$1: $2 in the JSON error shape" \
	    "$(python3 "$T/head.py" "$PORT" "$1")" "$2 application/json $3"
	check_eq "$1: the next request is served" \
	    "$(get "$T/r" /healthz)" 200
done
check_eq "an ordinary head is still served" "$(get "$T/r" /api/v1/hosts)" 200
stop_collector
check_eq "clean stop" "$STOP_RC" 0
