"""Every write route of the OpenAPI document leaves exactly one new audit
entry that verifies: the route is called once as its user would, the
entries that appeared are counted, each is checked against the documented
hash serialisation and linked to the one before, and `massebank audit
verify` accepts the whole log at the end. A write route added to the API
without a case here fails the test. Also: a role change, a password
change and an account locked by failed sign-ins are in the log, and no
secret is."""
import csv
import hashlib
import sqlite3
import re
import io
import time

import pytest

from conftest import DEMO, DEMO_PASSWORD, OPENAPI, create_facility, create_listing, landfill, \
    need, supply
from test_audit import canonical, rows, verify

# Routes that write no audit entry, and why: sessions are not changes of
# the market, and a classification or a plan's reading writes nothing.
NO_ENTRY = {
    ("post", "/api/auth/login"): "a session, not a change (failures that lock are logged)",
    ("post", "/api/auth/logout"): "ends a session",
    ("post", "/api/classify"): "computes; writes nothing",
    ("post", "/api/lab-reports"): "reads a file; writes nothing",
    ("post", "/api/plans/{id}/whatif"): "plans a plan again with changes; stores nothing",
    # A user's own alert preferences and reading: not changes of the
    # market, and nobody else's business.
    ("post", "/api/saved-searches"): "a user's own search",
    ("delete", "/api/saved-searches/{id}"): "a user's own search",
    ("put", "/api/alert-settings"): "a user's own mail setting",
    ("post", "/api/notifications/read"): "a user's own reading",
    ("post", "/api/unsubscribe"): "a user's own mail setting (by the link in a mail)",
    ("post", "/api/password-reset"): "mails a link; the reset itself is audited",
}


def write_operations():
    return {(m, p) for p, item in OPENAPI["paths"].items() for m in item
            if m in ("post", "put", "patch", "delete")}


def one_row_csv(api, token, what):
    text = api.get(f"/api/exports/{what}", token=token,
                   params={"format": "csv", "scope": "mine"}, expect=200).text
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(lines[0])
    w.writerow(lines[1])
    return out.getvalue().encode()


def plan_suggestion(api, dev, con, mun):
    """A suggestion of the developer's surplus to the contractor's need,
    from a plan of a corner of Trøndelag with only the two in it."""
    window = {"from": "2027-03", "to": "2027-06"}
    create_listing(api, dev, supply(title="Revisjon forslag", lat=63.95, lon=11.45,
                                    window=window), status="published")
    create_listing(api, con, need(title="Revisjon behov", lat=64.02, lon=11.52, window=window),
                   status="published")
    job = api.post("/api/plans", token=mun, json={"bbox": [11.2, 63.9, 11.8, 64.1],
                                                  "from": "2027-01", "to": "2027-12"},
                   expect=202).json()
    deadline = time.monotonic() + 120
    while api.get(job["url"], token=mun, expect=200).json()["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    got = [g["id"] for g in api.get("/api/suggestions", token=con, expect=200).json()["items"]
           if g["plan"]["id"] == job["id"]]
    assert len(got) == 1
    return got[0]


def test_every_write_route_leaves_one_verifiable_entry(server, api):
    admin, dev, con, hau, op, mun = (api.token(r) for r in (
        "admin", "developer", "contractor", "hauler", "operator", "municipality"))
    state = {}

    def org():
        o = api.post("/api/organisations", token=admin, json={"name": "Revisjon AS"},
                     expect=201).json()
        state["org"] = o["id"]

    def user():
        u = api.post("/api/users", token=admin, json={
            "org_id": state["org"], "email": "revisjon@example.com", "name": "R",
            "role": "developer", "password": "secret-pass-9"}, expect=201).json()
        state["user"] = u["id"]

    def role():
        api.post(f"/api/users/{state['user']}/role", token=admin, json={"role": "contractor"},
                 expect=200)

    def password():
        t = api.login("revisjon@example.com", "secret-pass-9")
        api.post("/api/me/password", token=t, json={"current_password": "secret-pass-9",
                                                    "password": "new-secret-pass-10"},
                 expect=200)

    def everywhere():
        t = api.login("revisjon@example.com", "new-secret-pass-10")
        api.post("/api/auth/logout-everywhere", token=t, expect=200)

    def listing():
        state["listing"] = create_listing(api, dev, supply(title="Revisjon"),
                                          status="draft")["id"]

    def listing_put():
        api.put(f"/api/listings/{state['listing']}", token=dev, json=supply(title="Revisjon 2"),
                expect=200)

    def listing_status():
        api.post(f"/api/listings/{state['listing']}/status", token=dev,
                 json={"status": "published"}, expect=200)

    def listing_doc():
        api.post(f"/api/listings/{state['listing']}/documents", token=dev,
                 params={"name": "a.pdf"}, data=b"%PDF-1.4 a",
                 headers={"Content-Type": "application/pdf"}, expect=201)

    def facility():
        state["facility"] = create_facility(api, op, landfill(name="Revisjonsdeponi"),
                                            status="draft")["id"]

    def facility_put():
        api.put(f"/api/facilities/{state['facility']}", token=op,
                json=landfill(name="Revisjonsdeponi 2"), expect=200)

    def facility_status():
        api.post(f"/api/facilities/{state['facility']}/status", token=op,
                 json={"status": "published"}, expect=200)

    def facility_doc():
        api.post(f"/api/facilities/{state['facility']}/documents", token=op,
                 params={"name": "b.pdf"}, data=b"%PDF-1.4 b",
                 headers={"Content-Type": "application/pdf"}, expect=201)

    def deal():
        # Part of the listing: no status change follows.
        state["deal"] = api.post(f"/api/listings/{state['listing']}/deals", token=con, json={
            "amount": {"value": 50, "unit": "t"},
            "hauler_org": api.me("hauler")["organisation"]["id"]}, expect=201).json()["id"]

    def deal_state():
        api.post(f"/api/deals/{state['deal']}/state", token=dev, json={"state": "agreed"},
                 expect=200)

    def delivery():
        state["delivery"] = api.post(f"/api/deals/{state['deal']}/deliveries", token=hau, json={
            "truck": "AB12345", "euro_class": "VI", "amount": {"value": 25, "unit": "t"},
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, expect=201).json()["id"]

    def delivery_state():
        api.post(f"/api/deliveries/{state['delivery']}/state", token=con,
                 json={"state": "confirmed"}, expect=200)

    def plan():
        api.post("/api/plans", token=mun, json={"municipalities": ["5001"], "from": "2026-03",
                                                "to": "2026-05"}, expect=202)

    def contact():
        org_id = api.me("developer")["organisation"]["id"]
        api.put(f"/api/organisations/{org_id}/contact", token=dev,
                json={"name": "Revisjon Kontakt", "phone": "73 00 00 00",
                      "email": "Post@Revisjon.no"}, expect=200)

    def ask():
        lst = api.get("/api/listings", params={"type": "supply", "per_page": "1"},
                      expect=200).json()["items"][0]
        api.post(f"/api/listings/{lst['id']}/messages", token=con,
                 json={"body": "Når kan vi hente?"}, expect=201)

    def deal_message():
        did = api.get("/api/deals", token=con, expect=200).json()["items"][0]["id"]
        api.post(f"/api/deals/{did}/messages", token=con, json={"body": "Klar mandag."},
                 expect=201)

    def outbox_link(addr, path):
        con = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
        body = con.execute("SELECT body FROM outbox WHERE to_addr = ? ORDER BY id DESC LIMIT 1",
                           (addr,)).fetchone()[0]
        con.close()
        return re.search("#/" + path + r"/([A-Za-z0-9_-]+)", body).group(1)

    def signup():
        state["signup"] = api.post("/api/signup", json={
            "organisation": {"name": "Revisjon Søker AS", "orgnr": "974760673"},
            "user": {"name": "S", "email": "soker@revisjon.example",
                     "password": "secret-pass-9 lang", "role": "contractor"}},
            expect=201).json()["organisation"]["id"]

    def verification():
        api.post(f"/api/organisations/{state['signup']}/verification", token=admin,
                 json={"state": "verified"}, expect=200)

    def invitation():
        api.post("/api/invitations", token=dev, json={"email": "kollega@revisjon.example",
                                                      "role": "developer"}, expect=201)

    def accept():
        api.post("/api/invitations/accept", json={
            "token": outbox_link("kollega@revisjon.example", "invitasjon"), "name": "K",
            "password": "secret-pass-9 lang"}, expect=201)

    def reset_confirm():
        api.post("/api/password-reset", json={"email": "soker@revisjon.example"}, expect=202)
        api.post("/api/password-reset/confirm", json={
            "token": outbox_link("soker@revisjon.example", "nytt-passord"),
            "password": "new-secret-pass-10 lang"}, expect=200)

    def import_listings():
        api.post("/api/imports/listings", token=dev, data=one_row_csv(api, dev, "listings"),
                 headers={"Content-Type": "text/csv"}, expect=201)

    def import_facilities():
        api.post("/api/imports/facilities", token=op, data=one_row_csv(api, op, "facilities"),
                 headers={"Content-Type": "text/csv"}, expect=201)

    def suggestion_dismiss():
        api.post(f"/api/suggestions/{state['suggestion']}/dismiss", token=dev, json={},
                 expect=200)

    def suggestion_accept():
        api.post(f"/api/suggestions/{state['suggestion']}/accept", token=con, json={},
                 expect=201)

    cases = [
        (("post", "/api/organisations"), org, ("organisation", "create")),
        (("post", "/api/users"), user, ("user", "create")),
        (("post", "/api/users/{id}/role"), role, ("user", "role")),
        (("post", "/api/me/password"), password, ("user", "password")),
        (("post", "/api/auth/logout-everywhere"), everywhere, ("user", "sign_out_everywhere")),
        (("post", "/api/listings"), listing, ("listing", "create")),
        (("put", "/api/listings/{id}"), listing_put, ("listing", "update")),
        (("post", "/api/listings/{id}/status"), listing_status, ("listing", "status")),
        (("post", "/api/listings/{id}/documents"), listing_doc, ("document", "attach")),
        (("post", "/api/facilities"), facility, ("facility", "create")),
        (("put", "/api/facilities/{id}"), facility_put, ("facility", "update")),
        (("post", "/api/facilities/{id}/status"), facility_status, ("facility", "status")),
        (("post", "/api/facilities/{id}/documents"), facility_doc, ("document", "attach")),
        (("post", "/api/listings/{id}/deals"), deal, ("deal", "reserve")),
        (("post", "/api/deals/{id}/state"), deal_state, ("deal", "agreed")),
        (("post", "/api/deals/{id}/deliveries"), delivery, ("delivery", "register")),
        (("post", "/api/deliveries/{id}/state"), delivery_state, ("delivery", "confirmed")),
        (("post", "/api/plans"), plan, ("plan", "request")),
        (("put", "/api/organisations/{id}/contact"), contact, ("org_contact", "update")),
        (("post", "/api/listings/{id}/messages"), ask, ("message", "post")),
        (("post", "/api/deals/{id}/messages"), deal_message, ("message", "post")),
        (("post", "/api/signup"), signup, ("organisation", "signup")),
        (("post", "/api/organisations/{id}/verification"), verification,
         ("organisation", "verify")),
        (("post", "/api/invitations"), invitation, ("organisation", "invite")),
        (("post", "/api/invitations/accept"), accept, ("user", "create")),
        (("post", "/api/password-reset/confirm"), reset_confirm, ("user", "password")),
        (("post", "/api/imports/listings"), import_listings, ("listing", "create")),
        (("post", "/api/imports/facilities"), import_facilities, ("facility", "create")),
        (("post", "/api/suggestions/{id}/dismiss"), suggestion_dismiss,
         ("suggestion", "dismiss")),
        (("post", "/api/suggestions/{id}/accept"), suggestion_accept, ("deal", "reserve")),
    ]
    # An import writes each site as a draft in a batch, then publishes the
    # published ones (mb_listing_insert_many): a status entry follows.
    then = {("post", "/api/signup"): ("user", "create"),
            ("post", "/api/imports/listings"): ("listing", "status"),
            ("post", "/api/imports/facilities"): ("facility", "status"),
            ("post", "/api/suggestions/{id}/accept"): ("suggestion", "accept")}
    state["suggestion"] = plan_suggestion(api, dev, con, mun)
    covered = {c[0] for c in cases} | set(NO_ENTRY)
    assert write_operations() - covered == set(), "a write route without an audit case"
    assert covered - write_operations() == set(), "a case for a route that is gone"

    before = rows(server.db)
    for route, call, (entity, action) in cases:
        n = len(before)
        call()
        after = rows(server.db)
        new = after[n:]
        want = 1 + (route in then and len(new) == 2)
        assert len(new) == want, (route, [(e["entity"], e["action"]) for e in new])
        if want == 2:
            assert (new[1]["entity"], new[1]["action"]) == then[route], route
        e = new[0]
        assert (e["entity"], e["action"]) == (entity, action), route
        assert e["prev_hash"] == (before[-1]["hash"] if before else "0" * 64), route
        assert hashlib.sha256(canonical(e)).hexdigest() == e["hash"], route
        for secret in ("secret-pass-9", "new-secret-pass-10", "argon2"):
            assert secret not in e["detail_text"], route
        before = after
    for route in NO_ENTRY:
        n = len(before)
        if route == ("post", "/api/auth/login"):
            t = api.login(DEMO["developer"], DEMO_PASSWORD)
        elif route == ("post", "/api/auth/logout"):
            api.post("/api/auth/logout", token=t, expect=200)
        elif route == ("post", "/api/saved-searches"):
            q = api.post("/api/saved-searches", token=dev, json={
                "name": "Uten revisjon", "types": ["supply"]}, expect=201).json()
        elif route == ("delete", "/api/saved-searches/{id}"):
            api.call("DELETE", f"/api/saved-searches/{q['id']}", token=dev, expect=200)
        elif route == ("put", "/api/alert-settings"):
            api.put("/api/alert-settings", token=dev, json={"match_email": "none"}, expect=200)
        elif route == ("post", "/api/notifications/read"):
            api.post("/api/notifications/read", token=dev, json={"all": True}, expect=200)
        elif route == ("post", "/api/password-reset"):
            api.post("/api/password-reset", json={"email": DEMO["hauler"]}, expect=202)
        elif route == ("post", "/api/unsubscribe"):
            api.post("/api/unsubscribe", params={"token": "1" * 64}, expect=404)
        else:
            api.post("/api/classify", json={"lab": [{"substance": "Pb", "value": "80"}]},
                     expect=200)
        assert len(rows(server.db)) == n, route
    p = verify(server.db)
    assert p.returncode == 0, p.stdout + p.stderr


def test_roles_passwords_and_lockouts(fresh_server):
    server = fresh_server()
    api = server.api
    admin = api.token("admin")
    me = api.me("admin")["user"]
    dev_id = api.me("developer")["user"]["id"]
    # Only an administrator changes a role, and not their own.
    api.post(f"/api/users/{dev_id}/role", token=api.token("developer"),
             json={"role": "admin"}, expect=403, field="role")
    api.post(f"/api/users/{me['id']}/role", token=admin, json={"role": "developer"},
             expect=409, field="id")
    api.post(f"/api/users/{dev_id}/role", token=admin, json={"role": "king"}, expect=400,
             field="role")
    api.post("/api/users/999999/role", token=admin, json={"role": "hauler"}, expect=404)
    n = len(rows(server.db))
    api.post(f"/api/users/{dev_id}/role", token=admin, json={"role": "developer"}, expect=200)
    assert len(rows(server.db)) == n, "the role it has: nothing changes"
    # A password change needs the current one and ends the other sessions.
    o = api.post("/api/organisations", token=admin, json={"name": "Passord AS"},
                 expect=201).json()
    api.post("/api/users", token=admin, json={
        "org_id": o["id"], "email": "pw@example.com", "name": "P", "role": "developer",
        "password": "first-pass-1"}, expect=201)
    a, b = api.login("pw@example.com", "first-pass-1"), api.login("pw@example.com",
                                                                   "first-pass-1")
    api.post("/api/me/password", token=a, json={"current_password": "wrong-pass",
                                                "password": "second-pass-2"},
             expect=403, field="current_password")
    api.post("/api/me/password", token=a, json={"current_password": "first-pass-1",
                                                "password": "short"},
             expect=400, field="password")
    api.post("/api/me/password", token=a, json={"current_password": "first-pass-1",
                                                "password": "second-pass-2"}, expect=200)
    api.get("/api/me", token=a, expect=200)
    api.get("/api/me", token=b, expect=401)
    api.post("/api/auth/login", json={"email": "pw@example.com", "password": "first-pass-1"},
             expect=401)
    api.login("pw@example.com", "second-pass-2")
    # Failed sign-ins that lock the account leave one entry, with no
    # password in it; further failures while locked leave none.
    n = len(rows(server.db))
    codes = []
    for _ in range(8):
        codes.append(api.post("/api/auth/login", json={"email": "pw@example.com",
                                                       "password": "guess-guess"}).status_code)
    assert 429 in codes, codes
    new = rows(server.db)[n:]
    assert [(e["entity"], e["action"]) for e in new] == [("user", "locked")], new
    assert "guess-guess" not in new[0]["detail_text"]
    assert "pw@example.com" in new[0]["detail_text"]
    # Unknown e-mails lock nothing in the log (no user to name).
    n = len(rows(server.db))
    for _ in range(8):
        api.post("/api/auth/login", json={"email": "nobody@example.com", "password": "x" * 8})
    assert len(rows(server.db)) == n
    p = verify(server.db)
    assert p.returncode == 0, p.stdout + p.stderr
