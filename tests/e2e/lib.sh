# lib.sh - helpers for the end-to-end scripts (sourced, POSIX sh).
#
# Each script: . "$(dirname "$0")/lib.sh", then ok/not_ok/check lines in
# TAP form.  BINDIR (the sanitizer build's binaries) and SPOOLWATCH_TOP
# come from tests/run.sh; run alone, they default to ./bin and the tree.
# DATA is tests/data (files and origins: tests/data/SOURCES.md); nothing a
# test reads lies outside the tree.  e2e_tmp makes a scratch directory
# removed on exit.

: "${SPOOLWATCH_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BINDIR:=$SPOOLWATCH_TOP/bin}"
AGENT="$BINDIR/spoolwatch-agent"
COLLECTOR="$BINDIR/spoolwatch-collector"
DATA="$SPOOLWATCH_TOP/tests/data"
_tap_n=0
_e2e_cleanup=""

ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $*"; }
not_ok() { _tap_n=$((_tap_n + 1)); echo "not ok $_tap_n - $*"; }

# check DESC CMD...: ok if CMD succeeds.
check() {
	_d=$1; shift
	if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}

# check_eq DESC GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}

# jqr FILE FILTER: jq -r on a file.
jqr() { jq -r "$2" "$1"; }

# e2e_tmp: a new scratch directory.  Called as T=$(e2e_tmp), it runs in a
# subshell, so it cannot register anything: every directory it makes lives
# under one base made (and removed on exit) by the script's own shell.
_e2e_base=$(mktemp -d "${TMPDIR:-/tmp}/spoolwatch-e2e.XXXXXX")
_e2e_cleanup="$_e2e_base"
trap 'e2e_atexit' EXIT
trap 'exit 130' INT TERM
e2e_tmp() {
	mktemp -d "$_e2e_base/t.XXXXXX"
}

# at_exit CMD: run CMD when the script ends (e.g. stop a collector).
at_exit() { _e2e_atexit_cmds="${_e2e_atexit_cmds:-}$1;"; }

e2e_atexit() {
	_rc=$?
	eval "${_e2e_atexit_cmds:-}"
	for d in $_e2e_cleanup; do rm -rf "$d"; done
	exit "$_rc"
}

# free_port: an unused TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_http URL [SECONDS]: wait until URL answers (any status).
wait_http() {
	_i=0
	while [ "$_i" -lt "$((${2:-10} * 10))" ]; do
		curl -s -o /dev/null -m 1 "$1" && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# The collector's answers, recorded for tests/api/answers.sh: with
# SPOOLWATCH_RECORD_API=DIR (tests/run.sh sets it) every curl call whose
# URL names a collector registered with api_record HOST:PORT
# (start_collector does it) runs with --trace into DIR/SCRIPT.XXXXXX,
# which holds each request and answer byte for byte (hex).  Nothing else
# changes: the caller's -o, -D, -w and exit status are curl's own.
_api_record=""
api_record() { _api_record="$_api_record $1"; }
if [ -n "${SPOOLWATCH_RECORD_API:-}" ]; then
	mkdir -p "$SPOOLWATCH_RECORD_API"
	curl() {
		_cr_t=""
		for _cr_a in "$@"; do
			for _cr_b in $_api_record; do
				case $_cr_a in
				*://"$_cr_b" | *://"$_cr_b"/* | *://"$_cr_b"\?*)
					_cr_t=1 ;;
				esac
			done
		done
		if [ -z "$_cr_t" ]; then
			command curl "$@"
			return
		fi
		_cr_t=$(mktemp "$SPOOLWATCH_RECORD_API/${0##*/}.XXXXXX")
		command curl --trace "$_cr_t" "$@"
	}
fi
