"""Joining through the API, with the mails read from a real SMTP server on
loopback: an organisation signs itself up with its organisation number
(modulus 11), waits for an administrator (its user signs in and writes
drafts, not published listings), is approved (verified, and marked so to
counterparts); its user invites a colleague by e-mail, who makes a user
with the link once; a forgotten password is reset with a link that works
once, for an hour, and ends every session; the answer to a reset request
does not tell whether an address has an account; bad input is refused
with the field named and changes nothing; the demo users are unchanged.
"""
import re
import sqlite3
import time

import pytest

from conftest import DEMO, DEMO_PASSWORD, supply
from test_alerts import Inbox, free_port, wait_for
from aiosmtpd.controller import Controller

ORGNR = "923609016"  # a number with a valid check digit
PASSWORD = "et langt passord 1"


@pytest.fixture
def relay():
    inbox = Inbox()
    port = free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port)
    ctl.start()
    inbox.args = ["--smtp", f"127.0.0.1:{port}", "--smtp-tls", "none", "--alert-interval", "1",
                  "--public-url", "https://massebank.test"]
    yield inbox
    ctl.stop()


def link(inbox, addr, path):
    def find():
        for m in reversed(inbox.to(addr)):  # the newest
            text = m["msg"].get_content()
            got = re.search(r"https://massebank\.test/#/" + path + r"/([A-Za-z0-9_-]+)", text)
            if got:
                return got.group(1)
        return None
    return wait_for(find, what=f"a mail with #/{path}/ to {addr}")


def signup_body(**over):
    b = {"organisation": {"name": "Grus og Stein AS", "orgnr": "923 609 016"},
         "user": {"name": "Siri Søker", "email": "Siri@Grusogstein.example",
                  "password": PASSWORD, "role": "contractor"}}
    for k, v in over.items():
        b[k].update(v)
    return b


def test_sign_up_wait_be_approved_invite_and_reset(fresh_server, relay):
    s = fresh_server(extra=relay.args)
    api = s.api
    r = api.post("/api/signup", json=signup_body(), expect=201).json()
    assert r["state"] == "pending" and r["organisation"]["orgnr"] == ORGNR
    assert r["user"]["email"] == "siri@grusogstein.example"
    org = r["organisation"]["id"]
    # the administrators are told
    wait_for(lambda: relay.to(DEMO["admin"]), what="the mail to the administrator")
    # the new user signs in, sees the state, may write a draft but not publish
    tok = api.login("siri@grusogstein.example", PASSWORD)
    me = api.get("/api/me", token=tok, expect=200).json()
    assert me["organisation"]["state"] == "pending"
    api.post("/api/listings", token=tok, json=supply(), params={"status": "published"},
             expect=403, field="status")
    draft = api.post("/api/listings", token=tok, json=supply(), expect=201).json()
    api.post(f"/api/listings/{draft['id']}/status", token=tok, json={"status": "published"},
             expect=403, field="status")
    api.post("/api/invitations", token=tok, json={"email": "k@grusogstein.example",
                                                  "role": "contractor"},
             expect=403, field="organisation")
    # nor by an import, nor by reserving another organisation's listing
    csv_rows = ("type,title,lat,lon,material,class,amount,unit,from,to,status\n"
                "supply,Importert,63.36,10.37,rock.blasted,1,500,t,2026-03,2026-08,published\n")
    before = s.fingerprint()["site"]
    r = api.post("/api/imports/listings", token=tok, data=csv_rows.encode(),
                 headers={"Content-Type": "text/csv"})
    assert r.status_code in (400, 403), r.text
    assert s.fingerprint()["site"] == before
    pub = api.get("/api/listings", params={"type": "supply", "status": "published",
                                           "per_page": "1"}, expect=200).json()["items"][0]
    api.post(f"/api/listings/{pub['id']}/deals", token=tok,
             json={"amount": {"value": 10, "unit": "t"}}, expect=403, field="organisation")
    # the administrator sees it waiting and approves it
    admin = api.token("admin")
    waiting = api.get("/api/signups", token=admin, expect=200).json()["items"]
    assert [w["id"] for w in waiting] == [org]
    assert waiting[0]["users"][0]["email"] == "siri@grusogstein.example"
    api.get("/api/signups", token=api.token("developer"), expect=403, field="role")
    api.post(f"/api/organisations/{org}/verification", token=admin,
             json={"state": "verified"}, expect=200)
    api.post(f"/api/organisations/{org}/verification", token=admin,
             json={"state": "rejected"}, expect=409, field="state")
    wait_for(lambda: [m for m in relay.to("siri@grusogstein.example")
                      if "godkjent" in str(m["msg"]["Subject"])], what="the approval mail")
    api.post(f"/api/listings/{draft['id']}/status", token=tok, json={"status": "published"},
             expect=200)
    assert api.get("/api/me", token=tok, expect=200).json()["organisation"]["state"] == "verified"
    # a colleague, invited by e-mail
    api.post("/api/invitations", token=tok, json={"email": "Kollega@Grusogstein.example",
                                                  "role": "hauler"}, expect=201)
    api.post("/api/invitations", token=tok, json={"email": DEMO["developer"],
                                                  "role": "hauler"}, expect=409, field="email")
    api.post("/api/invitations", token=tok, json={"email": "x@y.example", "role": "admin"},
             expect=400, field="role")
    token = link(relay, "kollega@grusogstein.example", "invitasjon")
    u = api.post("/api/invitations/accept", json={"token": token, "name": "Kari Kollega",
                                                  "password": PASSWORD}, expect=201).json()
    assert u["org_id"] == org and u["role"] == "hauler"
    api.post("/api/invitations/accept", json={"token": token, "name": "Igjen",
                                              "password": PASSWORD}, expect=409, field="token")
    # no mail bombing through invitations: three a day to one address
    for _ in range(3):
        api.post("/api/invitations", token=tok, json={"email": "offer@et.example",
                                                      "role": "hauler"}, expect=201)
    r = api.post("/api/invitations", token=tok, json={"email": "offer@et.example",
                                                      "role": "hauler"}, expect=409,
                 field="email")
    assert "3 invitations in a day" in r.json()["error"]["message"]
    api.login("kollega@grusogstein.example", PASSWORD)
    # a forgotten password: a link, once, ends every session
    old = api.login("siri@grusogstein.example", PASSWORD)
    r = api.post("/api/password-reset", json={"email": "siri@grusogstein.example"}, expect=202)
    first = link(relay, "siri@grusogstein.example", "nytt-passord")
    api.post("/api/password-reset", json={"email": "siri@grusogstein.example"}, expect=202)
    wait_for(lambda: sum("nytt-passord" in m["msg"].get_content()
                         for m in relay.to("siri@grusogstein.example")) >= 2,
             what="the second reset mail")
    nobody = api.post("/api/password-reset", json={"email": "ingen@ingen.example"}, expect=202)
    assert r.json().keys() == nobody.json().keys()
    token = link(relay, "siri@grusogstein.example", "nytt-passord")
    api.post("/api/password-reset/confirm", json={"token": token, "password": "kort"},
             expect=400, field="password")
    api.post("/api/password-reset/confirm", json={"token": token,
                                                  "password": "et nytt langt passord"},
             expect=200)
    api.post("/api/password-reset/confirm", json={"token": token,
                                                  "password": "et tredje langt passord"},
             expect=409, field="token")
    api.get("/api/me", token=old, expect=401)
    # a new password makes the other link dead too
    api.post("/api/password-reset/confirm", json={"token": first,
                                                  "password": "et annet langt passord"},
             expect=409, field="token")
    api.login("siri@grusogstein.example", "et nytt langt passord")
    # nobody was mailed about the address without an account
    assert relay.to("ingen@ingen.example") == []
    # every step is in the audit log
    con = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
    acts = {(e, a) for e, a in con.execute("SELECT entity, action FROM audit")}
    con.close()
    assert {("organisation", "signup"), ("organisation", "verify"), ("organisation", "invite"),
            ("user", "create"), ("user", "password")} <= acts
    # the demo users are unchanged
    api.login(DEMO["developer"], DEMO_PASSWORD)


def test_a_reset_link_expires_and_resets_are_limited(fresh_server, relay):
    s = fresh_server(extra=relay.args)
    api = s.api
    addr = DEMO["hauler"]
    for _ in range(5):
        api.post("/api/password-reset", json={"email": addr.upper()}, expect=202)
    token = link(relay, addr, "nytt-passord")
    time.sleep(1.5)
    assert len(relay.to(addr)) == 3, "at most 3 links an hour"
    # an hour later the link is dead (the expiry moved back in the store)
    con = sqlite3.connect(s.db, timeout=30)
    con.execute("UPDATE account_token SET expires = expires - 3601")
    con.commit()
    con.close()
    api.post("/api/password-reset/confirm", json={"token": token,
                                                  "password": "et nytt langt passord"},
             expect=409, field="token")
    api.post("/api/password-reset/confirm", json={"token": "A" * 43,
                                                  "password": "et nytt langt passord"},
             expect=404, field="token")
    api.login(addr, DEMO_PASSWORD)


BAD = [
    (signup_body(organisation={"orgnr": "923609017"}), "organisation.orgnr"),
    (signup_body(organisation={"orgnr": "12345"}), "organisation.orgnr"),
    (signup_body(organisation={"orgnr": "000000000"}), "organisation.orgnr"),
    (signup_body(organisation={"name": " "}), "organisation.name"),
    (signup_body(user={"email": "ikke-en-adresse"}), "user.email"),
    (signup_body(user={"email": "a@b.example\r\nBcc: x@y"}), "user.email"),
    (signup_body(user={"password": "kort"}), "user.password"),
    (signup_body(user={"role": "admin"}), "user.role"),
    (signup_body(user={"role": "municipality"}), "user.role"),
    ({"organisation": {"name": "X", "orgnr": ORGNR}}, "user"),
    (dict(signup_body(), extra=1), "extra"),
]


@pytest.mark.parametrize("body,field", BAD)
def test_a_bad_sign_up_is_refused_naming_the_field(server, api, body, field):
    before = server.fingerprint()
    r = api.post("/api/signup", json=body, expect=400)
    fields = [p["field"] for p in r.json()["error"].get("problems", [])] or \
        [r.json()["error"]["field"]]
    assert field in fields, r.text
    assert server.fingerprint() == before


def test_taken_numbers_and_addresses_are_named(server, api):
    api.post("/api/signup", json=signup_body(organisation={"orgnr": "974760673"},
                                             user={"email": "a@forste.example"}), expect=201)
    before = server.fingerprint()
    api.post("/api/signup", json=signup_body(organisation={"orgnr": "974760673"},
                                             user={"email": "b@andre.example"}),
             expect=409, field="organisation.orgnr")
    api.post("/api/signup", json=signup_body(organisation={"orgnr": "982463718"},
                                             user={"email": DEMO["developer"]}),
             expect=409, field="user.email")
    api.post("/api/signup", data=b'{"organisation": {"name": "\xff"}}',
             headers={"Content-Type": "application/json"}, expect=400)
    api.post("/api/password-reset", json={"email": "nei"}, expect=400, field="email")
    api.post("/api/invitations/accept", json={"token": "x" * 20, "name": "N",
                                              "password": PASSWORD}, expect=404, field="token")
    assert server.fingerprint() == before
    # counterparts see who is verified
    dev = api.token("developer")
    org = api.me("developer")["organisation"]["id"]
    deals = api.get("/api/deals", token=dev, expect=200).json()["items"]
    assert deals, "the demo has deals"
    d = api.get(f"/api/deals/{deals[0]['id']}", token=dev, expect=200).json()
    assert d["parties"]["owner"]["verified"] is True
    assert org > 0
