"""
Road distances through the server (docs/roads.md): massebank-server
--roads DIR on the hand-made fjord region (tests/data/roads/fjord.osm,
built with `massebank roads build` as a municipality would). A listing's
matches say which kind each distance is; the road worker brings the cache
up to date from the durable queue in the background, and a match read
before it has done so is an estimate that says the drive is on its way.
A server without a road database says every distance is an estimate; a
bad road database stops the server at start with its reason.
"""
import math
import os
import subprocess
import tempfile
import time

import pytest

from conftest import Server, create_facility, create_listing, landfill, need, supply

CLI = os.environ.get("MB_CLI", "")
ROOT = os.environ.get("MB_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
FJORD = os.path.join(ROOT, "tests", "data", "roads", "fjord.osm")


def seg_km(la1, lo1, la2, lo2):
    """One segment as Routino measures it: whole metres on 6378.137 km."""
    r, d = 6378137.0, math.pi / 180
    la1, la2 = la1 * d, la2 * d
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) * d / 2) ** 2
    return math.floor(2 * r * math.asin(math.sqrt(h))) / 1000


ROUND_TO_E = (seg_km(63.40, 10.3, 63.42, 10.3) + seg_km(63.42, 10.3, 63.46, 10.3)
              + seg_km(63.46, 10.3, 63.46, 10.5) + seg_km(63.46, 10.5, 63.42, 10.5)
              + seg_km(63.42, 10.5, 63.40, 10.5))
TO_NE = seg_km(63.40, 10.3, 63.42, 10.3) + seg_km(63.42, 10.3, 63.46, 10.3) + seg_km(63.46, 10.3, 63.46, 10.5)


@pytest.fixture(scope="module")
def roads_dir():
    assert CLI, "set MB_CLI to the massebank binary"
    d = tempfile.mkdtemp(prefix="mb-roads-")
    out = os.path.join(d, "fjord")
    r = subprocess.run([CLI, "roads", "build", FJORD, "-o", out], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    yield out
    subprocess.run(["rm", "-rf", d], check=False)


@pytest.fixture(scope="module")
def road_server(roads_dir):
    with tempfile.TemporaryDirectory(prefix="mb-api-") as d:
        s = Server(d, demo=True, extra=["--roads", roads_dir]).start()
        try:
            yield s
        finally:
            s.stop()


def matches_of(api, token, lid):
    return {m["site_id"]: m for m in api.get(f"/api/listings/{lid}/matches?limit=100", token=token,
                                             expect=200).json()["matches"]}


def test_matches_go_by_road_once_the_worker_has_been(road_server):
    api = road_server.api
    dev, op = api.token("developer"), api.token("operator")
    health = api.get("/api/health", expect=200).json()
    assert len(health["roads"]["version"]) == 32
    w = create_listing(api, dev, supply(title="Sprengstein W", lat=63.400, lon=10.300,
                                        window={"from": "2030-03", "to": "2030-08"}),
                       status="published")["id"]
    e = create_facility(api, op, landfill(name="Deponi E", lat=63.400, lon=10.500))["id"]
    ne = create_facility(api, op, landfill(name="Deponi NE", lat=63.460, lon=10.500))["id"]
    first = matches_of(api, dev, w)
    # Straight away: estimates, each saying why (the worker may already
    # have been: then by road).
    for m in (first[e], first[ne]):
        assert m["km_source"] in ("road", "estimate")
        if m["km_source"] == "estimate":
            assert m["km_why"] == "not_computed" and m["minutes"] is None and m["km"] > 0
    deadline = time.monotonic() + 120
    while True:
        got = matches_of(api, dev, w)
        if got[e]["km_source"] == "road" and got[ne]["km_source"] == "road":
            break
        assert time.monotonic() < deadline, f"no road distance after 120 s: {got[e]}"
        time.sleep(0.2)
    assert got[e]["km"] == pytest.approx(ROUND_TO_E, abs=0.003)
    assert got[e]["minutes"] == pytest.approx(20.0, abs=0.2)
    assert got[e]["ferry_km"] == 0 and got[e]["km_why"] is None
    assert got[ne]["km"] == pytest.approx(TO_NE, abs=0.003)
    # Transport cost and CO2 follow the road km: E is dearer than NE now,
    # though nearer in a straight line.
    assert got[e]["transport_nok_per_t"] > got[ne]["transport_nok_per_t"]
    assert got[e]["co2_kg_per_t"] > got[ne]["co2_kg_per_t"]
    order = [m["site_id"] for m in api.get(f"/api/listings/{w}/matches?limit=100", token=dev,
                                           expect=200).json()["matches"]]
    assert order.index(ne) < order.index(e)


def test_a_moved_landfill_is_routed_again(road_server):
    api = road_server.api
    dev, op = api.token("developer"), api.token("operator")
    w = create_listing(api, dev, supply(title="Sprengstein W2", lat=63.400, lon=10.300,
                                        window={"from": "2030-03", "to": "2030-08"}),
                       status="published")["id"]
    body = landfill(name="Deponi flyttes", lat=63.400, lon=10.500)
    f = create_facility(api, op, body)
    deadline = time.monotonic() + 120
    while matches_of(api, dev, w)[f["id"]]["km_source"] != "road":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    got = api.get(f"/api/facilities/{f['id']}", token=op, expect=200)
    moved = dict(body, lat=63.420)  # node 8, on the road north of E
    api.put(f"/api/facilities/{f['id']}", token=op, json=moved,
            headers={"If-Match": f'"{got.json()["version"]}"'}, expect=200)
    deadline = time.monotonic() + 120
    while True:
        m = matches_of(api, dev, w)[f["id"]]
        if m["km_source"] == "road" and m["km"] < ROUND_TO_E - 1:
            break
        assert time.monotonic() < deadline, m
        time.sleep(0.2)
    assert m["km"] == pytest.approx(ROUND_TO_E - seg_km(63.42, 10.5, 63.40, 10.5), abs=0.003)


def test_without_a_road_database_every_distance_says_it_is_an_estimate(fresh_server):
    s = fresh_server()
    api = s.api
    assert api.get("/api/health", expect=200).json()["roads"] is None
    dev = api.token("developer")
    w = create_listing(api, dev, supply(), status="published")["id"]
    ms = api.get(f"/api/listings/{w}/matches", token=dev, expect=200).json()["matches"]
    assert ms
    for m in ms:
        assert m["km_source"] == "estimate" and m["km_why"] == "no_road_database"
        assert m["minutes"] is None and m["ferry_km"] is None


@pytest.mark.parametrize("damage", ["missing", "manifest"])
def test_a_bad_road_database_stops_the_server_with_its_reason(roads_dir, damage):
    with tempfile.TemporaryDirectory(prefix="mb-api-") as d:
        bad = os.path.join(d, "roads")
        if damage == "missing":
            want = "roads"
        else:
            subprocess.run(["cp", "-r", roads_dir, bad], check=True)
            with open(os.path.join(bad, "manifest.json"), "w", encoding="utf-8") as f:
                f.write("{\"format\": \"something else\"}")
            want = "not a road database of this version of massebank"
        r = subprocess.run([os.environ["MB_SERVER"], "--db", os.path.join(d, "m.db"), "--port",
                            "0", "--roads", bad, "--no-demo"], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode != 0
        assert want in r.stderr, r.stderr
        assert "AddressSanitizer" not in r.stderr


def test_the_route_of_a_match_follows_the_road(road_server):
    api = road_server.api
    dev, op = api.token("developer"), api.token("operator")
    w = create_listing(api, dev, supply(title="Sprengstein W3", lat=63.400, lon=10.300,
                                        window={"from": "2030-03", "to": "2030-08"}),
                       status="published")["id"]
    e = create_facility(api, op, landfill(name="Deponi E3", lat=63.400, lon=10.500))["id"]
    r = api.get(f"/api/listings/{w}/route", token=dev, params={"to": e}, expect=200).json()
    assert r["km_source"] == "road" and r["km_why"] is None
    assert r["km"] == pytest.approx(ROUND_TO_E, abs=0.003)
    # From W round the fjord through the north corners to E.
    assert r["path"][0] == [63.4, 10.3] and r["path"][-1] == [63.4, 10.5]
    # (Routino keeps positions as floats: within 1e-5 degrees, about a metre.)
    for corner in ([63.46, 10.3], [63.46, 10.5]):
        assert any(abs(p[0] - corner[0]) < 1e-5 and abs(p[1] - corner[1]) < 1e-5
                   for p in r["path"]), r["path"]
    assert not any(abs(p[0] - 63.4) < 1e-5 and 10.32 < p[1] < 10.48 for p in r["path"]), \
        "not by the ferry"
    # A landfill in the fjord: the estimate as a straight line, and why.
    sea = create_facility(api, op, landfill(name="Deponi i sjøen", lat=63.44, lon=10.40))["id"]
    r = api.get(f"/api/listings/{w}/route", token=dev, params={"to": sea}, expect=200).json()
    assert r["km_source"] == "estimate" and r["km_why"] == "no_road_near"
    assert r["path"] == [[63.4, 10.3], [63.44, 10.4]] and r["minutes"] is None
    assert r["ferry_km"] is None
    # Bad input: named, nothing routed.
    for bad in ("x", "0", "-3", "99999999"):
        resp = api.get(f"/api/listings/{w}/route", token=dev, params={"to": bad})
        assert resp.status_code in (400, 404) and resp.json()["error"]["field"] == "to", resp.text
    api.get(f"/api/listings/{w}/route", token=dev, expect=400, field="to")
    api.get(f"/api/listings/{w}/route", token=dev, params={"to": w}, expect=400, field="to")
    # Beyond twice the longest haul: refused, nothing routed.
    far = create_listing(api, api.token("contractor"), dict(need(), lat=69.65, lon=18.95),
                         status="published")["id"]
    r = api.get(f"/api/listings/{w}/route", token=dev, params={"to": far}, expect=400, field="to")
    assert "beyond twice the longest haul" in r.json()["error"]["message"]
    api.get(f"/api/listings/{w}/route", token=dev, params={"to": e, "x": 1}, expect=400)


def test_a_pair_neither_side_made_is_asked_for_by_reading_the_matches(road_server):
    """The nearest of one listing are not always the nearest of the other:
    a need written next to a crowd of supplies makes its pairs with the
    crowd; an older supply beside it, not among the need's nearest, had
    made its pairs before the need existed. Reading the supply's matches
    queues it, and the pair comes by road."""
    api = road_server.api
    dev, con = api.token("developer"), api.token("contractor")
    win = {"from": "2031-03", "to": "2031-08"}
    lone = create_listing(api, dev, supply(title="Ensom stein", lat=63.400, lon=10.296,
                                           window=win), status="published")["id"]
    for k in range(45):
        create_listing(api, dev, supply(title=f"Stein {k}", lat=63.400, lon=10.310 + k * 1e-5,
                                        window=win), status="published")
    deadline = time.monotonic() + 120
    while api.get("/api/health", expect=200).json()["roads"]["sites_waiting"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    n = create_listing(api, con, need(title="Fylling ved vegen", lat=63.400, lon=10.3101,
                                      window=win), status="published")["id"]
    deadline = time.monotonic() + 120
    while True:
        m = matches_of(api, dev, lone).get(n)
        assert m, "the need is among the lone supply's matches"
        if m["km_source"] == "road":
            break
        assert m["km_why"] == "not_computed"
        assert time.monotonic() < deadline, m
        time.sleep(0.3)


FERRIES = os.path.join(ROOT, "tests", "data", "roads", "ferries.osm")


def test_ferries_are_counted_priced_and_driven_round_when_cheaper():
    """ferries.osm: a mainland town, a middle island reached by a car ferry
    (tagged only motorcar=yes) or a 28 km road round, and an outer island
    reached only by a second ferry beyond it. To the outer island the
    match takes two ferries and prices both, there and back; to the middle
    island the drive a haulier takes is the road round (cheaper than a
    ticket and a wait, though slower), and the drawn drive goes round.
    A plan's flow from a facility is drawn along the road too."""
    with tempfile.TemporaryDirectory(prefix="mb-ferries-") as d:
        out = os.path.join(d, "ferries")
        r = subprocess.run([CLI, "roads", "build", FERRIES, "-o", out], capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        os.mkdir(os.path.join(d, "srv"))
        s = Server(os.path.join(d, "srv"), demo=True, extra=["--roads", out]).start()
        try:
            api = s.api
            dev, op = api.token("developer"), api.token("operator")
            w = create_listing(api, dev, supply(title="Sprengstein fastlandet", lat=63.600,
                                                lon=10.300,
                                                window={"from": "2030-03", "to": "2030-08"}),
                               status="published")["id"]
            mid = create_facility(api, op, landfill(name="Deponi Midtøya", lat=63.600,
                                                    lon=10.420))["id"]
            outer = create_facility(api, op, landfill(name="Deponi Ytterøya", lat=63.600,
                                                      lon=10.550))["id"]
            deadline = time.monotonic() + 120
            while True:
                res = api.get(f"/api/listings/{w}/matches?limit=100", token=dev, expect=200).json()
                got = {m["site_id"]: m for m in res["matches"]}
                if got[mid]["km_source"] == "road" and got[outer]["km_source"] == "road":
                    break
                assert time.monotonic() < deadline, f"no road distance after 120 s: {got[outer]}"
                time.sleep(0.2)
            f = res["factors"]
            o = got[outer]
            assert o["ferry_crossings"] == 2
            ferry_km = seg_km(63.6, 10.32, 63.6, 10.40) + seg_km(63.6, 10.44, 63.6, 10.52)
            assert o["ferry_km"] == pytest.approx(ferry_km, abs=0.003)
            want = 2 * f["ferry_nok_per_t_crossing"] + o["ferry_km"] * f["ferry_nok_per_tkm"]
            assert o["ferry_nok_per_t"] == pytest.approx(want, rel=1e-9)
            # Two tickets and two waits, there and back, over a 29 t load.
            assert f["ferry_nok_per_t_crossing"] == pytest.approx(
                (410 + 18 / 60 * 1500) * 2 / 29, rel=1e-9)
            assert o["transport_nok_per_t"] > o["ferry_nok_per_t"] > 0
            m = got[mid]
            assert m["ferry_crossings"] == 0 and m["ferry_nok_per_t"] == 0
            assert m["km"] > 25, "the road round, not the car ferry"
            route = api.get(f"/api/listings/{w}/route", params={"to": str(mid)}, token=dev,
                            expect=200).json()
            assert route["ferry_crossings"] == 0
            assert max(p[0] for p in route["path"]) > 63.69, "drawn round by the north"
            # From the facility's side: the same drive, from the supply to it.
            back = api.get(f"/api/facilities/{outer}/route", params={"to": str(w)}, token=dev,
                           expect=200).json()
            assert back["ferry_crossings"] == 2
            assert back["path"][0] == pytest.approx([63.6, 10.3], abs=1e-6)
        finally:
            s.stop()
