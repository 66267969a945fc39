"""End-to-end tests of `massebank export`, `import` and `mhp`: the built
CLI on a demo database, its files read back by real readers - openpyxl
for XLSX, json for GeoJSON, the CLI's own import for CSV, pdftoppm and
pdftotext for the PDF. Debian's python3 runs this (python3-openpyxl).
"""
import csv
import io
import json
import os
import subprocess
import zlib

import openpyxl
import pytest

CLI = os.environ["MB_CLI"]
SEED = os.environ["MB_SEED_DB"]


def run(*args, check=True):
    p = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"massebank {' '.join(map(str, args))}: {p.returncode}\n{p.stderr}")
    return p


def seed(path, kind):
    p = subprocess.run([SEED, str(path), kind], capture_output=True, text=True, check=True)
    return {name: int(i) for i, name in (l.split("\t") for l in p.stdout.splitlines())}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    db = d / "demo.db"
    orgs = seed(db, "demo")
    return db, orgs


def fingerprint(db):
    return db.read_bytes()


def test_export_xlsx_reads_back_with_openpyxl(demo, tmp_path):
    db, _ = demo
    out = tmp_path / "listings.xlsx"
    run("export", "--db", db, "listings", "--format", "xlsx", "-o", out)
    wb = openpyxl.load_workbook(out, read_only=True)
    ws = wb["listings"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == ("id", "type", "type_name", "status", "status_name")
    col = {name: i for i, name in enumerate(header)}
    assert len(rows) > 10
    for r in rows[1:]:
        assert isinstance(r[col["id"]], (int, float))
        assert isinstance(r[col["lat"]], float) and 57.9 < r[col["lat"]] < 71.4
        assert isinstance(r[col["amount_t"]], (int, float))
        assert r[col["type"]] in ("supply", "need")
        assert len(r[col["from"]]) == 7  # "YYYY-MM" as text
    assert any("Trondheim" in (r[col["title"]] or "") for r in rows[1:])
    wb.close()
    # The header row is frozen and bold.
    wb = openpyxl.load_workbook(out)
    ws = wb["listings"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b


def test_export_for_people_in_bokmal_reads_back_and_imports_again(demo, tmp_path):
    """--lang nb: a workbook a Norwegian reads (sheet "Annonser", headers in
    bokmål, names next to the codes, tonnes to 0.1) that still imports."""
    db, _ = demo
    out = tmp_path / "annonser.xlsx"
    run("export", "--db", db, "listings", "--format", "xlsx", "--lang", "nb", "-o", out)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["Annonser"]
    rows = list(wb["Annonser"].iter_rows(values_only=True))
    col = {name: i for i, name in enumerate(rows[0])}
    for name in ("Tittel", "Materiale", "Materiale (navn)", "Kommune (navn)", "Mengde (t)",
                 "Type (navn)", "Status (navn)"):
        assert name in col, (name, rows[0])
    assert not any(h and "_" in h for h in rows[0]), rows[0]
    for r in rows[1:]:
        assert r[col["Materiale (navn)"]] and "." not in r[col["Materiale (navn)"]]
        assert r[col["Type (navn)"]] in ("Overskudd", "Behov")
        assert r[col["Kommune (navn)"]]
        t = r[col["Mengde (t)"]]
        assert abs(t * 10 - round(t * 10)) < 1e-6, t
    wb.close()
    p = run("export", "--db", db, "listings", "--format", "xlsx", "--lang", "se", "-o", out,
            check=False)
    assert p.returncode == 2 and "--lang" in p.stderr
    # The people's file imports again, column by column.
    fresh = tmp_path / "fresh.db"
    orgs = seed(fresh, "empty")
    p = run("import", "--db", fresh, "--org", next(iter(orgs.values())), "listings", out)
    assert f"imported {len(rows) - 1} listings" in p.stdout


def test_export_geojson_coordinates(demo, tmp_path):
    db, _ = demo
    out = tmp_path / "f.geojson"
    run("export", "--db", db, "facilities", "--format", "geojson", "-o", out)
    g = json.loads(out.read_text(encoding="utf-8"))
    assert g["type"] == "FeatureCollection"
    assert g["features"]
    csv_out = run("export", "--db", db, "facilities", "--format", "csv").stdout
    by_id = {int(r["id"]): r for r in csv.DictReader(io.StringIO(csv_out))}
    for f in g["features"]:
        assert f["type"] == "Feature"
        lon, lat = f["geometry"]["coordinates"]
        assert 4.4 < lon < 31.3 and 57.9 < lat < 71.4, "RFC 7946: longitude first"
        r = by_id[f["properties"]["id"]]
        assert abs(float(r["lat"]) - lat) < 1e-9 and abs(float(r["lon"]) - lon) < 1e-9
        assert f["properties"]["type"] in ("landfill", "storage", "plant", "quarry")
        assert "lat" not in f["properties"]


def test_export_csv_reimports_into_fresh_database(demo, tmp_path):
    db, _ = demo
    for what in ("listings", "facilities"):
        out = tmp_path / f"{what}.csv"
        run("export", "--db", db, what, "--format", "csv", "-o", out)
        fresh = tmp_path / f"fresh-{what}.db"
        orgs = seed(fresh, "empty")
        org = next(iter(orgs.values()))
        p = run("import", "--db", fresh, "--org", org, what, out)
        n = len(list(csv.DictReader(out.open(encoding="utf-8"))))
        assert f"imported {n} {what}" in p.stdout
        again = tmp_path / f"again-{what}.csv"
        run("export", "--db", fresh, what, "--format", "csv", "-o", again)
        a = list(csv.DictReader(out.open(encoding="utf-8")))
        b = list(csv.DictReader(again.open(encoding="utf-8")))
        skip = {"id", "organisation", "created", "updated"}
        for x, y in zip(a, b):
            for k in x:
                if k in skip:
                    continue
                if k in ("lat", "lon", "amount_t", "capacity_t"):
                    assert abs(float(x[k] or 0) - float(y[k] or 0)) < 1e-6, (k, x[k], y[k])
                else:
                    assert x[k] == y[k], (k, x[k], y[k])


def test_import_xlsx_with_report_and_nothing_written(tmp_path):
    db = tmp_path / "x.db"
    org = next(iter(seed(db, "empty").values()))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Type", "Tittel", "Materiale", "Tilstandsklasse", "Mengde", "Enhet", "Fra",
               "Til", "Kommune", "Nøkkelord"])
    ws.append(["supply", "Sprengstein Bjørvika", "rock.blasted", 1, 1000, "fm3",
               "2026-03", "2026-05", "Oslo", "fjell; sprengstein"])
    ws.append(["supply", "Feil", "rock.blast", 1, 1000, "fm3", "2026-03", "2026-05", "Oslo"])
    ws.append([])
    ws.append(["need", "Feil enhet", "0/32", None, 500, "m3", "2026-04", "2026-09", "Narnia"])
    src = tmp_path / "in.xlsx"
    wb.save(src)
    before = fingerprint(db)
    p = run("import", "--db", db, "--org", org, "listings", src, check=False)
    assert p.returncode == 1
    assert "in.xlsx: row 3, column 'Materiale': unknown material 'rock.blast'" in p.stderr
    assert "row 5, column 'Enhet'" in p.stderr
    assert "row 5, column 'Kommune'" in p.stderr
    assert "nothing was imported" in p.stderr
    assert "row 2" not in p.stderr
    assert fingerprint(db) == before
    # Fixed, it goes in whole; a dry run first writes nothing.
    ws.delete_rows(3, 3)
    wb.save(src)
    p = run("import", "--db", db, "--org", org, "listings", src, "--dry-run")
    assert "1 listings checked" in p.stdout
    assert fingerprint(db) == before
    p = run("import", "--db", db, "--org", org, "listings", src)
    assert "imported 1 listings" in p.stdout
    out = run("export", "--db", db, "--org", org, "listings", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["status"] == "draft" and rows[0]["keywords"] == "fjell; sprengstein"
    # The public view has no drafts.
    out = run("export", "--db", db, "listings", "--format", "csv").stdout
    assert len(list(csv.DictReader(io.StringIO(out)))) == 0


def test_cli_argument_errors(demo, tmp_path):
    db, _ = demo
    assert run("export", "--db", db, "deals", "--format", "csv", check=False).returncode == 2
    assert run("export", "--db", db, "listings", "--format", "pdf", check=False).returncode == 2
    p = run("export", "--db", tmp_path / "nope.db", "listings", "--format", "csv", check=False)
    assert p.returncode == 1 and not (tmp_path / "nope.db").exists()
    assert run("import", "--db", db, "listings", "x.csv", check=False).returncode == 2
    assert run("mhp", "--db", db, "--format", "pdf", "-o", "x", check=False).returncode == 2
    p = run("mhp", "--db", db, "--listing", "999999", "--format", "pdf",
            "-o", tmp_path / "x.pdf", check=False)
    assert p.returncode == 1 and "no listing with id 999999" in p.stderr
    assert not (tmp_path / "x.pdf").exists(), "no partial output"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    p = run("import", "--db", db, "--org", "1", "listings", empty, check=False)
    assert p.returncode == 1 and "is empty" in p.stderr


def project_ids(db, org_name_start):
    out = run("export", "--db", db, "listings", "--format", "csv").stdout
    rows = [r for r in csv.DictReader(io.StringIO(out))
            if r["organisation"].startswith(org_name_start)]
    return [r["id"] for r in rows[:6]]


def test_mhp_pdf_renders_with_norwegian_headings(demo, tmp_path):
    db, _ = demo
    ids = project_ids(db, "Utbygger")
    args = []
    for i in ids:
        args += ["--listing", i]
    pdf = tmp_path / "plan.pdf"
    run("mhp", "--db", db, *args, "--name", "Nye Bybrua – Ås & Ørland <test>",
        "--format", "pdf", "-o", pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True,
                          check=True).stdout
    for heading in ("Massehåndteringsplan", "Forventede mengder",
                    "Planlagt gjenbruk på stedet", "Transport og klimagassutslipp",
                    "Dokumentasjon", "Ås & Ørland <test>", "Tiltakshaver"):
        assert heading in text, heading
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf,
                    tmp_path / "page"], check=True)
    png = (tmp_path / "page-1.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert not png_is_blank(png)


def png_is_blank(data):
    """True when every pixel of an 8-bit PNG (as pdftoppm writes) is white."""
    pos, idat, width, height, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            ctype = body[9]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    assert ctype in (0, 2) and width > 100 and height > 100
    # Filter bytes aside, a white page is all 0xff (filter 0) or all 0 (up/sub).
    dark = sum(1 for b in raw if b not in (0, 255, 1, 2, 3, 4))
    return dark < 100


def test_mhp_html_escaped_and_english(demo, tmp_path):
    db, _ = demo
    ids = project_ids(db, "Utbygger")
    args = []
    for i in ids:
        args += ["--listing", i]
    html = tmp_path / "plan.html"
    run("mhp", "--db", db, *args, "--name", "<script>alert(1)</script> Å",
        "--format", "html", "-o", html)
    t = html.read_text(encoding="utf-8")
    assert '<html lang="nb">' in t
    assert "<script>" not in t and "&lt;script&gt;" in t
    assert "Planlagt gjenbruk på stedet" in t
    run("mhp", "--db", db, *args, "--format", "html", "-o", html, "--lang", "en")
    t = html.read_text(encoding="utf-8")
    assert '<html lang="en">' in t and "Planned reuse on site" in t
    # Listings of two organisations are not one project.
    other = project_ids(db, "Entreprenør")[:1]
    p = run("mhp", "--db", db, "--listing", ids[0], "--listing", other[0],
            "--format", "html", "-o", html, check=False)
    assert p.returncode == 1 and "another organisation" in p.stderr


# ---- deliveries and statistics ----------------------------------------------------

def org_id(orgs, start):
    return next(i for name, i in orgs.items() if name.startswith(start))


def test_export_deliveries(demo, tmp_path):
    db, orgs = demo
    rows = list(csv.DictReader(io.StringIO(
        run("export", "--db", db, "deliveries", "--format", "csv").stdout)))
    assert len({r["deal"] for r in rows}) == 2, "the demo has two deals with loads"
    assert list(rows[0])[:8] == ["id", "deal", "ticket", "time", "truck", "euro_class",
                                 "amount_t", "state"]
    assert {r["state"] for r in rows} >= {"confirmed", "disputed"}
    for r in rows:
        assert r["time"].endswith("Z") and len(r["time"]) == 20
        assert float(r["amount_t"]) > 0 and r["material"] and len(r["municipality"]) == 4
        assert r["from_title"] and r["to_title"] and r["to_type"] in ("landfill", "need")
        assert 57.9 < float(r["lat"]) < 71.4 and 57.9 < float(r["to_lat"]) < 71.4
    # Tickets are numbered 1, 2, ... per deal.
    for deal in {r["deal"] for r in rows}:
        seqs = sorted(int(r["ticket"]) for r in rows if r["deal"] == deal)
        assert seqs == list(range(1, len(seqs) + 1))

    out = tmp_path / "d.geojson"
    run("export", "--db", db, "deliveries", "--format", "geojson", "-o", out)
    g = json.loads(out.read_text(encoding="utf-8"))
    assert len(g["features"]) == len(rows)
    by_id = {int(r["id"]): r for r in rows}
    for f in g["features"]:
        assert f["geometry"]["type"] == "LineString"
        (lon0, lat0), (lon1, lat1) = f["geometry"]["coordinates"]
        r = by_id[f["properties"]["id"]]
        assert abs(lat0 - float(r["lat"])) < 1e-7 and abs(lon1 - float(r["to_lon"])) < 1e-7
        assert isinstance(f["properties"]["amount_t"], float)
        assert "to_lat" not in f["properties"]

    xlsx = tmp_path / "d.xlsx"
    run("export", "--db", db, "deliveries", "--format", "xlsx", "-o", xlsx)
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    got = list(wb["deliveries"].iter_rows(values_only=True))
    assert len(got) == len(rows) + 1 and isinstance(got[1][6], float)
    wb.close()

    # --org: the deals the organisation is a party of. The hauler hauls both;
    # the developer takes masses in one of them.
    hauler = run("export", "--db", db, "--org", org_id(orgs, "Transport"), "deliveries",
                 "--format", "csv").stdout
    assert len(list(csv.DictReader(io.StringIO(hauler)))) == len(rows)
    dev = list(csv.DictReader(io.StringIO(run(
        "export", "--db", db, "--org", org_id(orgs, "Utbygger"), "deliveries", "--format",
        "csv").stdout)))
    assert 0 < len(dev) < len(rows) and len({r["deal"] for r in dev}) == 1
    nobody = run("export", "--db", db, "--org", org_id(orgs, "Massebank"), "deliveries",
                 "--format", "csv").stdout
    assert nobody.startswith("id,deal,ticket") and len(nobody.splitlines()) == 1
    # --year: the year of loading in Norway.
    years = {int(r["time"][:4]) for r in rows}
    y = max(years)
    same = run("export", "--db", db, "deliveries", "--format", "csv", "--year", y).stdout
    assert len(list(csv.DictReader(io.StringIO(same)))) == \
        sum(1 for r in rows if int(r["time"][:4]) == y)
    old = run("export", "--db", db, "deliveries", "--format", "csv", "--year", 1999).stdout
    assert len(old.splitlines()) == 1


def test_export_statistics_matches_stats(demo, tmp_path):
    db, _ = demo
    report = json.loads(run("stats", "--db", db, "--json").stdout)
    assert report["total"]["total_t"] > 0
    rows = list(csv.DictReader(io.StringIO(
        run("export", "--db", db, "statistics", "--format", "csv").stdout)))
    assert len(rows) == len(report["rows"])
    assert sum(float(r["t"]) for r in rows) == pytest.approx(report["total"]["total_t"])
    assert sum(float(r["fm3"]) for r in rows) == pytest.approx(report["total"]["total_fm3"])
    assert sum(int(r["loads"]) for r in rows) == report["total"]["loads"]
    for r, j in zip(rows, report["rows"]):
        assert (r["municipality"], int(r["year"]), r["material"], r["destination"]) == \
            (j["municipality"], j["year"], j["material"], j["destination"])
        assert float(r["t"]) == pytest.approx(j["t"]) and int(r["loads"]) == j["loads"]

    out = tmp_path / "s.xlsx"
    run("export", "--db", db, "statistics", "--format", "xlsx", "-o", out)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames == ["statistics", "municipalities"]
    summary = list(wb["municipalities"].iter_rows(values_only=True))
    head = summary[0]
    assert head[:3] == ("municipality", "name", "landfill_t") and head[-1] == "loads"
    col = {n: i for i, n in enumerate(head)}
    assert len(summary) == len(report["municipalities"]) + 2  # header and total
    for got, m in zip(summary[1:], report["municipalities"]):
        assert got[col["municipality"]] == m["municipality"] and got[col["name"]] == m["name"]
        for d in ("landfill", "reuse", "soil_improvement", "plant", "storage"):
            assert got[col[d + "_t"]] == pytest.approx(m["t"][d])
    total = summary[-1]
    assert total[col["name"]] == "total"
    assert total[col["total_t"]] == pytest.approx(report["total"]["total_t"])
    wb.close()

    # The year and region select as `massebank stats` does.
    y = rows[0]["year"]
    one = run("export", "--db", db, "statistics", "--format", "csv", "--year", y,
              "--municipality", "Trondheim").stdout
    assert {r["municipality"] for r in csv.DictReader(io.StringIO(one))} == {"5001"}
    empty = run("export", "--db", db, "statistics", "--format", "csv", "--year", 1999).stdout
    assert len(empty.splitlines()) == 1


def test_export_deliveries_statistics_argument_errors(demo, tmp_path):
    db, _ = demo
    p = run("export", "--db", db, "statistics", "--format", "geojson", check=False)
    assert p.returncode == 2 and "statistics have no positions" in p.stderr
    p = run("export", "--db", db, "--org", "1", "statistics", "--format", "csv", check=False)
    assert p.returncode == 2
    p = run("export", "--db", db, "listings", "--format", "csv", "--year", "2026", check=False)
    assert p.returncode == 2 and "--year applies to deliveries and statistics" in p.stderr
    p = run("export", "--db", db, "deliveries", "--format", "csv", "--year", "26", check=False)
    assert p.returncode == 2
    p = run("export", "--db", db, "deliveries", "--format", "csv", "--municipality", "Oslo",
            check=False)
    assert p.returncode == 2
    p = run("export", "--db", db, "statistics", "--format", "csv", "--municipality",
            "Atlantis", check=False)
    assert p.returncode == 1 and "Atlantis" in p.stderr
    out = tmp_path / "nope.csv"
    p = run("export", "--db", db, "--org", "999", "deliveries", "--format", "csv", "-o", out,
            check=False)
    assert p.returncode == 1 and "no organisation with id 999" in p.stderr
    assert not out.exists()


def test_a_locked_database_is_busy_not_refused(demo, tmp_path):
    """The error taxonomy: a database another writer holds locked is
    'busy' (exit 4, try again), neither refused input (1) nor an internal
    failure (3); nothing is written."""
    import sqlite3
    db, orgs = demo
    fresh = tmp_path / "locked.db"
    org = next(iter(seed(fresh, "empty").values()))
    out = tmp_path / "listings.csv"
    run("export", "--db", db, "listings", "--format", "csv", "-o", out)
    holder = sqlite3.connect(fresh, timeout=0, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        p = run("import", "--db", fresh, "--org", org, "listings", out, check=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert p.returncode == 4, (p.returncode, p.stderr)
    assert "busy" in p.stderr and "try again" in p.stderr, p.stderr
    n = sqlite3.connect(fresh).execute("SELECT count(*) FROM site").fetchone()[0]
    assert n == 0


def test_plan_a_region_of_the_market_from_the_cli(demo, tmp_path):
    """`massebank plan --db`: the same region planning the server's plan
    jobs run, from the command line: published and reserved sites of the
    municipalities, with the plan's method and ranges."""
    db, _ = demo
    out = tmp_path / "region.json"
    p = run("plan", "--db", db, "--municipality", "Trondheim", "--from", "2026-01",
            "--to", "2026-12", "-o", out)
    assert "Savings (today - plan)" in p.stdout
    plan = json.loads(out.read_text())
    assert plan["format"] == "massebank-plan/1"
    assert plan["horizon"] == {"from": "2026-01", "to": "2026-12"}
    assert plan["sites"] and all(s["id"][0] in "LF" for s in plan["sites"])
    assert plan["method"]["boundary"] == "wtw" and "ranges" in plan
    # A region without sites is refused with a message, and nothing is written.
    empty = tmp_path / "empty.json"
    p = run("plan", "--db", db, "--municipality", "Asker", "--from", "2026-01",
            "--to", "2026-12", "-o", empty, check=False)
    assert p.returncode == 1 and "no published or reserved site" in p.stderr, p.stderr
    assert not empty.exists()
    p = run("plan", "--db", db, "--from", "2026-01", "--to", "2026-12", check=False)
    assert p.returncode == 2


def test_custody_and_balance_from_the_cli(demo, tmp_path):
    """`massebank custody`: a listing's loads, their totals per destination
    and state, and planned against delivered, from the library the API's
    /custody and /balance use; the totals add up."""
    db, _ = demo
    listing = next(i for i in range(1, 200)
                   if run("custody", "--db", db, "--listing", i, check=False).returncode == 0
                   and json.loads(run("custody", "--db", db, "--listing", i).stdout)["loads"])
    c = json.loads(run("custody", "--db", db, "--listing", listing).stdout)
    by_state = {"confirmed": 0.0, "disputed": 0.0, "pending": 0.0}
    # A load that is neither confirmed nor disputed (registered) is pending.
    for load in c["loads"]:
        by_state[load["state"] if load["state"] in by_state else "pending"] += load["amount_t"]
    for state, t in by_state.items():
        assert c["totals"][f"{state}_t"] == pytest.approx(t)
        assert sum(d[f"{state}_t"] for d in c["destinations"]) == pytest.approx(t)
    assert c["totals"]["loads"] == len(c["loads"]) == sum(d["loads"] for d in c["destinations"])
    out = tmp_path / "balance.json"
    run("custody", "--db", db, "--listing", listing, "--balance", "-o", out)
    b = json.loads(out.read_text())
    t = b["totals"]
    assert t["closed"] and t["planned_t"] == pytest.approx(
        t["confirmed_t"] + t["disputed_t"] + t["open_t"], abs=0.01)
    assert t["confirmed_t"] == pytest.approx(by_state["confirmed"])
    assert b["remaining_t"] == pytest.approx(t["planned_t"] - t["confirmed_t"], abs=0.01)
    # Refused: no such listing (1), a facility (1), a bad id (2).
    p = run("custody", "--db", db, "--listing", 999999, check=False)
    assert p.returncode == 1 and "no listing 999999" in p.stderr
    facility = next(i for i in range(1, 200)
                    if "a facility" in run("custody", "--db", db, "--listing", i,
                                           check=False).stderr)
    assert facility
    assert run("custody", "--db", db, "--listing", "x", check=False).returncode == 2
    assert run("custody", "--listing", 1, check=False).returncode == 2


# ---- official addresses (Kartverket's "Matrikkelen - Adresse" CSV) ----------

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "data", "demo",
                      "addresses-sample.csv")
ADDR_HEADER = ("lokalId;kommunenummer;kommunenavn;adressetype;adressetilleggsnavn;"
               "adressetilleggsnavnKilde;adressekode;adressenavn;nummer;bokstav;gardsnummer;"
               "bruksnummer;festenummer;undernummer;adresseTekst;"
               "adresseTekstUtenAdressetilleggsnavn;EPSG-kode;Nord;Øst;postnummer;poststed;"
               "oppdateringsdato;datauttaksdato;adresseId;uuidAdresse")


def addr_row(kommune="5001", text="Testvegen 1", epsg="25832", nord="7034313.8",
             ost="569618.6", gnr="12", bnr="3", postnr="7011"):
    return (f"1;{kommune};X;vegadresse;;;1;Testvegen;1;;{gnr};{bnr};;;{text};{text};{epsg};"
            f"{nord};{ost};{postnr};TRONDHEIM;;;1;")


def addr_count(db, where="1"):
    import sqlite3
    con = sqlite3.connect(db)
    try:
        return con.execute(f"SELECT count(*) FROM address WHERE {where}").fetchone()[0]
    finally:
        con.close()


def test_import_addresses_sample_and_replace(tmp_path):
    db = tmp_path / "a.db"
    seed(db, "empty")
    p = run("import", "--db", db, "addresses", SAMPLE)
    assert "imported 145 addresses in 6 municipalities" in p.stdout
    assert addr_count(db) == 145
    # a re-import of one municipality replaces its addresses, leaves the others
    f = tmp_path / "trd.csv"
    f.write_text(ADDR_HEADER + "\n" + addr_row() + "\n" +
                 addr_row(text="Testvegen 3", epsg="4258", nord="63.43", ost="10.39") + "\n",
                 encoding="utf-8")
    p = run("import", "--db", db, "addresses", f)
    assert "imported 2 addresses in 1 municipalities" in p.stdout
    assert addr_count(db, "kommune = '5001'") == 2
    assert addr_count(db) == 145 - 65 + 2
    # UTM and geographic rows land at the same place (63.4305 N 10.3951 E)
    import sqlite3
    con = sqlite3.connect(db)
    rows = con.execute("SELECT lat, lon FROM address WHERE kommune = '5001'").fetchall()
    con.close()
    for lat, lon in rows:
        assert abs(lat - 63.43) < 0.001 and abs(lon - 10.39) < 0.006


@pytest.mark.parametrize("row,column", [
    (addr_row(kommune="9999"), "kommunenummer"),
    (addr_row(text=""), "adresseTekst"),
    (addr_row(epsg="3857"), "EPSG-kode"),
    (addr_row(nord="mye"), "Nord"),
    (addr_row(epsg="4258", nord="45.0", ost="10.0"), "Nord"),
    (addr_row(gnr="-1"), "gardsnummer"),
    (addr_row(postnr="70111"), "postnummer"),
    (addr_row(text="Test\u0007vegen"), "adresseTekst"),
    (addr_row(kommune="0301"), "Nord"),
])
def test_import_addresses_refuses_a_bad_row_and_writes_nothing(tmp_path, row, column):
    db = tmp_path / "a.db"
    seed(db, "empty")
    run("import", "--db", db, "addresses", SAMPLE)
    before = fingerprint(db)
    f = tmp_path / "bad.csv"
    f.write_text(ADDR_HEADER + "\n" + addr_row(text="God 1") + "\n" + row + "\n",
                 encoding="utf-8")
    p = run("import", "--db", db, "addresses", f, check=False)
    assert p.returncode == 1
    assert f"bad.csv: line 3, column '{column}'" in p.stderr
    assert "nothing was imported" in p.stderr
    assert fingerprint(db) == before


def test_import_addresses_refuses_a_file_that_is_not_one(tmp_path):
    db = tmp_path / "a.db"
    seed(db, "empty")
    before = fingerprint(db)
    f = tmp_path / "x.csv"
    f.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    p = run("import", "--db", db, "addresses", f, check=False)
    assert p.returncode == 1 and "the header has no column kommunenummer" in p.stderr
    f.write_bytes(ADDR_HEADER.encode() + b"\n" + addr_row().encode("utf-8")
                  .replace(b"Testvegen 1", b"Test\xffvegen") + b"\n")
    p = run("import", "--db", db, "addresses", f, check=False)
    assert p.returncode == 1 and "column 'adresseTekst'" in p.stderr
    p = run("import", "--db", db, "addresses", tmp_path / "missing.csv", check=False)
    assert p.returncode != 0 and "cannot open" in p.stderr
    p = run("import", "--db", db, "--org", "1", "addresses", SAMPLE, check=False)
    assert p.returncode == 2
    assert fingerprint(db) == before
