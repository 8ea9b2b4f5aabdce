#!/usr/bin/env python3
"""validate-report.py - check spoolwatch reports against the JSON Schema.

Usage: tests/validate-report.py [--schema FILE] [-q] FILE...   ("-": stdin)

Each FILE must hold one report (JSON).  It is checked with the 2020-12
validator of python3-jsonschema and with format checking on: "date-time"
is checked here (RFC 3339, real calendar dates, leap years, second 60,
offsets), not left to optional packages, and so is "uuid".  Prints
"ok FILE" or every error as "FILE: PATH: message"; exits 0 when every
file is valid, 1 when one is not, 2 on usage errors or unreadable files.
"""
import datetime
import json
import os
import re
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:  # pragma: no cover - deps.sh installs it
    sys.stderr.write("validate-report.py: python3-jsonschema is missing "
                     "(apt-get install python3-jsonschema)\n")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "schema", "report.schema.json")

RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"([Zz]|[+-](\d{2}):(\d{2}))$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

checker = FormatChecker(formats=())


@checker.checks("date-time", raises=ValueError)
def is_date_time(value):
    if not isinstance(value, str):
        return True
    m = RFC3339.match(value)
    if not m:
        raise ValueError("not RFC 3339")
    y, mo, d, h, mi, s = (int(m.group(i)) for i in range(1, 7))
    # datetime checks month lengths and leap years; second 60 is a leap
    # second, allowed by RFC 3339 and checked as :59.
    datetime.datetime(y, mo, d, h, mi, 59 if s == 60 else s)
    if s > 60:
        raise ValueError("second out of range")
    if m.group(9) is not None:
        if int(m.group(9)) > 23 or int(m.group(10)) > 59:
            raise ValueError("offset out of range")
    return True


@checker.checks("uuid")
def is_uuid(value):
    return not isinstance(value, str) or bool(UUID.match(value))


def path_of(err):
    parts = []
    for p in err.absolute_path:
        if isinstance(p, int):
            parts.append("[%d]" % p)
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts) or "(top)"


def main(argv):
    args = argv[1:]
    schema_path = DEFAULT_SCHEMA
    quiet = False
    while args and args[0].startswith("-") and args[0] != "-":
        if args[0] == "--schema" and len(args) > 1:
            schema_path = args[1]
            args = args[2:]
        elif args[0] == "-q":
            quiet = True
            args = args[1:]
        else:
            sys.stderr.write(__doc__)
            return 2
    if not args:
        sys.stderr.write(__doc__)
        return 2
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        sys.stderr.write("%s: bad schema: %s\n" % (schema_path, e))
        return 2
    v = Draft202012Validator(schema, format_checker=checker)
    rc = 0
    for name in args:
        try:
            if name == "-":
                doc = json.load(sys.stdin)
            else:
                with open(name, encoding="utf-8") as f:
                    doc = json.load(f)
        except OSError as e:
            print("%s: cannot read: %s" % (name, e))
            rc = max(rc, 2)
            continue
        except ValueError as e:
            print("%s: not JSON: %s" % (name, e))
            rc = max(rc, 1)
            continue
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            print("%s: %s: %s" % (name, path_of(e), e.message[:300]))
        if errors:
            rc = max(rc, 1)
        elif not quiet:
            print("ok %s" % name)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
