#!/bin/sh
# deploy_ansible.sh - the Ansible roles and playbook: --syntax-check,
# ansible-lint (when installed), then a real run against localhost
# (--connection=local) with the packages from "make deb": the collector
# and the agent are installed, configured (tokens from variables),
# started through the service manager the facts name (SysV here: PID 1
# is not systemd), and the agent's report reaches the collector with the
# labels of the inventory's spoolwatch_labels.  A second
# run changes nothing; a changed setting reloads the agent (same process,
# SIGHUP); state=absent stops and removes everything, and the machine is
# left exactly as it was.  Then the same with the binary install method
# (binaries from this build under /usr/local, the repository's init
# scripts).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/deploy_lock.inc"
top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
B=${BUILD:-build}
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top" BUILD="$B" "$@"; }
v=$(cat "$top/.version")-1
arch=$(dpkg --print-architecture)
adir=$top/deploy/ansible
export ANSIBLE_CONFIG="$adir/ansible.cfg" ANSIBLE_NOCOLOR=1 \
    ANSIBLE_LOCAL_TEMP="$t/ansible-local" ANSIBLE_REMOTE_TEMP="$t/ansible-remote" \
    ANSIBLE_HOME="$t/ansible-home"

if ! command -v ansible-playbook >/dev/null; then
	not_ok "ansible-playbook is not installed (tests/deps-deploy.txt: ansible-core)"
	exit 1
fi

# --- static checks -----------------------------------------------------------
cd "$adir" || exit 1
if out=$(timeout 120 ansible-playbook --syntax-check playbook.yml 2>&1); then
	ok "ansible-playbook --syntax-check playbook.yml"
else
	not_ok "ansible-playbook --syntax-check: $out"
fi
if command -v ansible-lint >/dev/null; then
	if out=$(timeout 300 ansible-lint --offline --nocolor -p playbook.yml roles 2>&1); then
		ok "ansible-lint (production profile)"
	else
		not_ok "ansible-lint: $(echo "$out" | tail -n 20)"
	fi
else
	ok "ansible-lint not installed; skipped # SKIP"
fi

# --- a real run on this machine ------------------------------------------------
deploy_lock
cleanup() {
	[ "${deploy_owned:-0}" = 1 ] || return 0
	if [ -f "$t/vars.json" ]; then
		write_vars absent 2
		play
	fi
	for s in spoolwatch-agent spoolwatch-collector; do
		[ -x /etc/init.d/$s ] && /etc/init.d/$s stop >/dev/null 2>&1
	done
	dpkg --purge spoolwatch-agent spoolwatch-collector spoolwatch \
	    >/dev/null 2>&1
	rm -f /etc/spoolwatch/agent.token
	rmdir /etc/spoolwatch 2>/dev/null
	deploy_restore
}
at_exit cleanup
deploy_clean_or_die "$t/before"
if mk deb PKGDIR="$t/pkg" >"$t/out" 2>&1; then
	ok "make deb for the roles"
else
	not_ok "make deb: $(tail -n 20 "$t/out")"
	exit 1
fi
common=$t/pkg/spoolwatch_${v}_all.deb
port=$(free_port)
url=http://127.0.0.1:$port
itok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
rtok=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

cat >"$t/inventory.ini" <<EOT
[spoolwatch_collectors]
localhost
[spoolwatch_agents]
localhost
[spoolwatch_agents:vars]
spoolwatch_labels={"env": "ci", "role": "mail", "dc": "local1"}
[all:vars]
ansible_connection=local
ansible_python_interpreter=/usr/bin/python3
# Already root, and no sudo here.
ansible_become=false
EOT
# vars.json: what an operator puts in group_vars and the vault.
relbin=$(mk print-bindir)	# bin/ for the default BUILD, else BUILD/rel/bin
write_vars() {
	cat >"$t/vars.json" <<EOT
{
  "spoolwatch_install_method": "${method:-package}",
  "spoolwatch_binary_dir": "$relbin",
  "spoolwatch_agent_state": "$1",
  "spoolwatch_collector_state": "$1",
  "spoolwatch_collector_purge_data": true,
  "spoolwatch_agent_package_files": ["$common", "$t/pkg/spoolwatch-agent_${v}_$arch.deb"],
  "spoolwatch_collector_package_files": ["$common", "$t/pkg/spoolwatch-collector_${v}_$arch.deb"],
  "spoolwatch_collector_listen": "127.0.0.1:$port",
  "spoolwatch_collector_ingest_tokens": ["$itok"],
  "spoolwatch_collector_read_tokens": ["$rtok"],
  "spoolwatch_agent_server": "$url",
  "spoolwatch_agent_token": "$itok",
  "spoolwatch_agent_interval": $2,
  "spoolwatch_agent_splay": 0,
  "spoolwatch_agent_log_target": "stderr",
  "spoolwatch_agent_options": {"hostname": "ansible-${method:-package}-host"},
  "spoolwatch_agent_sysv_user": "spoolwatch"
}
EOT
}
play() {
	timeout 600 ansible-playbook -i "$t/inventory.ini" -e "@$t/vars.json" \
	    playbook.yml >"$t/play.log" 2>&1
}
# recap FIELD: that field of localhost's PLAY RECAP line (summed).
recap() {
	grep -o "$1=[0-9]*" "$t/play.log" | tail -n 2 | cut -d= -f2 |
	    awk '{s += $1} END {print s + 0}'
}

write_vars present 2
if play; then
	ok "playbook run 1: collector and agent installed and started"
else
	not_ok "playbook run 1: $(grep -E 'fatal|FAILED|ERROR' "$t/play.log" | head -5) $(tail -n 15 "$t/play.log")"
fi
check "the facts chose SysV here" grep -q \
    'Enable and start the agent under SysV init' "$t/play.log"
check "the collector answers /healthz" wait_http "$url/healthz" 20
apid=$(cat /var/run/spoolwatch-agent.pid 2>/dev/null)
check "the agent runs" alive "${apid:-0}"
check_eq "the agent runs as spoolwatch" \
    "$(ps -o user= -p "${apid:-0}" 2>/dev/null | tr -d ' ')" spoolwatch
check_eq "the token file is 0640 root:spoolwatch" \
    "$(stat -c '%a %U:%G' /etc/spoolwatch/agent.token 2>/dev/null)" \
    "640 root:spoolwatch"
check "agent.conf names the token file, not the token" sh -c \
    "grep -q '^token_file = /etc/spoolwatch/agent.token' /etc/spoolwatch/agent.conf &&
     ! grep -q '$itok' /etc/spoolwatch/agent.conf"
check "the token never appears in Ansible's output" sh -c \
    "! grep -q '$itok' '$t/play.log'"
got=0
i=0
while [ $i -lt 300 ]; do
	code=$(curl -s -o "$t/host.json" -w '%{http_code}' -m 2 \
	    -H "Authorization: Bearer $rtok" "$url/api/v1/hosts/ansible-package-host")
	[ "$code" = 200 ] && { got=1; break; }
	sleep 0.1
	i=$((i + 1))
done
check_eq "the agent's report reaches the collector" "$got" 1
check "agent.conf has the inventory's spoolwatch_labels" grep -qx \
    'labels = dc=local1, env=ci, role=mail' /etc/spoolwatch/agent.conf
check_eq "the collector has the host's labels from the inventory" \
    "$(jq -c .labels "$t/host.json" 2>/dev/null)" '{"dc":"local1","env":"ci","role":"mail"}'

if play; then ok "playbook run 2"; else not_ok "playbook run 2: $(tail -n 15 "$t/play.log")"; fi
check_eq "run 2 changes nothing (idempotent)" "$(recap changed)" 0
check_eq "run 2 leaves the same agent running" \
    "$(cat /var/run/spoolwatch-agent.pid 2>/dev/null)" "$apid"

write_vars present 3
if play; then ok "playbook run 3 (interval changed)"; else not_ok "playbook run 3: $(tail -n 15 "$t/play.log")"; fi
check "the handler reloaded the agent" grep -q \
    'RUNNING HANDLER \[spoolwatch_agent : Reload spoolwatch-agent under SysV init\]' \
    "$t/play.log"
check_eq "a reload keeps the same process" \
    "$(cat /var/run/spoolwatch-agent.pid 2>/dev/null)" "$apid"
check "the agent applied the new interval (SIGHUP)" sh -c \
    "grep -q 'SIGHUP: configuration reloaded.*interval 3s' /var/log/spoolwatch-agent.log"

write_vars absent 3
if play; then ok "playbook run 4 (state=absent)"; else not_ok "playbook run 4: $(tail -n 15 "$t/play.log")"; fi
check "the agent was stopped" eval "! alive ${apid:-0}"
deploy_snapshot "$t/after"
if cmp -s "$t/before" "$t/after"; then
	ok "state=absent leaves the machine as it was"
else
	not_ok "left behind by state=absent: $(tr '\n' ' ' <"$t/after")"
fi

# --- the binary install method -----------------------------------------------
method=binary
write_vars present 2
if play; then
	ok "binary method: playbook run"
else
	not_ok "binary method: $(grep -E 'fatal|FAILED|ERROR' "$t/play.log" | head -5) $(tail -n 15 "$t/play.log")"
fi
check "binary method: binaries under /usr/local/bin" \
    test -x /usr/local/bin/spoolwatch-agent -a -x /usr/local/bin/spoolwatch-collector
check "binary method: the init script runs /usr/local/bin" grep -q \
    '^BIN=/usr/local/bin/spoolwatch-agent$' /etc/init.d/spoolwatch-agent
check "binary method: the collector answers /healthz" wait_http "$url/healthz" 20
bpid=$(cat /var/run/spoolwatch-agent.pid 2>/dev/null)
check_eq "binary method: the agent runs from /usr/local/bin" \
    "$(readlink "/proc/${bpid:-0}/exe" 2>/dev/null)" /usr/local/bin/spoolwatch-agent
got=0
i=0
while [ $i -lt 300 ]; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 \
	    -H "Authorization: Bearer $rtok" "$url/api/v1/hosts/ansible-binary-host")
	[ "$code" = 200 ] && { got=1; break; }
	sleep 0.1
	i=$((i + 1))
done
check_eq "binary method: the agent's report reaches the collector" "$got" 1
write_vars absent 2
if play; then ok "binary method: state=absent"; else not_ok "binary method: state=absent: $(tail -n 15 "$t/play.log")"; fi
check "binary method: the agent was stopped" eval "! alive ${bpid:-0}"
deploy_snapshot "$t/after"
if cmp -s "$t/before" "$t/after"; then
	ok "binary method: state=absent leaves the machine as it was"
else
	not_ok "left behind by the binary method: $(tr '\n' ' ' <"$t/after")"
fi
