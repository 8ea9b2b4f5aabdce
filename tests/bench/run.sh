#!/bin/sh
# run.sh BINDIR - run every benchmark (tests/bench/bench_*.sh) in turn.
# Benchmarks print their figures next to the reference tools named in the
# issues; they measure, they do not pass or fail.
set -u
BINDIR=$(cd "$1" && pwd)
export BINDIR SPOOLWATCH_TOP=$(cd "$(dirname "$0")/../.." && pwd)
export BENCH_TMP=${BENCH_TMP:-/tmp/spoolwatch-bench}
mkdir -p "$BENCH_TMP"
for b in "$SPOOLWATCH_TOP"/tests/bench/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "=== ${b##*/}"
	sh "$b" || echo "(${b##*/} exited with $?)"
done
