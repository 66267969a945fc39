"""POST /api/classify as a receiver, a landfill operator and the County
Governor use it (issue 14): every substance of the regulations and the
names labs print, units, leaching results judged against the landfill
templates, natural background values, and bad input named by field."""


def classify(api, lab, expect=200, **extra):
    return api.post("/api/classify", json={"lab": lab, **extra}, expect=expect)


def test_regulation_substances_and_lab_names(api):
    # Cyanide, lindane and tetrachloroethene were refused as unknown before.
    r = classify(api, [{"substance": "Cyanid (fri)", "value": "0,5"},
                       {"substance": "Lindan", "value": "<0,001"},
                       {"substance": "Tetrakloretylen", "value": "0,02"},
                       {"substance": "Sum PAH(16) EPA", "value": "3"},
                       {"substance": "Benso(a)pyren^", "value": "0,2"}]).json()
    codes = [x["substance"] for x in r["results"]]
    assert codes == ["CN", "Lindan", "PCE", "PAH16", "BaP"]
    # PCE above its normverdi has no class: a risk assessment is needed
    assert r["risk_assessment"] is True
    pce = r["results"][2]
    assert pce["class"] is None and pce["normverdi"] == 0.01
    # contaminated and without a class: the classed substances give the lower end
    assert r["class"] is None and r["class_min"] == 2
    assert r["decided_by"]["substance"] == "PCE"


def test_units_are_converted_and_eluate_units_refused(api):
    r = classify(api, [{"substance": "Pb", "value": "80000", "unit": "µg/kg"}]).json()
    assert r["results"][0]["value"] == 80 and r["class"] == 2
    e = classify(api, [{"substance": "Ba", "value": "2", "unit": "mg/l", "leached": True}],
                 expect=400).json()["error"]
    assert e["field"] == "lab[0].unit" and "L/S = 10" in e["message"]
    e = classify(api, [{"substance": "Pb", "value": "2", "unit": "furlong"}], expect=400).json()["error"]
    assert e["field"] == "lab[0].unit"
    e = classify(api, [{"substance": "Pb", "value": "abc"}], expect=400).json()["error"]
    assert e["field"] == "lab[0].value"
    e = classify(api, [{"substance": "Pb", "value": "1", "leached": "yes"}], expect=400).json()["error"]
    assert e["field"] == "lab[0].leached"
    e = classify(api, [{"substance": "Pb", "value": "1", "depth": 2}], expect=400).json()["error"]
    assert e["field"] == "lab[0].depth"


def test_leaching_results_decide_landfill_acceptance(api):
    lab = [{"substance": "Pb", "value": "80"},
           {"substance": "Ba", "value": "25", "leached": True},
           {"substance": "Cl", "value": "<100", "leached": True}]
    r = classify(api, lab).json()
    assert r["class"] == 2  # leaching results do not change the class
    leached = [x for x in r["results"] if x["leached"]]
    assert [x["class"] for x in leached] == [None, None]
    by = {v["template"]: v for v in r["acceptance"]}
    assert set(by) == {"inert", "ordinary", "hazardous"}
    inert = by["inert"]
    assert inert["accepted"] is False and inert["exceeded"] == 1
    assert inert["deciding"] == {"substance": "Ba", "leached": True, "value": 25, "limit": 20,
                                 "unit": "mg/kg", "status": "V", "source": "EU2003-33"}
    assert inert["reason"] == ("Ba leached at L/S = 10: 25 mg/kg is above the limit 20 mg/kg "
                               "of the landfill template 'inert' (avfallsforskriften vedlegg II)")
    assert inert["not_measured"] > 10
    assert inert["verdict"] == "not_accepted"
    # the ordinary landfill: nothing exceeded, but most limits not analysed
    assert by["ordinary"]["verdict"] == "incomplete" and by["ordinary"]["accepted"] is False
    assert by["ordinary"]["reason"] is None
    # at the limit: accepted
    lab[1]["value"] = "20"
    r = classify(api, lab).json()
    assert {v["template"]: v for v in r["acceptance"]}["inert"]["verdict"] == "incomplete"
    # a detection limit above the limit proves nothing
    lab[1]["value"] = "<30"
    inert = {v["template"]: v for v in classify(api, lab).json()["acceptance"]}["inert"]
    assert inert["accepted"] is False and inert["not_proven"] is True
    assert inert["verdict"] == "not_proven"


def test_natural_background_in_trondheim(api):
    lab = [{"substance": "Cr", "value": "100"}, {"substance": "Ni", "value": "75"}]
    r = classify(api, lab).json()
    assert r["class"] == 2 and r["background"] is None
    r = classify(api, lab, natural=True, municipality="5001").json()
    assert r["class"] == 1
    assert r["background"]["area"] == "Trondheim (5001)"
    assert r["background"]["values"] == {"Cr": 100, "Ni": 75}
    assert "Faktaark 63" in r["background"]["source"]
    assert all(x["within_background"] for x in r["results"])
    # above the background: the usual class
    lab[0]["value"] = "101"
    assert classify(api, lab, natural=True, municipality="5001").json()["class"] == 2
    # a municipality without published values: the normverdier, and said so
    r = classify(api, lab, natural=True, municipality="0301").json()
    assert r["class"] == 2 and r["background"] is None and "normverdier" in r["background_note"]
    # natural needs the place
    e = classify(api, lab, natural=True, expect=400).json()["error"]
    assert e["field"] == "municipality"
    e = classify(api, lab, natural=True, municipality="Trondheim", expect=400).json()["error"]
    assert e["field"] == "municipality"
    e = classify(api, lab, natural="ja", municipality="5001", expect=400).json()["error"]
    assert e["field"] == "natural"


def test_only_parameters_give_no_class(api):
    r = classify(api, [{"substance": "TOC", "value": "2", "unit": "%"},
                       {"substance": "DOC", "value": "300", "leached": True}]).json()
    assert r["class"] is None and r["no_class"] is True and r["decided_by"] is None
    assert r["risk_assessment"] is False


def test_reference_names_every_value_and_its_source(api):
    r = api.get("/api/substances", expect=200).json()
    subs = {s["code"]: s for s in r["substances"]}
    assert len(subs) == 74
    assert subs["As"]["bounds"] == [8, 20, 50, 600, 1000] and subs["As"]["status"] == "V"
    assert subs["PCE"]["bounds"] == [0.01]
    assert subs["Ba"]["bounds"] == []
    assert "Sum PAH(16) EPA" in subs["PAH16"]["aliases"]
    assert all(s["source"] for s in r["substances"])
    tpl = {t["template"]: t for t in r["acceptance"]}
    assert tpl["inert"]["name_nb"] == "Deponi for inert avfall"
    assert any(x["substance"] == "Ba" and x["leached"] and x["limit"] == 20
               for x in tpl["inert"]["limits"])
    trd = [b for b in r["background"] if b["municipality"] == "5001"]
    assert trd and trd[0]["values"] == {"Cr": 100, "Ni": 75}
    api.get("/api/substances", params={"x": "1"}, expect=400, field="x")


# ---- listings, facilities and matches -----------------------------------------

from conftest import create_facility, create_listing, landfill, need, supply  # noqa: E402

BODO = (67.28, 14.40)   # far from the demo region and from other tests' sites


def test_listing_class_range_background_and_matches(api):
    dev, op = api.token("developer"), api.token("operator")
    lat, lon = BODO
    body = supply(title="Bodø masser med benzen under deteksjonsgrensen", lat=lat, lon=lon,
                  lab=[{"substance": "Pb", "value": 70},
                       {"substance": "Benzen", "value": "<0,05"},
                       {"substance": "Ba", "value": 25, "leached": True}])
    del body["class"]
    s = create_listing(api, dev, body, status="published")
    assert s["class"] == 4
    cfl = s["class_from_lab"]
    assert (cfl["class_min"], cfl["class_max"]) == (2, 4)
    assert cfl["open"] == [{"substance": "Benzen", "detection_limit": 0.05, "class_max": 4}]
    inert = {v["template"]: v for v in cfl["acceptance"]}["inert"]
    assert inert["verdict"] == "not_accepted"
    assert any(x.get("leached") for x in s["lab"])
    # a class that contradicts the range is refused with the range named
    e = api.post("/api/listings", token=dev, json=dict(body, **{"class": 2}),
                 expect=400).json()["error"]
    assert e["field"] == "class" and "2-4" in e["message"]
    strict = create_listing(api, dev, need(title="Bodø veg klasse 2", lat=lat + 0.01, lon=lon,
                                           max_class=2), status="published")
    ranged = create_listing(api, dev, need(title="Bodø veg tar spenn", lat=lat + 0.01, lon=lon,
                                           max_class=2, accepts_class_range=True),
                            status="published")
    inert_fill = create_facility(api, op, landfill(name="Bodø inertdeponi", lat=lat - 0.02,
                                                   lon=lon, max_class=4, acceptance="inert"))
    leach = create_facility(api, op, landfill(name="Bodø deponi utlekking", lat=lat - 0.02,
                                              lon=lon, max_class=4,
                                              leaching_limits={"Ba": 30}))
    r = api.get(f"/api/listings/{s['id']}/matches", token=dev, expect=200).json()
    ids = [m["site_id"] for m in r["matches"]]
    excluded = {e["site_id"]: e["reason"] for e in r["excluded"]}
    assert "does not accept class ranges" in excluded[strict["id"]]
    assert ranged["id"] in ids
    assert excluded[inert_fill["id"]] == (
        "Ba leached at L/S = 10: 25 mg/kg is above the limit 20 mg/kg of the landfill "
        "template 'inert' (avfallsforskriften vedlegg II)")
    # Each exclusion names the site and carries its reason's words, for
    # the reader's language: the template and its values.
    words = {e["site_id"]: e for e in r["excluded"]}
    assert words[inert_fill["id"]]["title"] == "Bodø inertdeponi"
    assert words[inert_fill["id"]]["key"] == (
        "%s leached at L/S = 10: %g %s is above the limit %g %s of the landfill template "
        "'%s' (avfallsforskriften vedlegg II)")
    assert words[inert_fill["id"]]["params"] == ["Ba", 25, "mg/kg", 20, "mg/kg", "inert"]
    assert words[strict["id"]]["key"].endswith("and does not accept class ranges")
    assert leach["id"] in ids
    assert inert_fill["acceptance"] == "inert"


def test_natural_listing_uses_the_background(api):
    dev = api.token("developer")
    body = supply(title="Naturlig morene Heimdal", material="soil.moraine",
                  municipality="Trondheim", natural=True, lat=63.353, lon=10.359,
                  lab=[{"substance": "Cr", "value": 95}, {"substance": "Ni", "value": 70}])
    del body["class"]
    s = create_listing(api, dev, body)
    assert s["class"] == 1
    assert s["class_from_lab"]["background"]["area"] == "Trondheim (5001)"
    # without natural: class 2
    del body["natural"]
    assert create_listing(api, dev, body)["class"] == 2
    # natural without a municipality: the position's municipality (Heimdal
    # lies in Trondheim) gives the background
    b2 = dict(body, natural=True)
    del b2["municipality"]
    s2 = create_listing(api, dev, b2)
    assert s2["class"] == 1 and s2["municipality"] == "5001"
    assert s2["class_from_lab"]["background"]["area"] == "Trondheim (5001)"
    # in Sandefjord, which has published no background values: class 2
    s3 = create_listing(api, dev, dict(b2, lat=59.13, lon=10.22))
    assert s3["class"] == 2 and s3["municipality"] == "3907"
    # a named municipality that contradicts the position is refused, both named
    e = api.post("/api/listings", token=dev, json=dict(body, lat=59.13, lon=10.22),
                 expect=400, field="municipality").json()["error"]
    assert "3907 Sandefjord" in e["message"] and "5001 Trondheim" in e["message"]
    # natural with neither a municipality nor a lat/lon position: refused
    b4 = dict(b2, utm={"epsg": 25832, "easting": 569618, "northing": 7034313})
    del b4["lat"], b4["lon"]
    api.post("/api/listings", token=dev, json=b4, expect=400, field="natural")
    api.post("/api/listings", token=dev, json=dict(body, natural="ja"), expect=400,
             field="natural")


def test_acid_rock_needs_an_approved_receiver(api):
    dev, op = api.token("developer"), api.token("operator")
    lat, lon = 59.20, 10.10
    e = api.post("/api/facilities", token=op, json=landfill(
        name="Deponi uten tillatelse", lat=lat, lon=lon, accepts=["rock.acid"]),
        params={"status": "published"}, expect=400).json()["error"]
    assert e["field"] == "acid_rock_permit"
    api.post("/api/listings", token=dev, json=need(
        title="Fylling", lat=lat, lon=lon, accepts=["rock.acid"]), expect=400,
        field="accepts")
    shale = create_listing(api, dev, supply(title="Alunskifer fra tunnel", lat=lat, lon=lon,
                                            material="rock.acid"), status="published")
    anyrock = create_facility(api, op, landfill(name="Deponi alt fjell", lat=lat + 0.01,
                                                lon=lon, accepts=["*"]))
    approved = create_facility(api, op, landfill(
        name="Godkjent alunskiferdeponi", lat=lat + 0.05, lon=lon, accepts=["rock.acid"],
        acid_rock_permit="Statsforvalteren, tillatelse 2020/42 (test)"))
    r = api.get(f"/api/listings/{shale['id']}/matches", token=dev, expect=200).json()
    ids = [m["site_id"] for m in r["matches"]]
    assert ids == [approved["id"]]
    assert anyrock["id"] not in ids
    api.post("/api/listings", token=dev, json=supply(
        title="Alunskifer naturlig", lat=63.43, lon=10.40, material="rock.acid", natural=True,
        lab=[{"substance": "Cr", "value": 90}]),
        expect=400, field="natural")


def test_receiver_terms_are_checked(api):
    op = api.token("operator")
    for body, field in [
        (landfill(acceptance="sanitary"), "acceptance"),
        (landfill(leaching_limits={"Ba": -1}), "leaching_limits.Ba"),
        (landfill(leaching_limits={"TOC": 3}), "leaching_limits.TOC"),
        (landfill(leaching_limits={"Xx": 3}), "leaching_limits.Xx"),
        (landfill(accepts_class_range="yes"), "accepts_class_range"),
    ]:
        api.post("/api/facilities", token=op, json=body, expect=400, field=field)
    dev = api.token("developer")
    api.post("/api/listings", token=dev, json=supply(acceptance="inert"), expect=400,
             field="acceptance")
    api.post("/api/listings", token=dev, json=supply(lab=[
        {"substance": "Ba", "value": 2, "unit": "mg/l", "leached": True}]), expect=400,
        field="lab[0].unit")


# ---- lab reports and sample sets ---------------------------------------------

LONG_REPORT = ("Prøvenr;Dybde;Parameter;Resultat;Enhet\n"
               "SK1;0-1;As (Arsen);2,5;mg/kg TS\n"
               "SK1;0-1;Pb (Bly);85;mg/kg TS\n"
               "SK1;0-1;Tørrstoff;85,2;%\n"
               "SK2;1-2;Sum PAH(16) EPA;<0,5;mg/kg TS\n"
               "SK2;1-2;Benzen;<0,05;mg/kg TS\n")


def test_lab_report_is_read_into_samples(api):
    r = api.post("/api/lab-reports", data=LONG_REPORT.encode(),
                 headers={"Content-Type": "text/csv"}, expect=200).json()
    assert r["layout"] == "long"
    ids = [s["id"] for s in r["samples"]]
    assert ids == ["SK1", "SK2"]
    sk1, sk2 = r["samples"]
    assert (sk1["depth_from_m"], sk1["depth_to_m"]) == (0, 1)
    assert {x["substance"] for x in sk1["lab"]} == {"As", "Pb"}
    assert sk1["class"] == 2 and sk2["class"] == 4 and sk2["class_min"] == 1
    e = api.post("/api/lab-reports", data="Prøve,Ba (mg/l)\nA,2\n".encode(),
                 headers={"Content-Type": "text/csv"}, expect=400).json()["error"]
    assert e["field"] == "body line 1, Ba (mg/l)" and "eluate" in e["message"]
    e = api.post("/api/lab-reports", data="Prøve,Dybde fra,Dybde til,Pb\nA,2,1,4\n".encode(),
                 headers={"Content-Type": "text/csv"}, expect=400).json()["error"]
    assert e["field"] == "body line 2, Dybde til" and "below its bottom" in e["message"]
    api.post("/api/lab-reports", json={"x": 1}, expect=415)


def test_listing_with_a_sample_set_and_sampling_density(api):
    dev = api.token("developer")
    rep = api.post("/api/lab-reports", data=LONG_REPORT.encode(),
                   headers={"Content-Type": "text/csv"}, expect=200).json()
    samples = [{k: v for k, v in s.items() if k not in ("class", "class_min")}
               for s in rep["samples"]]
    body = supply(title="Masser med prøveserie", lat=59.21, lon=10.11, samples=samples,
                  sampled_area_m2=800)
    del body["class"]
    s = create_listing(api, dev, body)
    # the set: Pb 85 (class 2) in SK1, benzene <0,05 (up to class 4) in SK2
    assert s["class"] == 4
    cfl = s["class_from_lab"]
    assert (cfl["class_min"], cfl["class_max"]) == (2, 4)
    assert [x["class"] for x in s["samples"]] == [2, 4]
    sm = cfl["sampling"]
    assert sm["samples"] == 2 and sm["recommended_min"] == 7 and sm["too_few"] is True
    assert sm["status"] == "U"
    # without the area the check asks for it
    del body["sampled_area_m2"]
    assert "sampled_area_m2" in create_listing(api, dev, body)["class_from_lab"]["sampling"]["note"]
    # bad samples: named, nothing stored
    bad = dict(body, samples=[dict(samples[0], depth_from_m=2, depth_to_m=1)])
    api.post("/api/listings", token=dev, json=bad, expect=400, field="samples[0].depth_from_m")
    bad = dict(body, samples=[samples[0], dict(samples[1], id="SK1")])
    api.post("/api/listings", token=dev, json=bad, expect=400, field="samples[1].id")
    bad = dict(body, samples=[dict(samples[0], lab=[{"substance": "Pb", "value": -1}])])
    api.post("/api/listings", token=dev, json=bad, expect=400, field="samples[0].lab[0].value")
    bad = dict(body, lab=[{"substance": "Pb", "value": 1}])
    api.post("/api/listings", token=dev, json=bad, expect=400, field="samples")
