#!/bin/sh
# schema_examples.sh - the report schema really validates: every example
# in tests/data/ passes, every one in tests/data/invalid/ fails at the path
# listed in expected-paths.txt, and the agent's real output (an empty
# root, and each fake host root of tests/mkroot.sh) passes.
. "$(dirname "$0")/lib.sh"
top=$SPOOLWATCH_TOP
validate="python3 $top/tests/validate-report.py"
tmp=$(e2e_tmp)

# The schema itself is a valid 2020-12 schema (the validator checks it).
check "schema/report.schema.json is a valid JSON Schema 2020-12" \
    sh -c "$validate -q $top/tests/data/report-minimal.json"

for f in "$top"/tests/data/*.json; do
	out=$($validate "$f" 2>&1)
	check_eq "valid example ${f##*/}" "$out" "ok $f"
done

n=0
for f in "$top"/tests/data/invalid/*.json; do
	name=${f##*/}; name=${name%.json}
	want=$(awk -v n="$name" '$1 == n { $1 = ""; sub(/^ /, ""); print }' \
	    "$top/tests/data/invalid/expected-paths.txt")
	out=$($validate "$f" 2>&1); rc=$?
	got=$(printf '%s\n' "$out" | head -n 1 | sed "s|^$f: ||; s|: .*||")
	if [ -z "$want" ]; then
		not_ok "invalid/$name has no line in expected-paths.txt"
	elif [ "$rc" -eq 1 ] && [ "$got" = "$want" ]; then
		ok "invalid/$name rejected at $want"
	else
		not_ok "invalid/$name: rc $rc, first error at '$got', want '$want'"
		printf '%s\n' "$out" | sed 's/^/# /'
	fi
	n=$((n + 1))
done
check "at least 30 invalid examples" [ "$n" -ge 30 ]

# Exit codes: 2 for a missing file or a bad schema.
$validate "$tmp/missing.json" >/dev/null 2>&1
check_eq "a missing file exits 2" "$?" 2
echo '{"type": 5}' >"$tmp/bad-schema.json"
$validate --schema "$tmp/bad-schema.json" "$top/tests/data/report-minimal.json" \
    >/dev/null 2>&1
check_eq "a broken schema exits 2" "$?" 2
# Standard input works, for pipes from the agent.
check "reads a report from standard input" \
    sh -c "$validate -q - <'$top/tests/data/report-healthy.json'"

# The real agent, on an empty root: whatever it cannot read goes to
# errors[], and the report still validates.
mkdir -p "$tmp/empty" "$tmp/state"
if "$AGENT" --once --stdout --root "$tmp/empty" --state-dir "$tmp/state" \
    --hostname e2e-empty >"$tmp/empty.json" 2>"$tmp/empty.err"; then
	ok "agent --once --stdout on an empty root exits 0"
else
	not_ok "agent --once --stdout on an empty root exits 0"
	sed 's/^/# /' "$tmp/empty.err"
fi
out=$($validate "$tmp/empty.json" 2>&1)
check_eq "the agent's report of an empty root validates" "$out" \
    "ok $tmp/empty.json"
[ "$out" = "ok $tmp/empty.json" ] || printf '%s\n' "$out" | sed 's/^/# /'
check_eq "it names the host given" \
    "$(jqr "$tmp/empty.json" .host.name)" e2e-empty

# The real agent on each fake host root.
for kind in incident healthy-sendmail healthy-postfix broken-postfix; do
	root="$tmp/root-$kind"
	if ! sh "$top/tests/mkroot.sh" "$kind" "$root" >"$tmp/mkroot.err" 2>&1
	then
		not_ok "mkroot.sh $kind"
		sed 's/^/# /' "$tmp/mkroot.err"
		continue
	fi
	mkdir -p "$tmp/state-$kind"
	"$AGENT" --once --stdout --root "$root" --state-dir "$tmp/state-$kind" \
	    >"$tmp/$kind.json" 2>"$tmp/$kind.err"
	rc=$?
	check_eq "agent on the $kind root exits 0" "$rc" 0
	[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/$kind.err"
	out=$($validate "$tmp/$kind.json" 2>&1)
	check_eq "the agent's report of the $kind root validates" "$out" \
	    "ok $tmp/$kind.json"
	[ "$out" = "ok $tmp/$kind.json" ] || printf '%s\n' "$out" | sed 's/^/# /'
done
