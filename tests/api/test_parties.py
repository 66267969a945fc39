"""Counterparts through the API: an organisation publishes its contact
(its own users only; bad phone numbers and addresses refused with nothing
written); deals name every party with its contact; the public ticket names
them without contacts; a listing shows its organisation (the contact to
signed-in users only); matches name the counterpart's organisation.
"""
from datetime import datetime, timezone

from conftest import create_facility, create_listing, landfill, supply


def test_contact_is_published_by_the_organisation_itself(server, api):
    dev, con, admin = api.token("developer"), api.token("contractor"), api.token("admin")
    org = api.me("developer")["organisation"]
    path = f"/api/organisations/{org['id']}/contact"
    r = api.put(path, token=dev, expect=200, json={
        "name": "Kari Nordmann", "phone": "+47 73 00 00 00", "email": "Kari@Utbygger.NO"}).json()
    assert r["contact"] == {"name": "Kari Nordmann", "phone": "+47 73 00 00 00",
                            "email": "kari@utbygger.no"}
    assert r["name"] == org["name"]
    # signed in: the contact; anonymous: the name only
    got = api.get(f"/api/organisations/{org['id']}", token=con, expect=200).json()
    assert got["contact"]["phone"] == "+47 73 00 00 00"
    assert api.get(f"/api/organisations/{org['id']}", expect=200).json()["contact"] is None
    before = server.fingerprint()
    api.put(path, token=con, json={"name": "Kapring"}, expect=403, field="id")
    api.put(path, expect=401, json={"name": "x"})
    for body, field in [({"phone": "12345"}, "phone"), ({"phone": "73 00 00 0x"}, "phone"),
                        ({"phone": "+47+73000000"}, "phone"), ({"email": "kari"}, "email"),
                        ({"email": "kari@utbygger"}, "email"), ({"email": "a@b@c.no"}, "email"),
                        ({"email": "kari @utbygger.no"}, "email"), ({"name": "x" * 101}, "name"),
                        ({"name": "Kari\u0007"}, "name"), ({"name": 5}, "name"),
                        ({"fax": "1"}, "fax")]:
        api.put(path, token=dev, json=body, expect=400, field=field)
    api.put("/api/organisations/999999/contact", token=admin, json={"name": "x"}, expect=404)
    assert server.fingerprint() == before
    api.get("/api/organisations", params={"role": "admin"}, expect=400, field="role")
    haul = api.get("/api/organisations", params={"role": "hauler"}, expect=200).json()
    assert [o["id"] for o in haul["organisations"]] == [api.me("hauler")["organisation"]["id"]]
    # withdrawn: all empty
    r = api.put(path, token=admin, json={}, expect=200).json()
    assert r["contact"] is None


def test_deal_and_ticket_name_the_parties(api):
    dev, con, hau = api.token("developer"), api.token("contractor"), api.token("hauler")
    orgs = {r: api.me(r)["organisation"] for r in ("developer", "contractor", "hauler")}
    api.put(f"/api/organisations/{orgs['developer']['id']}/contact", token=dev, expect=200,
            json={"name": "Ulrik Utbygger", "phone": "900 00 000", "email": "u@utbygger.no"})
    api.put(f"/api/organisations/{orgs['hauler']['id']}/contact", token=hau, expect=200,
            json={"name": "Tor Transport", "phone": "+47 911 11 111", "email": ""})
    lst = create_listing(api, dev, supply(title="Stein med kontakt"), status="published")
    deal = api.post(f"/api/listings/{lst['id']}/deals", token=con, expect=201, json={
        "amount": {"value": 100, "unit": "t"}, "window": {"from": "2026-04", "to": "2026-06"},
        "hauler_org": orgs["hauler"]["id"]}).json()
    p = deal["parties"]
    assert p["owner"]["name"] == orgs["developer"]["name"]
    assert p["owner"]["contact"]["name"] == "Ulrik Utbygger"
    assert p["reserver"]["name"] == orgs["contractor"]["name"]
    assert p["hauler"]["contact"] == {"name": "Tor Transport", "phone": "+47 911 11 111",
                                      "email": ""}
    assert p["site_owner"] is None
    listed = api.get("/api/deals", token=hau, params={"listing": lst["id"]}, expect=200).json()
    item = [d for d in listed["items"] if d["id"] == deal["id"]][0]
    assert item["listing_title"] == "Stein med kontakt"
    assert item["parties"]["owner"]["name"] == orgs["developer"]["name"]
    api.post(f"/api/deals/{deal['id']}/state", token=dev, json={"state": "agreed"}, expect=200)
    load = api.post(f"/api/deals/{deal['id']}/deliveries", token=hau, expect=201, json={
        "truck": "EL 12345", "euro_class": "VI", "amount": {"value": 28, "unit": "t"},
        "at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}).json()
    ticket = api.http.get(api.base + "/api/tickets/" + load["code"], timeout=30).json()
    assert ticket["parties"]["owner"]["name"] == orgs["developer"]["name"]
    assert ticket["parties"]["hauler"]["name"] == orgs["hauler"]["name"]
    # the roadside sees names, not phone numbers
    assert all(v is None or v["contact"] is None for v in ticket["parties"].values())


def test_listing_and_matches_name_the_organisation(api):
    dev, op = api.token("developer"), api.token("operator")
    org = api.me("developer")["organisation"]
    api.put(f"/api/organisations/{org['id']}/contact", token=dev, expect=200,
            json={"name": "Ulrik", "phone": "", "email": "u@utbygger.no"})
    lst = create_listing(api, dev, supply(title="Stein med eier"), status="published")
    got = api.get(f"/api/listings/{lst['id']}", token=op, expect=200).json()
    assert got["organisation"]["name"] == org["name"]
    assert got["organisation"]["contact"]["email"] == "u@utbygger.no"
    anon = api.get(f"/api/listings/{lst['id']}", expect=200).json()
    assert anon["organisation"]["name"] == org["name"] and anon["organisation"]["contact"] is None
    f = create_facility(api, op, landfill(name="Mottak med navn", lat=63.4401, lon=10.4501,
                                          gate_fee_nok_per_t=0))
    op_org = api.me("operator")["organisation"]
    m = api.get(f"/api/listings/{lst['id']}/matches", token=dev, params={"limit": "100"},
                expect=200).json()
    assert m["matches"] and all(x["org_name"] for x in m["matches"])
    mine = [x for x in m["matches"] if x["site_id"] == f["id"]]
    assert mine and mine[0]["org_name"] == op_org["name"] and mine[0]["org_id"] == op_org["id"]
