#!/bin/sh
# lint.sh - make lint: clang-format and banned calls (curl's checksrc idea).
#
# Usage: sh tests/lint.sh [FILE...]
#
# With no FILE, the C files changed since HEAD~ (committed or not) are
# checked.  Two checks:
#   1. clang-format --dry-run -Werror with the repository's .clang-format;
#   2. in program code (agent/, collector/, common/), no call to sprintf,
#      vsprintf, strcpy, strcat, strtok, atoi, atol, gets or system, and no
#      bare malloc/calloc/realloc/strdup/strndup outside common/xalloc.c
#      (use snprintf, strbuf, strtol/strtoll with checks, and x*alloc).
# Tests may use them.  Every offence is printed as FILE:LINE: why; the
# exit status is 1 if there is any, 0 otherwise.  Not part of make check.
set -u
cd "$(dirname "$0")/.." || exit 2

if [ $# -gt 0 ]; then
	files="$*"
else
	base=HEAD~
	git rev-parse -q --verify "$base" >/dev/null 2>&1 ||
	    base=$(git hash-object -t tree /dev/null)
	files=$( { git diff --name-only "$base" -- '*.c' '*.h';
	    git ls-files --others --exclude-standard -- '*.c' '*.h'; } |
	    sort -u)
fi

bad=0
n=0
if ! command -v clang-format >/dev/null 2>&1; then
	echo "lint: clang-format is not installed, formatting not checked" \
	    "(apt-get install clang-format)" >&2
	bad=1
fi
for f in $files; do
	case $f in *.c|*.h) ;; *) continue ;; esac
	[ -f "$f" ] || continue
	n=$((n + 1))
	if command -v clang-format >/dev/null 2>&1; then
		out=$(clang-format --dry-run -Werror "$f" 2>&1)
		if [ -n "$out" ]; then
			printf '%s\n' "$out" | grep -E '^[^ ].*(warning|error):' |
			    sed 's/: error: code should be clang-formatted.*/: not clang-formatted (run clang-format -i)/' |
			    head -n 5
			bad=$((bad + 1))
		fi
	fi
	case $f in
	agent/*|collector/*|common/*) ;;
	*) continue ;;
	esac
	banned='sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets|system'
	[ "$f" = common/xalloc.c ] ||
	    banned="$banned|malloc|calloc|realloc|strdup|strndup"
	# a call: the name not preceded by an identifier character, '.' or
	# '->', then '('; comment lines and string contents are skipped
	hits=$(sed -e 's/"\([^"\\]\|\\.\)*"/""/g' "$f" |
	    grep -nE "(^|[^A-Za-z0-9_.>])($banned)[[:space:]]*\\(" |
	    grep -vE '^[0-9]+:[[:space:]]*(\*|/\*|//)')
	if [ -n "$hits" ]; then
		printf '%s\n' "$hits" | while IFS= read -r h; do
			ln=${h%%:*}
			call=$(printf '%s\n' "${h#*:}" |
			    grep -oE "(^|[^A-Za-z0-9_.>])($banned)[[:space:]]*\\(" |
			    head -n 1 | sed 's/^[^a-z]*//; s/[[:space:](]*$//')
			echo "$f:$ln: banned call $call()"
		done
		bad=$((bad + 1))
	fi
done
echo "lint: $n files checked, $bad with problems"
[ "$bad" -eq 0 ]
