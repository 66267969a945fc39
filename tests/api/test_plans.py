"""Regional plans: queued as jobs, solved in the background, shown to
their owner."""
import time

import pytest

PLAN = {"municipalities": ["5001"], "from": "2026-01", "to": "2026-12"}
TOTALS = {"objective", "cost_nok", "co2_kg", "tonne_km", "truckloads", "landfill_t",
          "landfill_fm3", "virgin_t", "reused_t", "unplaced_t", "unmet_t", "movements",
          "vehicle_km", "co2_transport_kg", "co2_handling_kg", "co2_production_kg",
          "out_of_region_cost_nok", "out_of_region_co2_kg", "landfill_pm3", "stranded_t", "landfill_all_t"}


def wait_done(api, token, url, seconds=120):
    deadline = time.monotonic() + seconds
    seen = set()
    while True:
        job = api.get(url, token=token, expect=200).json()
        seen.add(job["state"])
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job, seen
        time.sleep(0.1)


def test_plan_of_a_municipality(api):
    mun = api.token("municipality")
    r = api.post("/api/plans", token=mun, json=dict(PLAN, name="Trondheim 2026"), expect=202)
    job = r.json()
    assert job["state"] == "queued"
    assert r.headers["Location"] == job["url"] == f"/api/jobs/{job['id']}"
    done, seen = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    assert done["finished"] is not None and done["request"]["municipalities"] == ["5001"]
    plan = done["result"]["plan"]
    assert plan["horizon"] == {"from": "2026-01", "to": "2026-12"}
    for part in ("totals", "baseline", "savings"):
        assert set(plan[part]) == TOTALS
    # Every figure names its method, and its savings come with ranges.
    assert plan["method"]["boundary"] == "wtw"
    assert any(f["key"] == "production.crushed_kg_per_t" and f["source"]
               for f in plan["method"]["factors"])
    band = plan["ranges"]["savings"]["co2_kg"]
    assert band["low"] <= band["central"] + 1e-6 and band["central"] <= band["high"] + 1e-6
    assert band["central"] == pytest.approx(plan["savings"]["co2_kg"], rel=1e-9, abs=1e-6)
    assert plan["totals"]["cost_nok"] <= plan["baseline"]["cost_nok"] + 1e-6
    assert plan["savings"]["cost_nok"] == pytest.approx(
        plan["baseline"]["cost_nok"] - plan["totals"]["cost_nok"], rel=1e-6, abs=1e-3)
    scn = done["result"]["scenario"]
    assert scn["sites"] and scn["name"] == "Trondheim 2026"
    # Only the region's sites: listings are L<id>, facilities F<id>.
    assert all(s["id"][0] in "LF" for s in scn["sites"])
    # Another non-admin user does not see the job; the admin does.
    api.get(job["url"], token=api.token("developer"), expect=404, field="id")
    api.get(job["url"], token=api.token("operator"), expect=404, field="id")
    api.get(job["url"], token=api.token("admin"), expect=200)
    # Saved: listed and read by the municipality's users, with its totals.
    listed = api.get("/api/plans", token=mun, expect=200).json()["items"]
    mine = [p for p in listed if p["id"] == job["id"]][0]
    assert mine["name"] == "Trondheim 2026" and mine["state"] == "done"
    assert mine["savings"]["co2_kg"] == pytest.approx(plan["savings"]["co2_kg"])
    org = api.me("municipality")["organisation"]["id"]
    api.post("/api/users", token=api.token("admin"), json={
        "org_id": org, "email": "kollega@kommune.example", "name": "Kari Kommune 2",
        "role": "municipality", "password": "kommunekollega 1"}, expect=201)
    colleague = api.login("kollega@kommune.example", "kommunekollega 1")
    got = api.get(f"/api/plans/{job['id']}", token=colleague, expect=200).json()
    assert got["result"]["plan"]["savings"] == plan["savings"]
    assert any(p["id"] == job["id"] for p in
               api.get("/api/plans", token=colleague, expect=200).json()["items"])
    api.get(f"/api/plans/{job['id']}", token=api.token("developer"), expect=404, field="id")
    assert all(p["id"] != job["id"] for p in
               api.get("/api/plans", token=api.token("developer"), expect=200).json()["items"])


def test_plan_by_bbox_with_co2_price(api):
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json={
        "bbox": [10.3, 63.3, 10.5, 63.45], "from": "2026-03", "to": "2026-05",
        "co2_price_nok_per_t": 0}, expect=202).json()
    done, _ = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    assert done["result"]["scenario"]["co2_price_nok_per_t"] == 0


def test_plan_with_its_own_objective_factors_and_out_of_region(api):
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json={
        "municipalities": ["5001"], "from": "2026-03", "to": "2026-05", "objective": "co2",
        "factors": {"production.crushed_kg_per_t": {"low": 2.8, "central": 3.1, "high": 3.4}},
        "out_of_region": {"landfill_km": 80}}, expect=202).json()
    done, _ = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    method = done["result"]["plan"]["method"]
    assert method["objective"] == "co2"
    assert method["out_of_region"]["landfill_km"] == 80
    crushed = next(f for f in method["factors"] if f["key"] == "production.crushed_kg_per_t")
    assert (crushed["low"], crushed["central"], crushed["high"], crushed["origin"]) == \
        (2.8, 3.1, 3.4, "scenario")


@pytest.mark.parametrize("extra, field", [
    ({"factors": {"truck.payload_t": {"low": 30, "central": 29, "high": 31}}},
     "factors.truck.payload_t"),
    ({"factors": {"truck.nonsense": 1}}, "factors.truck.nonsense"),
    ({"objective": "speed"}, "objective"),
    ({"out_of_region": {"landfill_km": -1}}, "out_of_region.landfill_km"),
])
def test_bad_accounting_settings_are_refused_before_a_job(api, extra, field):
    mun = api.token("municipality")
    api.post("/api/plans", token=mun, json=dict(PLAN, **extra), expect=400, field=field)


def test_empty_region_fails_with_a_message(api):
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json={"bbox": [5.0, 58.0, 5.1, 58.1],
                                                  "from": "2026-01", "to": "2026-02"},
                   expect=202).json()
    done, _ = wait_done(api, mun, job["url"])
    assert done["state"] == "failed" and done["result"] is None
    assert done["message"]


@pytest.mark.parametrize("body,field", [
    ({"municipalities": ["5001"], "from": "2026-12", "to": "2026-01"}, "to"),
    ({"municipalities": ["5001"], "bbox": [10, 63, 11, 64], "from": "2026-01",
      "to": "2026-12"}, "municipalities"),
    ({"from": "2026-01", "to": "2026-12"}, "municipalities"),
    ({"municipalities": [], "from": "2026-01", "to": "2026-12"}, "municipalities"),
    ({"municipalities": "5001", "from": "2026-01", "to": "2026-12"}, "municipalities"),
    ({"municipalities": [5001], "from": "2026-01", "to": "2026-12"}, "municipalities[0]"),
    ({"municipalities": ["5001"], "to": "2026-12"}, "from"),
    ({"municipalities": ["5001"], "from": "jan", "to": "2026-12"}, "from"),
    ({"bbox": [11, 63, 10, 64], "from": "2026-01", "to": "2026-12"}, "bbox"),
    ({"bbox": [10, 63, 11], "from": "2026-01", "to": "2026-12"}, "bbox"),
])
def test_bad_plans_are_400(server, api, body, field):
    before = server.fingerprint()["job"]
    api.post("/api/plans", token=api.token("municipality"), json=body, expect=400, field=field)
    assert server.fingerprint()["job"] == before


def test_a_jobs_message_and_the_reference_findings_carry_their_words(api):
    """Progress, the closing line and a failure come with the template
    they were made from and its values, as errors do, so the web front
    end words them in bokmål (docs/api.md, "Errors")."""
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json=dict(PLAN, name="Ordene"), expect=202).json()
    done, _ = wait_done(api, mun, job["url"])
    assert done["message_key"] == "solved %zu sites in %.2f s"
    n, seconds = done["message_params"]
    assert done["message"] == f"solved {n:.0f} sites in {seconds:.2f} s"
    assert n == len(done["result"]["scenario"]["sites"])
    bad = api.post("/api/plans", token=mun, json={
        "bbox": [5.0, 58.0, 5.1, 58.1], "from": "2026-01", "to": "2026-03"}, expect=202).json()
    failed, _ = wait_done(api, mun, bad["url"])
    assert failed["state"] == "failed"
    assert failed["message_key"] == "no published or reserved site in the region"
    assert failed["message_params"] == []
    ref = api.get("/api/refdata", expect=200).json()
    assert ref["findings"] and all("key" in f and "params" in f for f in ref["findings"])
    assert any(f["key"] and f["params"] for f in ref["findings"])
