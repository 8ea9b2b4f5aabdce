#!/bin/sh
# demo.sh BINDIR - the main job, end to end (filled in by the collector
# issue): for now it shows the two binaries.
set -eu
BINDIR=$1
"$BINDIR/spoolwatch-agent" --version
"$BINDIR/spoolwatch-collector" --version
"$BINDIR/spoolwatch-agent" --help
"$BINDIR/spoolwatch-collector" --help
