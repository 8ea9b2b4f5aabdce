#!/bin/sh
# tree_standalone.sh - the tree needs nothing beside it: no file refers to
# the "shared" directory next to the checkout it was written in (relative
# or absolute), and every sample in tests/data/samples is named in
# tests/data/SOURCES.md with its origin.  The search is git grep over the
# tracked and untracked files (grep -r outside a git checkout); it is
# first run on a planted reference, so that it is known to find one.
. "$(dirname "$0")/lib.sh"

top=$SPOOLWATCH_TOP
t=$(e2e_tmp)
# written so that this file does not match itself
pat='\.\./share[d]|/work/share[d]'
up=..

# refs DIR: FILE:LINE:TEXT of every reference under DIR
refs() {
	if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$1" grep --untracked -I -n -E "$pat" -- . \
		    ':!build/' ':!bin/' ':!tests/out/'
	else
		(cd "$1" && grep -rIn -E "$pat" --exclude-dir=.git \
		    --exclude-dir=build --exclude-dir=bin \
		    --exclude-dir=node_modules --exclude-dir=out .)
	fi
}

mkdir -p "$t/plant/tests"
printf 'ok\n' >"$t/plant/clean.txt"
planted="x=\"\$SPOOLWATCH_TOP/$up/shared/samples\""
printf '%s\n' "$planted" >"$t/plant/tests/x.sh"
planted="tests/x.sh:1:$planted"
check_eq "grep -r finds a planted reference to the shared directory" \
    "$(refs "$t/plant" | sed 's|^\./||')" "$planted"
if git -C "$t/plant" init -q 2>/dev/null; then
	check_eq "git grep finds it in an untracked file" \
	    "$(refs "$t/plant")" "$planted"
fi

found=$(refs "$top")
if [ -z "$found" ]; then
	ok "no file in the tree refers to the shared directory beside it"
else
	not_ok "files refer to the shared directory beside the tree:"
	printf '%s\n' "$found" | head -20 | sed 's/^/# /'
fi

# every sample has its origin in SOURCES.md, and SOURCES.md names no
# sample that is not there
src=$top/tests/data/SOURCES.md
check "tests/data/SOURCES.md exists" test -s "$src"
missing=""
for f in $(cd "$top/tests/data/samples" && find . -type f | sed 's|^\./||' |
    sort); do
	grep -qF "\`${f##*/}\`" "$src" || missing="$missing $f"
done
check_eq "every file in tests/data/samples is in SOURCES.md" "$missing" ""
stale=""
# the names in the first column of SOURCES.md's tables
for n in $(awk -F'|' '/^\| `/ { print $2 }' "$src" | grep -o '`[^`]*`' |
    tr -d '`' | grep -v '[/*]'); do
	[ -n "$(find "$top/tests/data" -name "$n" -print -quit)" ] ||
	    stale="$stale $n"
done
check_eq "every file SOURCES.md names is in tests/data" "$stale" ""
exit 0
