"""
Shared fixtures of the API tests: a real massebank-server process on a
loopback port with its own temporary database, and a client whose every
response is checked against docs/openapi.json.

Environment (set by the 'api' test in tests/meson.build):
  MB_SERVER       the server binary
  MB_SOURCE_ROOT  the source tree (docs/openapi.json, src/server/routes.c)

A server is stopped with SIGTERM at the end of its module; the fixture
asserts that it exits with status 0 and that its standard error holds no
sanitizer report, so AddressSanitizer, LeakSanitizer and UBSan findings
fail the tests.
"""
import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import tempfile
import time

import jsonschema
import pytest
import requests

SERVER = os.environ.get("MB_SERVER", "")
ROOT = os.environ.get("MB_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
OPENAPI_PATH = os.path.join(ROOT, "docs", "openapi.json")
ROUTES_PATH = os.path.join(ROOT, "src", "server", "routes.c")

DEMO_PASSWORD = "massebank-demo"
DEMO = {
    "admin": "admin@demo.massebank.no",
    "municipality": "kommune@demo.massebank.no",
    "developer": "utbygger@demo.massebank.no",
    "contractor": "entreprenor@demo.massebank.no",
    "hauler": "transport@demo.massebank.no",
    "operator": "deponi@demo.massebank.no",
}
SANITIZER_MARKS = ("AddressSanitizer", "runtime error", "LeakSanitizer")

with open(OPENAPI_PATH, encoding="utf-8") as _f:
    OPENAPI = json.load(_f)


def route_table():
    """(method, pattern) of every route in routes.c, "#" as written there."""
    with open(ROUTES_PATH, encoding="utf-8") as f:
        text = f.read()
    return re.findall(r'\{\s*"([A-Z]+)",\s*"(/api/[^"]*)",\s*mb_api_\w+\s*\}', text)


def _template_regex(template):
    parts = re.split(r"(\{[a-z_]+\})", template)
    # "{code}" is a ticket's base64url capability; every other parameter an id.
    return re.compile("^" + "".join(
        ("[A-Za-z0-9_-]+" if p == "{code}" else "[1-9][0-9]*") if p.startswith("{")
        else re.escape(p) for p in parts) + "$")


_OPS = [(m.upper(), _template_regex(path), path, op)
        for path, item in OPENAPI["paths"].items() for m, op in item.items()]


def find_operation(method, path):
    """The OpenAPI operation of a request, or None for a path no route has."""
    path = path.split("?", 1)[0]
    if len(path) > 5 and path.endswith("/"):
        path = path[:-1]  # the server forgives one trailing slash
    for m, rx, template, op in _OPS:
        if m == method.upper() and rx.match(path):
            return template, op
    return None


def schema_validator(schema):
    """A Draft 2020-12 validator of schema with the document's components
    in reach, so that "#/components/schemas/X" resolves."""
    wrapped = dict(schema)
    wrapped["components"] = OPENAPI["components"]
    return jsonschema.Draft202012Validator(
        wrapped, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def component(name):
    return schema_validator({"$ref": "#/components/schemas/" + name})


def check_response(method, path, resp):
    """Assert that resp is a documented response of the operation, and that
    its JSON body has the documented schema."""
    found = find_operation(method, path)
    ctype = resp.headers.get("Content-Type", "")
    if found is None:
        # No route has this method and path: 404 or 405 with the error shape.
        assert resp.status_code in (404, 405, 413, 414), (method, path, resp.status_code)
        schema = {"$ref": "#/components/schemas/Error"}
    else:
        template, op = found
        responses = op["responses"]
        key = str(resp.status_code)
        assert key in responses, (
            f"{method} {template} answered {resp.status_code}, which the OpenAPI "
            f"document does not list: {resp.text[:300]}")
        spec = responses[key]
        for h in spec.get("headers", {}):
            assert h in resp.headers, f"{method} {template} {key}: no {h} header"
        content = spec.get("content", {})
        media = ctype.split(";")[0].strip()
        if not content:
            return
        assert media in content, (method, template, resp.status_code, ctype)
        schema = content[media]["schema"]
        if "contentMediaType" in schema:
            return  # raw bytes (documents)
    assert ctype.startswith("application/json"), (method, path, resp.status_code, ctype)
    body = resp.json()
    errors = sorted(schema_validator(schema).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, (f"{method} {path} {resp.status_code}: the body does not fit the "
                        f"OpenAPI schema: " + "; ".join(
                            f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5]))
    if resp.status_code >= 400:
        assert body["error"]["status"] == resp.status_code


class Api:
    """HTTP client of one server: call() sends, checks the response against
    the OpenAPI document and, when expect is given, the status."""

    def __init__(self, base):
        self.base = base
        self.http = requests.Session()
        self._tokens = {}

    def call(self, method, path, expect=None, token=None, field=None, **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = "Bearer " + token
        resp = self.http.request(method, self.base + path, headers=headers, timeout=60, **kw)
        check_response(method, resp.request.path_url, resp)
        if expect is not None:
            want = expect if isinstance(expect, (tuple, list, set)) else (expect,)
            assert resp.status_code in want, (
                f"{method} {path}: {resp.status_code}, expected {expect}: {resp.text[:500]}")
        if field is not None:
            assert resp.json()["error"]["field"] == field, (
                f"{method} {path}: error field {resp.json()['error']['field']!r}, expected "
                f"{field!r}: {resp.text[:300]}")
        return resp

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def put(self, path, **kw):
        return self.call("PUT", path, **kw)

    def login(self, email, password=DEMO_PASSWORD):
        r = self.post("/api/auth/login", json={"email": email, "password": password}, expect=200)
        return r.json()["token"]

    def token(self, role):
        """A token of the demo user of this role (signed in once per server)."""
        if role not in self._tokens:
            self._tokens[role] = self.login(DEMO[role])
        return self._tokens[role]

    def me(self, role):
        return self.get("/api/me", token=self.token(role), expect=200).json()


# Tables the server's alert thread writes on its own time, after the
# request that caused it (server/mailer.c): a fingerprint taken around a
# request leaves them out, or an alert for an earlier write would read as
# a change made by the request. test_alerts.py checks them directly.
ASYNC_TABLES = {"alert_cursor", "notification", "alert_pref", "outbox"}


class Server:
    """One massebank-server process on its own database."""

    def __init__(self, workdir, demo=True, db=None, extra=()):
        assert SERVER, "set MB_SERVER to the massebank-server binary"
        self.workdir = workdir
        self.db = db or os.path.join(workdir, "market.db")
        self.log = os.path.join(workdir, "requests.log")
        self.demo = demo
        self.extra = list(extra)
        self.proc = None
        self.runs = 0

    def start(self):
        self.runs += 1
        self.out_path = os.path.join(self.workdir, f"stdout-{self.runs}.txt")
        self.err_path = os.path.join(self.workdir, f"stderr-{self.runs}.txt")
        args = [SERVER, "--db", self.db, "--port", "0", "--log", self.log] + self.extra
        if not self.demo:
            args.append("--no-demo")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        port = None
        while time.monotonic() < deadline:
            with open(self.out_path, encoding="utf-8", errors="replace") as f:
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", f.read())
            if m:
                port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        assert port, f"the server did not start: {self.stderr()}"
        self.port = port
        self.api = Api(f"http://127.0.0.1:{port}")
        return self

    def stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def check_stderr(self):
        text = self.stderr()
        for mark in SANITIZER_MARKS:
            assert mark not in text, f"sanitizer report from the server:\n{text[-6000:]}"

    def stop(self):
        """SIGTERM; asserts a clean exit and no sanitizer report."""
        if not self.proc:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the server did not stop within 60 s of SIGTERM")
        self.proc = None
        self.check_stderr()
        assert rc == 0, f"the server exited with {rc}: {self.stderr()[-3000:]}"

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None
        self.check_stderr()

    def fingerprint(self):
        """A hash per table of the committed database, read through a
        read-only connection (the server uses WAL; a reader sees every
        committed transaction)."""
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                if r[0] not in ASYNC_TABLES]
            out = {}
            for t in tables:
                rows = con.execute(f'SELECT * FROM "{t}"').fetchall()
                h = hashlib.sha256()
                for row in sorted(repr(r) for r in rows):
                    h.update(row.encode("utf-8", "surrogatepass"))
                out[t] = (len(rows), h.hexdigest())
            return out
        finally:
            con.close()


@pytest.fixture(scope="module")
def server():
    """The demo server of this module."""
    with tempfile.TemporaryDirectory(prefix="mb-api-") as d:
        s = Server(d, demo=True).start()
        try:
            yield s
        finally:
            s.stop()


@pytest.fixture(scope="module")
def api(server):
    return server.api


@pytest.fixture
def fresh_server():
    """A demo server of its own, for tests that need isolation."""
    servers = []

    def make(**kw):
        d = tempfile.mkdtemp(prefix="mb-api-")
        s = Server(d, **kw).start()
        servers.append((s, d))
        return s

    yield make
    for s, d in servers:
        if s.proc:
            s.stop()
        subprocess.run(["rm", "-rf", d], check=False)


# ---- bodies ---------------------------------------------------------------

def supply(**over):
    b = {"type": "supply", "title": "Sprengstein fra Lade", "lat": 63.44, "lon": 10.45,
         "material": "rock.blasted", "class": 1, "amount": {"value": 1000, "unit": "t"},
         "window": {"from": "2026-03", "to": "2026-08"}, "keywords": ["testmasse"]}
    b.update(over)
    return b


def need(**over):
    b = {"type": "need", "title": "Veg Heimdal", "lat": 63.35, "lon": 10.36,
         "material": "rock.blasted", "max_class": 2, "amount": {"value": 500, "unit": "t"},
         "window": {"from": "2026-04", "to": "2026-09"}}
    b.update(over)
    return b


def landfill(**over):
    b = {"type": "landfill", "name": "Testdeponi", "lat": 63.40, "lon": 10.40,
         "accepts": ["rock.*", "soil.*"], "max_class": 2,
         "capacity_per_year": {"value": 50000, "unit": "t"}, "gate_fee_nok_per_t": 120}
    b.update(over)
    return b


def create_listing(api, token, body, status="draft"):
    r = api.post("/api/listings", token=token, json=body, params={"status": status}, expect=201)
    assert r.headers["Location"] == f"/api/listings/{r.json()['id']}"
    return r.json()


def create_facility(api, token, body, status="published"):
    r = api.post("/api/facilities", token=token, json=body, params={"status": status},
                 expect=201)
    assert r.headers["Location"] == f"/api/facilities/{r.json()['id']}"
    return r.json()
