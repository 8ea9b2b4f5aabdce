#!/bin/sh
# deploy_haproxy.sh - deploy/haproxy/haproxy.cfg, the example load
# balancer in front of several collectors:
#  - haproxy -c accepts it as shipped (with a test certificate in place
#    of the real one);
#  - run live (addresses rewritten to 127.0.0.1, no syslog) in front of
#    two collectors: reports and reads pass over HTTPS, a stopped
#    collector leaves the pool through the /healthz check and every
#    request still gets its answer from the other one, a POST that
#    reached a collector is not sent again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

CFG=$SPOOLWATCH_TOP/deploy/haproxy/haproxy.cfg
if ! command -v haproxy >/dev/null 2>&1; then
	not_ok "haproxy is installed (tests/deps-pg.txt)"
	exit 1
fi
T=$(e2e_tmp)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$T/key.pem" -out "$T/crt.pem" 2>/dev/null
cat "$T/crt.pem" "$T/key.pem" >"$T/lb.pem"
sed "s#/etc/haproxy/certs/spoolwatch.pem#$T/lb.pem#" "$CFG" >"$T/checked.cfg"
check "haproxy -c accepts the example" haproxy -c -q -f "$T/checked.cfg"

# two collectors (the store: SPOOLWATCH_TEST_DB; on PostgreSQL they share
# one database)
mkdir -p "$T/c1" "$T/c2"
start_collector "$T/c1"
P1=$PORT C1=$CPID
if [ "$SPOOLWATCH_TEST_DB" = pg ]; then
	start_collector "$T/c2" "db = $(collector_db "$T/c1/c.db")"
else
	start_collector "$T/c2"
fi
P2=$PORT C2=$CPID
check "two collectors" kill -0 "$C1" "$C2"

LB=$(free_port)
# the live copy: 127.0.0.1 everywhere, fast checks, no syslog
sed -e "s#^\tbind :443 #\tbind 127.0.0.1:$LB #" \
    -e "/^\tlog \/dev\/log/d" -e "/^\tlog global/d" \
    -e "s#inter 2s#inter 200ms#" -e "s#maxconn 20000#maxconn 1000#" \
    -e "s#^\tserver collector1 .*#\tserver collector1 127.0.0.1:$P1#" \
    -e "s#^\tserver collector2 .*#\tserver collector2 127.0.0.1:$P2#" \
    -e "/^\tserver collector3 /d" "$T/checked.cfg" >"$T/live.cfg"
haproxy -db -f "$T/live.cfg" >"$T/haproxy.log" 2>&1 &
HP=$!
sleep 0.5; kill -0 "$HP" 2>/dev/null || sed "s/^/# haproxy: /" "$T/haproxy.log"
at_exit "kill $HP 2>/dev/null"
URL=https://127.0.0.1:$LB
check "haproxy answers /healthz over HTTPS" wait_health "$URL/healthz"
# post/get over the balancer (curl -k: the test certificate)
fresh_report "$T/r.json"
check_eq "a report through the balancer: 200" "$(post "$T/out" "$T/r.json" -k)" 200
check_eq "... stored (duplicate: false)" "$(jq -r .duplicate "$T/out")" false
n=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(get "$T/h" /api/v1/summary -k)" = 200 ] && n=$((n + 1))
done
check_eq "ten reads through the balancer: 200" "$n" 10

# one collector gone: after two failed checks it is out of the pool
kill -9 "$C1"
wait "$C1" 2>/dev/null
sleep 1
n=0 d=0
for i in $(seq 1 20); do
	jq --arg id "$(cat /proc/sys/kernel/random/uuid)" '.report_id = $id' \
	    "$T/r.json" >"$T/r$i.json"
	[ "$(post "$T/out" "$T/r$i.json" -k)" = 200 ] && n=$((n + 1))
	[ "$(jq -r .duplicate "$T/out")" = false ] && d=$((d + 1))
done
check_eq "one collector killed: every report still gets 200" "$n" 20
check_eq "... each stored once (duplicate: false)" "$d" 20
check "haproxy marked the killed one down" \
    grep -q "collector1 is DOWN" "$T/haproxy.log"
kill "$HP"; wait "$HP" 2>/dev/null

# a collector that reads a POST and drops the connection unanswered (it
# died while storing): the agent gets an error, the POST is not resent
FP=$(free_port)
python3 - "$FP" "$T/fake.count" <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); s.settimeout(20)
posts = 0
try:
    while True:
        c, _ = s.accept()
        data = c.recv(65536)
        if data.startswith(b"POST"):
            posts += 1
            open(sys.argv[2], "w").write("%d\n" % posts)
            c.close()
        else:   # the health check
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            c.close()
except socket.timeout:
    pass
PY
FAKE=$!
at_exit "kill $FAKE 2>/dev/null"
sed -e "s#^\tserver collector1 .*#\tserver collector1 127.0.0.1:$FP#" \
    -e "/^\tserver collector2 /d" "$T/live.cfg" >"$T/fake.cfg"
haproxy -db -f "$T/fake.cfg" >"$T/haproxy2.log" 2>&1 &
HP=$!
at_exit "kill $HP 2>/dev/null"
# up once two checks passed (/healthz through it answers 200)
up() {
	for _ in $(seq 1 100); do
		[ "$(get /dev/null /healthz -k)" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}
check "haproxy in front of the dropping collector" up
check_eq "a POST that reached it and got no answer: 502" \
    "$(post "$T/out" "$T/r.json" -k)" 502
check_eq "... was sent to it once, not again" "$(cat "$T/fake.count")" 1
