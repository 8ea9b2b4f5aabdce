#!/usr/bin/env python3
"""check_answers.py - hold the collector's real answers to its description.

Usage: tests/api/check_answers.py [--doc FILE] [--self-test] [--own DIR2] DIR

DIR holds curl --trace files (tests/e2e/lib.sh writes one per curl call
to a collector when SPOOLWATCH_RECORD_API is set).  First the
description (schema/openapi.json) is checked: against the OpenAPI 3.1
meta-schema (tests/data/openapi/), every schema in it as a 2020-12
schema, every $ref resolvable (the report by its $id, from
schema/report.schema.json).  Then every recorded answer: its path
matches a path template (else it must be the described 404 or 414), its
method is an operation of that path (else the described 405, with Allow
naming exactly the path's methods), its status is one the operation
lists, its Content-Type one the response lists, its required headers
present and valid, its body valid against the response's schema
(formats checked: date-time, uuid); a 2xx answer's described query arguments
must have valid values (others are ignored by the collector, as the
description says).

Prints TAP lines (numbered after --tap-start N, no plan): one line for the description, one per (method, path
template, status) with the number of answers, and "not ok" lines with
the first failures.  Exits 0 when everything holds, 1 when something
does not or when DIR holds no answer, 2 when a file cannot be read.
--self-test also checks that made-up answers that break the description
(an undescribed field, an undocumented status, a wrong content type) are
refused, so the check is known to be able to fail.
"""
import argparse
import importlib.util
import json
import os
import re
import sys
import urllib.parse
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover - deps.sh installs it
    sys.stderr.write("check_answers.py: python3-jsonschema is missing\n")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
DOC = os.path.join(TOP, "schema", "openapi.json")
REPORT = os.path.join(TOP, "schema", "report.schema.json")
META = os.path.join(TOP, "tests", "data", "openapi",
                    "oas-3.1-schema-2022-10-07.json")
BASE = "https://spoolwatch.invalid/schema/openapi.json"
METHODS = ("get", "head", "post", "put", "delete", "patch", "options",
           "trace")


def load_format_checker():
    """The date-time and uuid checks of tests/validate-report.py."""
    path = os.path.join(TOP, "tests", "validate-report.py")
    spec = importlib.util.spec_from_file_location("validate_report", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.checker


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def pointer(*parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1")
                          for p in parts)


class Description:
    """The document, its resolver and a validator for any part of it."""

    def __init__(self, doc, report, meta, checker):
        self.doc = doc
        self.checker = checker
        self.store = {BASE: doc, report["$id"]: report, meta["$id"]: meta}
        self.meta = meta
        self.templates = []
        for t in doc.get("paths", {}):
            rx = "^" + re.sub(r"\\\{[^/]+?\\\}", "([^/]+)",
                              re.escape(t)) + "$"
            names = re.findall(r"\{([^/]+?)\}", t)
            # literal paths before templated ones
            self.templates.append((t.count("{"), t, re.compile(rx), names))
        self.templates.sort()

    def validator(self, ptr):
        resolver = jsonschema.RefResolver(BASE, self.doc, store=self.store)
        return Draft202012Validator({"$ref": BASE + "#" + ptr},
                                    resolver=resolver,
                                    format_checker=self.checker)

    def errors(self, ptr, value):
        v = self.validator(ptr)
        return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or
                            "(body)", e.message[:200])
                for e in v.iter_errors(value)]

    def deref(self, obj, ptr):
        """Follow a $ref within the document: (object, its pointer)."""
        seen = 0
        while isinstance(obj, dict) and "$ref" in obj and seen < 16:
            ref = obj["$ref"]
            if not ref.startswith("#/"):
                raise ValueError("%s: $ref %s is not local" % (ptr, ref))
            ptr = ref[1:]
            obj = self.resolve(ptr)
            seen += 1
        return obj, ptr

    def resolve(self, ptr):
        obj = self.doc
        for part in ptr.split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            obj = obj[int(part)] if isinstance(obj, list) else obj[part]
        return obj

    def match(self, path):
        for _, t, rx, names in self.templates:
            m = rx.match(path)
            if m:
                return t, dict(zip(names, (urllib.parse.unquote(g)
                                            for g in m.groups())))
        return None, None


# --- the description itself ------------------------------------------------

def walk(obj, ptr=""):
    if isinstance(obj, dict):
        yield obj, ptr
        for k, v in obj.items():
            yield from walk(v, ptr + pointer(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from walk(v, ptr + pointer(i))


def schema_pointers(d):
    """Every place of the document that holds a JSON Schema."""
    doc = d.doc
    for name in doc.get("components", {}).get("schemas", {}):
        yield pointer("components", "schemas", name)
    for obj, ptr in walk(doc):
        if ptr.startswith("/components/schemas"):
            continue
        if "schema" in obj and isinstance(obj["schema"], (dict, bool)) and (
                "content" in ptr or "in" in obj or "/headers/" in ptr):
            yield ptr + "/schema"


def check_description(d):
    errs = []
    resolver = jsonschema.RefResolver(d.meta["$id"], d.meta, store=d.store)
    for e in Draft202012Validator(d.meta, resolver=resolver).iter_errors(
            d.doc):
        errs.append("meta-schema: %s: %s" % (
            "/".join(str(p) for p in e.absolute_path), e.message[:200]))
    for ptr in schema_pointers(d):
        try:
            Draft202012Validator.check_schema(d.resolve(ptr))
        except jsonschema.SchemaError as e:
            errs.append("%s: not a 2020-12 schema: %s" % (ptr, e.message))
    for obj, ptr in walk(d.doc):
        ref = obj.get("$ref")
        if not isinstance(ref, str):
            continue
        try:
            d.validator(ptr).resolver.resolve(
                ref if not ref.startswith("#") else BASE + ref)
        except Exception as e:  # noqa: BLE001 - any failure to resolve
            errs.append("%s: $ref %s does not resolve: %s" % (ptr, ref, e))
    for t, item in d.doc.get("paths", {}).items():
        if "get" in item and "head" not in item:
            errs.append("%s: GET without HEAD (the collector answers "
                        "HEAD for every GET)" % t)
    return errs


# --- curl --trace files ----------------------------------------------------

SECTION = re.compile(r"^(=>|<=) (Send|Recv) (header|data|SSL data), "
                     r"(\d+) bytes")


def read_trace(path):
    """The exchanges of one curl --trace file: dicts of method, target,
    status, headers (lower-case names), body (bytes)."""
    with open(path, encoding="latin-1") as f:
        lines = f.read().split("\n")
    chunks, cur = [], None
    for line in lines:
        m = SECTION.match(line)
        if m:
            cur = [m.group(2) + " " + m.group(3), int(m.group(4)),
                   bytearray()]
            chunks.append(cur)
        elif line.startswith("== Info:"):
            cur = None
        elif cur is not None and re.match(r"^[0-9a-f]{4,}: ", line):
            hexpart = line.split(": ", 1)[1][:48]
            for tok in hexpart.split():
                if len(cur[2]) < cur[1]:
                    cur[2].append(int(tok, 16))
    exchanges, ex = [], None
    for kind, _, data in chunks:
        if kind == "Send header":
            head = bytes(data).decode("latin-1").split("\r\n")
            parts = head[0].split(" ")
            ex = {"method": parts[0], "target": parts[1] if len(parts) > 1
                  else "", "status": None, "headers": {},
                  "body": bytearray(), "file": os.path.basename(path)}
            exchanges.append(ex)
        elif ex is None:
            continue
        elif kind == "Recv header":
            text = bytes(data).decode("latin-1").rstrip("\r\n")
            m = re.match(r"^HTTP/\d(\.\d)? (\d{3})", text)
            if m:
                ex["status"] = int(m.group(2))
                ex["headers"] = {}
            elif ":" in text:
                k, v = text.split(":", 1)
                ex["headers"][k.strip().lower()] = v.strip()
        elif kind == "Recv data":
            ex["body"] += data
    return [e for e in exchanges if e["status"] is not None and
            e["status"] >= 200]


# --- one answer against the description -----------------------------------

def coerce(value, schema):
    """A query argument's text as the type its schema names."""
    t = schema.get("type") if isinstance(schema, dict) else None
    if t == "integer":
        try:
            return int(value, 10)
        except ValueError:
            return value
    return value


def media_match(ctype, content):
    """The content key that answers Content-Type ctype, or None."""
    if ctype is None:
        return None
    norm = ";".join(p.strip() for p in ctype.split(";"))
    for k in content:
        if ";".join(p.strip() for p in k.split(";")).lower() == norm.lower():
            return k
    essence = norm.split(";")[0].lower()
    for k in content:
        if k.lower() == essence:
            return k
    return None


def check_response(d, ex, rptr, rsp):
    errs = []
    rsp, rptr = d.deref(rsp, rptr)
    for name, h in rsp.get("headers", {}).items():
        h, hptr = d.deref(h, rptr + pointer("headers", name))
        got = ex["headers"].get(name.lower())
        if got is None:
            if h.get("required"):
                errs.append("header %s missing" % name)
            continue
        errs += ["header %s: %s" % (name, e)
                 for e in d.errors(hptr + "/schema", got)]
    content = rsp.get("content")
    ctype = ex["headers"].get("content-type")
    if not content:
        if ex["body"] and ex["method"] != "HEAD":
            errs.append("a body where none is described")
        return errs
    key = media_match(ctype, content)
    if key is None:
        return errs + ["Content-Type %r not among %s" % (ctype,
                                                        sorted(content))]
    if ex["method"] == "HEAD" or "schema" not in content[key]:
        return errs
    sptr = rptr + pointer("content", key, "schema")
    body = bytes(ex["body"])
    if key.split(";")[0].strip() == "application/json":
        try:
            value = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            return errs + ["body is not JSON: %s" % e]
    else:
        try:
            value = body.decode("utf-8")
        except UnicodeDecodeError:
            return errs + ["body is not UTF-8"]
    return errs + d.errors(sptr, value)


def check_params(d, ex, optr, op, item_params, path_args, query):
    errs = []
    params = {}
    for i, p in enumerate(item_params + op.get("parameters", [])):
        p, pptr = d.deref(p, optr + pointer("parameters", i))
        params[(p["in"], p["name"])] = (p, pptr)
    for (where, name), (p, pptr) in params.items():
        if where == "path" and name in path_args:
            errs += ["path %s: %s" % (name, e) for e in
                     d.errors(pptr + "/schema",
                              coerce(path_args[name], p["schema"]))]
    values = {}
    for name, value in query:
        values.setdefault(name, []).append(value)
    for name, vs in values.items():
        if ("query", name) not in params:
            continue  # the collector ignores it, as the description says
        p, pptr = params[("query", name)]
        schema = p["schema"]
        if schema.get("$ref", "").startswith("#/"):
            schema, _ = d.deref(schema, pptr + "/schema")
        if schema.get("type") == "array":  # form, explode: repeated
            vs = [v for v in vs if v != ""]
            errs += ["query %s=%s: %s" % (name, vs, e) for e in
                     d.errors(pptr + "/schema", vs)]
            continue
        for value in vs:
            if value == "":
                continue  # the collector takes an empty argument as absent
            errs += ["query %s=%s: %s" % (name, value, e) for e in
                     d.errors(pptr + "/schema", coerce(value, schema))]
    return errs


def check_answer(d, ex):
    """(key for the summary, [errors]) of one exchange."""
    split = urllib.parse.urlsplit(ex["target"])
    path, status = split.path, ex["status"]
    query = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
    comps = d.doc["components"]["responses"]
    if status == 414:
        return ("* * 414", check_response(
            d, ex, "/components/responses/UriTooLong", comps["UriTooLong"]))
    t, path_args = d.match(path)
    if t is None:
        key = "%s (no described path) %d" % (ex["method"], status)
        if status != 404:
            return key, ["%s: not a described path, answered %d, not 404"
                         % (path, status)]
        return key, check_response(d, ex, "/components/responses/NotFound",
                                   comps["NotFound"])
    item = d.doc["paths"][t]
    iptr = pointer("paths", t)
    m = ex["method"].lower()
    if m not in item:
        key = "%s %s %d" % (ex["method"], t, status)
        if status != 405:
            return key, ["%s is not an operation of %s, answered %d, not "
                         "405" % (ex["method"], t, status)]
        errs = check_response(d, ex, "/components/responses/"
                              "MethodNotAllowed", comps["MethodNotAllowed"])
        allow = {a.strip() for a in ex["headers"].get("allow", "").split(",")}
        want = {k.upper() for k in item if k in METHODS}
        if allow != want:
            errs.append("Allow %s, the description has %s" % (
                sorted(allow), sorted(want)))
        return key, errs
    op = item[m]
    optr = iptr + pointer(m)
    key = "%s %s %d" % (ex["method"], t, status)
    rsp = op["responses"].get(str(status)) or op["responses"].get(
        "%dXX" % (status // 100)) or op["responses"].get("default")
    if rsp is None:
        return key, ["status %d is not described (%s)" % (
            status, ", ".join(sorted(op["responses"])))]
    rkey = next(k for k in (str(status), "%dXX" % (status // 100),
                            "default") if k in op["responses"])
    errs = check_response(d, ex, optr + pointer("responses", rkey), rsp)
    if 200 <= status < 300:
        errs += check_params(d, ex, optr, op, item.get("parameters", []),
                             path_args, query)
    return key, errs


# --- the run ---------------------------------------------------------------

def self_test(d):
    """Answers that break the description must be refused."""
    def ex(method, target, status, ctype, body):
        return {"method": method, "target": target, "status": status,
                "headers": {"content-type": ctype},
                "body": bytearray(body.encode()), "file": "self-test"}
    health = '{"status":"ok","queue_depth":0}'
    bad = [
        ex("GET", "/healthz", 200, "application/json",
           '{"status":"ok","queue_depth":0,"new_field":1}'),
        ex("GET", "/healthz", 418, "application/json", health),
        ex("GET", "/healthz", 200, "text/html", health),
        ex("GET", "/api/v1/hosts?stale=maybe", 200, "application/json",
           '{"items":[],"next_cursor":null}'),
        ex("GET", "/api/v1/hosts?limit=0", 200, "application/json",
           '{"items":[],"next_cursor":null}'),
        ex("GET", "/no/such/path", 200, "application/json", health),
        ex("DELETE", "/healthz", 405, "application/json",
           '{"error":{"code":"method_not_allowed","message":"x"}}'),
    ]
    good = ex("GET", "/healthz", 200, "application/json", health)
    fails = [b["target"] for b in bad if not check_answer(d, b)[1]]
    if check_answer(d, good)[1]:
        fails.append("the good answer was refused: %s" %
                     check_answer(d, good)[1])
    return fails


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--doc", default=DOC)
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--tap-start", type=int, default=0,
                    help="TAP lines already printed by the caller")
    ap.add_argument("--own", help="answers of the caller's own requests: "
                    "checked too, not counted as recorded by the suite")
    ap.add_argument("dir")
    a = ap.parse_args(argv[1:])
    try:
        d = Description(load(a.doc), load(REPORT), load(META),
                        load_format_checker())
    except (OSError, ValueError) as e:
        print("not ok 1 - the description loads: %s" % e)
        return 2
    n = a.tap_start
    rc = 0

    def tap(good, text, details=()):
        nonlocal n, rc
        n += 1
        print("%s %d - %s" % ("ok" if good else "not ok", n, text))
        for line in list(details)[:10]:
            print("#   %s" % line)
        if not good:
            rc = 1

    errs = check_description(d)
    tap(not errs, "%s is an OpenAPI 3.1 document, its schemas 2020-12, its "
        "$refs resolvable" % os.path.relpath(a.doc, TOP), errs)
    if a.self_test:
        fails = self_test(d)
        tap(not fails, "answers that break the description are refused",
            ["accepted: %s" % f for f in fails])
    answers, own = [], []
    try:
        names = sorted(os.listdir(a.dir))
        for name in names:
            answers += read_trace(os.path.join(a.dir, name))
        for name in sorted(os.listdir(a.own)) if a.own else []:
            own += read_trace(os.path.join(a.own, name))
    except OSError as e:
        tap(False, "the recorded answers can be read: %s" % e)
        return 2
    tap(len(answers) > 0, "the e2e scripts' answers were recorded (%d in "
        "%d curl calls)" % (len(answers), len(names)))
    answers += own
    groups = {}
    for ex in answers:
        key, errs = check_answer(d, ex)
        g = groups.setdefault(key, [0, []])
        g[0] += 1
        g[1] += ["%s %s (%s): %s" % (ex["method"], ex["target"][:120],
                                     ex["file"], e) for e in errs]
    for key in sorted(groups):
        count, errs = groups[key]
        tap(not errs, "%s: %d answer%s as described" % (
            key, count, "" if count == 1 else "s"), errs)
    seen = {" ".join(k.split(" ")[:2]) for k in groups}
    unseen = ["%s %s" % (m.upper(), t) for t, item in d.doc["paths"].items()
              for m in item if m in METHODS and
              "%s %s" % (m.upper(), t) not in seen]
    if unseen:
        print("# operations no recorded answer reached: %s" %
              ", ".join(unseen))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
