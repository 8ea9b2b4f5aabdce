#!/bin/sh
# run.sh - run every test of make check and count them.
#
# Usage: tests/run.sh BINDIR UNITDIR FUZZDIR
#
# Every test program speaks TAP: "ok N - name" / "not ok N - name" lines
# (cmocka with CMOCKA_MESSAGE_OUTPUT=TAP; the e2e scripts through
# tests/e2e/lib.sh).  A program that exits non-zero without reporting a
# failure counts as one failure, so a crash is never a pass.  The last
# line is "N passed, N failed"; the exit status is 1 if anything failed.
#
# TESTS=pattern runs only the tests whose file name matches.
set -u
BINDIR=$1 UNITDIR=$2 FUZZDIR=$3
top=$(cd "$(dirname "$0")/.." && pwd)
# Logs and screenshots: tests/out for the default build, else per BUILD so
# that parallel runs in one tree do not overwrite each other's logs.
case ${BUILD:-build} in
build) out=${TEST_OUT:-$top/tests/out} ;;
*) out=${TEST_OUT:-$top/${BUILD}/test-out} ;;
esac
mkdir -p "$out"
BINDIR=$(cd "$BINDIR" && pwd)
export BINDIR SPOOLWATCH_TOP="$top" TEST_OUT="$out"
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pattern=${TESTS:-}
passed=0 failed=0
failures=""

# run_one NAME CMD...: run, tee the log, count the TAP lines.
run_one() {
	name=$1; shift
	case $name in *"$pattern"*) ;; *) return ;; esac
	log="$out/$(echo "$name" | tr '/ ' '__').log"
	start=$(date +%s)
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name ran no test" >>"$log"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-44s %4d passed %3d failed %4ds\n' "$name" "$p" "$f" \
	    $(($(date +%s) - start))
	if [ "$f" -gt 0 ]; then
		failures="$failures $name"
		grep '^not ok' "$log" | head -20 | sed 's/^/    /'
		tail -n 30 "$log" | sed 's/^/    | /'
	fi
}

echo "== unit tests"
for t in "$UNITDIR"/test_*; do
	[ -x "$t" ] || continue
	run_one "unit/${t##*/}" "$t"
done

echo "== fuzz targets (corpus replay, then ${FUZZ_SECONDS:-10} s each)"
for t in "$FUZZDIR"/fuzz_*; do
	[ -x "$t" ] || continue
	run_one "fuzz/${t##*/}" sh "$top/tests/fuzz/run-one.sh" "$t"
done

echo "== end-to-end tests"
for t in "$top"/tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	case ${t##*/} in lib.sh) continue ;; esac
	run_one "e2e/${t##*/}" sh "$t"
done

# The collector's scripts again with PostgreSQL as the store (db_lib.inc),
# each with its own server, named pg:e2e/NAME.  Not the SQLite-only ones:
# collector_crash.sh reads the SQLite file (pg_faults.sh is its
# counterpart), collector_migrate.sh runs SQLite's migration steps.
echo "== end-to-end tests on PostgreSQL"
for t in "$top"/tests/e2e/collector_*.sh "$top"/tests/e2e/notify_*.sh \
    "$top"/tests/e2e/dashboard_*.sh "$top"/tests/e2e/delivery_collector.sh; do
	[ -f "$t" ] || continue
	case ${t##*/} in collector_crash.sh | collector_migrate.sh) continue ;; esac
	run_one "pg:e2e/${t##*/}" env SPOOLWATCH_TEST_DB=pg sh "$t"
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
