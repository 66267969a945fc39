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
    assert header[:4] == ("id", "type", "status", "title")
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
    ws.append(["need", "Feil enhet", "0/32", None, 500, "m3", "2026-04", "2026-09", "Narvik"])
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
