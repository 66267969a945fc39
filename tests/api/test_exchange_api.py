"""Exports, imports and the mass handling plan over HTTP (docs/exchange.md):
the files are read back by real readers (csv, openpyxl, json, pdftotext,
pdftoppm), an exported CSV imports again as another organisation's
listings, an import with bad rows lists every problem and writes nothing,
the statistics export adds up to GET /api/stats and `massebank stats`, and
every role sees only what it may."""
import csv
import io
import json
import os
import subprocess
import tempfile
import time
import zlib

import openpyxl
import pytest

from conftest import create_facility, create_listing, landfill, need, supply

CLI = os.environ.get("MB_CLI", "")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DESTS = ("landfill", "reuse", "soil_improvement", "plant", "storage")


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def norway_year():
    return time.gmtime(time.time() + 3600).tm_year


@pytest.fixture(scope="module")
def who(api):
    c = {role: api.token(role) for role in
         ("admin", "developer", "contractor", "hauler", "operator", "municipality")}
    c["org"] = {role: api.me(role)["organisation"]["id"] for role in
                ("admin", "developer", "contractor", "hauler", "operator", "municipality")}
    return c


def rows_of(resp):
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(resp.content.decode("utf-8"))))


def attachment(resp, name):
    assert resp.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def workbook(resp):
    assert resp.headers["Content-Type"] == XLSX
    assert resp.content.startswith(b"PK\x03\x04")
    return openpyxl.load_workbook(io.BytesIO(resp.content), read_only=True)


def sheet_dicts(ws):
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


# ---- exports -------------------------------------------------------------------

def test_listings_public_and_mine(api, who):
    dev = who["developer"]
    draft = create_listing(api, dev, supply(title="Utkast til eksport"), status="draft")
    pub = api.get("/api/exports/listings", params={"format": "csv"}, expect=200)
    attachment(pub, "listings.csv")
    public = rows_of(pub)
    assert len(public) > 10
    assert {r["status"] for r in public} <= {"published", "reserved"}
    assert str(draft["id"]) not in {r["id"] for r in public}
    same = rows_of(api.get("/api/exports/listings", params={"format": "csv", "scope": "public"},
                           token=dev, expect=200))
    assert [r["id"] for r in same] == [r["id"] for r in public]

    mine_r = api.get("/api/exports/listings", params={"format": "csv", "scope": "mine"},
                     token=dev, expect=200)
    attachment(mine_r, "listings-mine.csv")
    mine = rows_of(mine_r)
    assert str(draft["id"]) in {r["id"] for r in mine}
    assert {r["organisation"] for r in mine} == {"Utbygger Nord AS (demo)"}
    api.get("/api/exports/listings", params={"format": "csv", "scope": "mine"}, expect=401)

    # Facilities of the operator, drafts included, as a workbook.
    fac = create_facility(api, who["operator"], landfill(name="Eksportdeponi"), status="draft")
    wb = workbook(api.get("/api/exports/facilities", params={"format": "xlsx", "scope": "mine"},
                          token=who["operator"], expect=200))
    rows = sheet_dicts(wb["facilities"])
    assert fac["id"] in {r["id"] for r in rows}
    assert all(isinstance(r["lat"], float) for r in rows)


def test_export_geojson_of_facilities(api):
    r = api.get("/api/exports/facilities", params={"format": "geojson"}, expect=200)
    assert r.headers["Content-Type"] == "application/geo+json"
    attachment(r, "facilities.geojson")
    g = json.loads(r.content)
    assert g["type"] == "FeatureCollection" and g["features"]
    for f in g["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert f["geometry"]["type"] == "Point"
        assert 4.4 < lon < 31.3 and 57.9 < lat < 71.4
        assert f["properties"]["status"] in ("published", "reserved")


def test_bad_export_queries(api, who):
    for path in ("/api/exports/listings", "/api/exports/facilities"):
        api.get(path, expect=400, field="format")
        api.get(path, params={"format": "pdf"}, expect=400, field="format")
        api.get(path, params={"format": "csv", "scope": "all"}, expect=400, field="scope")
        api.get(path, params={"format": "csv", "year": "2026"}, expect=400, field="year")
    dev = who["developer"]
    api.get("/api/exports/deliveries", params={"format": "csv"}, expect=401)
    api.get("/api/exports/deliveries", params={"format": "txt"}, token=dev, expect=400,
            field="format")
    api.get("/api/exports/deliveries", params={"format": "csv", "year": "26"}, token=dev,
            expect=400, field="year")
    api.get("/api/exports/deliveries", params={"format": "csv", "scope": "mine"}, token=dev,
            expect=400, field="scope")
    kom = who["municipality"]
    api.get("/api/exports/statistics", params={"format": "geojson"}, token=kom, expect=400,
            field="format")
    api.get("/api/exports/statistics", params={"format": "csv", "municipalities": "Atlantis"},
            token=kom, expect=400, field="municipalities")
    api.get("/api/exports/statistics", params={"format": "csv", "year": "20x6"}, token=kom,
            expect=400, field="year")


def test_deliveries_of_your_deals(api, who):
    dev, con = who["developer"], who["contractor"]
    # A deal without a counterpart site: its loads have no receiving
    # position, so GeoJSON draws them as Points.
    lst = create_listing(api, con, supply(title="Stein uten mottakssted"), status="published")
    deal = api.post(f"/api/listings/{lst['id']}/deals", token=dev, expect=201, json={
        "amount": {"value": 100, "unit": "t"}}).json()["id"]
    api.post(f"/api/deals/{deal}/state", token=con, json={"state": "agreed"}, expect=200)
    api.post(f"/api/deals/{deal}/deliveries", token=con, expect=201, json={
        "truck": "EL 55555", "euro_class": "VI", "amount": {"value": 25, "unit": "t"},
        "at": now_iso()})

    every = rows_of(api.get("/api/exports/deliveries", params={"format": "csv"},
                            token=who["admin"], expect=200))
    assert rows_of(api.get("/api/exports/deliveries", params={"format": "csv"},
                           token=who["municipality"], expect=200)) == every
    assert len({r["deal"] for r in every}) >= 3  # the demo's two deals and this one
    for role in ("developer", "contractor", "hauler", "operator"):
        r = api.get("/api/exports/deliveries", params={"format": "csv"}, token=who[role],
                    expect=200)
        attachment(r, "deliveries.csv")
        got = rows_of(r)
        deals = {d["id"] for d in api.get("/api/deals", token=who[role],
                                          expect=200).json()["items"]}
        assert {int(x["deal"]) for x in got} <= deals, role
        want = [x for x in every if int(x["deal"]) in deals]
        assert got == want, role
    mine = rows_of(api.get("/api/exports/deliveries", params={"format": "csv"}, token=dev,
                           expect=200))
    ours = [r for r in mine if int(r["deal"]) == deal]
    assert len(ours) == 1
    row = ours[0]
    assert row["ticket"] == "1" and row["truck"] == "EL55555" and float(row["amount_t"]) == 25
    assert row["state"] == "registered" and row["material"] == "rock.blasted"
    assert row["to_lat"] == "" and row["time"].endswith("Z")

    year = norway_year()
    r = api.get("/api/exports/deliveries", params={"format": "geojson", "year": year},
                token=who["admin"], expect=200)
    attachment(r, f"deliveries-{year}.geojson")
    g = json.loads(r.content)
    kinds = {}
    for f in g["features"]:
        kinds.setdefault(f["geometry"]["type"], []).append(f)
        assert "lat" not in f["properties"] and "to_lat" not in f["properties"]
    assert kinds["LineString"] and kinds["Point"]
    for f in kinds["LineString"]:
        (lon0, lat0), (lon1, lat1) = f["geometry"]["coordinates"]
        assert 57.9 < lat0 < 71.4 and 57.9 < lat1 < 71.4 and 4.4 < lon0 < 31.3
        assert f["properties"]["to_site"] is not None
    point = [f for f in kinds["Point"] if f["properties"]["deal"] == deal]
    assert point and point[0]["properties"]["to_site"] is None
    # An earlier year has none of them.
    wb = workbook(api.get("/api/exports/deliveries", params={"format": "xlsx",
                                                              "year": year - 5},
                          token=who["admin"], expect=200))
    assert len(list(wb["deliveries"].iter_rows(values_only=True))) == 1  # the header
    wb = workbook(api.get("/api/exports/deliveries", params={"format": "xlsx"},
                          token=who["admin"], expect=200))
    rows = sheet_dicts(wb["deliveries"])
    assert len(rows) == len(every)
    assert all(isinstance(r["amount_t"], (int, float)) for r in rows)


def test_statistics_export_adds_up_to_the_report(server, api, who):
    kom = who["municipality"]
    year = norway_year()
    report = api.get("/api/stats", token=kom, params={"year": year}, expect=200).json()
    assert report["total"]["total_t"] > 0, "the demo has confirmed loads"
    r = api.get("/api/exports/statistics", params={"format": "csv", "year": year}, token=kom,
                expect=200)
    attachment(r, f"statistics-{year}.csv")
    rows = rows_of(r)
    assert list(rows[0]) == ["municipality", "name", "year", "material", "material_name",
                             "destination", "destination_name", "t", "fm3", "loads"]
    assert all(x["material_name"] and "." not in x["material_name"] for x in rows)
    assert len(rows) == len(report["rows"])
    assert sum(float(x["t"]) for x in rows) == pytest.approx(report["total"]["total_t"])
    assert sum(float(x["fm3"]) for x in rows) == pytest.approx(report["total"]["total_fm3"])
    assert sum(int(x["loads"]) for x in rows) == report["total"]["loads"]
    for m in report["municipalities"]:
        mine = [x for x in rows if x["municipality"] == m["municipality"]]
        assert sum(float(x["t"]) for x in mine) == pytest.approx(m["total_t"])
        for d in DESTS:
            assert sum(float(x["t"]) for x in mine if x["destination"] == d) == \
                pytest.approx(m["t"][d])
        assert {x["name"] for x in mine} == {m["name"]}

    wb = workbook(api.get("/api/exports/statistics", params={"format": "xlsx", "year": year},
                          token=who["admin"], expect=200))
    assert wb.sheetnames == ["statistics", "municipalities"]
    assert len(sheet_dicts(wb["statistics"])) == len(rows)
    summary = sheet_dicts(wb["municipalities"])
    assert len(summary) == len(report["municipalities"]) + 1
    total = summary[-1]
    assert total["name"] == "total" and total["municipality"] is None
    # For people in English: the header, the sheets and the total named in
    # English, tonnes rounded to 0.1; a language that is neither is refused.
    wb = workbook(api.get("/api/exports/statistics",
                          params={"format": "xlsx", "year": year, "lang": "en"},
                          token=who["admin"], expect=200))
    assert wb.sheetnames == ["Statistics", "Municipalities"]
    people = sheet_dicts(wb["Statistics"])
    assert len(people) == len(rows)
    assert {"Municipality", "Material (name)", "Destination (name)", "Tonnes"} <= set(people[0])
    assert {x["Destination (name)"] for x in people} <= {"Landfill", "Reuse", "Soil improvement",
                                                        "Sorting/crushing plant",
                                                        "Intermediate storage"}
    assert all(abs(x["Tonnes"] * 10 - round(x["Tonnes"] * 10)) < 1e-6 for x in people)
    assert sheet_dicts(wb["Municipalities"])[-1]["Name"] == "Total"
    e = api.get("/api/exports/statistics", params={"format": "csv", "lang": "sv"}, token=kom,
                expect=400).json()["error"]
    assert e["field"] == "lang" and e["key"] == "'%s' is not nb or en"
    assert total["total_t"] == pytest.approx(report["total"]["total_t"])
    assert total["loads"] == report["total"]["loads"]
    for got, m in zip(summary, report["municipalities"]):
        assert got["municipality"] == m["municipality"]
        for d in DESTS:
            assert got[d + "_t"] == pytest.approx(m["t"][d])
            assert got[d + "_fm3"] == pytest.approx(m["fm3"][d])

    # The same query as GET /api/stats: one municipality.
    one = rows_of(api.get("/api/exports/statistics", token=kom, expect=200,
                          params={"format": "csv", "municipalities": "Trondheim"}))
    assert one and {x["municipality"] for x in one} == {"5001"}

    # The CLI's report and its export of the same database agree.
    assert CLI, "set MB_CLI to the massebank binary"
    out = subprocess.run([CLI, "stats", "--db", server.db, "--year", str(year), "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    assert cli["total"]["total_t"] == pytest.approx(report["total"]["total_t"])
    out = subprocess.run([CLI, "export", "--db", server.db, "statistics", "--format", "csv",
                          "--year", str(year)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert list(csv.DictReader(io.StringIO(out.stdout))) == rows


def test_only_the_authorities_export_statistics(api, who):
    for role in ("developer", "contractor", "hauler", "operator"):
        api.get("/api/exports/statistics", params={"format": "csv"}, token=who[role],
                expect=403, field="role")
    api.get("/api/exports/statistics", params={"format": "csv"}, expect=401)


# ---- imports -------------------------------------------------------------------

def import_file(api, token, what, data, ctype="text/csv", expect=None, **kw):
    return api.post(f"/api/imports/{what}", token=token, data=data,
                    headers={"Content-Type": ctype}, expect=expect, **kw)


def test_exported_csv_imports_as_another_organisation(api, who):
    dev, con = who["developer"], who["contractor"]
    create_listing(api, dev, supply(title="Leire, Æøå; \"sitat\"", material="soil.clay",
                                    lab=[{"substance": "Pb", "value": 80}], keywords=["a", "b"],
                                    **{"class": 2}), status="published")
    create_listing(api, dev, need(title="Behov for fyll"), status="draft")
    exported = api.get("/api/exports/listings", params={"format": "csv", "scope": "mine"},
                       token=dev, expect=200)
    src = rows_of(exported)
    assert len(src) >= 3
    r = import_file(api, con, "listings", exported.content, expect=201)
    res = r.json()
    assert res["dry_run"] is False and res["imported"] == res["rows"] == len(src)
    assert len(res["ids"]) == len(src) and len(set(res["ids"])) == len(src)
    assert [i["id"] for i in res["items"]] == res["ids"]
    assert [i["row"] for i in res["items"]] == list(range(2, len(src) + 2))
    for s, new_id in zip(src, res["ids"]):
        got = api.get(f"/api/listings/{new_id}", token=con, expect=200).json()
        assert got["org_id"] == who["org"]["contractor"]
        assert got["title"] == s["title"] and got["type"] == s["type"]
        assert got["status"] == s["status"]
        assert got["material"] == s["material"]
        assert got["amount"]["value"] == pytest.approx(float(s["amount"]))
        assert got["amount"]["unit"] == s["unit"]
        assert got["position"]["lat"] == pytest.approx(float(s["lat"]), abs=1e-6)
        assert "; ".join(got.get("keywords", [])) == s["keywords"]
    # The import is in the audit log, by the importing user: each site
    # written as a draft in a batch, then the published ones published
    # (mb_listing_insert_many), all under one batch key.
    me = api.me("contractor")["user"]["id"]
    batches = set()
    for i, s in zip(res["ids"], src):
        audit = api.get("/api/audit", token=who["admin"], expect=200, params={
            "entity": "listing", "entity_id": i}).json()
        entries = audit["items"]
        create = entries[0]
        assert create["action"] == "create" and create["user_id"] == me
        assert create["detail"]["import"] is True and create["detail"]["status"] == "draft"
        batches.add(create["detail"]["batch"])
        if s["status"] == "published":
            assert [e["action"] for e in entries] == ["create", "status"]
            assert entries[1]["detail"]["status"] == {"from": "draft", "to": "published"}
            assert entries[1]["detail"]["batch"] == create["detail"]["batch"]
        else:
            assert len(entries) == 1
    assert len(batches) == 1


def test_bad_rows_are_all_reported_and_nothing_written(server, api, who):
    dev = who["developer"]
    text = ("type;tittel;materiale;tilstandsklasse;mengde;enhet;fra;til;kommune\n"
            "overskudd;God rad;rock.blasted;1;1000;fm3;2026-03;2026-05;Oslo\n"
            "overskudd;Feil masse;rock.blast;1;1000;fm3;2026-03;2026-05;Oslo\n"
            "behov;Feil enhet;0/32;;500;m3;2026-04;2026-09;Narnia\n"
            "overskudd;Feil mengde;rock.blasted;1;mye;t;2026-03;2026-05;Oslo\n")
    before = server.fingerprint()
    r = import_file(api, dev, "listings", text.encode("utf-8"), expect=400)
    e = r.json()["error"]
    fields = [p["field"] for p in e["problems"]]
    assert "rows[3].materiale" in fields
    assert "rows[4].enhet" in fields and "rows[4].kommune" in fields
    assert "rows[5].mengde" in fields
    assert not any(f.startswith("rows[2]") for f in fields)
    assert e["field"] == fields[0] and len(fields) >= 4
    assert "unknown material 'rock.blast'" in e["problems"][0]["message"]
    # A bad header: every problem of it, named by the header's column.
    r = import_file(api, dev, "listings", b"type,title,materal,amount\nsupply,x,y,1\n",
                    expect=400)
    fields = [p["field"] for p in r.json()["error"]["problems"]]
    assert "header.materal" in fields
    assert server.fingerprint() == before

    # A dry run of a good file writes nothing and says what it would do.
    good = "\n".join(text.splitlines()[:2]) + "\n"
    r = import_file(api, dev, "listings", good.encode("utf-8"), params={"dry_run": "true"},
                    expect=200)
    res = r.json()
    assert res == {"dry_run": True, "rows": 1, "imported": 0, "ids": [], "items": [
        {"row": 2, "id": None, "type": "supply", "status": "draft", "title": "God rad",
         "material": "rock.blasted", "amount_t": res["items"][0]["amount_t"],
         "municipality": "0301", "lat": res["items"][0]["lat"],
         "lon": res["items"][0]["lon"]}]}
    assert res["items"][0]["amount_t"] == pytest.approx(2700)  # 1000 fm3 of rock
    assert server.fingerprint() == before


def test_import_xlsx_and_request_errors(server, api, who):
    op = who["operator"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Type", "Navn", "Tar imot", "Maks klasse", "Kapasitet", "Kapasitet enhet",
               "Gebyr", "Kommune", "Status"])
    ws.append(["deponi", "Nytt deponi", "rock.*; soil.*", 2, 40000, "t", 150, "5001",
               "publisert"])
    ws.append(["mellomlager", "Nytt lager", "rock.blasted", 1, 5000, "t", 40, "Melhus", None])
    buf = io.BytesIO()
    wb.save(buf)
    r = import_file(api, op, "facilities", buf.getvalue(), ctype=XLSX, expect=201)
    res = r.json()
    assert res["imported"] == 2 and [i["type"] for i in res["items"]] == ["landfill", "storage"]
    a = api.get(f"/api/facilities/{res['ids'][0]}", expect=200).json()  # published: public
    assert a["name"] == "Nytt deponi" and a["org_id"] == who["org"]["operator"]
    api.get(f"/api/facilities/{res['ids'][1]}", expect=404)            # a draft
    api.get(f"/api/facilities/{res['ids'][1]}", token=op, expect=200)

    before = server.fingerprint()
    csv_ok = b"type,title,material,class,amount,unit,municipality\nsupply,x,rock.blasted,1,1,t,5001\n"
    import_file(api, None, "listings", csv_ok, expect=401)
    import_file(api, who["hauler"], "listings", csv_ok, expect=403, field="role")
    import_file(api, who["developer"], "facilities", csv_ok, expect=403, field="role")
    import_file(api, op, "listings", csv_ok, ctype="application/json", expect=415,
                field="Content-Type")
    import_file(api, op, "listings", b"", expect=400, field="body")
    import_file(api, op, "listings", b"PK\x03\x04 not a zip", ctype=XLSX, expect=400,
                field="body")
    import_file(api, op, "listings", csv_ok, params={"dry_run": "yes"}, expect=400,
                field="dry_run")
    import_file(api, op, "listings", csv_ok, params={"org": "1"}, expect=400, field="org")
    api.call("GET", "/api/imports/listings", token=op, expect=405)
    # Larger than the upload limit: refused by Content-Length before reading.
    big = b"type,title\n" + b"supply," + b"x" * (21 << 20) + b"\n"
    import_file(api, op, "listings", big, expect=413)
    assert server.fingerprint() == before


# ---- the mass handling plan ----------------------------------------------------

def own_listing_ids(api, token, n=6):
    items = rows_of(api.get("/api/exports/listings", params={"format": "csv", "scope": "mine"},
                            token=token, expect=200))
    return [r["id"] for r in items if r["status"] == "published"][:n]


def png_is_blank(data):
    """True when every pixel of an 8-bit PNG as pdftoppm writes it is white."""
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert width > 100 and height > 100
    raw = zlib.decompress(idat)
    return sum(1 for b in raw if b not in (0, 255, 1, 2, 3, 4)) < 100


def test_mhp_pdf_renders_with_norwegian_headings(api, who):
    dev = who["developer"]
    ids = own_listing_ids(api, dev)
    assert len(ids) >= 2
    r = api.get("/api/mhp", token=dev, expect=200, params={
        "listings": ",".join(ids), "name": "Nye Bybrua – Ås & Ørland", "format": "pdf"})
    assert r.headers["Content-Type"] == "application/pdf"
    attachment(r, "massehandteringsplan.pdf")
    assert r.content.startswith(b"%PDF")
    with tempfile.TemporaryDirectory() as d:
        pdf = os.path.join(d, "plan.pdf")
        with open(pdf, "wb") as f:
            f.write(r.content)
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                              check=True).stdout
        for heading in ("Massehåndteringsplan", "Forventede mengder",
                        "Planlagt gjenbruk på stedet", "Transport og klimagassutslipp",
                        "Dokumentasjon", "Ås & Ørland"):
            assert heading in text, heading
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf,
                        os.path.join(d, "page")], check=True)
        with open(os.path.join(d, "page-1.png"), "rb") as f:
            png = f.read()
    assert png.startswith(b"\x89PNG") and not png_is_blank(png)


def test_mhp_html_and_who_may_plan(api, who):
    dev, con = who["developer"], who["contractor"]
    ids = own_listing_ids(api, dev)
    r = api.get("/api/mhp", token=dev, expect=200, params={
        "listings": ids[0], "format": "html", "lang": "en", "name": "<b>Prosjekt</b>"})
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    attachment(r, "massehandteringsplan.html")
    t = r.content.decode("utf-8")
    assert '<html lang="en">' in t and "Planned reuse on site" in t
    assert "<b>Prosjekt</b>" not in t and "&lt;b&gt;Prosjekt&lt;/b&gt;" in t
    nb = api.get("/api/mhp", token=dev, expect=200,
                 params={"listings": ids[0], "format": "html"}).content.decode("utf-8")
    assert '<html lang="nb">' in nb and "Planlagt gjenbruk på stedet" in nb

    other = own_listing_ids(api, con)[0]
    draft = create_listing(api, con, supply(title="Skjult utkast"), status="draft")["id"]
    fac = create_facility(api, who["operator"], landfill(name="Ikke en oppføring"))["id"]
    q = {"format": "pdf"}
    api.get("/api/mhp", params={**q, "listings": ids[0]}, expect=401)
    api.get("/api/mhp", token=dev, params={**q, "listings": f"{ids[0]},{other}"}, expect=403,
            field="listings")
    api.get("/api/mhp", token=dev, params={**q, "listings": str(draft)}, expect=404,
            field="listings")
    api.get("/api/mhp", token=dev, params={**q, "listings": str(fac)}, expect=404,
            field="listings")
    api.get("/api/mhp", token=dev, params={**q, "listings": "999999"}, expect=404,
            field="listings")
    for bad in ("", "1,,2", "abc", "0", f"{ids[0]},{ids[0]}",
                ",".join(str(i) for i in range(1, 202))):
        api.get("/api/mhp", token=dev, params={**q, "listings": bad}, expect=400,
                field="listings")
    api.get("/api/mhp", token=dev, params={"listings": ids[0]}, expect=400, field="format")
    api.get("/api/mhp", token=dev, params={"listings": ids[0], "format": "docx"}, expect=400,
            field="format")
    api.get("/api/mhp", token=dev, params={**q, "listings": ids[0], "lang": "de"},
            expect=400, field="lang")
    api.get("/api/mhp", token=dev, params={**q, "listings": ids[0], "name": "x" * 151},
            expect=400, field="name")
    api.get("/api/mhp", token=dev, params={**q, "listings": ids[0], "year": "2026"},
            expect=400, field="year")
    # An administrator plans any one organisation's listings, not two at once.
    adm = who["admin"]
    api.get("/api/mhp", token=adm, params={**q, "listings": other}, expect=200)
    api.get("/api/mhp", token=adm, params={**q, "listings": f"{ids[0]},{other}"}, expect=400,
            field="listings")
