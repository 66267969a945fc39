"""Listings and facilities: the status life cycle, versions, lab results,
receiver limits, matches and documents."""
import hashlib

import pytest

from conftest import create_facility, create_listing, landfill, need, supply

COUNTERPARTS = {"supply": {"need", "storage", "plant", "landfill"},
                "need": {"supply", "storage", "plant", "quarry"}}


def test_listing_life_cycle(api):
    dev, other = api.token("developer"), api.token("contractor")
    body = supply(title="Livsløp sprengstein", keywords=["livslopstest"])
    r = api.post("/api/listings", token=dev, json=body, expect=201)
    site = r.json()
    lid = site["id"]
    assert r.headers["Location"] == f"/api/listings/{lid}"
    assert site["status"] == "draft" and site["version"] == 1
    assert site["title"] == body["title"] and site["amount"] == {"value": 1000, "unit": "t"}
    assert site["position"] == {"lat": 63.44, "lon": 10.45, "approximate": False}

    # A draft: not public, not another organisation's; the owner finds it.
    api.get(f"/api/listings/{lid}", expect=404)
    api.get(f"/api/listings/{lid}", token=other, expect=404)
    found = api.get("/api/search", params={"q": "livslopstest", "status": "draft"}, token=dev,
                    expect=200).json()
    assert [s["id"] for s in found["items"]] == [lid]
    assert api.get("/api/search", params={"q": "livslopstest"}, expect=200).json()["total"] == 0
    assert api.get("/api/search", params={"q": "livslopstest", "status": "draft"},
                   token=other, expect=200).json()["total"] == 0

    # draft -> reserved is not a step of the life cycle.
    api.post(f"/api/listings/{lid}/status", token=dev, json={"status": "reserved"},
             expect=409, field="status")
    r = api.post(f"/api/listings/{lid}/status", token=dev, json={"status": "published"},
                 expect=200)
    assert r.json()["status"] == "published"
    v = r.json()["version"]
    pub = api.get(f"/api/listings/{lid}", expect=200).json()
    assert pub["status"] == "published" and pub["documents"] == []
    assert api.get("/api/search", params={"q": "livslopstest"}, expect=200).json()["total"] == 1

    # Versions: an old one is refused, the current one is taken.
    api.put(f"/api/listings/{lid}", token=dev, json=supply(title="Gammel"),
            headers={"If-Match": f'"{v - 1}"'}, expect=412, field="If-Match")
    assert api.get(f"/api/listings/{lid}", expect=200).json()["title"] == body["title"]
    r = api.put(f"/api/listings/{lid}", token=dev,
                json=supply(title="Livsløp sprengstein, endret", keywords=["livslopstest"],
                            amount={"value": 1500, "unit": "lm3"}),
                headers={"If-Match": f'"{v}"'}, expect=200)
    changed = r.json()
    assert changed["version"] == v + 1 and changed["status"] == "published"
    assert changed["title"] == "Livsløp sprengstein, endret"
    assert changed["amount"] == {"value": 1500, "unit": "lm3"}
    assert changed["created"] == site["created"] and changed["id"] == lid
    api.put(f"/api/listings/{lid}", token=dev, json=supply(), headers={"If-Match": f'"{v}"'},
            expect=412)
    # A weak tag names the same version; "*" any version there is.
    api.put(f"/api/listings/{lid}", token=dev, json=supply(), headers={"If-Match": f'W/"{v}"'},
            expect=412)
    w = api.put(f"/api/listings/{lid}", token=dev, json=dict(changed_body := supply(
        title="Livsløp sprengstein, endret", keywords=["livslopstest"],
        amount={"value": 1500, "unit": "lm3"})), headers={"If-Match": f'W/"{v + 1}"'},
        expect=200).json()
    api.put(f"/api/listings/{lid}", token=dev, json=changed_body, headers={"If-Match": "*"},
            expect=200)
    assert w["version"] == v + 2
    # Without If-Match the last writer wins.
    api.put(f"/api/listings/{lid}", token=dev,
            json=supply(title="Livsløp sprengstein, endret", keywords=["livslopstest"]),
            expect=200)

    r = api.post(f"/api/listings/{lid}/status", token=dev, json={"status": "reserved"},
                 expect=200)
    assert r.json()["status"] == "reserved"
    assert api.get(f"/api/listings/{lid}", expect=200).json()["status"] == "reserved"
    # The same status again changes nothing.
    again = api.post(f"/api/listings/{lid}/status", token=dev, json={"status": "reserved"},
                     expect=200).json()
    assert again["version"] == r.json()["version"]

    closed = api.post(f"/api/listings/{lid}/status", token=dev, json={"status": "closed"},
                      expect=200).json()
    assert closed["status"] == "closed"
    api.put(f"/api/listings/{lid}", token=dev, json=supply(), expect=409, field="status")
    for s in ("published", "draft", "reserved"):
        api.post(f"/api/listings/{lid}/status", token=dev, json={"status": s}, expect=409,
                 field="status")
    api.put(f"/api/listings/{lid}", token=api.token("admin"), json=supply(), expect=409)
    # Nor does it take documents.
    api.post(f"/api/listings/{lid}/documents", token=dev, params={"name": "sen.pdf"},
             data=b"%PDF-1.4 sent", headers={"Content-Type": "application/pdf"}, expect=409,
             field="status")
    # Closed: gone from the public, kept for the owner.
    api.get(f"/api/listings/{lid}", expect=404)
    assert api.get(f"/api/listings/{lid}", token=dev, expect=200).json()["status"] == "closed"
    assert api.get(f"/api/listings/{lid}", token=dev, expect=200).json()["version"] == \
        closed["version"]


def test_published_can_go_back_to_draft(api):
    dev = api.token("developer")
    s = create_listing(api, dev, need(title="Tilbake til utkast"), status="published")
    r = api.post(f"/api/listings/{s['id']}/status", token=dev, json={"status": "draft"},
                 expect=200)
    assert r.json()["status"] == "draft"
    api.get(f"/api/listings/{s['id']}", expect=404)


def test_lab_results_set_the_class(api):
    dev = api.token("developer")
    body = supply(title="Forurenset jord", material="soil.moraine",
                  lab=[{"substance": "Pb", "value": "80"}, {"substance": "Arsen", "value": 5},
                       {"substance": "Cd", "value": "<0,5"}])
    del body["class"]
    s = create_listing(api, dev, body)
    assert s["class"] == 2
    cfl = s["class_from_lab"]
    assert {k: cfl[k] for k in ("class", "substance", "value", "limit")} == {
        "class": 2, "substance": "Pb", "value": 80, "limit": 60}
    assert (cfl["class_min"], cfl["class_max"], cfl["open"]) == (2, 2, [])
    assert cfl["background"] is None
    assert [v["verdict"] for v in cfl["acceptance"]] == ["not_judged"] * 3
    subs = {x["substance"]: x["value"] for x in s["lab"]}
    assert subs["Pb"] == 80 and subs["As"] == 5 and subs["Cd"] == "<0.5"
    # Class 1 below every bound; a class given must agree.
    clean = dict(body, lab=[{"substance": "Pb", "value": 10}])
    assert create_listing(api, dev, clean)["class_from_lab"]["class"] == 1
    r = api.post("/api/listings", token=dev, json=dict(body, **{"class": 1}), expect=400,
                 field="class")
    assert "Pb" in r.json()["error"]["message"]
    assert create_listing(api, dev, dict(body, **{"class": 2}))["class"] == 2
    # Class 3 bound: Pb 300 is above 100 (class 2) and within class 3.
    assert create_listing(api, dev, dict(body, lab=[{"substance": "Pb", "value": 300}]))[
        "class"] == 3


def test_facility_life_cycle(api):
    op = api.token("operator")
    f = create_facility(api, op, landfill(name="Anlegg livsløp"), status="draft")
    fid = f["id"]
    assert f["name"] == "Anlegg livsløp" and f["status"] == "draft"
    api.get(f"/api/facilities/{fid}", expect=404)
    api.post(f"/api/facilities/{fid}/status", token=op, json={"status": "published"},
             expect=200)
    got = api.get(f"/api/facilities/{fid}", expect=200).json()
    assert got["capacity_per_year"] == {"value": 50000, "unit": "t"}
    r = api.put(f"/api/facilities/{fid}", token=op, json=landfill(name="Anlegg 2"),
                headers={"If-Match": str(got["version"])}, expect=200)
    assert r.json()["version"] == got["version"] + 1
    api.put(f"/api/facilities/{fid}", token=op,
            json={"type": "quarry", "name": "Brudd", "lat": 63.4, "lon": 10.4,
                  "offers": ["pukk"]}, expect=409, field="type")
    api.post(f"/api/facilities/{fid}/status", token=op, json={"status": "closed"}, expect=200)
    api.put(f"/api/facilities/{fid}", token=op, json=landfill(), expect=409)
    api.post(f"/api/facilities/{fid}/status", token=op, json={"status": "published"},
             expect=409)


def test_facility_positions(api):
    op = api.token("operator")
    by_utm = create_facility(api, op, {"type": "quarry", "name": "UTM-brudd",
                                       "utm": {"epsg": 25832, "easting": 569618.6,
                                               "northing": 7034313.8}, "offers": ["pukk"]})
    assert by_utm["position"]["approximate"] is False
    assert 63 < by_utm["position"]["lat"] < 64 and 10 < by_utm["position"]["lon"] < 11
    assert by_utm["offers"] == ["product.crushed.0-32"] or by_utm["offers"]
    by_muni = create_facility(api, op, {"type": "storage", "name": "Kommunelager",
                                        "municipality": "Trondheim", "accepts": ["rock.*"],
                                        "capacity": {"value": 1000, "unit": "fm3"}})
    assert by_muni["municipality"] == "5001"
    assert by_muni["position"]["approximate"] is True


# ---- matches -----------------------------------------------------------------

TROMSO = (69.65, 18.95)   # far from the demo region: only these sites compete


@pytest.fixture(scope="module")
def market(api):
    dev, op = api.token("developer"), api.token("operator")
    lat, lon = TROMSO
    s = {}
    body = supply(title="Tromsø sprengstein", lat=lat, lon=lon,
                  lab=[{"substance": "Pb", "value": 80}],
                  window={"from": "2026-03", "to": "2026-08"})
    del body["class"]
    s["supply"] = create_listing(api, dev, body, status="published")
    s["need_ok"] = create_listing(api, dev, need(title="Tromsø veg", lat=lat + 0.02, lon=lon,
                                                 window={"from": "2026-04", "to": "2026-06"}),
                                  status="published")
    s["need_far"] = create_listing(api, dev, need(title="Tromsø veg 2", lat=lat + 0.1, lon=lon,
                                                  window={"from": "2026-04", "to": "2026-12"}),
                                   status="published")
    s["need_limit"] = create_listing(api, dev, need(title="Tromsø streng", lat=lat + 0.01,
                                                    lon=lon, limits={"Pb": 60}),
                                     status="published")
    s["need_clean"] = create_listing(api, dev, need(title="Tromsø ren", lat=lat + 0.01, lon=lon,
                                                    max_class=1), status="published")
    s["need_late"] = create_listing(api, dev, need(title="Tromsø sen", lat=lat + 0.01, lon=lon,
                                                   window={"from": "2027-01", "to": "2027-03"}),
                                    status="published")
    s["need_draft"] = create_listing(api, dev, need(title="Tromsø utkast", lat=lat, lon=lon))
    s["landfill"] = create_facility(api, op, landfill(name="Tromsø deponi", lat=lat - 0.05,
                                                      lon=lon, gate_fee_nok_per_t=150))
    s["landfill_limit"] = create_facility(api, op, landfill(
        name="Tromsø deponi streng", lat=lat - 0.03, lon=lon, limits={"Pb": 30},
        gate_fee_nok_per_t=10))
    return s


def test_matches_ranked_and_fitting(api, market):
    dev = api.token("developer")
    sid = market["supply"]["id"]
    assert market["supply"]["class"] == 2
    r = api.get(f"/api/listings/{sid}/matches", token=dev, expect=200).json()
    assert r["listing_id"] == sid and r["type"] == "supply"
    ids = [m["site_id"] for m in r["matches"]]
    totals = [m["total_nok_per_t"] for m in r["matches"]]
    assert totals == sorted(totals), "matches must be ranked by total NOK/t"
    assert all(m["type"] in COUNTERPARTS["supply"] for m in r["matches"])
    assert market["need_ok"]["id"] in ids and market["need_far"]["id"] in ids
    assert market["landfill"]["id"] in ids
    for k in ("need_limit", "need_clean", "need_late", "need_draft", "landfill_limit"):
        assert market[k]["id"] not in ids, k
    # The nearer need comes before the farther one (no fees between listings).
    assert ids.index(market["need_ok"]["id"]) < ids.index(market["need_far"]["id"])
    excluded = {e["site_id"]: e["reason"] for e in r["excluded"]}
    assert "Pb" in excluded[market["need_limit"]["id"]]
    assert "Pb" in excluded[market["landfill_limit"]["id"]]
    assert "30" in excluded[market["landfill_limit"]["id"]]
    assert "class" in excluded[market["need_clean"]["id"]]
    assert market["need_draft"]["id"] not in excluded
    # The landfill is the alternative; savings are measured against it.
    alt = r["alternative"]
    assert alt["site_id"] == market["landfill"]["id"]
    for m in r["matches"]:
        assert m["saving_nok_per_t"] == pytest.approx(alt["total_nok_per_t"] -
                                                      m["total_nok_per_t"], abs=1e-6)
        assert m["km"] > 0 and m["cost_nok_per_t"] == pytest.approx(
            m["transport_nok_per_t"] + m["fee_nok_per_t"], abs=1e-6)
    need_ok = next(m for m in r["matches"] if m["site_id"] == market["need_ok"]["id"])
    assert need_ok["overlap_months"] == 3 and need_ok["amount_t"] == pytest.approx(500)
    assert r["factors"]["max_km"] == 150
    one = api.get(f"/api/listings/{sid}/matches", token=dev, params={"limit": 1},
                  expect=200).json()
    assert [m["site_id"] for m in one["matches"]] == ids[:1]


def test_matches_of_a_need(api, market):
    dev = api.token("developer")
    r = api.get(f"/api/listings/{market['need_ok']['id']}/matches", token=dev,
                expect=200).json()
    assert r["type"] == "need"
    assert all(m["type"] in COUNTERPARTS["need"] for m in r["matches"])
    assert market["supply"]["id"] in [m["site_id"] for m in r["matches"]]
    totals = [m["total_nok_per_t"] for m in r["matches"]]
    assert totals == sorted(totals)


def test_matches_path_names_the_family(api, market):
    dev = api.token("developer")
    fid, lid = market["landfill"]["id"], market["supply"]["id"]
    # A facility is not one of the listings, and a listing not a facility.
    api.get(f"/api/listings/{fid}/matches", token=dev, expect=404, field="id")
    api.get(f"/api/facilities/{lid}/matches", token=dev, expect=404, field="path")
    api.get(f"/api/facilities/{lid}/documents", expect=404, field="id")
    api.get(f"/api/listings/{fid}/documents", expect=404, field="id")
    # The market ranks matches for listings only: facilities have no such path.
    api.get(f"/api/facilities/{fid}/matches", token=dev, expect=404, field="path")


def test_demo_supply_has_a_landfill_alternative(api):
    dev = api.token("developer")
    page = api.get("/api/listings", params={"type": "supply", "near": "63.36,10.45",
                                            "radius_km": "10", "per_page": 5},
                   expect=200).json()
    assert page["items"]
    sid = page["items"][0]["id"]
    r = api.get(f"/api/listings/{sid}/matches", token=dev, expect=200).json()
    assert r["alternative"] is not None
    landfill_ids = {f["id"] for f in api.get("/api/facilities", params={
        "type": "landfill", "per_page": 500}, expect=200).json()["items"]}
    assert r["alternative"]["site_id"] in landfill_ids
    totals = [m["total_nok_per_t"] for m in r["matches"]]
    assert totals == sorted(totals) and totals


# ---- documents -----------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_documents(api):
    dev = api.token("developer")
    s = create_listing(api, dev, supply(title="Med rapport"), status="published")
    r = api.post(f"/api/listings/{s['id']}/documents", token=dev, params={"name": "rapport.pdf"},
                 data=PDF, headers={"Content-Type": "application/pdf"}, expect=201)
    d = r.json()
    assert r.headers["Location"] == f"/api/documents/{d['id']}" == d["url"]
    assert d["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert d["size"] == len(PDF) and d["mime"] == "application/pdf"
    assert d["name"] == "rapport.pdf" and d["site_id"] == s["id"]
    g = api.get(f"/api/documents/{d['id']}", expect=200)
    assert g.content == PDF
    assert g.headers["Content-Type"] == "application/pdf"
    assert g.headers["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    listed = api.get(f"/api/listings/{s['id']}/documents", expect=200).json()["documents"]
    assert listed == [d]
    refs = api.get(f"/api/listings/{s['id']}", expect=200).json()["documents"]
    assert refs == [{k: d[k] for k in ("id", "name", "mime", "sha256", "size", "url", "kind")}]
    assert d["kind"] == "other"
    # The same content again: a second record of the same bytes.
    d2 = api.post(f"/api/listings/{s['id']}/documents", token=dev, params={"name": "kopi.pdf"},
                  data=PDF, headers={"Content-Type": "application/pdf"}, expect=201).json()
    assert d2["sha256"] == d["sha256"] and d2["id"] != d["id"]
    assert api.get(f"/api/documents/{d2['id']}", expect=200).content == PDF
    csv = "stoff;verdi\nPb;80\nø;1\n".encode()
    d3 = api.post(f"/api/listings/{s['id']}/documents", token=dev, params={"name": "prøver.csv"},
                  data=csv, headers={"Content-Type": "text/csv; charset=utf-8"},
                  expect=201).json()
    assert d3["mime"] == "text/csv" and d3["name"] == "prøver.csv"
    assert api.get(f"/api/documents/{d3['id']}", expect=200).content == csv
    # Wrong type, another organisation.
    api.post(f"/api/listings/{s['id']}/documents", token=dev, params={"name": "x.exe"},
             data=b"MZ", headers={"Content-Type": "application/octet-stream"}, expect=415,
             field="Content-Type")
    api.post(f"/api/listings/{s['id']}/documents", token=api.token("contractor"),
             params={"name": "x.pdf"}, data=PDF, headers={"Content-Type": "application/pdf"},
             expect=403)
    assert len(api.get(f"/api/listings/{s['id']}/documents", expect=200).json()["documents"]) == 3


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe"
       b"\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def test_documents_are_checked_by_content(server, api):
    dev = api.token("developer")
    s = create_listing(api, dev, supply(title="Med bilder"), status="published")
    path = f"/api/listings/{s['id']}/documents"
    photo = api.post(path, token=dev, params={"name": "grop.png", "kind": "photo"}, data=PNG,
                     headers={"Content-Type": "image/png"}, expect=201).json()
    assert photo["kind"] == "photo"
    lab = api.post(path, token=dev, params={"name": "analyse.pdf", "kind": "lab_report"},
                   data=PDF, headers={"Content-Type": "application/pdf"}, expect=201).json()
    assert lab["kind"] == "lab_report"
    before = server.fingerprint()
    for name, data, ctype, kind, status, field in [
        ("bilde.jpg", PDF, "image/jpeg", "photo", 415, "body"),     # a PDF named and sent as JPEG
        ("rapport.pdf", b"MZ\x90\x00program", "application/pdf", None, 415, "body"),
        ("bilde.png", b"\xff\xd8\xff\xe0JFIF", "image/png", "photo", 415, "body"),
        ("tekst.csv", b"a;b\n\x00\x01", "text/csv", None, 415, "body"),
        ("rapport.pdf", PDF, "application/pdf", "photo", 400, "kind"),
        ("grop.png", PNG, "image/png", "lab_report", 400, "kind"),
        ("grop.png", PNG, "image/png", "selfie", 400, "kind"),
    ]:
        params = {"name": name}
        if kind:
            params["kind"] = kind
        api.post(path, token=dev, params=params, data=data, headers={"Content-Type": ctype},
                 expect=status, field=field)
    assert server.fingerprint() == before
    refs = api.get(f"/api/listings/{s['id']}", expect=200).json()["documents"]
    assert [(x["name"], x["kind"]) for x in refs] == [("grop.png", "photo"),
                                                     ("analyse.pdf", "lab_report")]
    assert api.get(photo["url"], expect=200).content == PNG


def test_documents_of_a_draft_stay_private(api):
    dev = api.token("developer")
    s = create_listing(api, dev, supply(title="Hemmelig rapport"))
    d = api.post(f"/api/listings/{s['id']}/documents", token=dev, params={"name": "r.pdf"},
                 data=PDF + b"draft", headers={"Content-Type": "application/pdf"},
                 expect=201).json()
    api.get(f"/api/documents/{d['id']}", token=dev, expect=200)
    api.get(f"/api/documents/{d['id']}", token=api.token("admin"), expect=200)
    hidden = api.get(f"/api/documents/{d['id']}", expect=404, field="id")
    missing = api.get("/api/documents/999999", expect=404, field="id")
    assert hidden.json()["error"]["message"].replace(str(d["id"]), "N") == \
        missing.json()["error"]["message"].replace("999999", "N")
    api.get(f"/api/documents/{d['id']}", token=api.token("contractor"), expect=404)
    api.get(f"/api/listings/{s['id']}/documents", expect=404)


def test_facility_documents(api):
    op = api.token("operator")
    f = create_facility(api, op, landfill(name="Deponi med tillatelse"))
    d = api.post(f"/api/facilities/{f['id']}/documents", token=op,
                 params={"name": "tillatelse.txt"}, data=b"Tillatelse etter forurensningsloven",
                 headers={"Content-Type": "text/plain"}, expect=201).json()
    docs = api.get(f"/api/facilities/{f['id']}/documents", expect=200).json()["documents"]
    assert [x["id"] for x in docs] == [d["id"]]
