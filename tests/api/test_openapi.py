"""The OpenAPI document: served, valid, complete; the routing errors; the
public meta routes; headers every reply carries."""
import json
import os
import re
import time

import jsonschema
import pytest

from conftest import OPENAPI, check_response, component, route_table


def test_document_is_served_as_built(api):
    r = api.get("/api/openapi.json", expect=200)
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json() == OPENAPI
    assert r.json()["openapi"] == "3.1.0"


def test_every_component_schema_is_valid_2020_12():
    for name, schema in OPENAPI["components"]["schemas"].items():
        jsonschema.Draft202012Validator.check_schema(schema)
    # Every $ref points at something that exists.
    text = json.dumps(OPENAPI)
    import re
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text)):
        assert ref in OPENAPI["components"]["schemas"], ref


def test_every_route_is_documented_and_nothing_else():
    routes = {(m, p.replace("#", "{id}")) for m, p in route_table()}
    assert len(routes) >= 30, "routes.c could not be parsed"
    documented = {(m.upper(), p) for p, item in OPENAPI["paths"].items() for m in item}
    assert routes - documented == set(), "routes without documentation"
    assert documented - routes == set(), "documented paths without a route"


def test_every_operation_documents_its_errors():
    for path, item in OPENAPI["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert any(c.startswith("2") for c in codes), (method, path)
            assert {"401", "413", "500"} <= codes, (method, path)
            for code, resp in op["responses"].items():
                if code.startswith(("4", "5")):
                    s = resp["content"]["application/json"]["schema"]
                    assert s == {"$ref": "#/components/schemas/Error"}, (method, path, code)
            for p in op.get("parameters", []):
                if p["in"] == "path":
                    assert "{" + p["name"] + "}" in path


def test_schemas_reject_wrong_bodies():
    """The schemas are strict enough to catch a wrong reply."""
    site = component("Site")
    good = {"id": 1, "org_id": 2, "type": "supply", "status": "draft",
            "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
            "version": 1, "title": "x", "material": "rock.blasted", "class": 1,
            "amount": {"value": 1, "unit": "t"}, "window": {"from": "2026-01", "to": "2026-02"},
            "position": {"lat": 63.4, "lon": 10.4, "approximate": False}}
    assert site.is_valid(good)
    for bad in ({**good, "status": "gone"}, {**good, "surprise": 1},
                {k: v for k, v in good.items() if k != "version"},
                {**good, "amount": {"value": 1, "unit": "m3"}},
                {k: v for k, v in good.items() if k != "class"},
                {**good, "name": "facility field"}, {**good, "created": "yesterday"},
                {**good, "position": {"lat": 10.4, "lon": 63.4, "approximate": False}}):
        assert not site.is_valid(bad), bad
    err = component("Error")
    words = {"key": "unknown material '%s'", "params": ["stein"]}
    assert err.is_valid({"error": {"status": 400, "code": "invalid", "message": "m",
                                   "field": "", **words,
                                   "problems": [{"field": "", "message": "m", **words}]}})
    assert not err.is_valid({"error": {"status": 400, "code": "invalid", "message": "m",
                                       "field": "", "problems": [{"field": "", "message": "m"}]}})
    assert not err.is_valid({"error": {"status": 400, "code": "invalid", "message": "m"}})
    assert not err.is_valid({"message": "m"})


def test_health(api):
    r = api.get("/api/health", expect=200)
    assert r.json()["status"] == "ok"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_materials(api):
    r = api.get("/api/materials", expect=200)
    codes = [m["code"] for m in r.json()["materials"]]
    assert "rock.blasted" in codes and "product.crushed.0-32" in codes
    assert len(codes) == len(set(codes))


def test_refdata_has_the_ikap_and_mef_tables(api):
    r = api.get("/api/refdata", expect=200).json()
    names = [l["name"] for l in r["landfills"]]
    assert "Ekse sandtak" in names
    years = [y["year"] for y in r["capacity_per_year"]]
    assert years == sorted(years) and len(years) >= 5
    assert any(s["code"] == "5001" for s in r["surplus_2020"])
    # The tables' own inconsistencies are reported, not hidden.
    assert any(f["level"] == "warning" for f in r["findings"])


def test_classify_names_the_deciding_substance(api):
    r = api.post("/api/classify", json={"lab": [{"substance": "Pb", "value": "80"},
                                                 {"substance": "As", "value": 12}]},
                 expect=200).json()
    assert r["class"] == 2 and r["decided_by"]["substance"] == "As"
    assert r["decided_by"]["limit"] == 8 and abs(r["factor"] - 1.5) < 1e-9
    assert (r["class_min"], r["class_max"], r["open"]) == (2, 2, [])
    # A detection limit above a bound: a range, counted at its upper end
    # (issue 14: benzene below 0.05 mg/kg may be up to class 4).
    r = api.post("/api/classify", json={"lab": [{"substance": "Benzen", "value": "<0,05"},
                                                 {"substance": "Pb", "value": "70"}]},
                 expect=200).json()
    assert (r["class_min"], r["class_max"], r["class"]) == (2, 4, 4)
    assert r["open"] == [{"substance": "Benzen", "detection_limit": 0.05, "class_max": 4}]
    api.post("/api/classify", json={"lab": [{"substance": "Xx", "value": "1"}]}, expect=400,
             field="lab[0].substance")
    api.post("/api/classify", json={"lab": [{"substance": "Pb", "value": "-3"}]}, expect=400,
             field="lab[0].value")
    api.post("/api/classify", json={"lab": []}, expect=400, field="lab")
    api.post("/api/classify", json={"lab": [{"substance": "Pb", "value": "1"}], "x": 1},
             expect=400, field="x")
    api.post("/api/classify", data="{", headers={"Content-Type": "application/json"},
             expect=400, field="body")


def test_unknown_path_is_404(api):
    api.get("/api/nothing-here", expect=404, field="path")
    api.get("/api/listings/1/nothing", expect=404, field="path")


def test_wrong_method_is_405_naming_the_allowed(api):
    r = api.call("DELETE", "/api/listings/1", expect=405, field="method")
    assert "GET" in r.json()["error"]["message"] and "PUT" in r.json()["error"]["message"]
    api.call("PUT", "/api/search", expect=405, field="method")
    api.call("GET", "/api/auth/login", expect=405, field="method")


@pytest.mark.parametrize("path", ["/api/listings/abc", "/api/listings/0", "/api/listings/-1",
                                  "/api/listings/+1", "/api/listings/1.5",
                                  "/api/listings/99999999999999999999", "/api/jobs/0x10",
                                  "/api/organisations/%201"])
def test_bad_ids_are_no_such_path(api, path):
    api.get(path, expect=404, field="path")


def test_missing_site_is_404_on_id(api):
    api.get("/api/listings/999999", expect=404, field="id")
    api.get("/api/facilities/999999", expect=404, field="id")


def test_a_trailing_slash_is_forgiven(api):
    api.get("/api/health/", expect=200)


def test_unknown_query_parameter_is_named(api):
    api.get("/api/health", params={"verbose": "1"}, expect=400, field="verbose")
    api.get("/api/openapi.json", params={"x": "1"}, expect=400, field="x")
    api.get("/api/organisations/1", params={"x": "1"}, expect=400, field="x")


def test_no_cors_header_by_default(api):
    r = api.get("/api/health", headers={"Origin": "https://evil.example"}, expect=200)
    assert "Access-Control-Allow-Origin" not in r.headers
    r = api.http.options(api.base + "/api/listings", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in r.headers


def test_non_api_paths_without_static_dir_are_404(api):
    r = api.http.get(api.base + "/index.html")
    assert r.status_code == 404
    assert component("Error").is_valid(r.json())


def test_requests_are_logged(server, api):
    api.get("/api/health", params={}, expect=200)
    # A path cannot forge a log line (it decodes %0A to a newline): it is
    # refused, and logged without its control characters.
    r = api.http.get(api.base + "/api/x%0A2026-01-01T00:00:00Z%201.2.3.4%20GET%20/forged%20200"
                     "%201ms%1B[31m")
    assert r.status_code == 400 and r.json()["error"]["field"] == "path"
    api.get("/api/me", token=api.token("developer"), expect=200)
    # A request is logged when its connection completes, which may be just
    # after the client has the reply: poll with a deadline.
    deadline = time.monotonic() + 10
    while True:
        with open(server.log, encoding="utf-8") as f:
            lines = f.read().splitlines()
        me = any(" GET /api/me 200 " in l and "user=utbygger@demo.massebank.no" in l
                 for l in lines)
        if me or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert me, lines[-5:]
    assert any(" GET /api/health 200 " in l for l in lines), lines[-5:]
    assert not any(l.startswith("2026-01-01T00:00:00Z 1.2.3.4") for l in lines), lines
    assert not any("\x1b" in l for l in lines)
    # The line feed was made 0xFF (never UTF-8) by the unescaping and is
    # logged as such.
    assert any("/api/x%FF2026-01-01T00:00:00Z%201.2.3.4" in l for l in lines), lines
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ [A-Z]+ /\S* \d{3} [0-9.]+ms", l)
               or "connection ended early" in l for l in lines), [l for l in lines if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ [A-Z]+ /\S* \d{3} [0-9.]+ms", l)][:3]
