#!/bin/sh
# collector_schema.sh - the schema is the contract: a corpus of edge cases
# (numbers written as reals, counts at and past 2^53, string lengths in
# characters against bytes, second 60, calendar dates, UUID case, types)
# is judged by tests/validate-report.py (python3-jsonschema, 2020-12) and
# by the collector over 127.0.0.1; both must give the same verdict, and
# the verdict must be the one the schema's text gives.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector_lib.inc"

T=$(e2e_tmp)
D="$SPOOLWATCH_TOP/tests/data"
VALIDATE="$SPOOLWATCH_TOP/tests/validate-report.py"

check "collector starts" start_collector "$T"

# cases.txt: NAME EXPECTED (valid|invalid); the report in NAME.json
mkdir -p "$T/cases"
python3 - "$D/report-incident.json" "$T/cases" <<'PY'
import copy, json, sys, uuid
base = json.load(open(sys.argv[1]))
out = sys.argv[2]
cases = []

def case(name, want, change):
    r = copy.deepcopy(base)
    r["report_id"] = str(uuid.uuid4())
    change(r)
    with open("%s/%s.json" % (out, name), "w") as f:
        # ensure_ascii off: the characters travel as UTF-8 bytes
        f.write(json.dumps(r, ensure_ascii=False))
    cases.append("%s %s" % (name, want))

def setp(path, value):
    def f(r):
        o = r
        for k in path[:-1]:
            o = o[k]
        o[path[-1]] = value
    return f

M = 2 ** 53
case("as_is", "valid", lambda r: None)
case("interval_real_60.0", "valid",
     lambda r: (setp(["interval_s"], 60.0)(r),
                setp(["host", "name"], "real-interval")(r)))
case("interval_real_60.5", "invalid", setp(["interval_s"], 60.5))
case("interval_string", "invalid", setp(["interval_s"], "60"))
case("interval_0", "invalid", setp(["interval_s"], 0))
case("queued_total_2^53", "valid", setp(["mail", "queued_total"], M))
case("queued_total_2^53+1", "invalid", setp(["mail", "queued_total"], M + 1))
case("queued_total_2^63-1", "invalid",
     setp(["mail", "queued_total"], 2 ** 63 - 1))
case("queued_total_real_1e3", "valid", setp(["mail", "queued_total"], 1e3))
case("entries_negative", "invalid", setp(["spools", 0, "entries"], -1))
case("by_prefix_2^63", "invalid",
     setp(["spools", 0, "by_prefix", "qf"], 2 ** 63 - 1))
case("pid_2^53+1", "invalid", setp(["events", 0, "pid"], M + 1))
case("group_count_0", "invalid", setp(["event_groups", 0, "count"], 0))
case("errno_2^60", "invalid", setp(["events", 0, "errno"], 2 ** 60))
case("uid_2^32", "invalid", setp(["spools", 0, "uid"], 2 ** 32))
case("pct_100.5", "invalid", setp(["filesystems", 0, "inodes_used_pct"], 100.5))
case("host_253_chars_2_bytes", "valid", setp(["host", "name"], "\u00e9" * 253))
case("host_254_chars", "invalid", setp(["host", "name"], "\u00e9" * 254))
case("host_64_chars_4_bytes", "valid", setp(["host", "name"], "\U0001F4EB" * 64))
case("host_empty", "invalid", setp(["host", "name"], ""))
case("subject_4096_chars_3_bytes", "valid",
     setp(["mail", "queued", 0, "subject"], "\u20ac" * 4096))
case("subject_4097_chars", "invalid",
     setp(["mail", "queued", 0, "subject"], "\u20ac" * 4097))
case("message_65536_chars_2_bytes", "valid",
     setp(["events", 0, "message"], "\u00e9" * 65536))
case("by_prefix_key_64_chars", "valid",
     setp(["spools", 0, "by_prefix", "\u00e9" * 64], 1))
case("by_prefix_key_65_chars", "invalid",
     setp(["spools", 0, "by_prefix", "\u00e9" * 65], 1))
case("second_60", "invalid", setp(["collected_at"], "2026-02-15T09:20:60Z"))
case("leap_second_23:59:60", "invalid",
     setp(["collected_at"], "2016-12-31T23:59:60Z"))
case("second_59.999", "valid", setp(["collected_at"], "2026-02-15T09:20:59.999Z"))
case("feb_29_2024", "valid", setp(["collected_at"], "2024-02-29T00:00:00Z"))
case("feb_29_2023", "invalid", setp(["collected_at"], "2023-02-29T00:00:00Z"))
case("hour_24", "invalid", setp(["collected_at"], "2026-02-15T24:00:00Z"))
case("offset_not_utc", "invalid",
     setp(["collected_at"], "2026-02-15T09:20:02+01:00"))
case("lowercase_t_z", "invalid", setp(["collected_at"], "2026-02-15t09:20:02z"))
case("fraction_10_digits", "invalid",
     setp(["collected_at"], "2026-02-15T09:20:02.0123456789Z"))
case("report_id_upper", "valid",
     lambda r: r.__setitem__("report_id", str(uuid.uuid4()).upper()))
case("report_id_not_uuid", "invalid", setp(["report_id"], "not-a-uuid"))
case("mode_8", "invalid", setp(["spools", 0, "mode"], "0778"))
case("role_unknown", "invalid", setp(["spools", 0, "role"], "queue"))
case("cron_unread", "valid",
     setp(["mail", "mailboxes", 0, "cron", 0, "unread"], 3))
case("cron_unread_negative", "invalid",
     setp(["mail", "mailboxes", 0, "cron", 0, "unread"], -1))
case("unknown_field", "valid", setp(["future"], {"x": [1, 2]}))
cause = {"code": "spool.not_writable_by_mta",
         "subject": "/var/spool/clientmqueue"}
case("caused_by", "valid", setp(["findings", 0, "caused_by"], cause))
case("caused_by_no_subject", "invalid",
     setp(["findings", 0, "caused_by"], {"code": "mta.down"}))
case("caused_by_empty_subject", "invalid",
     setp(["findings", 0, "caused_by"], {"code": "mta.down", "subject": ""}))
case("caused_by_subject_4097_chars", "invalid",
     setp(["findings", 0, "caused_by"],
          {"code": "mta.down", "subject": "\u20ac" * 4097}))
case("caused_by_unknown_code", "invalid",
     setp(["findings", 0, "caused_by"], {"code": "mta.up", "subject": "x"}))
case("caused_by_string", "invalid",
     setp(["findings", 0, "caused_by"], "mta.down"))
# host.labels: keys, values and their count at and past the bounds
L = ["host", "labels"]
case("labels", "valid", setp(L, {"env": "prod", "dc": "fra1"}))
case("labels_32", "valid", setp(L, {"k%d" % i: "v" for i in range(32)}))
case("labels_33", "invalid", setp(L, {"k%d" % i: "v" for i in range(33)}))
case("label_key_63", "valid", setp(L, {"k" * 63: "v"}))
case("label_key_64", "invalid", setp(L, {"k" * 64: "v"}))
case("label_key_dunder", "invalid", setp(L, {"__name__": "v"}))
case("label_key_digit", "invalid", setp(L, {"9a": "v"}))
case("label_key_dash", "invalid", setp(L, {"a-b": "v"}))
case("label_key_newline", "invalid", setp(L, {"a\n": "v"}))
case("label_value_128", "valid", setp(L, {"k": "\u00e9" * 128}))
case("label_value_129", "invalid", setp(L, {"k": "\u00e9" * 129}))
case("label_value_empty", "invalid", setp(L, {"k": ""}))
case("label_value_newline", "invalid", setp(L, {"k": "a\n"}))
case("label_value_del", "invalid", setp(L, {"k": "a\u007f"}))
case("label_value_c1", "invalid", setp(L, {"k": "a\u0085"}))
case("label_value_int", "invalid", setp(L, {"k": 1}))
case("labels_array", "invalid", setp(L, ["env=prod"]))
def events(n):
    return lambda r: r.__setitem__("events", [
        {"id": "e%d" % i, "ts": "2026-02-15T09:00:00Z", "kind": "other",
         "message": "", "raw": ""} for i in range(n)])
case("events_10000", "valid", events(10000))
case("events_10001", "invalid", events(10001))
open(out + "/cases.txt", "w").write("\n".join(cases) + "\n")
PY

while read -r name want; do
	f="$T/cases/$name.json"
	if python3 "$VALIDATE" -q "$f" >/dev/null 2>&1; then s=valid; else s=invalid; fi
	code=$(post "$T/r" "$f")
	case $code in
	200) c=valid ;;
	400) c=invalid ;;
	*) c="http-$code" ;;
	esac
	check_eq "$name: schema and collector agree ($want)" "$s $c" "$want $want"
done <"$T/cases/cases.txt"

# an accepted 60.0 is stored as the integer 60, and the leading upper-case
# report id is the same report as its lower-case form
check_eq "interval_s 60.0 stored as 60" \
    "$(get "$T/h" /api/v1/hosts/real-interval) $(jq -r .interval_s "$T/h")" \
    "200 60"
up="$T/cases/report_id_upper.json"
jq '.report_id |= ascii_downcase' "$up" >"$T/lower.json"
check_eq "a report id differing only in case is a duplicate" \
    "$(post "$T/r" "$T/lower.json") $(jq -r .duplicate "$T/r")" "200 true"

stop_collector
check_eq "clean stop" "$STOP_RC" 0
