"""Saved searches and alerts through the API, with a real SMTP server on
loopback (aiosmtpd, STARTTLS and AUTH) reading the mails it received:
a listing of another organisation that is published or changed and fits
a saved search, or fits one of the organisation's own listings, raises a
notification in the app and a mail (at once or in a digest) with a working
unsubscribe link; bad input is refused with the field named and changes
nothing; the outbox survives a kill -9 between commit and send, and no
mail is sent twice.
"""
import base64
import email
import email.policy
import os
import socket
import sqlite3
import ssl
import subprocess
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import create_listing, need, supply


def wait_for(fn, timeout=20, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = fn()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def notes(api, token):
    return api.get("/api/notifications", token=token, expect=200).json()


def notes_about(api, token, site_id, kind=None):
    """The alert of a site (one item per site), if it has a reason of kind."""
    return [n for n in notes(api, token)["items"]
            if n["site"]["id"] == site_id and (kind is None or
                                               any(r["kind"] == kind for r in n["reasons"]))]


SEARCH = {"name": "Sprengstein nær Heimdal", "types": ["supply"], "material": "rock.*",
          "class": 2, "near": {"lat": 63.35, "lon": 10.36, "radius_km": 15},
          "window": {"from": "2026-05", "to": "2026-08"}, "email": "none"}


def save(api, token, **over):
    body = dict(SEARCH)
    body.update(over)
    return api.post("/api/saved-searches", token=token, json=body, expect=201).json()


def test_a_saved_search_hears_of_what_fits_and_of_nothing_else(server, api):
    con, dev = api.token("contractor"), api.token("developer")
    q = save(api, con, name="Stein til vegen")
    assert q["near"]["radius_km"] == 15 and q["material"] == "rock.*"
    fits = create_listing(api, dev, supply(title="Passer søket", lat=63.36, lon=10.37),
                          status="published")
    misses = [
        create_listing(api, dev, supply(title="Klasse 3", lat=63.36, lon=10.37, **{"class": 3}),
                       status="published"),
        create_listing(api, dev, supply(title="For langt unna", lat=63.80, lon=11.40),
                       status="published"),
        create_listing(api, dev, supply(title="Feil tid", lat=63.36, lon=10.37,
                                        window={"from": "2027-01", "to": "2027-03"}),
                       status="published"),
        create_listing(api, dev, supply(title="Morene", lat=63.36, lon=10.37,
                                        material="soil.moraine"), status="published"),
        create_listing(api, dev, supply(title="Bare et utkast", lat=63.36, lon=10.37)),
        # the searcher's own organisation is not told of its own listings
        create_listing(api, con, supply(title="Vår egen stein", lat=63.36, lon=10.37),
                       status="published"),
    ]
    got = wait_for(lambda: notes_about(api, con, fits["id"], "search"), what="the notification")
    assert len(got) == 1
    n = got[0]
    searches = [r["search"] for r in n["reasons"] if r["kind"] == "search"]
    assert {"id": q["id"], "name": "Stein til vegen"} in searches
    assert n["read"] is False and n["changed"] is False
    assert n["site"]["title"] == "Passer søket" and n["site"]["municipality"] == "5001"
    # a later listing that fits shows the earlier misses were looked at, and left alone
    last = create_listing(api, dev, supply(title="Passer også", lat=63.34, lon=10.35),
                          status="published")
    wait_for(lambda: notes_about(api, con, last["id"]), what="the second notification")
    for m in misses:
        assert notes_about(api, con, m["id"], "search") == [], m["title"]
    # the draft published now fits
    draft = misses[4]
    api.post(f"/api/listings/{draft['id']}/status", token=dev, json={"status": "published"},
             expect=200)
    wait_for(lambda: notes_about(api, con, draft["id"]), what="the published draft")
    # others do not see the contractor's notifications nor its searches
    assert notes_about(api, api.token("operator"), fits["id"], "search") == []
    mine = api.get("/api/saved-searches", token=api.token("operator"), expect=200).json()
    assert all(s["id"] != q["id"] for s in mine["items"])


def test_reading_and_a_change_that_raises_again(server, api):
    con, dev = api.token("contractor"), api.token("developer")
    q = save(api, con, name="Endringer")
    lst = create_listing(api, dev, supply(title="Endres snart", lat=63.36, lon=10.37),
                         status="published")

    def ours():
        return [x for x in notes_about(api, con, lst["id"])
                if any(r["search"] and r["search"]["id"] == q["id"] for r in x["reasons"])]
    n = wait_for(ours, what="the notification")[0]
    before = notes(api, con)["unread"]
    r = api.post("/api/notifications/read", token=con, json={"ids": n["ids"]},
                 expect=200).json()
    assert r == {"changed": len(n["ids"]), "unread": before - 1}
    # another user's ids are not the caller's to mark
    r = api.post("/api/notifications/read", token=api.token("operator"),
                 json={"ids": [n["id"]]}, expect=200).json()
    assert r["changed"] == 0
    # the listing changes: raised again, unread, marked changed
    body = supply(title="Endres snart", lat=63.36, lon=10.37)
    body["amount"] = {"value": 2500, "unit": "t"}
    api.put(f"/api/listings/{lst['id']}", token=dev, json=body, expect=200)
    again = wait_for(lambda: [x for x in ours() if not x["read"]], what="the change raised")
    assert len(again) == 1 and again[0]["id"] == n["id"] and again[0]["changed"] is True
    assert again[0]["site"]["amount"]["value"] == 2500
    # closed: no longer shown, and not counted
    api.post(f"/api/listings/{lst['id']}/status", token=dev, json={"status": "closed"},
             expect=200)
    assert notes_about(api, con, lst["id"]) == []
    r = api.post("/api/notifications/read", token=con, json={"all": True}, expect=200).json()
    assert r["unread"] == 0 and notes(api, con)["unread"] == 0


def test_a_listing_that_fits_my_listing_is_told_to_my_organisation(server, api):
    con, dev = api.token("contractor"), api.token("developer")
    mine = create_listing(api, con, need(title="Fylling Sandmoen", lat=63.30, lon=10.34,
                                         window={"from": "2026-05", "to": "2026-09"}),
                          status="published")
    theirs = create_listing(api, dev, supply(title="Stein til Sandmoen", lat=63.31, lon=10.35,
                                             window={"from": "2026-04", "to": "2026-07"}),
                            status="published")

    def match():
        return [r for n in notes_about(api, con, theirs["id"]) for r in n["reasons"]
                if r["kind"] == "match"]
    got = wait_for(match, what="the match notification")
    assert {r["for_listing"]["id"] for r in got} >= {mine["id"]}
    r = [x for x in got if x["for_listing"]["id"] == mine["id"]][0]
    assert r["for_listing"] == {"id": mine["id"], "title": "Fylling Sandmoen",
                                "facility": False} and r["search"] is None
    # the developer is not told of the fit with its own listing
    assert notes_about(api, dev, theirs["id"], "match") == []


BAD = [
    ({"types": ["supply"]}, "name"),
    ({"name": "x"}, "types"),
    ({"name": "x", "types": ["stone"]}, "types"),
    ({"name": "x", "types": ["supply"], "material": "stein"}, "material"),
    ({"name": "x", "types": ["supply"], "material": "gold.*"}, "material"),
    ({"name": "x", "types": ["supply"], "class": 6}, "class"),
    ({"name": "x", "types": ["supply"], "near": {"lat": 55.0, "lon": 10.0, "radius_km": 5}},
     "near"),
    ({"name": "x", "types": ["supply"], "near": {"lat": 63.4, "lon": 10.4, "radius_km": -1}},
     "near.radius_km"),
    ({"name": "x", "types": ["supply"], "near": {"site_id": 999999, "radius_km": 5}},
     "near.site_id"),
    ({"name": "x", "types": ["supply"], "window": {"from": "2026-09", "to": "2026-05"}},
     "window.to"),
    ({"name": "x", "types": ["supply"], "window": {"from": "2026-13"}}, "window.from"),
    ({"name": "x", "types": ["supply"], "email": "weekly"}, "email"),
    ({"name": "x", "types": ["supply"], "colour": "red"}, "colour"),
    ({"name": "a\u0007b", "types": ["supply"]}, "name"),
    ({"name": "x" * 121, "types": ["supply"]}, "name"),
]


@pytest.mark.parametrize("body,field", BAD)
def test_a_bad_saved_search_is_refused_naming_the_field(server, api, body, field):
    con = api.token("contractor")
    before = server.fingerprint()
    r = api.post("/api/saved-searches", token=con, json=body, expect=400)
    fields = [p["field"] for p in r.json()["error"].get("problems", [])] or \
        [r.json()["error"]["field"]]
    assert field in fields, r.text
    assert server.fingerprint() == before


def test_broken_bodies_and_foreign_ids(server, api):
    con = api.token("contractor")
    before = server.fingerprint()
    api.post("/api/saved-searches", token=con, data=b'{"name": "\xff", "types": ["supply"]}',
             headers={"Content-Type": "application/json"}, expect=400)
    api.post("/api/saved-searches", token=con, data="name=x",
             headers={"Content-Type": "application/x-www-form-urlencoded"}, expect=415)
    api.post("/api/saved-searches", json=SEARCH, expect=401)
    api.post("/api/notifications/read", token=con, json={}, expect=400, field="ids")
    api.post("/api/notifications/read", token=con, json={"ids": ["1"]}, expect=400, field="ids")
    api.post("/api/notifications/read", token=con, json={"all": False}, expect=400, field="all")
    api.put("/api/alert-settings", token=con, json={"match_email": "hourly"}, expect=400,
            field="match_email")
    api.get("/api/notifications", token=con, params={"limit": 0}, expect=400, field="limit")
    api.get("/api/unsubscribe", params={"token": "ab" * 32}, expect=404, field="token")
    api.get("/api/unsubscribe", expect=400, field="token")
    assert server.fingerprint() == before
    q = save(api, con, name="Slettes")
    api.call("DELETE", f"/api/saved-searches/{q['id']}", token=api.token("developer"),
             expect=404, field="id")
    api.call("DELETE", f"/api/saved-searches/{q['id']}", token=con, expect=200)
    api.call("DELETE", f"/api/saved-searches/{q['id']}", token=con, expect=404, field="id")


def test_the_search_near_one_of_my_sites(server, api):
    con = api.token("contractor")
    site = create_listing(api, con, need(title="Prosjekt Tiller", lat=63.36, lon=10.38),
                          status="published")
    q = save(api, con, name="Nær Tiller", near={"site_id": site["id"], "radius_km": 10})
    assert q["near"] == {"lat": 63.36, "lon": 10.38, "radius_km": 10.0, "site_id": site["id"]}
    draft = create_listing(api, api.token("developer"), supply(title="Andres utkast"))
    api.post("/api/saved-searches", token=con, json=dict(
        SEARCH, near={"site_id": draft["id"], "radius_km": 5}), expect=400)


# ---- mail ------------------------------------------------------------------------------

class Inbox:
    """What the SMTP server on loopback received."""

    def __init__(self):
        self.mails = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.mails.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                               "msg": msg, "auth": session.authenticated,
                               "tls": session.ssl is not None})
        return "250 OK"

    def to(self, addr):
        with self.lock:
            return [m for m in self.mails if addr in m["to"]]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def relay(tmp_path):
    """An SMTP server on loopback: STARTTLS required, AUTH required over TLS."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert), str(key))
    inbox = Inbox()

    def auth(server, session, envelope, mechanism, data):
        ok = data.login == b"varsel" and data.password == b"hemmelig passord"
        return AuthResult(success=ok)

    port = free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=ctx,
                     require_starttls=True, auth_required=True, auth_require_tls=True,
                     authenticator=auth)
    ctl.start()
    cred = tmp_path / "smtp-credentials"
    cred.write_text("varsel\nhemmelig passord\n")
    inbox.args = ["--smtp", f"127.0.0.1:{port}", "--smtp-from", "varsel@massebank.test",
                  "--smtp-credentials", str(cred), "--smtp-ca", str(cert),
                  "--alert-interval", "1", "--public-url", "https://massebank.test"]
    yield inbox
    ctl.stop()


CON = "entreprenor@demo.massebank.no"


def body_text(msg):
    return msg.get_content()


def test_instant_mail_through_starttls_with_an_unsubscribe_that_works(fresh_server, relay):
    s = fresh_server(extra=relay.args)
    api = s.api
    con, dev = api.token("contractor"), api.token("developer")
    save(api, con, name="Sprengstein på e-post", email="instant")
    lst = create_listing(api, dev, supply(title="Stein på e-post", lat=63.36, lon=10.37),
                         status="published")
    mails = wait_for(lambda: relay.to(CON), what="the mail")
    time.sleep(1.5)
    assert len(relay.to(CON)) == 1, "one mail"
    m = mails[0]
    assert m["tls"] and m["auth"] == True and m["from"] == "varsel@massebank.test"
    msg = m["msg"]
    assert "Stein på e-post" in msg["Subject"]
    text = body_text(msg)
    assert "Passer det lagrede søket «Sprengstein på e-post»" in text
    assert "Fits your saved search" in text
    assert f"https://massebank.test/#/annonse/{lst['id']}" in text
    assert "tilstandsklasse 1, 1 000 t, Trondheim" in text
    assert "Tidsrom: mars–august 2026" in text
    unsub = msg["List-Unsubscribe"].strip("<>")
    assert unsub.startswith("https://massebank.test/api/unsubscribe?token=")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsub.split("token=")[1]
    assert f"https://massebank.test/#/avmeld/{token}" in text
    # whose link it is; then one click (a form body, as mail programs send it)
    who = api.get("/api/unsubscribe", params={"token": token}, expect=200).json()
    assert who == {"name": who["name"], "email": CON, "unsubscribed": False}
    r = api.post("/api/unsubscribe", params={"token": token}, data="List-Unsubscribe=One-Click",
                 headers={"Content-Type": "application/x-www-form-urlencoded"}, expect=200)
    assert r.json()["unsubscribed"] is True
    listed = api.get("/api/saved-searches", token=con, expect=200).json()
    assert listed["match_email"] == "none"
    assert {q["email"] for q in listed["items"]} == {"none"}
    # the next fit is told in the app, not by mail
    nxt = create_listing(api, dev, supply(title="Etter avmelding", lat=63.36, lon=10.37),
                         status="published")
    wait_for(lambda: notes_about(api, con, nxt["id"]), what="the in-app notification")
    time.sleep(2.5)
    assert len(relay.to(CON)) == 1
    s.stop()


def test_many_fitting_searches_make_one_mail_per_listing(fresh_server, relay):
    s = fresh_server(extra=relay.args)
    api = s.api
    con, dev = api.token("contractor"), api.token("developer")
    for i in range(5):
        save(api, con, name=f"Søk {i}", email="instant")
    create_listing(api, dev, supply(title="Fem søk passer", lat=63.36, lon=10.37),
                   status="published")
    m = wait_for(lambda: relay.to(CON), what="the mail")
    time.sleep(2)
    assert len(relay.to(CON)) == 1
    text = body_text(m[0]["msg"])
    for i in range(5):
        assert f"Passer det lagrede søket «Søk {i}»" in text
    assert text.count("Fem søk passer") == 2, "the listing once in bokmål, once in English"
    assert "1 000 t" in text and "mars–august 2026" in text and "March–August 2026" in text
    items = notes_about(api, con, api.get("/api/notifications", token=con).json()["items"][0]
                        ["site"]["id"])
    assert len(items) == 1 and len(items[0]["reasons"]) >= 5 and len(items[0]["ids"]) >= 5
    s.stop()


def test_a_daily_digest_gathers_the_fits_in_one_mail(fresh_server, relay):
    s = fresh_server(extra=relay.args + ["--digest-period", "4"])
    api = s.api
    con, dev = api.token("contractor"), api.token("developer")
    save(api, con, name="Oversikt", email="daily")
    titles = ["Første i oversikten", "Andre i oversikten"]
    for t in titles:
        create_listing(api, dev, supply(title=t, lat=63.36, lon=10.37), status="published")
    digests = wait_for(lambda: [m for m in relay.to(CON)
                                if "nye treff" in str(m["msg"]["Subject"])],
                       timeout=30, what="the digest")
    assert len(digests) == 1
    text = body_text(digests[0]["msg"])
    for t in titles:
        assert t in text
    assert "2 nye treff" in str(digests[0]["msg"]["Subject"])
    s.stop()


def test_the_outbox_survives_a_kill_and_sends_once(fresh_server, relay, tmp_path):
    # no relay configured: the mail is committed to the outbox and waits
    s = fresh_server(extra=["--alert-interval", "1"])
    api = s.api
    con, dev = api.token("contractor"), api.token("developer")
    save(api, con, name="Før krasjet", email="instant")
    create_listing(api, dev, supply(title="Venter i utboksen", lat=63.36, lon=10.37),
                   status="published")

    def pending():
        c = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            return c.execute("SELECT id, state FROM outbox WHERE to_addr = ?", (CON,)).fetchall()
        finally:
            c.close()
    rows = wait_for(pending, what="the mail in the outbox")
    assert [r[1] for r in rows] == ["pending"]
    s.kill9()
    # started again with the relay: sent once
    s.extra += relay.args
    s.start()
    wait_for(lambda: relay.to(CON), what="the mail after the restart")
    # The relay has it before the server marks it sent: wait for the mark.
    wait_for(lambda: [r[1] for r in pending()] == ["sent"], what="the mail marked sent")
    s.stop()
    s.start()
    time.sleep(2.5)
    assert len(relay.to(CON)) == 1, "not sent twice"
    s.stop()


def test_a_relay_that_is_down_keeps_the_mail_for_later(fresh_server, tmp_path):
    port = free_port()  # nobody listens there
    s = fresh_server(extra=["--alert-interval", "1", "--smtp", f"127.0.0.1:{port}",
                            "--smtp-tls", "none"])
    api = s.api
    save(api, api.token("contractor"), name="Ingen relé", email="instant")
    create_listing(api, api.token("developer"), supply(title="Relé nede", lat=63.36,
                                                       lon=10.37), status="published")

    def tried():
        c = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            # after the try is recorded (between the claim and the record
            # the row is "sending")
            return c.execute("SELECT state, attempts, error, next_try FROM outbox"
                             " WHERE attempts > 0 AND state <> 'sending'").fetchall()
        finally:
            c.close()
    state, attempts, error, next_try = wait_for(tried, what="a try")[0]
    assert state == "pending" and attempts == 1 and error and next_try > time.time() + 30
    assert "will try again" in s.stderr()
    s.stop()


@pytest.mark.parametrize("args,word", [
    (["--smtp", "relay"], "--smtp"),
    (["--smtp", "relay:99999"], "--smtp"),
    (["--smtp", "relay:25", "--smtp-tls", "maybe"], "--smtp-tls"),
    (["--smtp", "relay:25", "--smtp-from", "no address"], "--smtp-from"),
    (["--smtp", "relay:25", "--smtp-credentials", "/nonexistent/file"], "--smtp-credentials"),
    (["--smtp-tls", "none"], "--smtp"),
    (["--public-url", "ftp://x"], "--public-url"),
    (["--digest-period", "0"], "--digest-period"),
])
def test_bad_mail_options_are_refused(tmp_path, args, word):
    r = subprocess.run([os.environ["MB_SERVER"], "--db", str(tmp_path / "x.db"), "--port", "0",
                        "--no-demo"] + args, capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and word in r.stderr, r.stderr
    assert not (tmp_path / "x.db").exists()


def test_credentials_are_never_sent_in_the_clear(tmp_path):
    cred = tmp_path / "c"
    cred.write_text("u:p\n")
    r = subprocess.run([os.environ["MB_SERVER"], "--db", str(tmp_path / "x.db"), "--port", "0",
                        "--no-demo", "--smtp", "relay:25", "--smtp-tls", "none",
                        "--smtp-credentials", str(cred)], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 2 and "never sent without TLS" in r.stderr


def test_unsubscribing_cancels_the_alert_mail_still_queued(fresh_server):
    s = fresh_server(extra=["--alert-interval", "1"])
    api = s.api
    con = api.token("contractor")
    save(api, con, name="Avmeldes", email="instant")
    create_listing(api, api.token("developer"), supply(title="Før avmelding", lat=63.36,
                                                       lon=10.37), status="published")

    def outbox():
        c = sqlite3.connect(f"file:{s.db}?mode=ro", uri=True)
        try:
            return c.execute("SELECT state, error, unsubscribe FROM outbox WHERE to_addr = ?",
                             (CON,)).fetchall()
        finally:
            c.close()
    rows = wait_for(outbox, what="the queued mail")
    token = rows[0][2].split("token=")[1]
    api.post("/api/unsubscribe", params={"token": token}, expect=200)
    assert outbox() == [("failed", "unsubscribed", rows[0][2])]
    s.stop()
