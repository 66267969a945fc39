"""Statistics from confirmed loads (GET /api/stats and `massebank stats`):
loads made through the API move the report by exactly the confirmed
tonnes, per municipality of origin and destination kind; disputed and
registered loads do not count; only the authorities read it; bad queries
are refused naming the field."""
import json
import os
import subprocess
import time

import pytest

from conftest import create_facility, create_listing, landfill, need, supply

CLI = os.environ.get("MB_CLI", "")
ROCK_DENSITY = 2.70  # rock.blasted, t per fm3 (data/materials.csv)


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def norway_year():
    # New Year in Norway is at 23:00 UTC (winter time, UTC+1).
    return time.gmtime(time.time() + 3600).tm_year


def muni(report, code):
    for m in report["municipalities"]:
        if m["municipality"] == code:
            return m
    zero = {k: 0 for k in ("landfill", "reuse", "soil_improvement", "plant", "storage")}
    return {"t": dict(zero), "fm3": dict(zero), "total_t": 0, "total_fm3": 0, "loads": 0}


def same(a, b):
    """Equal JSON values, numbers to 1e-6 relative."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == pytest.approx(b, rel=1e-6, abs=1e-9)
    return a == b


def load(api, token, deal, tonnes):
    return api.post(f"/api/deals/{deal}/deliveries", token=token, expect=201, json={
        "truck": "ZT 40001", "euro_class": "VI", "amount": {"value": tonnes, "unit": "t"},
        "at": now_iso()}).json()


def decide(api, token, load_id, state, reason=None):
    body = {"state": state}
    if reason:
        body["reason"] = reason
    api.post(f"/api/deliveries/{load_id}/state", token=token, json=body, expect=200)


@pytest.fixture(scope="module")
def tokens(api):
    return {role: api.token(role) for role in
            ("admin", "developer", "contractor", "hauler", "operator", "municipality")}


def test_confirmed_loads_move_the_report(api, server, tokens):
    year = norway_year()
    dev, con, op, hau = (tokens[r] for r in ("developer", "contractor", "operator", "hauler"))
    kom = tokens["municipality"]
    before = api.get("/api/stats", token=kom, params={"year": year}, expect=200).json()

    # Rock from Trondheim to a landfill, hauled by the hauler organisation.
    rock = create_listing(api, dev, supply(title="Stein til statistikk", municipality="5001",
                                           window={"from": "2026-01", "to": "2027-12"}),
                          status="published")
    fill = create_facility(api, op, landfill(name="Statistikkdeponi"))
    hauler_org = api.me("hauler")["organisation"]["id"]
    d1 = api.post(f"/api/listings/{rock['id']}/deals", token=op, expect=201, json={
        "amount": {"value": 200, "unit": "t"}, "counterpart_site": fill["id"],
        "hauler_org": hauler_org}).json()["id"]
    api.post(f"/api/deals/{d1}/state", token=dev, json={"state": "agreed"}, expect=200)
    a = load(api, hau, d1, 28)
    b = load(api, hau, d1, 28)
    c = load(api, hau, d1, 27)
    load(api, hau, d1, 26)                      # left registered: does not count
    decide(api, op, a["id"], "confirmed")
    decide(api, op, b["id"], "confirmed")
    decide(api, op, c["id"], "disputed", "tom bil")  # disputed: does not count

    # Clay from Melhus to a need as soil improvement; no hauler, so a party
    # registers the load and the need's owner confirms it.
    clay = create_listing(api, dev, supply(title="Leire til statistikk", municipality="5028",
                                           lat=63.28, lon=10.28, material="soil.clay",
                                           window={"from": "2026-01", "to": "2027-12"}),
                          status="published")
    road = create_listing(api, con, need(title="Jordforbedring Melhus", material="soil.clay",
                                         window={"from": "2026-01", "to": "2027-12"}),
                          status="published")
    d2 = api.post(f"/api/listings/{clay['id']}/deals", token=con, expect=201, json={
        "amount": {"value": 100, "unit": "t"}, "counterpart_site": road["id"],
        "use": "soil_improvement"}).json()["id"]
    api.post(f"/api/deals/{d2}/state", token=dev, json={"state": "agreed"}, expect=200)
    e = load(api, dev, d2, 30)
    decide(api, con, e["id"], "confirmed")

    after = api.get("/api/stats", token=kom, params={"year": year}, expect=200).json()
    assert after["year"] == year
    trd0, trd1 = muni(before, "5001"), muni(after, "5001")
    mel0, mel1 = muni(before, "5028"), muni(after, "5028")
    assert trd1["t"]["landfill"] - trd0["t"]["landfill"] == pytest.approx(56)
    assert trd1["loads"] - trd0["loads"] == 2
    assert trd1["name"] == "Trondheim"
    assert mel1["t"]["soil_improvement"] - mel0["t"]["soil_improvement"] == pytest.approx(30)
    assert mel1["t"]["reuse"] - mel0["t"]["reuse"] == pytest.approx(0)
    assert after["total"]["total_t"] - before["total"]["total_t"] == pytest.approx(86)
    assert trd1["fm3"]["landfill"] - trd0["fm3"]["landfill"] == pytest.approx(56 / ROCK_DENSITY)
    rows = [r for r in after["rows"] if r["municipality"] == "5001"
            and r["material"] == "rock.blasted" and r["destination"] == "landfill"]
    assert len(rows) == 1 and rows[0]["year"] == year

    # A region by name and code: only its municipalities.
    mel = api.get("/api/stats", token=kom, params={"year": year, "municipalities": "Melhus"},
                  expect=200).json()
    assert [m["municipality"] for m in mel["municipalities"]] == ["5028"]
    assert mel["total"]["total_t"] == pytest.approx(mel1["total_t"])
    both = api.get("/api/stats", token=tokens["admin"],
                   params={"year": year, "municipalities": "5001,5028"}, expect=200).json()
    assert both["total"]["total_t"] == pytest.approx(trd1["total_t"] + mel1["total_t"])

    # The CLI reads the same database and gives the same report.
    assert CLI, "set MB_CLI to the massebank binary"
    out = subprocess.run([CLI, "stats", "--db", server.db, "--year", str(year), "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    # The same figures (the CLI prints numbers with fewer digits).
    assert same(cli["municipalities"], after["municipalities"])
    assert same(cli["total"], after["total"])
    table = subprocess.run([CLI, "stats", "--db", server.db, "--year", str(year),
                            "--municipality", "Trondheim"],
                           capture_output=True, text=True, timeout=60)
    assert table.returncode == 0, table.stderr
    assert "5001 Trondheim" in table.stdout and "Melhus" not in table.stdout


def test_only_the_authorities_read_statistics(api, tokens):
    for role in ("developer", "contractor", "hauler", "operator"):
        api.get("/api/stats", token=tokens[role], expect=403)
    api.get("/api/stats", expect=401)
    api.get("/api/stats", token=tokens["admin"], expect=200)


@pytest.mark.parametrize("params,field", [
    ({"year": "20x6"}, "year"),
    ({"year": "1800"}, "year"),
    ({"year": "202"}, "year"),
    ({"municipalities": "Atlantis"}, "municipalities"),
    ({"municipalities": "5001,"}, "municipalities"),
    ({"municipalities": ",5001"}, "municipalities"),
    ({"kommune": "5001"}, "kommune"),
])
def test_bad_queries_name_the_field(api, tokens, params, field):
    api.get("/api/stats", token=tokens["municipality"], params=params, expect=400, field=field)


@pytest.mark.parametrize("args,needle", [
    (["--year", "20x6"], "--year"),
    (["--municipality", "Atlantis"], "--municipality"),
])
def test_cli_refuses_bad_arguments(server, args, needle):
    out = subprocess.run([CLI, "stats", "--db", server.db] + args,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and needle in out.stderr, out.stderr
    missing = subprocess.run([CLI, "stats", "--db", server.db + ".nope"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and not os.path.exists(server.db + ".nope")
