"""Places through the API: the municipality every site gets from its
position (Kartverket's 2024 boundaries), a named municipality or property
number that contradicts the position, the address search over the demo's
sample of Kartverket's address format, and a database from before the
boundaries whose sites are placed (and audited) when the server starts.
"""
import os
import re
import sqlite3
import subprocess

from conftest import ROOT, create_facility, create_listing, landfill, need, supply

# The schema version this build migrates to (src/store/store.h).
with open(os.path.join(ROOT, "src", "store", "store.h"), encoding="utf-8") as _h:
    SCHEMA_VERSION = int(re.search(r"#define MB_STORE_SCHEMA_VERSION (\d+)", _h.read()).group(1))

CLI = os.environ.get("MB_CLI", "")


def test_every_site_gets_its_municipality_from_the_position(api):
    dev, op = api.token("developer"), api.token("operator")
    cases = [((63.4305, 10.3951), "5001", "Trondheim - Tråante"),
             ((59.9139, 10.7522), "0301", "Oslo"),
             ((59.8906, 10.5227), "3201", "Bærum"),
             ((62.5747, 11.3842), "5025", "Rosse - Røros"),
             ((69.6496, 18.9560), "5501", "Tromsø")]
    for (lat, lon), code, name in cases:
        s = create_listing(api, dev, supply(title=f"Masser i {name}", lat=lat, lon=lon))
        assert (s["municipality"], s["municipality_name"]) == (code, name)
        got = api.get(f"/api/listings/{s['id']}", token=dev, expect=200).json()
        assert got["municipality"] == code
    # a facility too, and a need given in UTM (Melhus sentrum)
    f = create_facility(api, op, landfill(name="Deponi Melhus", lat=63.285, lon=10.278))
    assert f["municipality"] == "5028"
    body = need(title="Fylling Melhus", utm={"epsg": 25832, "easting": 564099,
                                             "northing": 7017982})
    del body["lat"], body["lon"]
    n = create_listing(api, dev, body)
    assert n["municipality"] == "5028"


def test_a_named_municipality_must_agree_with_the_position(server, api):
    dev = api.token("developer")
    before = server.fingerprint()
    e = api.post("/api/listings", token=dev, json=supply(municipality="Bærum"), expect=400,
                 field="municipality").json()["error"]
    assert "5001 Trondheim - Tråante" in e["message"] and "3201 Bærum" in e["message"]
    # by its old code or its name in another language, agreeing: accepted
    s = create_listing(api, dev, supply(municipality="Tråante"))
    assert s["municipality"] == "5001"
    s = create_listing(api, dev, supply(lat=59.8906, lon=10.5227, municipality="3024"))
    assert s["municipality"] == "3201"
    # an unknown one is refused as before
    api.post("/api/listings", token=dev, json=supply(municipality="Narnia"), expect=400,
             field="municipality")
    after = server.fingerprint()
    changed = {t for t in after if after[t] != before.get(t)}
    # the three accepted listings, nothing else (road_queue: each new site
    # waits for its road distances, docs/roads.md)
    assert not [t for t in changed
                if not (t.startswith("site") or t in ("audit", "sqlite_sequence", "road_queue"))]


def test_at_sea_and_near_the_coast(api):
    dev = api.token("developer")
    # in the Trondheimsfjord off Ladehammeren: outside the coastline, the
    # nearest municipality within 1 km
    s = create_listing(api, dev, supply(lat=63.455, lon=10.43))
    assert s["municipality"] == "5001"
    r = api.get("/api/municipalities/at", params={"lat": "63.455", "lon": "10.43"},
                expect=200).json()
    assert r == {"municipality": "5001", "municipality_name": "Trondheim - Tråante",
                 "inside": False}
    r = api.get("/api/municipalities/at", params={"lat": "63.4305", "lon": "10.3951"},
                expect=200).json()
    assert r["inside"] is True
    # Sweden, inside Norway's box: no Norwegian municipality (Stockholm, and
    # Storlien 2 km across the border from Meråker)
    for lat, lon in [("59.33", "18.06"), ("63.3164", "12.1003")]:
        r = api.get("/api/municipalities/at", params={"lat": lat, "lon": lon},
                    expect=200).json()
        assert r == {"municipality": None}, (lat, lon)
    api.post("/api/listings", token=dev, json=supply(lat=63.33, lon=12.25,
                                                     municipality="Meråker"),
             expect=400, field="municipality")
    api.get("/api/municipalities/at", params={"lat": "45", "lon": "10"}, expect=400,
            field="lat")
    api.get("/api/municipalities/at", params={"lat": "x", "lon": "10"}, expect=400,
            field="lat")
    api.get("/api/municipalities/at", params={"lat": "63"}, expect=400, field="lon")


def test_municipality_list(api):
    r = api.get("/api/municipalities", expect=200).json()
    codes = [m["code"] for m in r["items"]]
    assert len(codes) == 357 and codes == sorted(codes)
    assert {"code": "5025", "name": "Rosse - Røros"} in r["items"]
    assert "Kartverket" in r["source"]


def test_property_number(server, api):
    dev = api.token("developer")
    s = create_listing(api, dev, supply(property="5001-0414/3"))
    assert s["property"] == "5001-414/3"
    s = create_listing(api, dev, supply(property="5001-414/3/0/2"))
    assert s["property"] == "5001-414/3/0/2"
    s = create_listing(api, dev, supply(property="5001-414/3/0/0"))
    assert s["property"] == "5001-414/3"
    before = server.fingerprint()
    for bad in ["414/3", "5001-414", "5001-0/3", "5001-414/3/1/2/3", "5001-414/x",
                "9999-1/2", 4143]:
        api.post("/api/listings", token=dev, json=supply(property=bad), expect=400,
                 field="property")
    e = api.post("/api/listings", token=dev, json=supply(property="3201-41/3"), expect=400,
                 field="property").json()["error"]
    assert "3201 Bærum" in e["message"]
    # a named municipality and a property that name different ones: refused,
    # with or without a position
    e = api.post("/api/listings", token=dev, json=supply(municipality="Trondheim",
                                                         property="0301-1/1"),
                 expect=400, field="property").json()["error"]
    assert "0301 Oslo" in e["message"] and "5001 Trondheim" in e["message"]
    body = supply(municipality="Oslo", property="5001-414/3")
    del body["lat"], body["lon"]
    e = api.post("/api/listings", token=dev, json=body, expect=400,
                 field="property").json()["error"]
    assert "not in the municipality given, 0301 Oslo" in e["message"]
    assert server.fingerprint() == before


def test_address_search(api):
    r = api.get("/api/addresses", params={"q": "munkegata 3"}, expect=200).json()
    assert r["items"][0]["text"] == "Munkegata 3"
    a = r["items"][0]
    assert a["municipality"] == "5001" and a["municipality_name"] == "Trondheim - Tråante"
    assert a["property"] == "5001-1/16" and a["postnr"] == "7011"
    # prefixes, any case, Norwegian letters
    texts = [x["text"] for x in api.get("/api/addresses", params={"q": "BÆRUMS v"},
                                        expect=200).json()["items"]]
    assert texts and all(t.startswith("Bærums verk") for t in texts)
    texts = [x["text"] for x in api.get("/api/addresses", params={"q": "økernv"},
                                        expect=200).json()["items"]]
    assert texts and all(t.startswith("Økernveien") for t in texts)
    # the tenant's name before the address: "Lade gård, 414/3"
    r = api.get("/api/addresses", params={"q": "lade gård"}, expect=200).json()
    assert r["items"][0]["property"] == "5001-414/3"
    # within a municipality; nearest first
    r = api.get("/api/addresses", params={"q": "veien", "municipality": "3203"},
                expect=200).json()
    assert r["items"] == []
    # a municipality by name; 200 letters of æ are 400 bytes and allowed
    r = api.get("/api/addresses", params={"q": "munkegata", "municipality": "Trondheim"},
                expect=200).json()
    assert r["items"] and all(x["municipality"] == "5001" for x in r["items"])
    api.get("/api/addresses", params={"q": "æ" * 200}, expect=200)
    r = api.get("/api/addresses", params={"q": "drammensveien", "municipality": "3203",
                                          "near": "59.8330,10.4350", "limit": "3"},
                expect=200).json()
    assert len(r["items"]) == 3
    d = [x["distance_km"] for x in r["items"]]
    assert d == sorted(d) and d[0] < 0.05
    # FTS5 syntax is text, not a query
    for q in ['" OR "', "NEAR(a b)", "munkegata*", "a:b"]:
        api.get("/api/addresses", params={"q": q}, expect=200)


def test_address_search_refuses_bad_input(api):
    for params, field in [({}, "q"), ({"q": "m"}, "q"), ({"q": "x" * 201}, "q"),
                          ({"q": "--"}, "q"), ({"q": "ab\u0007"}, "q"),
                          ({"q": "munk", "municipality": "9999"}, "municipality"),
                          ({"q": "munk", "municipality": "Narnia"}, "municipality"),
                          ({"q": "munk", "near": "0x3b,10.7"}, "near"),
                          ({"q": "æ" * 201}, "q"),
                          ({"q": "munk", "near": "10,10"}, "near"),
                          ({"q": "munk", "near": "x"}, "near"),
                          ({"q": "munk", "limit": "0"}, "limit"),
                          ({"q": "munk", "limit": "51"}, "limit"),
                          ({"q": "munk", "page": "2"}, "page")]:
        api.get("/api/addresses", params=params, expect=400, field=field)


def test_a_database_from_before_the_boundaries_is_placed_and_audited(fresh_server):
    s = fresh_server(demo=True)
    api = s.api
    dev = api.token("developer")
    site = create_listing(api, dev, supply(title="Gammel annonse", lat=63.36, lon=10.37))
    assert site["municipality"] == "5001"
    s.stop()
    # as a schema-5 database left it: no municipality, no address tables
    con = sqlite3.connect(s.db)
    con.executescript("DROP TABLE thread_read; DROP TABLE message; DROP TABLE thread;"
                      " DROP TABLE org_contact; DROP TABLE address_fts; DROP TABLE address;"
                      " ALTER TABLE document DROP COLUMN kind;"
                      " DROP TRIGGER road_queue_ai; DROP TRIGGER road_queue_au; DROP TRIGGER road_queue_moved; DROP TRIGGER road_queue_material; DROP TABLE road_queue; DROP TABLE road_distance; DROP TABLE job_words; DROP TABLE suggestion; DROP TABLE alert_cursor; DROP TABLE outbox; DROP TABLE alert_pref; DROP TABLE notification; DROP TABLE saved_search; DROP TABLE account_token; DROP TABLE org_status;"
                      " PRAGMA user_version = 5;")
    n = con.execute("UPDATE site SET municipality = '' WHERE id <= ?", (site["id"],)).rowcount
    con.commit()
    con.close()
    assert n > 10
    s.start()
    got = s.api.get(f"/api/listings/{site['id']}", token=s.api.token("developer"),
                    expect=200).json()
    assert got["municipality"] == "5001"
    s.stop()
    con = sqlite3.connect(s.db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    left = con.execute("SELECT count(*) FROM site WHERE municipality = ''").fetchone()[0]
    placed = con.execute("SELECT count(*) FROM audit WHERE action = 'place'").fetchone()[0]
    con.close()
    assert left == 0 and placed == n
    assert CLI, "set MB_CLI"
    v = subprocess.run([CLI, "audit", "verify", "--db", s.db], capture_output=True,
                       text=True, timeout=300)
    assert v.returncode == 0, v.stdout + v.stderr
    # a second start changes nothing
    before = s.fingerprint()
    s.start()
    s.stop()
    assert s.fingerprint() == before
