"""Conversations through the API: each asking organisation has its own
private thread about a listing, which the listing's organisation reads and
answers; a deal's parties share one thread that nobody else reads (not
administrators, not municipalities); unread counts follow reading; every
message is audited without its text; bad input changes nothing.
"""
import sqlite3

from conftest import create_listing, supply


def inbox(api, token):
    return api.get("/api/messages", token=token, expect=200).json()


def test_questions_about_a_listing_are_private_per_asker(server, api):
    dev, con, op = api.token("developer"), api.token("contractor"), api.token("operator")
    lst = create_listing(api, dev, supply(title="Stein med spørsmål"), status="published")
    path = f"/api/listings/{lst['id']}/messages"
    before_dev = inbox(api, dev)["unread"]
    t1 = api.post(path, token=con, json={"body": "Er det leire i massene?\nHilsen E"},
                  expect=201).json()
    assert t1["messages"][0]["body"] == "Er det leire i massene?\nHilsen E"
    assert t1["messages"][0]["mine"] is True
    t2 = api.post(path, token=op, json={"body": "  Kan vi ta 500 t?  "}, expect=201).json()
    assert t2["id"] != t1["id"] and t2["messages"][0]["body"] == "Kan vi ta 500 t?"
    # each asker sees its own thread only
    mine = api.get(path, token=con, expect=200).json()["threads"]
    assert [t["id"] for t in mine] == [t1["id"]]
    assert all("500 t" not in m["body"] for t in mine for m in t["messages"])
    assert api.get(path, token=api.token("hauler"), expect=200).json()["threads"] == []
    # the owner has two unread, sees both threads, answers in one
    assert inbox(api, dev)["unread"] == before_dev + 2
    both = api.get(path, token=dev, expect=200).json()["threads"]
    assert {t["id"] for t in both} == {t1["id"], t2["id"]}
    assert {t["asker"]["id"] for t in both} == {api.me("contractor")["organisation"]["id"],
                                                api.me("operator")["organisation"]["id"]}
    assert inbox(api, dev)["unread"] == before_dev, "read when opened"
    r = api.post(path, token=dev, json={"body": "Nei, ren sprengstein.",
                                        "thread_id": t1["id"]}, expect=201).json()
    assert [m["body"] for m in r["messages"]][-1] == "Nei, ren sprengstein."
    box = inbox(api, con)
    item = [t for t in box["threads"] if t["id"] == t1["id"]][0]
    assert item["unread"] == 1 and item["title"] == "Stein med spørsmål"
    assert item["kind"] == "listing" and item["subject_id"] == lst["id"]
    # the owner must name the thread; another listing's thread is not this one's
    api.post(path, token=dev, json={"body": "Hei"}, expect=400, field="thread_id")
    other = create_listing(api, dev, supply(title="Annen annonse"), status="published")
    t3 = api.post(f"/api/listings/{other['id']}/messages", token=con, json={"body": "?"},
                  expect=201).json()
    api.post(path, token=dev, json={"body": "Hei", "thread_id": t3["id"]}, expect=404,
             field="thread_id")
    # an asker cannot post into another asker's thread
    api.post(path, token=con, json={"body": "Hei", "thread_id": t2["id"]}, expect=404,
             field="thread_id")


def test_a_deal_thread_is_its_parties(server, api):
    dev, con, hau = api.token("developer"), api.token("contractor"), api.token("hauler")
    hauler_org = api.me("hauler")["organisation"]["id"]
    lst = create_listing(api, dev, supply(title="Stein til samtale"), status="published")
    deal = api.post(f"/api/listings/{lst['id']}/deals", token=con, expect=201, json={
        "amount": {"value": 100, "unit": "t"}, "hauler_org": hauler_org}).json()
    path = f"/api/deals/{deal['id']}/messages"
    api.post(path, token=con, json={"body": "Kan dere starte mandag?"}, expect=201)
    api.post(path, token=hau, json={"body": "Ja, kl. 7."}, expect=201)
    t = api.get(path, token=dev, expect=200).json()["threads"]
    assert len(t) == 1 and [m["body"] for m in t[0]["messages"]] == [
        "Kan dere starte mandag?", "Ja, kl. 7."]
    assert t[0]["asker"] is None
    for role in ("admin", "municipality", "operator"):
        api.get(path, token=api.token(role), expect=404, field="id")
        api.post(path, token=api.token(role), json={"body": "Hei"}, expect=404, field="id")
    api.get(path, expect=401)


def test_bad_messages_change_nothing_and_the_log_keeps_no_text(server, api):
    dev, con = api.token("developer"), api.token("contractor")
    lst = create_listing(api, dev, supply(title="Stein til feil"), status="published")
    path = f"/api/listings/{lst['id']}/messages"
    before = server.fingerprint()
    for body, field in [({}, "body"), ({"body": ""}, "body"), ({"body": " \n\t "}, "body"),
                        ({"body": "x" * 4001}, "body"), ({"body": "bell\u0007"}, "body"),
                        ({"body": "rlo\u202eexe"}, "body"), ({"body": 5}, "body"),
                        ({"body": "hei", "thread_id": "1"}, "thread_id"),
                        ({"body": "hei", "thread_id": 0}, "thread_id"),
                        ({"body": "hei", "to": 3}, "to")]:
        api.post(path, token=con, json=body, expect=400, field=field)
    api.post("/api/listings/999999/messages", token=con, json={"body": "hei"}, expect=404)
    api.post(path, json={"body": "hei"}, expect=401)
    assert server.fingerprint() == before
    secret = "Prisen vår er 41 kr/t, ikke si det videre"
    api.post(path, token=con, json={"body": "æøå " + "x" * 3996}, expect=201)
    api.post(path, token=con, json={"body": secret}, expect=201)
    con_db = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    rows = con_db.execute("SELECT detail FROM audit WHERE entity = 'message'").fetchall()
    con_db.close()
    assert rows and all(secret not in r[0] for r in rows)
    assert any('"chars": 4000' in r[0] or '"chars":4000' in r[0] for r in rows)


def test_review_points_threads_line_ends_colleagues_and_closed_listings(server, api):
    dev, con = api.token("developer"), api.token("contractor")
    lst = create_listing(api, dev, supply(title="Stein for gjennomgang"), status="published")
    path = f"/api/listings/{lst['id']}/messages"
    # a refused first question leaves no empty thread behind
    before = server.fingerprint()["thread"]
    api.post(path, token=con, json={"body": "   "}, expect=400, field="body")
    assert server.fingerprint()["thread"] == before
    # CRLF and a lone CR are stored as LF
    t = api.post(path, token=con, json={"body": "En\r\nTo\rTre"}, expect=201).json()
    assert t["messages"][-1]["body"] == "En\nTo\nTre"
    # a colleague's message is not unread news for the colleague's organisation
    org = api.me("developer")["organisation"]["id"]
    colleague = api.post("/api/users", token=api.token("admin"), json={
        "org_id": org, "email": "kollega@utbygger.example", "name": "Kari Kollega",
        "role": "developer", "password": "kollega-passord-1"}, expect=201).json()
    ct = api.login("kollega@utbygger.example", "kollega-passord-1")
    api.post(path, token=ct, json={"body": "Svar fra kollega", "thread_id": t["id"]},
             expect=201)
    mine = [x for x in inbox(api, dev)["threads"] if x["id"] == t["id"]][0]
    assert mine["unread"] == 1, "the question is unread, the colleague's answer is not"
    assert colleague["id"] > 0
    # closed: the asker's inbox no longer shows the thread; the owner's does
    api.post(f"/api/listings/{lst['id']}/status", token=dev, json={"status": "closed"},
             expect=200)
    assert all(x["id"] != t["id"] for x in inbox(api, con)["threads"])
    assert any(x["id"] == t["id"] for x in inbox(api, dev)["threads"])
