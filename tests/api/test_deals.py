"""Deals, load tickets, chain of custody and planned vs actual through the
API: the whole life cycle of a deal, concurrent reservations that would
overbook (exactly one wins), disputes and their corrections, who sees and
does what, and bad requests that change nothing."""
import threading
import time

import pytest
import requests

from conftest import check_response, create_listing, schema_validator, supply

JSON = {"Content-Type": "application/json"}


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def load_body(**over):
    b = {"truck": "EL 12345", "euro_class": "VI", "amount": {"value": 28, "unit": "t"},
         "at": now_iso()}
    b.update(over)
    return b


@pytest.fixture(scope="module")
def who(api):
    c = {role: api.token(role) for role in
         ("admin", "developer", "contractor", "hauler", "operator", "municipality")}
    c["org"] = {role: api.me(role)["organisation"]["id"] for role in
                ("developer", "contractor", "hauler", "operator")}
    return c


def get_ticket(api, code, expect):
    """GET /api/tickets/{code}, checked against the OpenAPI schema here:
    conftest's path matcher knows numeric path parameters only."""
    r = api.http.get(api.base + "/api/tickets/" + code, timeout=30)
    assert r.status_code == expect, r.text
    op = api_op("/api/tickets/{code}")
    schema = op["responses"][str(expect)]["content"]["application/json"]["schema"]
    errors = list(schema_validator(schema).iter_errors(r.json()))
    assert not errors, errors[:3]
    return r


def api_op(path):
    from conftest import OPENAPI
    return OPENAPI["paths"][path]["get"]


def test_deal_life_cycle(api, who):
    dev, con, hau = who["developer"], who["contractor"], who["hauler"]
    lst = create_listing(api, dev, supply(title="Stein til avtale"), status="published")
    lid = lst["id"]
    assert lst["available_t"] == 1000 and lst["committed_t"] == 0
    r = api.post(f"/api/listings/{lid}/deals", token=con, expect=201, json={
        "amount": {"value": 300, "unit": "t"}, "price_nok_per_t": 25,
        "window": {"from": "2026-04", "to": "2026-06"}, "hauler_org": who["org"]["hauler"],
        "use": "reuse", "note": "Til fylling Heimdal"})
    deal = r.json()
    did = deal["id"]
    assert r.headers["Location"] == f"/api/deals/{did}"
    assert deal["state"] == "reserved" and deal["amount_t"] == 300
    assert deal["listing_amounts"] == {"amount_t": 1000, "committed_t": 300,
                                       "available_t": 700, "remaining_t": 1000}
    got = api.get(f"/api/listings/{lid}", expect=200).json()
    assert got["available_t"] == 700 and got["status"] == "published"

    # Parties, administrators and municipalities see it; nobody else.
    for role in ("developer", "contractor", "hauler", "admin", "municipality"):
        api.get(f"/api/deals/{did}", token=who[role], expect=200)
    api.get(f"/api/deals/{did}", token=who["operator"], expect=404, field="id")
    api.get(f"/api/deals/{did}", expect=401)
    ids = [d["id"] for d in api.get("/api/deals", token=who["operator"], expect=200).json()["items"]]
    assert did not in ids
    ids = [d["id"] for d in api.get("/api/deals", token=hau, params={"listing": lid},
                                    expect=200).json()["items"]]
    assert ids == [did]

    # Only the owner agrees; a stale version is refused.
    api.post(f"/api/deals/{did}/state", token=con, json={"state": "agreed"}, expect=403,
             field="id")
    api.post(f"/api/deals/{did}/state", token=who["municipality"], json={"state": "agreed"},
             expect=403, field="role")
    api.post(f"/api/deals/{did}/state", token=dev, json={"state": "agreed"},
             headers={"If-Match": '"7"'}, expect=412, field="If-Match")
    # No loads before the deal is agreed.
    api.post(f"/api/deals/{did}/deliveries", token=hau, json=load_body(), expect=409,
             field="state")
    deal = api.post(f"/api/deals/{did}/state", token=dev, json={"state": "agreed"},
                    headers={"If-Match": f'"{deal["version"]}"'}, expect=200).json()
    assert deal["state"] == "agreed"

    # The hauler registers; the others of the deal do not.
    api.post(f"/api/deals/{did}/deliveries", token=con, json=load_body(), expect=403,
             field="id")
    t1 = api.post(f"/api/deals/{did}/deliveries", token=hau, json=load_body(), expect=201).json()
    t2 = api.post(f"/api/deals/{did}/deliveries", token=hau,
                  json=load_body(amount={"value": 16, "unit": "lm3"}), expect=201).json()
    assert (t1["seq"], t2["seq"]) == (1, 2)
    assert t1["truck"] == "EL12345" and t1["state"] == "registered"
    assert abs(t2["amount_t"] - 28.8) < 1e-9  # 16 lm3 of rock.blasted at 1.8 t/lm3
    assert t1["code"] != t2["code"] and len(t1["code"]) == 22
    assert t1["ticket_url"].endswith("/t/" + t1["code"])

    # The QR code and the ticket by its code, without signing in.
    q = api.get(t1["qr"], token=hau, expect=200)
    assert q.headers["Content-Type"] == "image/svg+xml"
    assert q.content.startswith(b"<svg ") and b"<path" in q.content
    api.get(t1["qr"], token=who["operator"], expect=404)
    tk = get_ticket(api, t1["code"], 200).json()
    assert tk["truck"] == "EL12345" and tk["seq"] == 1 and tk["listing"]["id"] == lid
    assert tk["from"]["id"] == lid and "code" not in tk
    get_ticket(api, "A" * 22, 404)
    assert api.http.get(api.base + "/api/tickets/short").status_code == 404

    # The receiver (the reserving contractor: a supply with no counterpart
    # site) confirms or disputes; nobody else does.
    api.post(f"/api/deliveries/{t1['id']}/state", token=dev, json={"state": "confirmed"},
             expect=403, field="id")
    d1 = api.post(f"/api/deliveries/{t1['id']}/state", token=con, json={"state": "confirmed"},
                  expect=200).json()
    assert d1["state"] == "confirmed" and d1["decided_by"]
    api.post(f"/api/deliveries/{t1['id']}/state", token=con, json={"state": "confirmed"},
             expect=409, field="state")
    d2 = api.post(f"/api/deliveries/{t2['id']}/state", token=con,
                  json={"state": "disputed", "reason": "Bare 20 t på vekta"}, expect=200).json()
    assert d2["state"] == "disputed" and d2["reason"] == "Bare 20 t på vekta"

    # The hauler corrects the disputed load with a new ticket naming it.
    t3 = api.post(f"/api/deals/{did}/deliveries", token=hau,
                  json=load_body(amount={"value": 20, "unit": "t"}, replaces=t2["id"]),
                  expect=201).json()
    assert t3["seq"] == 3 and t3["replaces"] == t2["id"]
    api.post(f"/api/deals/{did}/deliveries", token=hau,
             json=load_body(replaces=t2["id"]), expect=400, field="replaces")
    api.post(f"/api/deliveries/{t3['id']}/state", token=con, json={"state": "confirmed"},
             expect=200)
    t4 = api.post(f"/api/deals/{did}/deliveries", token=hau, json=load_body(), expect=201).json()
    api.post(f"/api/deliveries/{t4['id']}/state", token=con,
             json={"state": "disputed", "reason": "Feil masse"}, expect=200)

    loads = api.get(f"/api/deals/{did}/deliveries", token=dev, expect=200).json()
    assert [t["seq"] for t in loads["items"]] == [1, 2, 3, 4] and loads["missing_seq"] == []

    # Remaining follows the confirmed loads (28 + 20).
    got = api.get(f"/api/listings/{lid}", expect=200).json()
    assert got["remaining_t"] == pytest.approx(952) and got["committed_t"] == 300

    # Chain of custody: every load, where it went, totals.
    cu = api.get(f"/api/listings/{lid}/custody", token=dev, expect=200).json()
    assert [x["ticket"]["seq"] for x in cu["loads"]] == [1, 2, 3, 4]
    assert cu["totals"]["loads"] == 4
    assert cu["totals"]["confirmed_t"] == pytest.approx(48)
    assert cu["totals"]["disputed_t"] == pytest.approx(28.8 + 28)
    assert sum(d["loads"] for d in cu["destinations"]) == 4
    assert api.get(f"/api/listings/{lid}/custody", token=who["operator"],
                   expect=200).json()["loads"] == []

    # Planned vs actual closes: planned = confirmed + disputed (not
    # replaced) + open.
    bal = api.get(f"/api/listings/{lid}/balance", token=dev, expect=200).json()
    t = bal["totals"]
    assert t["planned_t"] == 1000 and t["confirmed_t"] == pytest.approx(48)
    assert t["disputed_t"] == pytest.approx(28)  # the replaced dispute no longer counts
    assert t["planned_t"] == pytest.approx(t["confirmed_t"] + t["disputed_t"] + t["open_t"])
    assert t["closed"] is True
    assert sum(m["planned_t"] for m in bal["months"]) == pytest.approx(1000)
    assert sum(m["confirmed_t"] for m in bal["months"]) == pytest.approx(48)
    api.get(f"/api/listings/{lid}/balance", token=con, expect=403, field="id")
    api.get(f"/api/listings/{lid}/balance", token=who["municipality"], expect=200)

    # Completing: what is committed is what was delivered.
    deal = api.post(f"/api/deals/{did}/state", token=con, json={"state": "completed"},
                    expect=200).json()
    assert deal["state"] == "completed"
    assert deal["listing_amounts"]["committed_t"] == pytest.approx(48)
    api.post(f"/api/deals/{did}/state", token=dev, json={"state": "cancelled"}, expect=409,
             field="state")
    api.post(f"/api/deals/{did}/deliveries", token=hau, json=load_body(), expect=409,
             field="state")

    # The deal's history holds the deal's and its loads' entries, in order.
    h = api.get(f"/api/deals/{did}/history", token=con, expect=200).json()["items"]
    acts = [(e["entity"], e["action"]) for e in h]
    assert acts[0] == ("deal", "reserve") and acts[-1] == ("deal", "completed")
    assert acts.count(("delivery", "register")) == 4
    assert [e["seq"] for e in h] == sorted(e["seq"] for e in h)
    api.get(f"/api/deals/{did}/history", token=who["operator"], expect=404)
    lh = api.get(f"/api/listings/{lid}/history", token=dev, expect=200).json()["items"]
    assert lh[0]["action"] == "create" and lh[0]["detail"]["status"] == "published"


def test_full_reservation_reserves_and_cancel_frees(api, who):
    dev, con = who["developer"], who["contractor"]
    lid = create_listing(api, dev, supply(title="Alt eller ingenting"), status="published")["id"]
    d = api.post(f"/api/listings/{lid}/deals", token=con, expect=201,
                 json={"amount": {"value": 1000, "unit": "t"}}).json()
    assert api.get(f"/api/listings/{lid}", expect=200).json()["status"] == "reserved"
    api.post(f"/api/listings/{lid}/deals", token=who["operator"], expect=409, field="status",
             json={"amount": {"value": 1, "unit": "t"}})
    api.post(f"/api/deals/{d['id']}/state", token=con, json={"state": "cancelled"}, expect=200)
    got = api.get(f"/api/listings/{lid}", expect=200).json()
    assert got["status"] == "published" and got["available_t"] == 1000
    # The owner declines a new one.
    d = api.post(f"/api/listings/{lid}/deals", token=con, expect=201,
                 json={"amount": {"value": 10, "unit": "t"}}).json()
    assert api.post(f"/api/deals/{d['id']}/state", token=dev, json={"state": "declined"},
                    expect=200).json()["state"] == "declined"


def test_concurrent_reservations_exactly_one_wins(server, api, who):
    """Eight requests at once, each for more than half: one gets the
    amount, the others 409 naming amount; nothing is overbooked."""
    lid = create_listing(api, who["developer"], supply(title="Kappløp"), status="published")["id"]
    tokens = [who["contractor"], who["operator"], who["admin"], who["municipality"]] * 2
    barrier = threading.Barrier(len(tokens))
    results = [None] * len(tokens)

    def go(i):
        s = requests.Session()
        barrier.wait()
        results[i] = s.post(f"{api.base}/api/listings/{lid}/deals", timeout=60,
                            headers={"Authorization": "Bearer " + tokens[i]},
                            json={"amount": {"value": 501 + i, "unit": "t"}})

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (len(tokens) - 1), [r.text for r in results]
    for r in results:
        check_response("POST", f"/api/listings/{lid}/deals", r)
        if r.status_code == 409:
            assert r.json()["error"]["field"] == "amount"
    got = api.get(f"/api/listings/{lid}", expect=200).json()
    won = next(r.json() for r in results if r.status_code == 201)
    assert got["committed_t"] == won["amount_t"] <= 1000


@pytest.fixture(scope="module")
def bad_ctx(api, who):
    dev, con, hau = who["developer"], who["contractor"], who["hauler"]
    lid = create_listing(api, dev, supply(title="Feil avtaler"), status="published")["id"]
    did = api.post(f"/api/listings/{lid}/deals", token=con, expect=201,
                   json={"amount": {"value": 100, "unit": "t"},
                         "hauler_org": who["org"]["hauler"]}).json()["id"]
    api.post(f"/api/deals/{did}/state", token=dev, json={"state": "agreed"}, expect=200)
    tid = api.post(f"/api/deals/{did}/deliveries", token=hau, json=load_body(),
                   expect=201).json()["id"]
    own = create_listing(api, con, supply(title="Egen"), status="published")["id"]
    return {"listing": lid, "deal": did, "ticket": tid, "own": own}


def test_bad_deal_requests_change_nothing(server, api, who, bad_ctx):
    L = f"/api/listings/{bad_ctx['listing']}/deals"
    D = f"/api/deals/{bad_ctx['deal']}"
    T = f"/api/deliveries/{bad_ctx['ticket']}"
    amt = {"value": 5, "unit": "t"}
    cases = [
        ("unknown field", "POST", L, "contractor", {"json": {"amount": amt, "x": 1}}, 400, "x"),
        ("no amount", "POST", L, "contractor", {"json": {}}, 400, "amount"),
        ("amount m3", "POST", L, "contractor", {"json": {"amount": {"value": 5, "unit": "m3"}}},
         400, "amount.unit"),
        ("amount negative", "POST", L, "contractor",
         {"json": {"amount": {"value": -5, "unit": "t"}}}, 400, "amount.value"),
        ("amount text", "POST", L, "contractor",
         {"json": {"amount": {"value": "5", "unit": "t"}}}, 400, "amount.value"),
        ("too much", "POST", L, "contractor", {"json": {"amount": {"value": 901, "unit": "t"}}},
         409, "amount"),
        ("reversed window", "POST", L, "contractor",
         {"json": {"amount": amt, "window": {"from": "2026-06", "to": "2026-04"}}}, 400, "window"),
        ("window outside", "POST", L, "contractor",
         {"json": {"amount": amt, "window": {"from": "2028-01", "to": "2028-02"}}}, 400, "window"),
        ("month 13", "POST", L, "contractor",
         {"json": {"amount": amt, "window": {"from": "2026-13", "to": "2027-01"}}}, 400,
         "window.from"),
        ("unknown hauler", "POST", L, "contractor", {"json": {"amount": amt, "hauler_org": 99999}},
         400, "hauler_org"),
        ("hauler org text", "POST", L, "contractor", {"json": {"amount": amt, "hauler_org": "x"}},
         400, "hauler_org"),
        ("unknown counterpart", "POST", L, "contractor",
         {"json": {"amount": amt, "counterpart_site": 99999}}, 400, "counterpart_site"),
        ("other's listing as counterpart", "POST", L, "contractor",
         {"json": {"amount": amt, "counterpart_site": bad_ctx["listing"]}}, 400,
         "counterpart_site"),
        ("bad use", "POST", L, "contractor", {"json": {"amount": amt, "use": "landfill"}}, 400,
         "use"),
        ("long note", "POST", L, "contractor", {"json": {"amount": amt, "note": "x" * 501}}, 400,
         "note"),
        ("price too high", "POST", L, "contractor",
         {"json": {"amount": amt, "price_nok_per_t": 1e9}}, 400, "price_nok_per_t"),
        ("own listing", "POST", f"/api/listings/{bad_ctx['own']}/deals", "contractor",
         {"json": {"amount": amt}}, 403, "id"),
        ("hauler reserves", "POST", L, "hauler", {"json": {"amount": amt}}, 403, "role"),
        ("not signed in", "POST", L, None, {"json": {"amount": amt}}, 401, "Authorization"),
        ("text body", "POST", L, "contractor",
         {"data": "amount=5", "headers": {"Content-Type": "text/plain"}}, 415, "Content-Type"),
        ("malformed", "POST", L, "contractor", {"data": "{", "headers": JSON}, 400, "body"),
        ("no such listing", "POST", "/api/listings/999999/deals", "contractor",
         {"json": {"amount": amt}}, 404, "id"),
        ("query", "POST", L, "contractor", {"json": {"amount": amt}, "params": {"x": "1"}}, 400,
         "x"),
        # state changes
        ("state unknown", "POST", D + "/state", "developer", {"json": {"state": "done"}}, 400,
         "state"),
        ("state extra", "POST", D + "/state", "developer",
         {"json": {"state": "completed", "why": 1}}, 400, "why"),
        ("back to reserved", "POST", D + "/state", "developer", {"json": {"state": "reserved"}},
         409, "state"),
        ("stale version", "POST", D + "/state", "developer", {"json": {"state": "completed"},
         "headers": {"If-Match": "99"}}, 412, "If-Match"),
        ("stranger", "POST", D + "/state", "operator", {"json": {"state": "cancelled"}}, 404,
         "id"),
        ("deal list state", "GET", "/api/deals", "developer", {"params": {"state": "open"}}, 400,
         "state"),
        ("deal list listing", "GET", "/api/deals", "developer", {"params": {"listing": "x"}}, 400,
         "listing"),
        # loads
        ("no truck", "POST", D + "/deliveries", "hauler",
         {"json": {k: v for k, v in load_body().items() if k != "truck"}}, 400, "truck"),
        ("bad plate", "POST", D + "/deliveries", "hauler", {"json": load_body(truck="??")}, 400,
         "truck"),
        ("bad euro class", "POST", D + "/deliveries", "hauler",
         {"json": load_body(euro_class="VII")}, 400, "euro_class"),
        ("future", "POST", D + "/deliveries", "hauler",
         {"json": load_body(at="2099-01-01T00:00:00Z")}, 400, "at"),
        ("not a time", "POST", D + "/deliveries", "hauler", {"json": load_body(at="i går")}, 400,
         "at"),
        ("before the deal", "POST", D + "/deliveries", "hauler",
         {"json": load_body(at="2020-01-01T00:00:00Z")}, 400, "at"),
        ("load too heavy", "POST", D + "/deliveries", "hauler",
         {"json": load_body(amount={"value": 200, "unit": "t"})}, 400, "amount.value"),
        ("replaces a good load", "POST", D + "/deliveries", "hauler",
         {"json": load_body(replaces=bad_ctx["ticket"])}, 400, "replaces"),
        ("unknown to_site", "POST", D + "/deliveries", "hauler", {"json": load_body(to_site=99999)},
         400, "to_site"),
        ("load unknown field", "POST", D + "/deliveries", "hauler",
         {"json": load_body(driver="Per")}, 400, "driver"),
        ("dispute without reason", "POST", T + "/state", "contractor",
         {"json": {"state": "disputed"}}, 400, "reason"),
        ("confirm with reason", "POST", T + "/state", "contractor",
         {"json": {"state": "confirmed", "reason": "x"}}, 400, "reason"),
        ("decide registered", "POST", T + "/state", "contractor", {"json": {"state": "registered"}},
         400, "state"),
        ("hauler confirms", "POST", T + "/state", "hauler", {"json": {"state": "confirmed"}}, 403,
         "id"),
        ("stale load version", "POST", T + "/state", "contractor",
         {"json": {"state": "confirmed"}, "headers": {"If-Match": '"5"'}}, 412, "If-Match"),
        # audit
        ("audit by developer", "GET", "/api/audit", "developer", {}, 403, "role"),
        ("audit entity", "GET", "/api/audit", "admin", {"params": {"entity": "password"}}, 400,
         "entity"),
        ("audit limit", "GET", "/api/audit", "admin", {"params": {"limit": "0"}}, 400, "limit"),
        ("audit id alone", "GET", "/api/audit", "admin", {"params": {"entity_id": "3"}}, 400,
         "entity_id"),
        ("deal method", "PUT", D, "developer", {"json": {}}, 405, "method"),
        ("ticket id path", "GET", "/api/deliveries/0", "developer", {}, 404, "path"),
    ]
    before = server.fingerprint()
    failures = []
    for name, method, path, role, kw, status, field in cases:
        try:
            api.call(method, path, token=who[role] if role else None, expect=status, field=field,
                     **kw)
        except AssertionError as e:
            failures.append(f"{name}: {e}")
    assert not failures, "\n".join(failures)
    assert server.fingerprint() == before


def test_counterpart_must_fit_the_masses(server, api, who):
    """A reservation names where the masses go or come from; material,
    class and direction must fit, as they must for a flow in a plan."""
    from conftest import create_facility, landfill, need
    dev, op, con = who["developer"], who["operator"], who["contractor"]
    rock = create_listing(api, dev, supply(title="Stein, klasse 3", **{"class": 3}),
                          status="published")
    soil_only = create_facility(api, op, landfill(name="Jorddeponi", accepts=["soil.*"]))
    clean_only = create_facility(api, op, landfill(name="Rent deponi", max_class=1))
    fits = create_facility(api, op, landfill(name="Deponi klasse 1-3", max_class=3))
    my_need = create_listing(api, con, need(title="Behov for stein", max_class=3),
                             status="published")
    other_need = create_listing(api, dev, need(title="Utbyggers behov"), status="published")
    before = server.fingerprint()
    for token, listing, site, words in (
            (op, rock, soil_only, "material"),
            (op, rock, clean_only, "class"),
            (con, other_need, my_need, "need's masses come from")):
        r = api.post(f"/api/listings/{listing['id']}/deals", token=token, expect=400,
                     field="counterpart_site", json={"amount": {"value": 10, "unit": "t"},
                                                     "counterpart_site": site["id"]})
        assert words in r.json()["error"]["message"], r.text
    assert server.fingerprint() == before
    api.post(f"/api/listings/{rock['id']}/deals", token=op, expect=201,
             json={"amount": {"value": 10, "unit": "t"}, "counterpart_site": fits["id"]})
    api.post(f"/api/listings/{rock['id']}/deals", token=con, expect=201,
             json={"amount": {"value": 10, "unit": "t"}, "counterpart_site": my_need["id"]})


def test_custody_follows_masses_through_storage_by_mass_balance(api, who):
    """Custody goes one hop further through a storage site: what the site
    received from every source and sent on, and this listing's part of
    what left by its share of what came in."""
    from conftest import create_facility, need
    dev, con, op = who["developer"], who["contractor"], who["operator"]
    store = create_facility(api, op, {
        "type": "storage", "name": "Mellomlager Heimdal", "lat": 63.36, "lon": 10.35,
        "accepts": ["rock.*"], "capacity": {"value": 50000, "unit": "t"},
        "handling_nok_per_t": 20})

    def deal(token_res, listing, owner_token, counterpart):
        d = api.post(f"/api/listings/{listing}/deals", token=token_res, expect=201, json={
            "amount": {"value": 200, "unit": "t"}, "counterpart_site": counterpart}).json()
        api.post(f"/api/deals/{d['id']}/state", token=owner_token, json={"state": "agreed"},
                 expect=200)
        return d["id"]

    def load(token, deal_id, tonnes, receiver):
        v = api.post(f"/api/deals/{deal_id}/deliveries", token=token, expect=201,
                     json=load_body(amount={"value": tonnes, "unit": "t"})).json()
        api.post(f"/api/deliveries/{v['id']}/state", token=receiver,
                 json={"state": "confirmed"}, expect=200)

    a = create_listing(api, dev, supply(title="Stein A til lager"), status="published")
    b = create_listing(api, con, supply(title="Stein B til lager"), status="published")
    n = create_listing(api, con, need(title="Fylling fra lager"), status="published")
    da = deal(op, a["id"], dev, store["id"])
    load(op, da, 30, op)
    load(op, da, 30, op)
    db = deal(op, b["id"], con, store["id"])
    load(op, db, 40, op)
    dn = deal(op, n["id"], con, store["id"])   # the need is served from the storage site
    load(op, dn, 50, con)

    cus = api.get(f"/api/listings/{a['id']}/custody", token=dev, expect=200).json()
    [dest] = [x for x in cus["destinations"] if x["site"]["id"] == store["id"]]
    assert dest["confirmed_t"] == 60
    on = dest["onward"]
    # The site received 60 t from A and 40 t from B, and sent 50 t on:
    # A's part is 60 %, 30 t, all of it to the need.
    assert on["received_t"] == pytest.approx(100)
    assert on["share"] == pytest.approx(0.6)
    assert on["sent_t"] == pytest.approx(50)
    assert on["attributed_t"] == pytest.approx(30)
    assert [(x["site"]["id"], x["attributed_t"]) for x in on["to"]] == [(n["id"], pytest.approx(30))]
    # A destination that is not a storage site or plant has no onward part.
    cus_n = api.get(f"/api/listings/{n['id']}/custody", token=con, expect=200).json()
    assert all(x["onward"] is None for x in cus_n["destinations"])


def test_a_load_to_another_organisations_facility_needs_the_deal_to_name_it(api, who):
    """A deal naming no site let its taker send loads to any public
    landfill of another operator and confirm them itself (they counted in
    the statistics, the operator could not see or dispute them)."""
    from conftest import create_facility, landfill
    dev, con, op = who["developer"], who["contractor"], who["operator"]
    fac = create_facility(api, op, landfill(name="Fremmed deponi"))
    lid = create_listing(api, dev, supply(title="Uten mottakssted"), status="published")["id"]
    d = api.post(f"/api/listings/{lid}/deals", token=con, expect=201,
                 json={"amount": {"value": 100, "unit": "t"}}).json()
    api.post(f"/api/deals/{d['id']}/state", token=dev, json={"state": "agreed"}, expect=200)
    r = api.post(f"/api/deals/{d['id']}/deliveries", token=con, expect=400, field="to_site",
                 json=load_body(to_site=fac["id"]))
    assert "counterpart_site" in r.json()["error"]["message"]
    # Named in the deal, its operator is the receiver.
    d2 = api.post(f"/api/listings/{lid}/deals", token=con, expect=201,
                  json={"amount": {"value": 50, "unit": "t"}, "counterpart_site": fac["id"]}).json()
    api.post(f"/api/deals/{d2['id']}/state", token=dev, json={"state": "agreed"}, expect=200)
    t = api.post(f"/api/deals/{d2['id']}/deliveries", token=con, expect=201,
                 json=load_body(to_site=fac["id"])).json()
    assert t["receiver_org"] == who["org"]["operator"]
    api.post(f"/api/deliveries/{t['id']}/state", token=con, json={"state": "confirmed"},
             expect=403)
    api.post(f"/api/deliveries/{t['id']}/state", token=op, json={"state": "confirmed"},
             expect=200)


def test_a_deal_says_what_each_caller_may_do_with_it(api, who):
    """The deal view's `may` is the same rule the steps check: the owner
    agrees or declines a reservation, the reserver cancels it, the hauler
    does neither; under an agreed deal the hauler registers loads."""
    dev, con, hau = who["developer"], who["contractor"], who["hauler"]
    lst = create_listing(api, dev, supply(title="Stein, hvem kan hva"), status="published")
    d = api.post(f"/api/listings/{lst['id']}/deals", token=con, expect=201, json={
        "amount": {"value": 10, "unit": "t"}, "hauler_org": who["org"]["hauler"]}).json()
    may = {tok: api.get(f"/api/deals/{d['id']}", token=tok, expect=200).json()["may"]
           for tok in (dev, con, hau)}
    assert sorted(may[dev]["move_to"]) == ["agreed", "declined"]
    assert may[con]["move_to"] == ["cancelled"]
    assert may[hau]["move_to"] == [] and not may[hau]["register_loads"]
    # Each claim holds: what is not offered is refused.
    api.post(f"/api/deals/{d['id']}/state", token=con, json={"state": "agreed"}, expect=403)
    api.post(f"/api/deals/{d['id']}/state", token=dev, json={"state": "agreed"}, expect=200)
    may = {tok: api.get(f"/api/deals/{d['id']}", token=tok, expect=200).json()["may"]
           for tok in (dev, con, hau)}
    assert may[hau]["register_loads"] is True
    assert not may[dev]["register_loads"] and not may[con]["register_loads"]
    assert sorted(may[dev]["move_to"]) == sorted(may[con]["move_to"]) == ["cancelled", "completed"]


def agreed_deal(api, who, title, tonnes):
    """A published 100 t supply of the developer's and an agreed deal of
    the contractor's for `tonnes` of it, hauled by the demo hauler."""
    lid = create_listing(api, who["developer"], supply(title=title,
                                                       amount={"value": 100, "unit": "t"}),
                         status="published")["id"]
    did = api.post(f"/api/listings/{lid}/deals", token=who["contractor"], expect=201, json={
        "amount": {"value": tonnes, "unit": "t"}, "hauler_org": who["org"]["hauler"]}).json()["id"]
    api.post(f"/api/deals/{did}/state", token=who["developer"], json={"state": "agreed"},
             expect=200)
    return lid, did


def test_loads_on_the_road_count_against_the_listing(api, who):
    """Loads waiting for their receiver count as committed: a hauler cannot
    deliver past the listing's amount with loads nobody has confirmed yet,
    one by one or all at once, and a deal cancelled with loads on the road
    does not free their tonnes for another reservation."""
    dev, con, hau, op = who["developer"], who["contractor"], who["hauler"], who["operator"]
    lid, did = agreed_deal(api, who, "Stein på veien", 50)
    nine = load_body(amount={"value": 9, "unit": "t"})
    # One by one: 11 loads of 9 t fit in the 100 t (99 t), the 12th does not.
    for _ in range(11):
        api.post(f"/api/deals/{did}/deliveries", token=hau, json=nine, expect=201)
    api.post(f"/api/deals/{did}/deliveries", token=hau, json=nine, expect=409, field="amount")
    got = api.get(f"/api/listings/{lid}", expect=200).json()
    assert got["committed_t"] == 99 and got["available_t"] == 1, got
    assert got["status"] == "published"
    # A 1 t load takes the rest, and the listing is reserved.
    api.post(f"/api/deals/{did}/deliveries", token=hau,
             json=load_body(amount={"value": 1, "unit": "t"}), expect=201)
    got = api.get(f"/api/listings/{lid}", expect=200).json()
    assert got["available_t"] == 0 and got["status"] == "reserved", got

    # All at once on a second listing: 30 hauls of 9 t at a 100 t listing.
    lid2, did2 = agreed_deal(api, who, "Stein i kappløp", 50)
    n = 30
    barrier = threading.Barrier(n)
    codes = [None] * n

    def go(i):
        s = requests.Session()
        barrier.wait()
        codes[i] = s.post(f"{api.base}/api/deals/{did2}/deliveries", timeout=60, json=nine,
                          headers={"Authorization": "Bearer " + hau}).status_code

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] * 11 + [409] * (n - 11), codes
    loads = api.get(f"/api/deals/{did2}/deliveries", token=dev, expect=200).json()["items"]
    for v in loads:
        api.post(f"/api/deliveries/{v['id']}/state", token=con, json={"state": "confirmed"},
                 expect=200)
    got = api.get(f"/api/listings/{lid2}", expect=200).json()
    assert got["committed_t"] == 99 and got["remaining_t"] == 1, got

    # Cancelled with 90 t on the road: only 10 t are free for another.
    lid3, did3 = agreed_deal(api, who, "Stein avbrutt", 100)
    ids = [api.post(f"/api/deals/{did3}/deliveries", token=hau, expect=201,
                    json=load_body(amount={"value": 30, "unit": "t"})).json()["id"]
           for _ in range(3)]
    api.post(f"/api/deals/{did3}/state", token=con, json={"state": "cancelled"}, expect=200)
    got = api.get(f"/api/listings/{lid3}", expect=200).json()
    assert got["committed_t"] == 90 and got["available_t"] == 10, got
    api.post(f"/api/listings/{lid3}/deals", token=op, json={"amount": {"value": 100, "unit": "t"}},
             expect=409, field="amount")
    for i in ids:
        api.post(f"/api/deliveries/{i}/state", token=con, json={"state": "confirmed"},
                 expect=200)
    # A disputed load frees what it took.
    lid4, did4 = agreed_deal(api, who, "Stein bestridt", 60)
    big = api.post(f"/api/deals/{did4}/deliveries", token=hau, expect=201,
                   json=load_body(amount={"value": 100, "unit": "t"})).json()["id"]
    assert api.get(f"/api/listings/{lid4}", expect=200).json()["status"] == "reserved"
    api.post(f"/api/deliveries/{big}/state", token=con,
             json={"state": "disputed", "reason": "Vekta stemmer ikke"}, expect=200)
    got = api.get(f"/api/listings/{lid4}", expect=200).json()
    assert got["available_t"] == 40 and got["status"] == "published", got


def test_a_hauler_is_an_approved_hauling_organisation(api, who):
    """The hauler named in a reservation registers loads under the deal: a
    municipality, the reserver's own contractor firm or a sign-up nobody
    approved is refused (400 hauler_org), and the list the form offers
    holds only approved hauling organisations."""
    dev, con = who["developer"], who["contractor"]
    lid = create_listing(api, dev, supply(title="Hvem kjører"), status="published")["id"]
    kommune = api.me("municipality")["organisation"]["id"]
    r = api.post("/api/signup", expect=201, json={
        "organisation": {"name": "Ny Transport AS", "orgnr": "987654325"},
        "user": {"name": "Per Pending", "email": "per@nytransport.example",
                 "password": "et langt passord 123", "role": "hauler"}}).json()
    pending = r["organisation"]["id"]
    for org in (kommune, who["org"]["contractor"], pending):
        api.post(f"/api/listings/{lid}/deals", token=con, expect=400, field="hauler_org",
                 json={"amount": {"value": 1, "unit": "t"}, "hauler_org": org})
    offered = [o["id"] for o in api.get("/api/organisations", token=con,
                                        params={"role": "hauler"}, expect=200).json()
               ["organisations"]]
    assert who["org"]["hauler"] in offered
    assert pending not in offered and kommune not in offered
    assert api.get(f"/api/listings/{lid}", expect=200).json()["committed_t"] == 0


def test_the_state_a_deal_is_in_is_no_back_door(api, who):
    """Asking for the state an agreed deal is in changes nothing; a party
    that may not agree (the hauler, the reserver) is refused as it would
    be for the step itself, the owner's repeat is a harmless 200."""
    dev, con, hau = who["developer"], who["contractor"], who["hauler"]
    lid = create_listing(api, dev, supply(title="Samme tilstand"), status="published")["id"]
    did = api.post(f"/api/listings/{lid}/deals", token=con, expect=201, json={
        "amount": {"value": 10, "unit": "t"}, "hauler_org": who["org"]["hauler"]}).json()["id"]
    api.post(f"/api/deals/{did}/state", token=dev, json={"state": "agreed"}, expect=200)
    before = api.get(f"/api/deals/{did}", token=dev, expect=200).json()
    for tok in (hau, con):
        r = api.post(f"/api/deals/{did}/state", token=tok, json={"state": "agreed"},
                     expect=403, field="id").json()
        assert r["error"]["key"] == "the deal is %s already; only %s may make a deal %s"
    api.post(f"/api/deals/{did}/state", token=dev, json={"state": "agreed"}, expect=200)
    after = api.get(f"/api/deals/{did}", token=dev, expect=200).json()
    assert after["version"] == before["version"] and after["state"] == "agreed"
