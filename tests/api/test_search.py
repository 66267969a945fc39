"""Searching sites: box, radius, material, class, window, amount,
keywords, type, status, organisation, paging and GeoJSON."""
import pytest

from conftest import create_listing, need, supply

TRONDHEIM = (63.36, 10.45)  # inside the demo sites


def months(w):
    y, m = w.split("-")
    return int(y) * 12 + int(m)


@pytest.fixture(scope="module")
def mine(api):
    """Listings of the developer with a keyword no demo site has."""
    dev = api.token("developer")
    s = {
        "small": create_listing(api, dev, supply(title="Grøft på Ørlandet æøå",
                                                 keywords=["zzsok"],
                                                 amount={"value": 100, "unit": "t"}),
                                status="published"),
        "big": create_listing(api, dev, supply(title="Stor skjæring", keywords=["zzsok"],
                                               amount={"value": 5000, "unit": "t"},
                                               **{"class": 3}),
                              status="published"),
        "draft": create_listing(api, dev, need(title="Utkast søk", keywords=["zzsok"])),
    }
    return s


def test_bbox(api):
    box = (10.2, 63.3, 10.6, 63.5)
    r = api.get("/api/search", params={"bbox": ",".join(map(str, box)), "per_page": 500},
                expect=200).json()
    assert r["total"] > 0 and len(r["items"]) == min(r["total"], 500)
    for s in r["items"]:
        p = s["position"]
        assert box[1] <= p["lat"] <= box[3] and box[0] <= p["lon"] <= box[2], s["id"]
    # A box far from every site is empty.
    assert api.get("/api/search", params={"bbox": "5,58,5.1,58.1"}, expect=200).json()[
        "total"] == 0


def test_near_orders_by_distance(api):
    r = api.get("/api/search", params={"near": f"{TRONDHEIM[0]},{TRONDHEIM[1]}",
                                       "radius_km": "5", "per_page": 500}, expect=200).json()
    d = [s["distance_km"] for s in r["items"]]
    assert d, "the demo has sites within 5 km of Trondheim"
    assert d == sorted(d) and d[-1] <= 5.0
    wider = api.get("/api/search", params={"near": f"{TRONDHEIM[0]},{TRONDHEIM[1]}",
                                           "radius_km": "20", "per_page": 1}, expect=200).json()
    assert wider["total"] >= r["total"]
    assert "distance_km" not in api.get("/api/search", params={"per_page": 1},
                                        expect=200).json()["items"][0]


def test_material_and_type(api):
    r = api.get("/api/listings", params={"type": "supply", "material": "rock.blasted",
                                         "per_page": 500}, expect=200).json()
    assert r["total"] > 0
    assert all(s["type"] == "supply" and s["material"] == "rock.blasted" for s in r["items"])
    # An alias names the same material.
    alias = api.get("/api/listings", params={"type": "supply", "material": "R.SPR",
                                             "per_page": 1}, expect=200).json()
    assert alias["total"] == r["total"]
    both = api.get("/api/search", params={"type": "supply,need", "per_page": 500},
                   expect=200).json()
    assert {s["type"] for s in both["items"]} <= {"supply", "need"}
    fac = api.get("/api/facilities", params={"per_page": 500}, expect=200).json()
    assert {s["type"] for s in fac["items"]} <= {"landfill", "storage", "plant", "quarry"}
    assert "landfill" in {s["type"] for s in fac["items"]}
    lst = api.get("/api/listings", params={"per_page": 500}, expect=200).json()
    assert {s["type"] for s in lst["items"]} <= {"supply", "need"}


def test_max_class(api, mine):
    r = api.get("/api/search", params={"q": "zzsok", "max_class": "2"}, expect=200).json()
    assert [s["id"] for s in r["items"]] == [mine["small"]["id"]]
    r = api.get("/api/search", params={"type": "supply", "max_class": "1", "per_page": 500},
                expect=200).json()
    assert all(s["class"] <= 1 for s in r["items"])


def test_window_overlap(api):
    r = api.get("/api/listings", params={"from": "2026-05", "to": "2026-06", "per_page": 500},
                expect=200).json()
    assert r["total"] > 0
    for s in r["items"]:
        assert months(s["window"]["from"]) <= months("2026-06")
        assert months(s["window"]["to"]) >= months("2026-05")
    one = api.get("/api/listings", params={"from": "2026-05", "per_page": 1}, expect=200).json()
    assert one["total"] >= 1


def test_min_amount(api, mine):
    r = api.get("/api/search", params={"q": "zzsok", "min_amount_t": "1000"}, expect=200).json()
    assert [s["id"] for s in r["items"]] == [mine["big"]["id"]]
    r = api.get("/api/search", params={"q": "zzsok", "min_amount_t": "0"}, expect=200).json()
    assert {s["id"] for s in r["items"]} == {mine["small"]["id"], mine["big"]["id"]}


@pytest.mark.parametrize("q", ["Ørlandet", "ørlandet", "grøft", "GRØFT ørland", "æøå"])
def test_keywords_with_norwegian_letters(api, mine, q):
    r = api.get("/api/search", params={"q": q}, expect=200).json()
    assert mine["small"]["id"] in [s["id"] for s in r["items"]], q


@pytest.mark.parametrize("q", ['"AND (*', "NEAR(", "'; DROP TABLE site; --", "*", '""',
                               "a OR b NOT c", "zzsok^", "{x}", "\\", "-zzsok", "ø*ø",
                               "title:zzsok", "%", "_"])
def test_hostile_keywords_are_plain_text(server, api, mine, q):
    r = api.get("/api/search", params={"q": q}, expect=200).json()
    assert r["total"] == len(r["items"]) or r["total"] > len(r["items"])
    assert api.get("/api/health", expect=200).json()["status"] == "ok"


def test_keywords_must_all_match(api, mine):
    assert api.get("/api/search", params={"q": "zzsok skjæring"}, expect=200).json()[
        "total"] == 1
    assert api.get("/api/search", params={"q": "zzsok finnesikke"}, expect=200).json()[
        "total"] == 0


def test_status_and_org(api, mine):
    dev, con, admin = api.token("developer"), api.token("contractor"), api.token("admin")
    org = api.me("developer")["user"]["org_id"]
    all_status = "draft,published,reserved,closed"
    own = api.get("/api/search", params={"q": "zzsok", "status": all_status}, token=dev,
                  expect=200).json()
    assert {s["id"] for s in own["items"]} == {m["id"] for m in mine.values()}
    other = api.get("/api/search", params={"q": "zzsok", "status": all_status}, token=con,
                    expect=200).json()
    assert mine["draft"]["id"] not in {s["id"] for s in other["items"]}
    assert other["total"] == 2
    assert api.get("/api/search", params={"q": "zzsok", "status": "draft"}, token=admin,
                   expect=200).json()["total"] == 1
    assert api.get("/api/search", params={"q": "zzsok", "status": "draft"},
                   expect=200).json()["total"] == 0
    r = api.get("/api/search", params={"org": str(org), "per_page": 500}, expect=200).json()
    assert r["total"] > 0 and all(s["org_id"] == org for s in r["items"])
    r = api.get("/api/search", params={"status": "reserved,published", "per_page": 50},
                expect=200).json()
    assert all(s["status"] in ("published", "reserved") for s in r["items"])


def test_paging(api):
    p1 = api.get("/api/search", params={"per_page": 7, "page": 1}, expect=200).json()
    p2 = api.get("/api/search", params={"per_page": 7, "page": 2}, expect=200).json()
    assert p1["page"] == 1 and p2["page"] == 2 and p1["per_page"] == 7
    assert p1["total"] == p2["total"] > 14
    assert len(p1["items"]) == len(p2["items"]) == 7
    assert not {s["id"] for s in p1["items"]} & {s["id"] for s in p2["items"]}
    last = (p1["total"] + 6) // 7
    tail = api.get("/api/search", params={"per_page": 7, "page": last}, expect=200).json()
    assert len(tail["items"]) == p1["total"] - 7 * (last - 1)
    past = api.get("/api/search", params={"per_page": 7, "page": last + 1}, expect=200).json()
    assert past["items"] == [] and past["total"] == p1["total"]
    everything = []
    page = 1
    while True:
        r = api.get("/api/search", params={"per_page": 500, "page": page}, expect=200).json()
        everything += [s["id"] for s in r["items"]]
        if page * 500 >= r["total"]:
            break
        page += 1
    assert len(everything) == len(set(everything)) == p1["total"]
    default = api.get("/api/search", expect=200).json()
    assert default["per_page"] == 50 and default["page"] == 1


def test_geojson(api):
    params = {"near": f"{TRONDHEIM[0]},{TRONDHEIM[1]}", "radius_km": "30", "per_page": 100,
              "format": "geojson"}
    r = api.get("/api/search", params=params, expect=200).json()
    assert r["type"] == "FeatureCollection" and r["features"]
    plain = api.get("/api/search", params={**params, "format": "json"}, expect=200).json()
    assert r["total"] == plain["total"]
    assert [f["id"] for f in r["features"]] == [s["id"] for s in plain["items"]]
    for f in r["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point"
        assert 57.9 <= lat <= 71.4 and 4.4 <= lon <= 31.3, "[lon, lat] order"
        assert lat == pytest.approx(f["properties"]["position"]["lat"])
        assert lon == pytest.approx(f["properties"]["position"]["lon"])
        assert f["properties"]["id"] == f["id"]
        assert "distance_km" in f["properties"]
    fac = api.get("/api/facilities", params={"format": "geojson", "per_page": 5},
                  expect=200).json()
    assert all(f["properties"]["type"] in ("landfill", "storage", "plant", "quarry")
               for f in fac["features"])
