#!/bin/sh
# run-one.sh FUZZER - replay the seed corpus as a regression test, then
# fuzz for FUZZ_SECONDS (default 10) seconds.  Prints TAP.
set -u
f=$1
n=${f##*/}
top=$(cd "$(dirname "$0")/../.." && pwd)
seeds="$top/tests/fuzz/corpus/$n"
work="${TEST_OUT:-/tmp}/fuzz-corpus/$n"
mkdir -p "$work"
if [ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ]; then
	if "$f" -runs=0 "$seeds" >"$work.replay.log" 2>&1; then
		echo "ok 1 - $n replays its seed corpus"
	else
		echo "not ok 1 - $n replays its seed corpus"
		tail -n 40 "$work.replay.log"
	fi
else
	echo "not ok 1 - $n has no seed corpus in tests/fuzz/corpus/$n"
fi
if "$f" -max_total_time="${FUZZ_SECONDS:-10}" -rss_limit_mb=1024 \
    -timeout=10 -artifact_prefix="$work/" "$work" ${seeds:+"$seeds"} \
    >"$work.fuzz.log" 2>&1; then
	echo "ok 2 - $n fuzzed for ${FUZZ_SECONDS:-10} s"
else
	echo "not ok 2 - $n found a crash (see $work)"
	tail -n 60 "$work.fuzz.log"
fi
