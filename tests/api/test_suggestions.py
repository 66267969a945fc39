"""Plans that act: a regional plan's flow from one organisation's surplus
to another's need becomes a suggestion to both, which either turns into a
reservation in one step or dismisses for its own side."""
import pytest

from conftest import create_facility, create_listing, need, supply, landfill
from test_plans import wait_done

# A corner of Trøndelag (Steinkjer) with no demo site in it.
BOX = [11.2, 63.9, 11.8, 64.1]


def run_plan(api, name):
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json={
        "bbox": BOX, "from": "2027-01", "to": "2027-12", "name": name}, expect=202).json()
    done, _ = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    return done


@pytest.fixture(scope="module")
def region(api):
    dev, con, op = api.token("developer"), api.token("contractor"), api.token("operator")
    rock = create_listing(api, dev, supply(
        title="Sprengstein Steinkjer sentrum", lat=63.95, lon=11.45, property="5006-1/1",
        amount={"value": 6000, "unit": "t"}, window={"from": "2027-03", "to": "2027-06"}),
        status="published")
    road = create_listing(api, con, need(
        title="Vegfylling Egge", lat=64.02, lon=11.52, amount={"value": 4000, "unit": "t"},
        window={"from": "2027-04", "to": "2027-08"}), status="published")
    own = create_listing(api, dev, need(
        title="Utbyggers egen fylling", lat=63.96, lon=11.40,
        amount={"value": 500, "unit": "t"}, window={"from": "2027-03", "to": "2027-06"}),
        status="published")
    create_facility(api, op, landfill(name="Deponi Steinkjer", lat=64.05, lon=11.70))
    create_facility(api, op, {"type": "quarry", "name": "Pukkverk Steinkjer", "lat": 63.92,
                              "lon": 11.65, "offers": ["rock.blasted"]})
    plan = run_plan(api, "Steinkjer 2027")
    return {"rock": rock, "road": road, "own": own, "plan": plan}


def mine(api, role, **params):
    return api.get("/api/suggestions", token=api.token(role), params=params,
                   expect=200).json()


def test_a_plan_suggests_its_flows_between_listings_to_both_parties(api, region):
    rock, road, plan = region["rock"], region["road"], region["plan"]
    flows = [f for f in plan["result"]["plan"]["flows"]
             if f["from"] == f"L{rock['id']}" and f["to"] == f"L{road['id']}"]
    assert flows, "the plan moves the surplus to the need"
    planned_t = sum(f["tonnes"] for f in flows)
    for role, side in (("developer", "supply"), ("contractor", "need")):
        got = mine(api, role)
        items = [g for g in got["items"] if g["plan"]["id"] == plan["id"]]
        assert len(items) == 1, items
        g = items[0]
        assert got["open"] >= 1
        assert g["side"] == side and g["state"] == "open"
        assert g["supply"]["id"] == rock["id"] and g["need"]["id"] == road["id"]
        assert g["supply"]["title"] == "Sprengstein Steinkjer sentrum"
        assert g["need"]["org"]["name"] and g["supply"]["org"]["name"]
        assert g["plan"]["name"] == "Steinkjer 2027" and g["plan"]["by"]
        assert g["tonnes"] == pytest.approx(planned_t)
        months = sorted(f["month"] for f in flows)
        assert g["window"] == {"from": months[0], "to": months[-1]}
        assert g["co2_kg"] == pytest.approx(sum(f["co2_kg"] for f in flows))
        # The saving is the baseline's CO2 for the same tonnes minus the
        # flow's, and says it is an estimate.
        assert g["saving_is_estimate"] is True and "baseline" in g["saving_method"]
        assert g["saving_co2_kg"] == pytest.approx(g["baseline_co2_kg"] - g["co2_kg"])
        assert g["baseline_co2_kg"] > g["co2_kg"] > 0
    # A flow within one organisation (the developer's surplus to its own
    # need) is no market deal and is not suggested.
    assert all(g["need"]["id"] != region["own"]["id"]
               for g in mine(api, "developer", state="all")["items"])
    # Nobody else sees it; the municipality oversees every suggestion.
    assert all(g["plan"]["id"] != plan["id"] for g in mine(api, "hauler", state="all")["items"])
    seen = [g for g in mine(api, "municipality", state="all")["items"]
            if g["plan"]["id"] == plan["id"]]
    assert len(seen) == 1 and seen[0]["side"] is None


def test_the_baseline_rate_is_the_baselines_own_kg_per_tonne(api, region):
    plan = region["plan"]["result"]["plan"]
    rock, road = f"L{region['rock']['id']}", f"L{region['road']['id']}"
    g = [x for x in mine(api, "contractor")["items"]
         if x["plan"]["id"] == region["plan"]["id"]][0]
    sites = {s["id"]: s for s in plan["sites"]}

    def rate(key, site):
        fl = [f for f in plan["baseline_flows"] if f[key] == site]
        t = sum(f["tonnes"] for f in fl)
        return sum(f["co2_kg"] for f in fl) / t

    # Here both go in the region (a landfill and a quarry nearby): the
    # plan's per-site rate is its baseline flows' own.
    assert sites[rock]["baseline_co2_kg_per_t"] == pytest.approx(rate("from", rock), rel=1e-9)
    assert sites[road]["baseline_co2_kg_per_t"] == pytest.approx(rate("to", road), rel=1e-9)
    assert g["baseline_co2_kg"] == pytest.approx(
        g["tonnes"] * (rate("from", rock) + rate("to", road)), rel=1e-9)


def test_accepting_reserves_in_one_step_and_a_later_plan_supersedes(server, api, region):
    con, dev = api.token("contractor"), api.token("developer")
    g = [x for x in mine(api, "contractor")["items"]
         if x["plan"]["id"] == region["plan"]["id"]][0]
    # Another organisation cannot act on it, nor see that it exists.
    before = server.fingerprint()
    api.post(f"/api/suggestions/{g['id']}/accept", token=api.token("operator"), json={},
             expect=404, field="id")
    api.post(f"/api/suggestions/{g['id']}/dismiss", token=api.token("hauler"), json={},
             expect=404, field="id")
    # The municipality reads it but is no party.
    api.post(f"/api/suggestions/{g['id']}/accept", token=api.token("municipality"), json={},
             expect=403)
    api.post(f"/api/suggestions/{g['id']}/accept", token=con, json={"amount": 5},
             expect=400, field="amount")
    api.post(f"/api/suggestions/{g['id']}/accept", token=con, json={"hauler_org": -1},
             expect=400, field="hauler_org")
    api.post("/api/suggestions/999999/accept", token=con, json={}, expect=404, field="id")
    assert server.fingerprint() == before
    # The need's party reserves the surplus for its need.
    r = api.post(f"/api/suggestions/{g['id']}/accept", token=con, json={}, expect=201)
    deal = r.json()["deal"]
    assert r.json()["partial"] is False
    assert r.headers["Location"] == f"/api/deals/{deal['id']}"
    assert r.json()["suggestion"]["state"] == "accepted"
    assert r.json()["suggestion"]["deal_id"] == deal["id"]
    got = api.get(f"/api/deals/{deal['id']}", token=con, expect=200).json()
    assert got["listing_id"] == region["rock"]["id"]
    assert got["counterpart_site"] == region["road"]["id"]
    assert got["amount_t"] == pytest.approx(g["tonnes"], abs=1e-3)
    assert got["window"] == g["window"] and got["state"] == "reserved"
    assert "regional plan" in got["note"]
    # The other party sees it accepted, and can no longer act on it.
    other = [x for x in mine(api, "developer", state="all")["items"] if x["id"] == g["id"]][0]
    assert other["state"] == "accepted" and other["deal_id"] == deal["id"]
    assert all(x["id"] != g["id"] for x in mine(api, "developer")["items"])
    api.post(f"/api/suggestions/{g['id']}/dismiss", token=dev, json={}, expect=409,
             field="state")
    api.post(f"/api/suggestions/{g['id']}/accept", token=con, json={}, expect=409,
             field="state")
    # Audited, naming the deal.
    log = api.get("/api/audit", token=api.token("admin"),
                  params={"entity": "suggestion", "entity_id": g["id"]}, expect=200).json()
    assert [e["action"] for e in log["items"]] == ["accept"]
    assert log["items"][0]["detail"]["deal_id"] == deal["id"]
    # While the deal stands, a new plan does not suggest the pair again:
    # the same tonnes would be reserved twice.
    again = run_plan(api, "Steinkjer 2027, med avtale")
    assert all(x["plan"]["id"] != again["id"]
               for x in mine(api, "developer", state="all")["items"])
    # Cancelling frees the amount; a new plan suggests the pair again and
    # the new suggestion supersedes open ones of the same pair only.
    api.post(f"/api/deals/{deal['id']}/state", token=con, json={"state": "cancelled"},
             expect=200)
    later = run_plan(api, "Steinkjer 2027, ny runde")
    new = [x for x in mine(api, "developer")["items"] if x["plan"]["id"] == later["id"]]
    assert len(new) == 1 and new[0]["state"] == "open"
    # The developer dismisses it for its side; the contractor still has it.
    d = api.post(f"/api/suggestions/{new[0]['id']}/dismiss", token=dev, json={},
                 expect=200).json()
    assert d["supply_dismissed"] is True and d["need_dismissed"] is False
    assert all(x["id"] != new[0]["id"] for x in mine(api, "developer")["items"])
    assert any(x["id"] == new[0]["id"] for x in mine(api, "contractor")["items"])
    api.post(f"/api/suggestions/{new[0]['id']}/accept", token=dev, json={}, expect=409,
             field="state")
    # A third plan supersedes the contractor's open one.
    third = run_plan(api, "Steinkjer 2027, tredje")
    old = [x for x in mine(api, "contractor", state="all")["items"] if x["id"] == new[0]["id"]]
    assert old[0]["state"] == "superseded"
    assert any(x["plan"]["id"] == third["id"] for x in mine(api, "contractor")["items"])
    api.get("/api/suggestions", token=con, params={"state": "nye"}, expect=400, field="state")


def test_the_baseline_rates_add_up_to_the_baseline_and_count_what_leaves_the_region(api):
    """With no landfill or quarry in the region, today's practice sends
    the surplus to a landfill outside and brings the need's masses from a
    quarry outside: the rates count that, and a suggestion's saving is
    no artefact of a baseline that forgot it."""
    dev, con = api.token("developer"), api.token("contractor")
    window = {"from": "2027-05", "to": "2027-06"}
    rock = create_listing(api, dev, supply(title="Stein Snåsa", lat=64.25, lon=12.38,
                                           amount={"value": 3000, "unit": "t"}, window=window),
                          status="published")
    road = create_listing(api, con, need(title="Fylling Snåsa", lat=64.27, lon=12.40,
                                         amount={"value": 3000, "unit": "t"}, window=window),
                          status="published")
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json={
        "bbox": [12.2, 64.2, 12.6, 64.35], "from": "2027-01", "to": "2027-12"},
        expect=202).json()
    done, _ = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    plan = done["result"]["plan"]
    assert plan["baseline_flows"] == []
    sites = {s["id"]: s for s in plan["sites"]}
    rs, rn = (sites[f"L{x['id']}"]["baseline_co2_kg_per_t"] for x in (rock, road))
    assert rs > 0 and rn > 0
    # Every tonne of today's practice is one of a surplus or a need.
    assert 3000 * rs + 3000 * rn == pytest.approx(plan["baseline"]["co2_kg"], rel=1e-9)
    g = [x for x in mine(api, "contractor")["items"] if x["plan"]["id"] == done["id"]][0]
    assert g["baseline_co2_kg"] == pytest.approx(g["tonnes"] * (rs + rn), rel=1e-9)
    assert g["saving_co2_kg"] > 0


def test_a_listing_leaving_the_market_takes_its_suggestion_along_and_a_short_one_is_partial(
        server, api):
    dev, con, op = api.token("developer"), api.token("contractor"), api.token("operator")
    window = {"from": "2027-05", "to": "2027-06"}
    box = {"bbox": [13.0, 65.0, 13.6, 65.2], "from": "2027-01", "to": "2027-12"}
    rock = create_listing(api, dev, supply(title="Stein Grane", lat=65.10, lon=13.30,
                                           amount={"value": 2000, "unit": "t"}, window=window),
                          status="published")
    fill = create_listing(api, con, need(title="Fylling Grane", lat=65.12, lon=13.34,
                                         amount={"value": 2000, "unit": "t"}, window=window),
                          status="published")
    mun = api.token("municipality")

    def plan():
        job = api.post("/api/plans", token=mun, json=box, expect=202).json()
        done, _ = wait_done(api, mun, job["url"])
        assert done["state"] == "done", done["message"]
        return [x for x in mine(api, "contractor", state="all")["items"]
                if x["plan"]["id"] == done["id"]][0]

    g = plan()
    assert g["supply"]["status"] == "published" and g["tonnes"] == pytest.approx(2000)
    # The developer takes its listing back to draft: the suggestion
    # leaves the open lists, and accepting it says why.
    api.post(f"/api/listings/{rock['id']}/status", token=dev, json={"status": "draft"},
             expect=200)
    assert all(x["id"] != g["id"] for x in mine(api, "contractor")["items"])
    before = server.fingerprint()
    for token in (con, dev):
        r = api.post(f"/api/suggestions/{g['id']}/accept", token=token, json={}, expect=409,
                     field="status")
        assert "Stein Grane" in r.json()["error"]["message"]
    assert server.fingerprint() == before
    # Published again, with most of it taken by another: the accept
    # reserves what is left and says it is partial.
    api.post(f"/api/listings/{rock['id']}/status", token=dev, json={"status": "published"},
             expect=200)
    g = plan()
    api.post(f"/api/listings/{rock['id']}/deals", token=op, expect=201,
             json={"amount": {"value": 1500, "unit": "t"}})
    r = api.post(f"/api/suggestions/{g['id']}/accept", token=con, json={}, expect=201).json()
    assert r["partial"] is True and r["deal"]["amount_t"] == pytest.approx(500)
    assert fill["id"] == r["deal"]["counterpart_site"]
