"""Siting with a regional plan (docs/siting.md): POST /api/plans with
candidate storage sites and plants and max_open; bad candidates refused
before a job, each with its field named; the job's "siting" section
checked against the enumeration of every subset by the CLI on the very
scenario the job solved."""
import copy
import json
import os
import subprocess
import tempfile
import time

import pytest

CLI = os.environ.get("MB_CLI", "")
PLAN = {"municipalities": ["5001"], "from": "2026-03", "to": "2026-08"}


def storage(cid, lat, lon, per_year=200000, **extra):
    c = {"id": cid, "kind": "storage", "lat": lat, "lon": lon, "accepts": ["*"],
         "capacity": {"value": 50000, "unit": "t"}, "handling_nok_per_t": 20,
         "holding_nok_per_t_month": 1, "nok_per_year": per_year, "opening_nok": 50000,
         "co2_kg_per_year": 1000}
    c.update(extra)
    return c


CANDIDATES = [storage("lager-sentrum", 63.43, 10.40),
              storage("lager-heimdal", 63.35, 10.36),
              # dearer than any plan could save: stays closed
              storage("lager-gull", 63.40, 10.45, per_year=9e9)]


def wait_done(api, token, url, seconds=300):
    deadline = time.monotonic() + seconds
    while True:
        job = api.get(url, token=token, expect=200).json()
        if job["state"] in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def count_plans(api, token):
    return len(api.get("/api/plans", token=token, expect=200).json()["items"])


@pytest.mark.parametrize("change, field", [
    (lambda c: c[2].update(nok_per_year=-5), "candidates[2].nok_per_year"),
    (lambda c: c[1].pop("nok_per_year"), "candidates[1].nok_per_year"),
    (lambda c: c[0].pop("capacity"), "candidates[0].capacity"),
    (lambda c: c[1].update(lat=55.0, lon=12.6), "candidates[1]"),
    (lambda c: c[0].update(kind="landfill"), "candidates[0].kind"),
    (lambda c: c[1].update(id="lager-sentrum"), "candidates[1].id"),
    (lambda c: c.clear(), "candidates"),
])
def test_bad_candidates_are_refused_with_the_field_named_and_nothing_stored(api, change, field):
    mun = api.token("municipality")
    before = count_plans(api, mun)
    cands = copy.deepcopy(CANDIDATES)
    change(cands)
    r = api.post("/api/plans", token=mun, json=dict(PLAN, candidates=cands), expect=400)
    got = r.json()["error"]["field"]
    assert got == field or got.startswith(field + "."), r.text
    assert count_plans(api, mun) == before


@pytest.mark.parametrize("extra, field", [
    ({"candidates": CANDIDATES, "max_open": 4}, "max_open"),
    ({"candidates": CANDIDATES, "max_open": 0}, "max_open"),
    ({"candidates": CANDIDATES, "max_open": 1.5}, "max_open"),
    ({"max_open": 1}, "max_open"),
    ({"candidates": CANDIDATES, "objective": "co2"}, "objective"),
    ({"candidates": {"id": "x"}}, "candidates"),
])
def test_bad_max_open_is_refused(api, extra, field):
    mun = api.token("municipality")
    before = count_plans(api, mun)
    api.post("/api/plans", token=mun, json=dict(PLAN, **extra), expect=400, field=field)
    assert count_plans(api, mun) == before


def test_the_message_is_in_bokmaal_too(api):
    mun = api.token("municipality")
    cands = copy.deepcopy(CANDIDATES)
    cands[2]["nok_per_year"] = -5
    err = api.post("/api/plans", token=mun, json=dict(PLAN, candidates=cands),
                   expect=400).json()["error"]
    assert err["key"] == "must be a number from 0 to 10000000000"


@pytest.mark.skipif(not CLI, reason="MB_CLI not set")
def test_the_job_chooses_what_every_subset_finds(api):
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json=dict(PLAN, candidates=CANDIDATES, max_open=2),
                   expect=202).json()
    done = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    assert done["request"]["max_open"] == 2
    siting = done["result"]["siting"]
    assert siting["format"] == "massebank-siting/1"
    assert siting["method"] == "mip" and siting["gap"] == pytest.approx(0, abs=1e-9)
    assert siting["max_open"] == 2
    cands = {c["id"]: c for c in siting["candidates"]}
    assert list(cands) == ["lager-sentrum", "lager-heimdal", "lager-gull"]
    assert cands["lager-gull"]["open"] is False and cands["lager-gull"]["saving_nok"] is None
    # The enumeration of every subset of at most 2, on the scenario the job solved.
    with tempfile.TemporaryDirectory() as d:
        scn = os.path.join(d, "scenario.json")
        cf = os.path.join(d, "candidates.json")
        with open(scn, "w", encoding="utf-8") as f:
            json.dump(done["result"]["scenario"], f)
        with open(cf, "w", encoding="utf-8") as f:
            json.dump({"format": "massebank-candidates/1", "candidates": CANDIDATES}, f)
        out = subprocess.run([CLI, "site", scn, "--candidates", cf, "--max", "2", "--method",
                              "enumerate", "--json"], capture_output=True, text=True,
                             timeout=600)
        assert out.returncode == 0, out.stderr
        want = json.loads(out.stdout)
    assert want["subsets_planned"] == 7
    # Not a trivial answer: something opens, and it saves.
    assert any(c["open"] for c in want["candidates"]), want
    assert siting["saving"]["value_nok"] > 0
    for w in want["candidates"]:
        got = cands[w["id"]]
        assert got["open"] == w["open"], w["id"]
        if w["open"]:
            assert got["saving_nok"] == pytest.approx(w["saving_nok"], rel=1e-6, abs=1)
            assert got["break_even_nok_per_year"] > got["nok_per_year"]
            each = got["co2_saving_kg"]
            assert each["low"] <= each["central"] + 1e-6 <= each["high"] + 2e-6, each
        else:
            assert got["co2_saving_kg"] is None
    assert siting["value_nok"] == pytest.approx(want["value_nok"], rel=1e-6, abs=1)
    assert siting["value_none_nok"] == pytest.approx(want["value_none_nok"], rel=1e-6, abs=1)
    # The plan beside it is the plan of the region as it is: no candidate in it.
    assert all(s["id"][0] in "LF" for s in done["result"]["scenario"]["sites"])
    assert done["result"]["plan"]["totals"]["cost_nok"] == pytest.approx(
        siting["none"]["cost_nok"], rel=1e-6)
    # Its ranges: paired draws around the central figure.
    s = siting["saving"]
    band = s["co2_kg_range"]
    assert band["low"] <= band["central"] + 1e-6 <= band["high"] + 2e-6
    assert band["central"] == pytest.approx(s["co2_kg"], rel=1e-9, abs=1e-6)
    assert s["draws"] == 1000
    # The answer as a document: the same figures, in bokmål, PDF too.
    url = f"/api/plans/{job['id']}/siting"
    doc = api.get(url, token=mun, params={"format": "html"}, expect=200)
    assert doc.headers["Content-Type"].startswith("text/html")
    text = doc.text
    assert "Hvor regionen bør åpne mellomlager og knuseverk" in text
    assert "bevist gap 0,00 %" in text
    assert "anslag" in text, "the candidates' own costs are marked as estimates"
    opened = next(c for c in siting["candidates"] if c["open"])
    saved = f"{opened['saving_nok'] / 1e6:,.3f}".replace(",", " ").replace(".", ",")
    assert saved.replace(" ", "\u00a0") in text or saved in text, saved
    assert "5–95 %" in text
    en = api.get(url, token=mun, params={"format": "html", "lang": "en"}, expect=200).text
    assert "Where the region should open storage sites and plants" in en
    pdf = api.get(url, token=mun, params={"format": "pdf"}, expect=200)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    api.get(url, token=mun, params={"format": "doc"}, expect=400, field="format")
    api.get(url, token=api.token("developer"), params={"format": "html"}, expect=404, field="id")


def test_a_plan_without_candidates_has_no_siting(api):
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json=PLAN, expect=202).json()
    done = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    assert set(done["result"]) == {"scenario", "plan"}
    api.get(f"/api/plans/{job['id']}/siting", token=mun, params={"format": "html"}, expect=404,
            field="siting")


def test_a_candidate_id_the_region_has_is_refused_at_once(api):
    mun = api.token("municipality")
    region = api.post("/api/plans", token=mun, json=PLAN, expect=202).json()
    sites = wait_done(api, mun, region["url"])["result"]["scenario"]["sites"]
    before = count_plans(api, mun)
    for sid in (sites[0]["id"], sites[-1]["id"]):
        cands = copy.deepcopy(CANDIDATES)
        cands[1]["id"] = sid
        err = api.post("/api/plans", token=mun, json=dict(PLAN, candidates=cands),
                       expect=400, field="candidates[1].id").json()["error"]
        assert sid in err["message"]
    assert count_plans(api, mun) == before
    # An id that only looks a little like one is a name like any other.
    cands = copy.deepcopy(CANDIDATES)
    cands[0]["id"] = "F12b"
    job = api.post("/api/plans", token=mun, json=dict(PLAN, candidates=cands), expect=202).json()
    done = wait_done(api, mun, job["url"])
    assert done["state"] == "done", done["message"]
    assert "F12b" in {c["id"] for c in done["result"]["siting"]["candidates"]}
