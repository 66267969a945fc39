"""Bad requests of every kind: each gets its 4xx with the error shape, the
error's field names what was wrong, and the database is left exactly as it
was (every table hashed through a read-only connection before and after)."""
import json

import pytest

from conftest import create_listing, landfill, need, supply

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def ctx(server, api):
    """Tokens and sites the cases refer to, made before the first
    fingerprint."""
    c = {role: api.token(role) for role in ("admin", "developer", "municipality", "operator", "hauler")}
    c["listing"] = create_listing(api, c["developer"], supply(title="Mål for feil"),
                                  status="published")
    c["facility"] = api.post("/api/facilities", token=c["operator"], json=landfill(),
                             params={"status": "published"}, expect=201).json()
    return c


def raw(body):
    return {"data": body if isinstance(body, bytes) else body.encode(), "headers": JSON}


L = "/api/listings"
LID = "/api/listings/{listing}"
FID = "/api/facilities/{facility}"

# (name, method, path, token role, request kwargs, status, field)
CASES = [
    # the body as a whole
    ("malformed JSON", "POST", L, "developer", raw('{"type": "supply",'), 400, ""),
    ("not an object", "POST", L, "developer", raw("[1, 2]"), 400, ""),
    ("empty body", "POST", L, "developer", raw(""), 400, ""),
    ("broken UTF-8", "POST", L, "developer",
     raw(json.dumps(supply()).replace("Lade", "L\x00de").encode().replace(b"\\u0000", b"\xc3\x28")),
     400, ""),
    ("lone surrogate", "POST", L, "developer",
     raw(json.dumps(supply(title="ab")).replace("ab", "\\ud800")), 400, ""),
    ("duplicate key", "POST", L, "developer",
     raw('{"type": "supply", "type": "need"}'), 400, ""),
    ("NaN", "POST", L, "developer", raw(json.dumps(supply()).replace("63.44", "NaN")), 400, ""),
    ("huge number", "POST", L, "developer",
     raw(json.dumps(supply()).replace("63.44", "1e400")), 400, ""),
    ("deep nesting", "POST", L, "developer", raw("[" * 100000 + "]" * 100000), 400, ""),
    ("outside Norway", "POST", L, "developer", {"json": supply(lat=59.9, lon=-10.75)}, 400, "lon"),
    ("lat and lon swapped", "POST", L, "developer", {"json": supply(lat=10.45, lon=63.44)},
     400, "lat"),
    # wrong types and values, by field
    ("title a number", "POST", L, "developer", {"json": supply(title=5)}, 400, "title"),
    ("title too long", "POST", L, "developer", {"json": supply(title="å" * 161)}, 400, "title"),
    ("title missing", "POST", L, "developer",
     {"json": {k: v for k, v in supply().items() if k != "title"}}, 400, "title"),
    ("control character in title", "POST", L, "developer", {"json": supply(title="a\x01b")},
     400, "title"),
    ("unknown field", "POST", L, "developer", {"json": supply(gate_fee=1)}, 400, "gate_fee"),
    ("id in body", "POST", L, "developer", {"json": supply(id=7)}, 400, "id"),
    ("name on a listing", "POST", L, "developer", {"json": supply(name="x")}, 400, "name"),
    ("facility type as listing", "POST", L, "developer", {"json": landfill()}, 400, "type"),
    ("unknown type", "POST", L, "developer", {"json": supply(type="mine")}, 400, "type"),
    ("reversed window", "POST", L, "developer",
     {"json": supply(window={"from": "2026-08", "to": "2026-03"})}, 400, "window"),
    ("month 13", "POST", L, "developer",
     {"json": supply(window={"from": "2026-13", "to": "2027-01"})}, 400, "window.from"),
    ("no window", "POST", L, "developer",
     {"json": {k: v for k, v in supply().items() if k != "window"}}, 400, "window"),
    ("negative amount", "POST", L, "developer",
     {"json": supply(amount={"value": -5, "unit": "t"})}, 400, "amount.value"),
    ("amount a string", "POST", L, "developer",
     {"json": supply(amount={"value": "lots", "unit": "t"})}, 400, "amount.value"),
    ("unit m3", "POST", L, "developer",
     {"json": supply(amount={"value": 5, "unit": "m3"})}, 400, "amount.unit"),
    ("unknown material", "POST", L, "developer", {"json": supply(material="rock.blast")},
     400, "material"),
    ("class 1.5", "POST", L, "developer", {"json": supply(**{"class": 1.5})}, 400, "class"),
    ("class 6", "POST", L, "developer", {"json": supply(**{"class": 6})}, 400, "class"),
    ("lab disagrees with class", "POST", L, "developer",
     {"json": supply(lab=[{"substance": "Pb", "value": 80}], **{"class": 1})}, 400, "class"),
    ("lab unknown substance", "POST", L, "developer",
     {"json": supply(lab=[{"substance": "Unobtainium", "value": 1}])}, 400,
     "lab[0].substance"),
    ("lab value above", "POST", L, "developer",
     {"json": supply(lab=[{"substance": "Pb", "value": ">5"}])}, 400, "lab[0].value"),
    ("lab hazardous", "POST", L, "developer",
     {"json": supply(lab=[{"substance": "Pb", "value": 3000}])}, 400, "lab"),
    ("lab twice", "POST", L, "developer",
     {"json": supply(lab=[{"substance": "Pb", "value": 1}, {"substance": "bly", "value": 2}])},
     400, "lab[1].substance"),
    ("negative limit", "POST", L, "developer", {"json": need(limits={"Pb": -1})}, 400,
     "limits.Pb"),
    ("need with negative price", "POST", L, "developer", {"json": need(price_nok_per_t=-1)},
     400, "price_nok_per_t"),
    ("too many keywords", "POST", L, "developer",
     {"json": supply(keywords=[f"k{i}" for i in range(21)])}, 400, "keywords"),
    ("bad accepts", "POST", L, "developer", {"json": need(accepts=["stone.*"])}, 400,
     "accepts[0]"),
    # the request around the body
    ("wrong content type", "POST", L, "developer",
     {"data": json.dumps(supply()), "headers": {"Content-Type": "text/plain"}}, 415,
     "Content-Type"),
    ("no content type", "POST", L, "developer", {"data": json.dumps(supply()).encode()}, 415,
     "Content-Type"),
    ("form content type", "POST", L, "developer", {"data": {"type": "supply"}}, 415,
     "Content-Type"),
    ("unknown query parameter", "POST", L, "developer",
     {"json": supply(), "params": {"publish": "yes"}}, 400, "publish"),
    ("query parameter twice", "POST", L + "?status=draft&status=draft", "developer",
     {"json": supply()}, 400, "status"),
    ("new site closed", "POST", L, "developer", {"json": supply(), "params": {"status": "closed"}},
     400, "status"),
    ("wrong token", "POST", L, None,
     {"json": supply(), "headers": {"Authorization": "Bearer not-a-token"}}, 401,
     "Authorization"),
    ("oversized body", "POST", L, "developer",
     raw(json.dumps(supply(description="x" * (1 << 20)))), 413, "body"),
    ("hauler creates", "POST", L, "hauler", {"json": supply()}, 403, "role"),
    # replacing a listing
    ("put malformed", "PUT", LID, "developer", raw("{"), 400, ""),
    ("put m3", "PUT", LID, "developer", {"json": supply(amount={"value": 5, "unit": "m3"})},
     400, "amount.unit"),
    ("put other type", "PUT", LID, "developer", {"json": need()}, 409, "type"),
    ("put old version", "PUT", LID, "developer",
     {"json": supply(), "headers": {"If-Match": '"0"'}}, 412, "If-Match"),
    ("put garbage version", "PUT", LID, "developer",
     {"json": supply(), "headers": {"If-Match": "abc"}}, 412, "If-Match"),
    ("put unknown query", "PUT", LID, "developer", {"json": supply(), "params": {"x": "1"}},
     400, "x"),
    ("put wrong content type", "PUT", LID, "developer",
     {"data": json.dumps(supply()), "headers": {"Content-Type": "text/json"}}, 415,
     "Content-Type"),
    ("put facility bad capacity", "PUT", FID, "operator",
     {"json": landfill(capacity_per_year={"value": 1, "unit": "m3"})}, 400,
     "capacity_per_year.unit"),
    ("put facility with title", "PUT", FID, "operator", {"json": landfill(title="x")}, 400,
     "title"),
    # status changes
    ("status unknown", "POST", LID + "/status", "developer", {"json": {"status": "gone"}},
     400, "status"),
    ("status a number", "POST", LID + "/status", "developer", {"json": {"status": 1}}, 400,
     "status"),
    ("status missing", "POST", LID + "/status", "developer", {"json": {}}, 400, "status"),
    ("status extra field", "POST", LID + "/status", "developer",
     {"json": {"status": "closed", "why": "x"}}, 400, "why"),
    ("status malformed", "POST", LID + "/status", "developer", raw("{status}"), 400, "body"),
    ("status old version", "POST", LID + "/status", "developer",
     {"json": {"status": "closed"}, "headers": {"If-Match": "999"}}, 412, "If-Match"),
    ("status query", "POST", LID + "/status", "developer",
     {"json": {"status": "closed"}, "params": {"force": "1"}}, 400, "force"),
    # documents
    ("document without name", "POST", LID + "/documents", "developer",
     {"data": b"%PDF-1.4", "headers": {"Content-Type": "application/pdf"}}, 400, "name"),
    ("document name with slash", "POST", LID + "/documents", "developer",
     {"data": b"%PDF-1.4", "params": {"name": "../../etc/passwd"},
      "headers": {"Content-Type": "application/pdf"}}, 400, "name"),
    ("document wrong type", "POST", LID + "/documents", "developer",
     {"data": b"MZ\x90\x00", "params": {"name": "virus.exe"},
      "headers": {"Content-Type": "application/x-msdownload"}}, 415, "Content-Type"),
    ("document empty", "POST", LID + "/documents", "developer",
     {"data": b"", "params": {"name": "tom.pdf"}, "headers": {"Content-Type": "application/pdf"}},
     400, "body"),
    ("document unknown query", "POST", LID + "/documents", "developer",
     {"data": b"%PDF", "params": {"name": "a.pdf", "public": "1"},
      "headers": {"Content-Type": "application/pdf"}}, 400, "public"),
    # sign-in
    ("login malformed", "POST", "/api/auth/login", None, raw('{"email": '), 400, "body"),
    ("login email number", "POST", "/api/auth/login", None,
     {"json": {"email": 5, "password": "x"}}, 400, "email"),
    ("login no password", "POST", "/api/auth/login", None,
     {"json": {"email": "a@b.no"}}, 400, "password"),
    ("login extra field", "POST", "/api/auth/login", None,
     {"json": {"email": "a@b.no", "password": "x", "remember": True}}, 400, "remember"),
    ("login form", "POST", "/api/auth/login", None,
     {"data": {"email": "a@b.no", "password": "x"}}, 415, "Content-Type"),
    # organisations and users
    ("org bad number", "POST", "/api/organisations", "admin",
     {"json": {"name": "X AS", "orgnr": "123"}}, 400, "orgnr"),
    ("org name not string", "POST", "/api/organisations", "admin", {"json": {"name": ["X"]}},
     400, "name"),
    ("user no org", "POST", "/api/users", "admin",
     {"json": {"email": "a@b.no", "name": "A", "role": "developer", "password": "p"}}, 400,
     "org_id"),
    ("user unknown org", "POST", "/api/users", "admin",
     {"json": {"org_id": 99999, "email": "a@b.no", "name": "A", "role": "developer",
               "password": "passord-1234"}}, 400, "org_id"),
    ("user short password", "POST", "/api/users", "admin",
     {"json": {"org_id": 1, "email": "a@b.no", "name": "A", "role": "developer",
               "password": "kort"}}, 400, "password"),
    # plans
    ("plan reversed months", "POST", "/api/plans", "municipality",
     {"json": {"municipalities": ["5001"], "from": "2026-12", "to": "2026-01"}}, 400, "to"),
    ("plan both regions", "POST", "/api/plans", "municipality",
     {"json": {"municipalities": ["5001"], "bbox": [10, 63, 11, 64], "from": "2026-01",
               "to": "2026-12"}}, 400, "municipalities"),
    ("plan no region", "POST", "/api/plans", "municipality",
     {"json": {"from": "2026-01", "to": "2026-12"}}, 400, "municipalities"),
    ("plan bad code", "POST", "/api/plans", "municipality",
     {"json": {"municipalities": ["5001", "50a1"], "from": "2026-01", "to": "2026-12"}}, 400,
     "municipalities[1]"),
    ("plan bad month", "POST", "/api/plans", "municipality",
     {"json": {"municipalities": ["5001"], "from": "2026-13", "to": "2026-12"}}, 400, "from"),
    ("plan too long", "POST", "/api/plans", "municipality",
     {"json": {"municipalities": ["5001"], "from": "2020-01", "to": "2030-12"}}, 400, "to"),
    ("plan bbox outside", "POST", "/api/plans", "municipality",
     {"json": {"bbox": [-10, 40, 0, 50], "from": "2026-01", "to": "2026-12"}}, 400, "bbox"),
    ("plan negative price", "POST", "/api/plans", "municipality",
     {"json": {"municipalities": ["5001"], "from": "2026-01", "to": "2026-12",
               "co2_price_nok_per_t": -1}}, 400, "co2_price_nok_per_t"),
    ("plan unknown field", "POST", "/api/plans", "municipality",
     {"json": {"municipalities": ["5001"], "from": "2026-01", "to": "2026-12", "fast": True}},
     400, "fast"),
    ("plan by developer", "POST", "/api/plans", "developer",
     {"json": {"municipalities": ["5001"], "from": "2026-01", "to": "2026-12"}}, 403, "role"),
    # matches
    ("matches limit 0", "GET", LID + "/matches", "developer", {"params": {"limit": "0"}}, 400,
     "limit"),
    ("matches limit text", "GET", LID + "/matches", "developer", {"params": {"limit": "all"}},
     400, "limit"),
    # routing
    ("delete", "DELETE", LID, "admin", {}, 405, "method"),
    ("patch", "PATCH", LID, "admin", {"json": {"title": "x"}}, 405, "method"),
    ("unknown path", "POST", "/api/listings/new", "developer", {"json": supply()}, 404, "path"),
    ("id zero", "PUT", "/api/listings/0", "developer", {"json": supply()}, 404, "path"),
    ("id text", "POST", "/api/listings/abc/status", "developer", {"json": {"status": "closed"}},
     404, "path"),
]

SEARCHES = [
    ({"bbox": "11,63,10,64"}, "bbox"),
    ({"bbox": "10,63,11"}, "bbox"),
    ({"bbox": "10,63,11,nan"}, "bbox"),
    ({"near": "59.9,-10.7", "radius_km": "10"}, "near"),
    ({"near": "63.4,10.4"}, "radius_km"),
    ({"near": "63.4,10.4", "radius_km": "0"}, "radius_km"),
    ({"radius_km": "5"}, "near"),
    ({"material": "rock.blast"}, "material"),
    ({"max_class": "6"}, "max_class"),
    ({"max_class": "1.5"}, "max_class"),
    ({"from": "2026-13"}, "from"),
    ({"from": "2026-06", "to": "2026-01"}, "to"),
    ({"min_amount_t": "-1"}, "min_amount_t"),
    ({"min_amount_t": "inf"}, "min_amount_t"),
    ({"q": "x" * 201}, "q"),
    ({"org": "abc"}, "org"),
    ({"status": "draft,gone"}, "status"),
    ({"type": "mine"}, "type"),
    ({"type": ","}, "type"),
    ({"page": "0"}, "page"),
    ({"per_page": "501"}, "per_page"),
    ({"per_page": "-1"}, "per_page"),
    ({"format": "xml"}, "format"),
    ({"sort": "price"}, "sort"),
]


def _expand(path, ctx):
    return path.format(listing=ctx["listing"]["id"], facility=ctx["facility"]["id"])


def test_bad_requests_are_refused_and_change_nothing(server, api, ctx):
    before = server.fingerprint()
    failures = []
    for name, method, path, role, kw, status, field in CASES:
        tok = ctx[role] if role else None
        try:
            r = api.call(method, _expand(path, ctx), token=tok, expect=status, field=field,
                         **kw)
            if status == 401 or status >= 400:
                assert r.json()["error"]["problems"], name
        except AssertionError as e:
            failures.append(f"{name}: {e}")
    assert not failures, "\n".join(failures)
    assert server.fingerprint() == before


@pytest.mark.parametrize("base", ["/api/search", "/api/listings", "/api/facilities"])
def test_bad_searches_name_the_parameter(server, api, ctx, base):
    before = server.fingerprint()
    failures = []
    for params, field in SEARCHES:
        try:
            api.get(base, params=params, expect=400, field=field)
        except AssertionError as e:
            failures.append(f"{params}: {e}")
    assert not failures, "\n".join(failures)
    api.get("/api/listings", params={"type": "landfill"}, expect=400, field="type")
    api.get("/api/facilities", params={"type": "supply"}, expect=400, field="type")
    assert server.fingerprint() == before


def test_every_problem_is_listed_at_once(api, ctx):
    body = supply(title="", amount={"value": 5, "unit": "m3"}, material="rock.blast",
                  window={"from": "2026-08", "to": "2026-03"})
    r = api.post("/api/listings", token=ctx["developer"], json=body, expect=400)
    fields = {p["field"] for p in r.json()["error"]["problems"]}
    assert {"title", "amount.unit", "material", "window"} <= fields, fields
    assert r.json()["error"]["field"] == r.json()["error"]["problems"][0]["field"]


def test_refused_put_keeps_the_listing(api, ctx):
    lid = ctx["listing"]["id"]
    before = api.get(f"/api/listings/{lid}", expect=200).json()
    api.put(f"/api/listings/{lid}", token=ctx["developer"],
            json=supply(title="Ny", amount={"value": 1, "unit": "m3"}), expect=400)
    assert api.get(f"/api/listings/{lid}", expect=200).json() == before


def test_oversized_upload_is_413(server, api, ctx):
    before = server.fingerprint()
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    api.post(f"/api/listings/{ctx['listing']['id']}/documents", token=ctx["developer"],
             params={"name": "stor.pdf"}, data=big,
             headers={"Content-Type": "application/pdf"}, expect=413, field="body")
    assert server.fingerprint() == before


def test_long_path_is_refused(api):
    r = api.http.get(api.base + "/api/" + "a" * 600)
    assert r.status_code in (404, 414)
    assert r.json()["error"]["field"] == "path"


STRICT = [
    # (what, path and query as sent, the field the refusal names)
    ("NUL in a path id", "/api/documents/{doc}%00", "path"),
    ("NUL in a listing path", "/api/listings/{listing}%00/matches", "path"),
    ("NUL in a query value", "/api/search?q=a%00b", "q"),
    ("NUL at the end of a value", "/api/listings?type=supply%00", "type"),
    ("line feed in a value", "/api/search?q=stein%0Aleire", "q"),
    ("escape character in a value", "/api/search?q=%1B%5B31m", "q"),
    ("DEL in a value", "/api/search?q=a%7Fb", "q"),
    ("overlong slash", "/api/search?q=%C0%AF", "q"),
    ("overlong NUL", "/api/search?q=%C0%80", "q"),
    ("three-byte overlong", "/api/search?q=%E0%80%AF", "q"),
    ("a UTF-16 surrogate", "/api/search?q=%ED%A0%80", "q"),
    ("a lone continuation byte", "/api/search?q=%80", "q"),
    ("NUL in a parameter's name", "/api/search?q%00x=1", "query"),
    ("NUL in a static path", "/index.html%00.png", "path"),
    ("a C1 control in a value", "/api/search?q=a%C2%85b", "q"),
    ("a right-to-left override in a value", "/api/search?q=%E2%80%AEfdp.exe", "q"),
    ("an isolate in a value", "/api/search?q=a%E2%81%A6b", "q"),
]


def test_nul_control_and_overlong_bytes_are_refused(server, api, ctx):
    """A NUL, control character or non-UTF-8 byte anywhere in the path or a
    query is refused with 400 naming where it was (it used to be cut off:
    /api/documents/1%00 served document 1, ?name=a%00.pdf stored "a")."""
    token = ctx["developer"]
    doc = api.post(f"/api/listings/{ctx['listing']['id']}/documents", token=token,
                   params={"name": "prøve.pdf"}, data=b"%PDF-1.4\n%%EOF\n",
                   headers={"Content-Type": "application/pdf"}, expect=201).json()
    before = server.fingerprint()
    failures = []
    for what, path, field in STRICT:
        url = api.base + path.format(doc=doc["id"], listing=ctx["listing"]["id"])
        r = api.http.get(url, headers={"Authorization": "Bearer " + token})
        try:
            assert r.status_code == 400, r.status_code
            assert r.json()["error"]["field"] == field, r.json()
        except (AssertionError, ValueError) as e:
            failures.append(f"{what}: {e} {r.text[:200]}")
    # A document name with a NUL is refused, not stored cut short.
    r = api.http.post(api.base + f"/api/listings/{ctx['listing']['id']}/documents?name=a%00.pdf",
                      data=b"%PDF-1.4\n%%EOF\n", headers={"Authorization": "Bearer " + token,
                                                         "Content-Type": "application/pdf"})
    if r.status_code != 400 or r.json()["error"]["field"] != "name":
        failures.append(f"document name with NUL: {r.status_code} {r.text[:200]}")
    # A name that reads "exe.pdf" on screen but is "fdp.exe" (U+202E).
    for name in ("%E2%80%AEfdp.exe", "%C2%9B31m.pdf"):
        r = api.http.post(api.base + f"/api/listings/{ctx['listing']['id']}/documents?name={name}",
                          data=b"%PDF-1.4\n%%EOF\n",
                          headers={"Authorization": "Bearer " + token,
                                   "Content-Type": "application/pdf"})
        if r.status_code != 400 or r.json()["error"]["field"] != "name":
            failures.append(f"document name {name}: {r.status_code} {r.text[:200]}")
    r = api.http.post(api.base + "/api/organisations", json={"name": "Ond\u202eAS"},
                      headers={"Authorization": "Bearer " + api.token("admin")})
    if r.status_code != 400 or r.json()["error"]["field"] != "name":
        failures.append(f"organisation name with U+202E: {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures)
    assert server.fingerprint() == before
    # Norwegian letters, escaped or not, are fine.
    api.get("/api/search", params={"q": "bærum"}, expect=200)
    assert api.http.get(api.base + "/api/search?q=b%C3%A6rum").status_code == 200
