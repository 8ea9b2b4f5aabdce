#!/bin/sh
# deploy_sysv.sh - the SysV init scripts drive the REAL binaries: the
# collector script starts the collector as an unprivileged user in its
# state directory; the agent script starts the agent, which reports to
# that collector; status, reload (good and bad configuration), restart,
# stop, a stale pid file, and the agent as an unprivileged user that keeps
# CAP_DAC_READ_SEARCH.  Everything on 127.0.0.1, every wait bounded.
. "$(dirname "$0")/lib.sh"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
# The unprivileged runs below must reach their files.
chmod 0711 "$(dirname "$t")"
chmod 0755 "$t"
ainit=$top/deploy/sysvinit/spoolwatch-agent
cinit=$top/deploy/sysvinit/spoolwatch-collector

# wait_until SECS CMD...: poll CMD every 0.1 s, bounded.
wait_until() {
	_n=$(($1 * 10)); shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# alive PID: running and not a zombie (PID 1 here may not reap).
alive() {
	_st=$(ps -o stat= -p "$1" 2>/dev/null)
	case $_st in '' | Z*) return 1 ;; esac
}

for s in "$ainit" "$cinit"; do
	check "${s##*/} has a chkconfig header" grep -q '^# chkconfig: 2345' "$s"
	check "${s##*/} has an LSB header" grep -q '^### BEGIN INIT INFO' "$s"
	check "${s##*/} names its pid file" grep -q '^# pidfile: ' "$s"
done

# --- the collector through its script ------------------------------------
port=$(free_port)
url=http://127.0.0.1:$port
mkdir -p "$t/c"
: >"$t/collector.conf"
chmod 0644 "$t/collector.conf"
cat >"$t/collector.sysconfig" <<EOT
BIN=$COLLECTOR
CONFIG=$t/collector.conf
COLLECTOR_USER=nobody
STATE_DIR=$t/c/state
PIDFILE=$t/c/run/collector.pid
LOGFILE=$t/c/collector.log
STOP_TIMEOUT=20
OPTIONS="--listen 127.0.0.1:$port"
EOT
C() { SPOOLWATCH_COLLECTOR_SYSCONFIG=$t/collector.sysconfig sh "$cinit" "$@"; }
at_exit "SPOOLWATCH_COLLECTOR_SYSCONFIG=$t/collector.sysconfig sh $cinit stop >/dev/null 2>&1"

C start >"$t/out" 2>&1
check_eq "collector script: start exits 0" "$?" 0
cpid=$(cat "$t/c/run/collector.pid" 2>/dev/null)
check "collector script: pid file names a live collector" \
    test "$(readlink "/proc/${cpid:-0}/exe")" = "$(readlink -f "$COLLECTOR")"
check_eq "collector runs as COLLECTOR_USER" \
    "$(ps -o user= -p "${cpid:-0}" 2>/dev/null | tr -d ' ')" nobody
check "collector answers /healthz" wait_http "$url/healthz" 20
check "collector's database is in its state directory (working dir)" \
    test -f "$t/c/state/spoolwatch.db"
C status >/dev/null 2>&1
check_eq "collector script: status 0 while running" "$?" 0

# --- the agent through its script ----------------------------------------
root=$t/root
mkdir -p "$root/etc" "$root/var/log" "$root/var/spool/mail"
echo sysv-e2e-host >"$root/etc/hostname"
: >"$root/var/log/maillog"
write_agent_conf() {
	cat >"$t/agent.conf" <<EOT
server = $url
interval = $1
splay = 0
log_level = ${2:-info}
EOT
	chmod 0644 "$t/agent.conf"
}
write_agent_conf 2
cat >"$t/agent.sysconfig" <<EOT
BIN=$AGENT
CONFIG=$t/agent.conf
AGENT_USER=root
STATE_DIR=$t/a/state
PIDFILE=$t/a/agent.pid
LOGFILE=$t/a/agent.log
STOP_TIMEOUT=20
OPTIONS="--root $root --hostname sysv-e2e-host"
EOT
A() { SPOOLWATCH_AGENT_SYSCONFIG=$t/agent.sysconfig sh "$ainit" "$@"; }
at_exit "SPOOLWATCH_AGENT_SYSCONFIG=$t/agent.sysconfig sh $ainit stop >/dev/null 2>&1"

A status >/dev/null 2>&1
check_eq "agent script: status 3 before start" "$?" 3
A start >"$t/out" 2>&1
check_eq "agent script: start exits 0" "$?" 0
apid=$(cat "$t/a/agent.pid" 2>/dev/null)
check "agent script: pid file names a live agent" \
    test "$(readlink "/proc/${apid:-0}/exe")" = "$(readlink -f "$AGENT")"
check "agent is detached into its own session" \
    test "$(ps -o sid= -p "${apid:-0}" | tr -d ' ')" = "${apid:-x}"
check "agent's state directory is 0700" \
    test "$(stat -c %a "$t/a/state")" = 700
A status >"$t/out" 2>&1
check_eq "agent script: status 0 while running" "$?" 0
check "agent script: status names the pid" grep -q "pid $apid" "$t/out"
A start >"$t/out" 2>&1
check_eq "agent script: second start exits 0" "$?" 0
check_eq "agent script: second start keeps the same agent" \
    "$(cat "$t/a/agent.pid")" "$apid"

check "the agent's report reaches the collector" \
    wait_until 30 curl -sf -m 2 "$url/api/v1/hosts/sysv-e2e-host"

# reload: a good file is applied (SIGHUP), a bad one refused.
write_agent_conf 3 debug
A reload >"$t/out" 2>&1
check_eq "agent script: reload exits 0" "$?" 0
check "agent logs the reload" \
    wait_until 10 grep -q 'SIGHUP: configuration reloaded' "$t/a/agent.log"
check_eq "reload keeps the same process" "$(cat "$t/a/agent.pid")" "$apid"
echo "no_such_key = 1" >>"$t/agent.conf"
A reload >"$t/out" 2>&1
check_eq "agent script: reload of a bad file exits 6" "$?" 6
check "the bad reload names the problem" grep -q no_such_key "$t/out"
check "the agent still runs after a refused reload" alive "$apid"
A restart >/dev/null 2>&1
check_eq "agent script: restart with a bad file exits 6" "$?" 6
check "a refused restart leaves the agent running" alive "$apid"
write_agent_conf 2
A restart >"$t/out" 2>&1
check_eq "agent script: restart exits 0" "$?" 0
npid=$(cat "$t/a/agent.pid" 2>/dev/null)
check "restart replaced the agent" test "${npid:-$apid}" != "$apid"
check "the old agent is gone" eval "! alive $apid"

A stop >"$t/out" 2>&1
check_eq "agent script: stop exits 0" "$?" 0
check "stop ended the agent" eval "! alive ${npid:-0}"
check "stop removed the pid file" test ! -e "$t/a/agent.pid"
A status >/dev/null 2>&1
check_eq "agent script: status 3 after stop" "$?" 3
A stop >/dev/null 2>&1
check_eq "agent script: stop when stopped exits 0" "$?" 0
echo 999999 >"$t/a/agent.pid"
A status >/dev/null 2>&1
check_eq "agent script: status 1 with a stale pid file" "$?" 1
A reload >/dev/null 2>&1
check_eq "agent script: reload when stopped exits 7" "$?" 7
rm -f "$t/a/agent.pid"
check "a stopped agent exits cleanly (no sanitizer report)" \
    sh -c "! grep -q 'Sanitizer' '$t/a/agent.log'"

# An unprivileged user keeps exactly CAP_DAC_READ_SEARCH (bit 2).
sed -i 's/^AGENT_USER=root/AGENT_USER=nobody/' "$t/agent.sysconfig"
A start >"$t/out" 2>&1
check_eq "agent script: start as nobody exits 0" "$?" 0
upid=$(cat "$t/a/agent.pid" 2>/dev/null)
check_eq "agent runs as nobody" \
    "$(ps -o user= -p "${upid:-0}" 2>/dev/null | tr -d ' ')" nobody
check_eq "its only effective capability is CAP_DAC_READ_SEARCH" \
    "$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/${upid:-0}/status" 2>/dev/null)" \
    0000000000000004
check_eq "its state directory now belongs to nobody" \
    "$(stat -c %U "$t/a/state")" nobody
A stop >/dev/null 2>&1
check "agent script: stop (nobody)" eval "! alive ${upid:-0}"

# A missing binary is "not installed" (LSB 5), not a crash.
sed -i "s|^BIN=.*|BIN=$t/none|" "$t/agent.sysconfig"
A start >/dev/null 2>&1
check_eq "agent script: start without the binary exits 5" "$?" 5
A bogus >/dev/null 2>&1
check_eq "agent script: unknown action exits 2" "$?" 2

# Without setpriv (RHEL 5/6) the script drops privileges with su, whose
# shell records its own PID before it becomes the collector.
echo "SETPRIV=" >>"$t/collector.sysconfig"
C restart >"$t/out" 2>&1
check_eq "collector script: restart through su exits 0" "$?" 0
check "the old collector is gone" eval "! alive ${cpid:-0}"
cpid=$(cat "$t/c/run/collector.pid" 2>/dev/null)
check "su path: pid file names the collector itself" \
    test "$(readlink "/proc/${cpid:-0}/exe")" = "$(readlink -f "$COLLECTOR")"
check_eq "su path: collector runs as COLLECTOR_USER" \
    "$(ps -o user= -p "${cpid:-0}" 2>/dev/null | tr -d ' ')" nobody
check "su path: collector answers /healthz" wait_http "$url/healthz" 20

C stop >/dev/null 2>&1
check_eq "collector script: stop exits 0" "$?" 0
check "stop ended the collector" eval "! alive ${cpid:-0}"
C status >/dev/null 2>&1
check_eq "collector script: status 3 after stop" "$?" 3
check "the collector stopped cleanly (no sanitizer report)" \
    sh -c "! grep -q 'Sanitizer' '$t/c/collector.log'"
