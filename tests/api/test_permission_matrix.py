"""The permission matrix: every route of docs/openapi.json (and of
src/server/routes.c) called for real by every role and by an anonymous
caller, each cell with the one answer it must get.

A row of ROWS names a route (method + path template), what it is called
on (a published or a draft site, a deal the caller is or is not a party
of, ...), how to build the request for a caller, and per caller the
expected status with the error's `field` where there is one. The objects
are real: a module-wide world of listings, facilities, documents, deals,
loads, a ticket code and a plan job is made through the API first, and a
cell whose request succeeds and changes something (a status, a deal's
state, a load's decision, a logout, a password) gets fresh objects of
its own, so the cells are independent of each other and of their order.

Every cell also checks that the answer is no 5xx, that it is one the
OpenAPI document lists with its schema (conftest's check_response), that
an error's `code` is the one of its status and its `field` names the
reason (`Authorization` for 401, `role` for a role that may not, `id`
for another organisation's object; docs/api.md, "Roles"), and some cells
check the data a caller sees (ticket fields, deal lists, custody,
exports).

The rules under test are src/market/permit.c (the role table), listing.c
(visibility and who changes a site), deal.c (parties, steps, who
registers and decides loads), custody.c, accounts.c and the handlers in
src/server/api_*.c. A route without a row fails
test_every_route_has_a_row.
"""
import csv
import io
import itertools
import re
import time

import pytest

from conftest import (DEMO, DEMO_PASSWORD, OPENAPI, check_response, landfill, need,
                      route_table, supply)

CALLERS = ("anonymous", "admin", "municipality", "developer", "contractor", "hauler",
           "operator")
ROLES = CALLERS[1:]
ERROR_CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               409: "conflict", 412: "precondition_failed"}
METHODS = ("get", "put", "post", "delete", "patch")
# A region without sites: the plan job fails at once instead of solving.
EMPTY_PLAN = {"bbox": [5.0, 58.0, 5.1, 58.1], "from": "2026-01", "to": "2026-03"}
# A fresh suggestion is a pair of the developer's surplus and the
# contractor's need in a corner of Namsskogan-Vefsn of its own (one deal
# per pair: a pair with a deal is not suggested again), planned alone.
PAIR_WINDOW = {"from": "2027-03", "to": "2027-06"}
PASSWORD = "matrise-passord-1"
DRAFT_MARK = "Matriseutkast QXJ7"       # the title of the developer's draft listing
FDRAFT_MARK = "Matrisedeponiutkast ZKW3"  # the name of the operator's draft facility
CLOSED_MARK = "Matriselukket VB5M"      # the title of a listing closed after its deal
PLATE = {"A": "PA1001", "B": "PB2002", "other": "PX3003"}
PDF = {"Content-Type": "application/pdf"}


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def load_body(plate=PLATE["other"]):
    return {"truck": plate, "euro_class": "VI", "amount": {"value": 1, "unit": "t"},
            "at": now_iso()}


# ---- the world the cells act on ----------------------------------------------

class World:
    """Objects of the demo organisations, made through the API: ids in
    attributes, fresh_* helpers for cells that change what they act on."""

    def __init__(self, api):
        self.api = api
        self.seq = itertools.count(1)
        self.sessions = {}
        self.org = {r: api.me(r)["organisation"]["id"] for r in ROLES}
        assert len(set(self.org.values())) == len(ROLES), "each demo role has its own org"
        admin = self.tok("admin")
        # A second hauler organisation (deal B) and one for fresh users.
        self.hauler2_org = api.post("/api/organisations", token=admin,
                                    json={"name": "Matrise Transport 2 AS"},
                                    expect=201).json()["id"]
        api.post("/api/users", token=admin, json={
            "org_id": self.hauler2_org, "email": "hauler2@matrise.example.com",
            "name": "Sjåfør To", "role": "hauler", "password": PASSWORD}, expect=201)
        self.hauler2 = api.login("hauler2@matrise.example.com", PASSWORD)
        self.users_org = api.post("/api/organisations", token=admin,
                                  json={"name": "Matrise Brukere AS"}, expect=201).json()["id"]
        dev, con, op = self.tok("developer"), self.tok("contractor"), self.tok("operator")
        # Sites: a published supply big enough for every reservation of
        # the module, a draft, the contractor's needs, the operator's
        # landfills.
        self.l_pub = self.site(dev, "listings", supply(
            title="Matrise publisert", amount={"value": 100000, "unit": "t"}), "published")
        self.l_draft = self.site(dev, "listings", self.draft_body(), "draft")
        self.c_need = self.site(con, "listings", need(title="Matrise behov"), "published")
        self.c_draft_need = self.site(con, "listings", need(title="Matrise behov utkast"),
                                      "draft")
        self.f_pub = self.site(op, "facilities", landfill(name="Matrise deponi"), "published")
        self.f_draft = self.site(op, "facilities", landfill(name=FDRAFT_MARK), "draft")
        self.doc_pub = self.document(dev, "listings", self.l_pub)
        self.doc_draft = self.document(dev, "listings", self.l_draft)
        # Deals on the developer's supply, all reserved by the contractor:
        # A hauled by the demo hauler, B by the other hauler, F to the
        # operator's landfill, T to the contractor's draft need, N without
        # a hauler; ND: the developer supplies the contractor's need.
        self.deal_a = self.agreed(hauler=self.org["hauler"], amount=1000)
        self.deal_b = self.agreed(hauler=self.hauler2_org, amount=1000)
        self.deal_f = self.agreed(hauler=self.org["hauler"], counterpart=self.f_pub)
        self.deal_t = self.agreed(hauler=self.org["hauler"], counterpart=self.c_draft_need)
        self.deal_n = self.agreed(hauler=None)
        self.deal_nd = self.reserve(dev, self.c_need, hauler=self.org["hauler"], amount=100)
        self.move(con, self.deal_nd, "agreed")
        self.load_a = self.load(self.deal_a, self.tok("hauler"), PLATE["A"])["id"]
        self.load_b = self.load(self.deal_b, self.hauler2, PLATE["B"])["id"]
        t = self.load(self.deal_t, self.tok("hauler"))
        self.load_t, self.code = t["id"], t["code"]
        # A ticket of a listing closed after its deal was completed.
        self.l_closed = self.site(dev, "listings", supply(title=CLOSED_MARK), "published")
        d = self.reserve(con, self.l_closed, hauler=self.org["hauler"], amount=10)
        self.move(dev, d, "agreed")
        self.code_closed = self.load(d, self.tok("hauler"))["code"]
        self.move(con, d, "completed")
        api.post(f"/api/listings/{self.l_closed}/status", token=dev, json={"status": "closed"},
                 expect=200)
        self.job = api.post("/api/plans", token=self.tok("municipality"), json=EMPTY_PLAN,
                            expect=202).json()["id"]
        self.listings_csv = self.one_row_csv("listings")
        self.facilities_csv = self.one_row_csv("facilities")

    # -- helpers --

    def tok(self, who):
        return None if who == "anonymous" else self.api.token(who)

    def n(self):
        return next(self.seq)

    @staticmethod
    def draft_body():
        return supply(title=DRAFT_MARK)

    def site(self, token, plural, body, status):
        return self.api.post(f"/api/{plural}", token=token, json=body,
                             params={"status": status}, expect=201).json()["id"]

    def document(self, token, plural, site_id):
        return self.api.post(f"/api/{plural}/{site_id}/documents", token=token,
                             params={"name": "matrise.pdf"}, data=b"%PDF-1.4 matrise",
                             headers=PDF, expect=201).json()["id"]

    def reserve(self, token, listing, hauler=None, amount=1, counterpart=None):
        body = {"amount": {"value": amount, "unit": "t"}}
        if hauler:
            body["hauler_org"] = hauler
        if counterpart:
            body["counterpart_site"] = counterpart
        return self.api.post(f"/api/listings/{listing}/deals", token=token, json=body,
                             expect=201).json()["id"]

    def move(self, token, deal, state):
        self.api.post(f"/api/deals/{deal}/state", token=token, json={"state": state},
                      expect=200)

    def agreed(self, hauler, amount=100, counterpart=None):
        d = self.reserve(self.tok("contractor"), self.l_pub, hauler, amount, counterpart)
        self.move(self.tok("developer"), d, "agreed")
        return d

    def load(self, deal, token, plate=PLATE["other"]):
        return self.api.post(f"/api/deals/{deal}/deliveries", token=token,
                             json=load_body(plate), expect=201).json()

    def one_row_csv(self, what):
        text = self.api.get(f"/api/exports/{what}", params={"format": "csv"},
                            expect=200).text
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        out = io.StringIO()
        csv.writer(out).writerows(rows[:2])
        return out.getvalue().encode()

    # -- fresh objects, for cells that change what they act on --

    def fresh_listing(self, status="published"):
        body = supply(title=f"Matrise fersk {self.n()}")
        return self.site(self.tok("developer"), "listings", body, status)

    def fresh_search(self):
        """A saved search of the developer's demo user."""
        return self.api.post("/api/saved-searches", token=self.tok("developer"),
                             json={"name": f"Matrisesøk {self.n()}", "types": ["need"]},
                             expect=201).json()["id"]

    def fresh_suggestion(self):
        """An open suggestion of a new pair, planned alone."""
        k = self.n() % 40
        lat = 64.62 + 0.03 * k
        self.site(self.tok("developer"), "listings", supply(
            title=f"Matrise forslag stein {k}", lat=lat, lon=13.0, window=PAIR_WINDOW),
            "published")
        self.site(self.tok("contractor"), "listings", need(
            title=f"Matrise forslag behov {k}", lat=lat + 0.01, lon=13.01, window=PAIR_WINDOW),
            "published")
        mun = self.tok("municipality")
        job = self.api.post("/api/plans", token=mun, expect=202, json={
            "bbox": [12.95, lat - 0.005, 13.05, lat + 0.015], "from": "2027-01",
            "to": "2027-12"}).json()
        deadline = time.monotonic() + 120
        while self.api.get(job["url"], token=mun, expect=200).json()["state"] not in (
                "done", "failed") and time.monotonic() < deadline:
            time.sleep(0.05)
        got = self.api.get("/api/suggestions", token=self.tok("contractor"),
                           expect=200).json()["items"]
        mine = [g["id"] for g in got if g["plan"]["id"] == job["id"]]
        assert len(mine) == 1, got
        return mine[0]

    def fresh_facility(self, status="published"):
        body = landfill(name=f"Matrise ferskt deponi {self.n()}")
        return self.site(self.tok("operator"), "facilities", body, status)

    def fresh_reserved(self):
        return self.reserve(self.tok("contractor"), self.l_pub, hauler=self.org["hauler"])

    def fresh_agreed(self):
        d = self.fresh_reserved()
        self.move(self.tok("developer"), d, "agreed")
        return d

    def fresh_load(self, deal):
        token = {self.deal_b: self.hauler2, self.deal_n: self.tok("contractor"),
                 }.get(deal, self.tok("hauler"))
        return self.load(deal, token)["id"]

    def fresh_user(self, role):
        """A new user of the role; (id, email)."""
        email = f"matrise-{role}-{self.n()}@example.com"
        u = self.api.post("/api/users", token=self.tok("admin"), json={
            "org_id": self.users_org, "email": email, "name": "Matrise", "role": role,
            "password": PASSWORD}, expect=201).json()
        return u["id"], email


@pytest.fixture(scope="module")
def world(api):
    return World(api)


# ---- the table -----------------------------------------------------------------

class Row:
    def __init__(self, method, path, name, expect, req, check=None):
        self.route = (method, path)
        self.name = name
        self.expect = expect
        self.req = req
        self.check = check

    def __repr__(self):
        return f"{self.route[0]} {self.route[1]} [{self.name}]"


def E(all=None, signed=None, **per):
    """Expected answers per caller: `all` for everybody, `signed` for every
    role, then per caller. "200", or "403 role": the status and the error's
    field; 401 means field Authorization."""
    out = {}
    for who in CALLERS:
        v = per.pop(who, None) or (signed if who != "anonymous" else None) or all
        assert v, f"no expectation for {who}"
        out[who] = v
    assert not per, f"unknown callers {sorted(per)}"
    return out


# The usual shapes: who may read a deal (its parties, admin, municipality)
# and who may see a site of one organisation that is not published.
DEAL_READ = E(anonymous="401", signed="200", operator="404 id")
DRAFT_OF_DEV = E(all="404 id", developer="200", admin="200")
DRAFT_OF_OP = E(all="404 id", operator="200", admin="200")
EVERYBODY = E(all="200")
SIGNED = E(anonymous="401", signed="200")
OVERSEERS = E(anonymous="401", signed="403 role", admin="200", municipality="200")


def admin_only(status):
    return E(anonymous="401", signed="403 role", admin=status)


def label(site):
    """A listing's title or a facility's name."""
    return site.get("title", site.get("name"))


def plain(path, **kw):
    return lambda w, who: dict(path=path, **kw)


def site_check(marker):
    def check(w, who, r):
        assert label(r.json()) == marker
    return check


def ticket_check(w, who, r):
    t = r.json()
    # The code is the capability: the ticket does not repeat it, nor any
    # price or party; a draft counterpart's title stays hidden, for the
    # anonymous caller and the signed-in alike (the public view).
    assert "code" not in t and "price_nok_per_t" not in t and "org_id" not in t
    assert t["id"] == w.load_t and t["deal_id"] == w.deal_t
    assert t["to"] == {"id": w.c_draft_need, "title": None, "type": None}
    assert t["from"]["id"] == w.l_pub and t["from"]["title"] == "Matrise publisert"


def qr_check(w, who, r):
    # An SVG of the ticket's own address, for anybody who has the code.
    assert r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.text.lstrip().startswith("<") and "<svg" in r.text


def closed_ticket_check(w, who, r):
    # A closed site does not exist for those outside its organisation
    # (docs/api.md, "Roles"): the ticket's public view hides its title in
    # `from`, and must not show it elsewhere. The deal's parties and the
    # authorities may know it from the deal; the anonymous caller and the
    # operator (no party) may not.
    t = r.json()
    assert t["from"] == {"id": w.l_closed, "title": None, "type": None}, t["from"]
    if who in ("anonymous", "operator"):
        assert CLOSED_MARK not in r.text, f"the closed listing's title leaks: {t['listing']}"


def search_check(marker, seen_by):
    def check(w, who, r):
        titles = [label(i) for i in r.json()["items"]]
        assert (marker in titles) == (who in seen_by), (who, titles)
    return check


def deals_list_check(w, who, r):
    ids = {d["id"] for d in r.json()["items"]}
    assert (w.deal_a in ids) == (who != "operator"), (who, w.deal_a)
    assert (w.deal_b in ids) == (who not in ("operator", "hauler")), (who, w.deal_b)


def custody_check(w, who, r):
    deals = {x["ticket"]["deal_id"] for x in r.json()["loads"]}
    # The listing's organisation and the authorities see every load, the
    # reserver (the contractor) its deals', the hauler those it hauls.
    every = {w.deal_a, w.deal_b, w.deal_t}
    sees = {"hauler": {w.deal_a, w.deal_t}, "operator": set()}.get(who, every)
    hidden = every - sees
    assert sees <= deals, (who, sees - deals)
    assert not (hidden & deals), (who, hidden & deals)


def export_check(marker, seen_by):
    def check(w, who, r):
        assert (marker in r.text) == (who in seen_by), (who, marker)
    return check


def deliveries_export_check(w, who, r):
    assert (PLATE["A"] in r.text) == (who != "operator"), who
    assert (PLATE["B"] in r.text) == (who not in ("operator", "hauler")), who


def me_check(w, who, r):
    assert r.json()["user"]["role"] == who and r.json()["user"]["email"] == DEMO[who]


def login_req(w, who):
    email = DEMO["developer" if who == "anonymous" else who]
    return dict(path="/api/auth/login", json={"email": email, "password": DEMO_PASSWORD})


def login_check(w, who, r):
    assert r.json()["user"]["role"] == ("developer" if who == "anonymous" else who)


def logout_req(w, who):
    # A session of its own: the shared token of the role stays valid.
    if who == "anonymous":
        return dict(path="/api/auth/logout")
    token = w.api.login(DEMO[who])
    return dict(path="/api/auth/logout", token=token)


def logout_check(w, who, r):
    w.api.get("/api/me", token=r.request.headers["Authorization"][7:], expect=401,
              field="Authorization")


def logout_everywhere_req(w, who):
    # Ends every session of the user: a fresh user of the role, so that
    # the demo users' shared tokens stay valid.
    if who == "anonymous":
        return dict(path="/api/auth/logout-everywhere")
    _, email = w.fresh_user(who)
    other = w.api.login(email, PASSWORD)  # a second session: ended too
    _, colleague = w.fresh_user(who)      # another user of the organisation: not
    w.sessions[who] = (other, w.api.login(colleague, PASSWORD))
    return dict(path="/api/auth/logout-everywhere", token=w.api.login(email, PASSWORD))


def logout_everywhere_check(w, who, r):
    assert r.json()["sessions_ended"] == 2, r.text
    logout_check(w, who, r)
    other, colleague = w.sessions.pop(who)
    w.api.get("/api/me", token=other, expect=401, field="Authorization")
    w.api.get("/api/me", token=colleague, expect=200)


def password_req(w, who):
    # A fresh user of the role changes their own password: the demo
    # users keep theirs.
    if who == "anonymous":
        return dict(path="/api/me/password",
                    json={"current_password": PASSWORD, "password": "nytt-passord-2"})
    _, email = w.fresh_user(who)
    return dict(path="/api/me/password", token=w.api.login(email, PASSWORD),
                json={"current_password": PASSWORD, "password": "nytt-passord-2"})


def role_req(w, who):
    uid, _ = w.fresh_user("developer")
    return dict(path=f"/api/users/{uid}/role", json={"role": "contractor"})


def new_user_req(w, who):
    return dict(path="/api/users", json={
        "org_id": w.users_org, "email": f"ny-{who}-{w.n()}@example.com", "name": "Ny",
        "role": "developer", "password": PASSWORD})


def doc_upload(attr):
    return lambda w, who: dict(
        path=f"/api/{'listings' if attr[0] == 'l' else 'facilities'}/{getattr(w, attr)}"
             "/documents", params={"name": f"{who}.pdf"}, data=b"%PDF-1.4 cell",
        headers=PDF)


def fresh_site_req(kind, status, suffix="", **kw):
    """A request on a fresh site of the developer (listings) or operator
    (facilities) for cells that change it."""
    def req(w, who):
        sid = w.fresh_listing(status) if kind == "listings" else w.fresh_facility(status)
        return dict(path=f"/api/{kind}/{sid}{suffix}", **kw)
    return req


def fresh_deal_req(kind, state):
    def req(w, who):
        d = w.fresh_reserved() if kind == "reserved" else w.fresh_agreed()
        return dict(path=f"/api/deals/{d}/state", json={"state": state})
    return req


def fresh_load_req(deal_attr, state="confirmed"):
    def req(w, who):
        v = w.fresh_load(getattr(w, deal_attr))
        body = {"state": state} if state == "confirmed" else {"state": state, "reason": "Feil"}
        return dict(path=f"/api/deliveries/{v}/state", json=body)
    return req


def at(template, **attrs):
    """A path from attributes of the world: at("/api/deals/{deal_a}")."""
    names = re.findall(r"\{(\w+)\}", template)
    return lambda w, who: dict(path=template.format(**{k: getattr(w, k) for k in names}),
                               **attrs)


R = Row
ROWS = [
    # ---- about the API: public --------------------------------------------
    R("GET", "/api/health", "public", EVERYBODY, plain("/api/health")),
    R("GET", "/api/openapi.json", "public", EVERYBODY, plain("/api/openapi.json")),
    R("GET", "/api/materials", "public", EVERYBODY, plain("/api/materials")),
    R("GET", "/api/substances", "public", EVERYBODY, plain("/api/substances")),
    R("GET", "/api/refdata", "public", EVERYBODY, plain("/api/refdata")),
    R("GET", "/api/municipalities", "public", EVERYBODY, plain("/api/municipalities")),
    R("GET", "/api/municipalities/at", "public", EVERYBODY,
      plain("/api/municipalities/at", params={"lat": "63.43", "lon": "10.39"})),
    R("GET", "/api/addresses", "public", EVERYBODY,
      plain("/api/addresses", params={"q": "munkegata"})),
    R("POST", "/api/classify", "public", EVERYBODY,
      plain("/api/classify", json={"lab": [{"substance": "Pb", "value": "80"}]})),
    R("POST", "/api/lab-reports", "public", EVERYBODY,
      plain("/api/lab-reports", data="Prøve,Pb\nA,80\n".encode(),
            headers={"Content-Type": "text/csv"})),

    # ---- sign-in, the user, organisations and users ------------------------
    R("POST", "/api/auth/login", "own demo login (anonymous: the developer's)", EVERYBODY,
      login_req, login_check),
    R("POST", "/api/auth/logout", "a session of its own", SIGNED, logout_req, logout_check),
    R("POST", "/api/auth/logout-everywhere", "a fresh user of the role", SIGNED,
      logout_everywhere_req, logout_everywhere_check),
    R("GET", "/api/me", "signed in", SIGNED, plain("/api/me"), me_check),
    R("POST", "/api/me/password", "a fresh user of the role, own password", SIGNED,
      password_req),
    R("GET", "/api/organisations", "public", EVERYBODY, plain("/api/organisations")),
    R("POST", "/api/organisations", "admin only", admin_only("201"),
      lambda w, who: dict(path="/api/organisations", json={"name": f"Matrise {who} {w.n()}"})),
    R("GET", "/api/organisations/{id}", "public", EVERYBODY,
      lambda w, who: dict(path=f"/api/organisations/{w.org['developer']}")),
    R("GET", "/api/organisations/{id}/users", "the developer's organisation",
      E(anonymous="401", signed="403 id", developer="200", admin="200"),
      lambda w, who: dict(path=f"/api/organisations/{w.org['developer']}/users")),
    R("GET", "/api/organisations/{id}/users", "the caller's own organisation", SIGNED,
      lambda w, who: dict(path=f"/api/organisations/"
                               f"{w.org.get(who, w.org['developer'])}/users")),
    R("PUT", "/api/organisations/{id}/contact", "the developer's organisation",
      E(anonymous="401", signed="403 id", developer="200", admin="200"),
      lambda w, who: dict(path=f"/api/organisations/{w.org['developer']}/contact",
                          json={"name": "Kari Kontakt", "phone": "+47 73 00 00 00",
                                "email": "post@utbygger.no"})),
    R("PUT", "/api/organisations/{id}/contact", "the caller's own organisation", SIGNED,
      lambda w, who: dict(path=f"/api/organisations/{w.org.get(who, w.org['developer'])}"
                               f"/contact", json={"name": f"Kontakt {who}", "phone": "",
                                                  "email": ""})),
    R("POST", "/api/users", "admin only", admin_only("201"), new_user_req),
    R("POST", "/api/users/{id}/role", "a fresh user", admin_only("200"), role_req),

    # ---- listings -----------------------------------------------------------
    R("GET", "/api/listings", "public search", EVERYBODY, plain("/api/listings")),
    R("GET", "/api/listings", "drafts: only one's own (admin: all)", EVERYBODY,
      plain("/api/listings", params={"status": "draft,published", "q": DRAFT_MARK}),
      search_check(DRAFT_MARK, ("developer", "admin"))),
    R("POST", "/api/listings", "roles that write listings",
      E(anonymous="401", signed="201", hauler="403 role"),
      lambda w, who: dict(path="/api/listings", json=supply(title=f"Matrise {who}"))),
    R("GET", "/api/listings/{id}", "the developer's published supply", EVERYBODY,
      at("/api/listings/{l_pub}")),
    R("GET", "/api/listings/{id}", "the developer's draft", DRAFT_OF_DEV,
      at("/api/listings/{l_draft}"), site_check(DRAFT_MARK)),
    R("PUT", "/api/listings/{id}", "a fresh published supply of the developer",
      E(anonymous="401", signed="403 id", developer="200", admin="200", hauler="403 role"),
      fresh_site_req("listings", "published", json=supply(title="Matrise endret"))),
    R("PUT", "/api/listings/{id}", "the developer's draft",
      DRAFT_OF_DEV | {"anonymous": "401"},
      lambda w, who: dict(path=f"/api/listings/{w.l_draft}", json=w.draft_body())),
    R("POST", "/api/listings/{id}/status", "a fresh published supply: close",
      E(anonymous="401", signed="403 id", developer="200", admin="200", hauler="403 role"),
      fresh_site_req("listings", "published", "/status", json={"status": "closed"})),
    R("POST", "/api/listings/{id}/status", "a fresh draft: publish",
      E(anonymous="401", signed="404 id", developer="200", admin="200"),
      fresh_site_req("listings", "draft", "/status", json={"status": "published"})),
    R("GET", "/api/listings/{id}/matches", "the developer's published supply", SIGNED,
      at("/api/listings/{l_pub}/matches", params={"limit": "3"})),
    R("GET", "/api/listings/{id}/matches", "the developer's draft",
      DRAFT_OF_DEV | {"anonymous": "401"},
      at("/api/listings/{l_draft}/matches", params={"limit": "3"})),
    R("GET", "/api/listings/{id}/route", "the developer's published supply to a published landfill",
      SIGNED, lambda w, who: dict(path=f"/api/listings/{w.l_pub}/route", params={"to": str(w.f_pub)})),
    R("GET", "/api/listings/{id}/route", "the developer's published supply to a draft landfill",
      E(anonymous="401", signed="404 to", operator="200", admin="200"),
      lambda w, who: dict(path=f"/api/listings/{w.l_pub}/route", params={"to": str(w.f_draft)})),
    R("GET", "/api/listings/{id}/route", "the developer's draft to a published landfill",
      DRAFT_OF_DEV | {"anonymous": "401"},
      lambda w, who: dict(path=f"/api/listings/{w.l_draft}/route", params={"to": str(w.f_pub)})),
    R("POST", "/api/listings/{id}/documents", "the developer's published supply",
      E(anonymous="401", signed="403 id", developer="201", admin="201", hauler="403 role"),
      doc_upload("l_pub")),
    R("POST", "/api/listings/{id}/documents", "the developer's draft",
      E(anonymous="401", signed="404 id", developer="201", admin="201"),
      doc_upload("l_draft")),
    R("GET", "/api/listings/{id}/documents", "the developer's published supply", EVERYBODY,
      at("/api/listings/{l_pub}/documents")),
    R("GET", "/api/listings/{id}/documents", "the developer's draft", DRAFT_OF_DEV,
      at("/api/listings/{l_draft}/documents")),
    R("GET", "/api/documents/{id}", "a document of the published supply", EVERYBODY,
      at("/api/documents/{doc_pub}")),
    R("GET", "/api/documents/{id}", "a document of the draft", DRAFT_OF_DEV,
      at("/api/documents/{doc_draft}")),

    # ---- facilities -----------------------------------------------------------
    R("GET", "/api/facilities", "public search", EVERYBODY, plain("/api/facilities")),
    R("GET", "/api/facilities", "drafts: only one's own (admin: all)", EVERYBODY,
      plain("/api/facilities", params={"status": "draft", "q": FDRAFT_MARK}),
      search_check(FDRAFT_MARK, ("operator", "admin"))),
    R("POST", "/api/facilities", "roles that write facilities",
      E(anonymous="401", signed="403 role", admin="201", municipality="201", operator="201"),
      lambda w, who: dict(path="/api/facilities", json=landfill(name=f"Matrise {who}"))),
    R("GET", "/api/facilities/{id}", "the operator's published landfill", EVERYBODY,
      at("/api/facilities/{f_pub}")),
    R("GET", "/api/facilities/{id}", "the operator's draft landfill", DRAFT_OF_OP,
      at("/api/facilities/{f_draft}"), site_check(FDRAFT_MARK)),
    R("PUT", "/api/facilities/{id}", "a fresh published landfill of the operator",
      E(anonymous="401", signed="403 role", operator="200", admin="200",
        municipality="403 id"),
      fresh_site_req("facilities", "published", json=landfill(name="Matrise endret"))),
    R("PUT", "/api/facilities/{id}", "the operator's draft landfill",
      DRAFT_OF_OP | {"anonymous": "401"},
      lambda w, who: dict(path=f"/api/facilities/{w.f_draft}",
                          json=landfill(name=FDRAFT_MARK))),
    R("GET", "/api/facilities/{id}/route", "a published landfill to the developer's published supply",
      SIGNED, lambda w, who: dict(path=f"/api/facilities/{w.f_pub}/route", params={"to": str(w.l_pub)})),
    R("GET", "/api/facilities/{id}/route", "the operator's draft landfill to a published supply",
      DRAFT_OF_OP | {"anonymous": "401"},
      lambda w, who: dict(path=f"/api/facilities/{w.f_draft}/route", params={"to": str(w.l_pub)})),
    R("POST", "/api/facilities/{id}/status", "a fresh published landfill: close",
      E(anonymous="401", signed="403 role", operator="200", admin="200",
        municipality="403 id"),
      fresh_site_req("facilities", "published", "/status", json={"status": "closed"})),
    R("POST", "/api/facilities/{id}/status", "a fresh draft landfill: publish",
      E(anonymous="401", signed="404 id", operator="200", admin="200"),
      fresh_site_req("facilities", "draft", "/status", json={"status": "published"})),
    R("POST", "/api/facilities/{id}/documents", "the operator's published landfill",
      E(anonymous="401", signed="403 role", operator="201", admin="201",
        municipality="403 id"),
      doc_upload("f_pub")),
    R("GET", "/api/facilities/{id}/documents", "the operator's published landfill",
      EVERYBODY, at("/api/facilities/{f_pub}/documents")),
    R("GET", "/api/facilities/{id}/documents", "the operator's draft landfill", DRAFT_OF_OP,
      at("/api/facilities/{f_draft}/documents")),
    R("GET", "/api/search", "public", EVERYBODY,
      plain("/api/search", params={"type": "landfill", "per_page": "5"})),
    R("GET", "/api/search", "drafts in a map box: only one's own (admin: all)", EVERYBODY,
      plain("/api/search", params={"status": "draft", "q": DRAFT_MARK,
                                   "bbox": "10.3,63.3,10.6,63.5"}),
      search_check(DRAFT_MARK, ("developer", "admin"))),

    # ---- plans ------------------------------------------------------------------
    R("POST", "/api/plans", "roles that plan",
      E(anonymous="401", signed="403 role", admin="202", municipality="202"),
      plain("/api/plans", json=EMPTY_PLAN)),
    R("GET", "/api/jobs/{id}", "the municipality's job",
      E(anonymous="401", signed="404 id", municipality="200", admin="200"),
      at("/api/jobs/{job}")),
    R("GET", "/api/plans/{id}", "the municipality's plan: its organisation and administrators",
      E(anonymous="401", signed="404 id", municipality="200", admin="200"),
      at("/api/plans/{job}")),
    R("GET", "/api/plans", "own organisation's plans (administrators: all)", SIGNED,
      plain("/api/plans")),
    R("POST", "/api/plans/{id}/whatif", "the municipality's plan: no changes asked",
      E(anonymous="401", signed="403 role", municipality="400 changes", admin="400 changes"),
      at("/api/plans/{job}/whatif", json={"changes": []})),
    R("GET", "/api/plans/{id}/siting", "the municipality's plan, which gave no candidates",
      E(anonymous="401", signed="404 id", municipality="404 siting", admin="404 siting"),
      at("/api/plans/{job}/siting", params={"format": "html"})),

    # ---- deals ------------------------------------------------------------------
    R("POST", "/api/listings/{id}/deals", "the developer's published supply",
      E(anonymous="401", signed="201", developer="403 id", hauler="403 role"),
      at("/api/listings/{l_pub}/deals", json={"amount": {"value": 1, "unit": "t"}})),
    R("POST", "/api/listings/{id}/deals", "the developer's draft",
      E(anonymous="401", signed="404 id", developer="403 id", admin="409 status",
        hauler="403 role"),
      at("/api/listings/{l_draft}/deals", json={"amount": {"value": 1, "unit": "t"}})),
    R("GET", "/api/listings/{id}/custody", "the supply with deals A, B and T", SIGNED,
      at("/api/listings/{l_pub}/custody"), custody_check),
    R("GET", "/api/listings/{id}/custody", "the developer's draft",
      DRAFT_OF_DEV | {"anonymous": "401"}, at("/api/listings/{l_draft}/custody")),
    R("GET", "/api/listings/{id}/balance", "the developer's published supply",
      E(anonymous="401", signed="403 id", developer="200", admin="200", municipality="200"),
      at("/api/listings/{l_pub}/balance")),
    R("GET", "/api/listings/{id}/balance", "the developer's draft",
      DRAFT_OF_DEV | {"anonymous": "401"}, at("/api/listings/{l_draft}/balance")),
    R("GET", "/api/listings/{id}/history", "the developer's published supply",
      E(anonymous="401", signed="403 id", developer="200", admin="200", municipality="200"),
      at("/api/listings/{l_pub}/history")),
    R("GET", "/api/listings/{id}/history", "the developer's draft",
      DRAFT_OF_DEV | {"anonymous": "401"}, at("/api/listings/{l_draft}/history")),
    R("GET", "/api/deals", "own deals (authorities: all)", SIGNED, plain("/api/deals"),
      deals_list_check),
    R("GET", "/api/deals/{id}", "deal A", DEAL_READ, at("/api/deals/{deal_a}")),
    R("GET", "/api/deals/{id}", "deal B (another hauler)", DEAL_READ | {"hauler": "404 id"},
      at("/api/deals/{deal_b}")),
    R("POST", "/api/deals/{id}/state", "a fresh reserved deal: agree",
      E(anonymous="401", signed="403 id", developer="200", admin="200",
        municipality="403 role", operator="404 id"),
      fresh_deal_req("reserved", "agreed")),
    R("POST", "/api/deals/{id}/state", "a fresh reserved deal: cancel",
      E(anonymous="401", signed="403 id", contractor="200", admin="200",
        municipality="403 role", operator="404 id"),
      fresh_deal_req("reserved", "cancelled")),
    R("POST", "/api/deals/{id}/state", "a fresh agreed deal: complete",
      E(anonymous="401", signed="200", hauler="403 id", municipality="403 role",
        operator="404 id"),
      fresh_deal_req("agreed", "completed")),
    R("POST", "/api/deals/{id}/deliveries", "deal A: its hauler registers",
      E(anonymous="401", signed="403 id", hauler="201", admin="201", operator="404 id"),
      at("/api/deals/{deal_a}/deliveries", json=load_body())),
    R("POST", "/api/deals/{id}/deliveries", "deal B: the hauler of deal A",
      E(anonymous="401", signed="403 id", hauler="404 id", admin="201", operator="404 id"),
      at("/api/deals/{deal_b}/deliveries", json=load_body())),
    R("POST", "/api/deals/{id}/deliveries", "deal N without a hauler: its parties",
      E(anonymous="401", signed="201", hauler="404 id", municipality="403 id",
        operator="404 id"),
      at("/api/deals/{deal_n}/deliveries", json=load_body())),
    R("GET", "/api/deals/{id}/deliveries", "deal A", DEAL_READ,
      at("/api/deals/{deal_a}/deliveries")),
    R("GET", "/api/deals/{id}/deliveries", "deal B (another hauler)",
      DEAL_READ | {"hauler": "404 id"}, at("/api/deals/{deal_b}/deliveries")),
    # ---- conversations: only the organisations in them --------------------------
    R("GET", "/api/listings/{id}/messages", "the developer's published supply: own threads",
      SIGNED, at("/api/listings/{l_pub}/messages")),
    R("POST", "/api/listings/{id}/messages", "a question (the owner answers in a thread)",
      E(anonymous="401", signed="201", developer="400 thread_id"),
      at("/api/listings/{l_pub}/messages", json={"body": "Er massene fortsatt ledige?"})),
    R("GET", "/api/listings/{id}/messages", "the developer's draft",
      DRAFT_OF_DEV | {"anonymous": "401"}, at("/api/listings/{l_draft}/messages")),
    R("GET", "/api/deals/{id}/messages", "deal A: its parties only",
      DEAL_READ | {"admin": "404 id", "municipality": "404 id"},
      at("/api/deals/{deal_a}/messages")),
    R("POST", "/api/deals/{id}/messages", "deal A: its parties only",
      E(anonymous="401", signed="201", operator="404 id", admin="404 id",
        municipality="404 id"),
      at("/api/deals/{deal_a}/messages", json={"body": "Vi kommer kl. 7."})),
    R("GET", "/api/messages", "own organisation's conversations", SIGNED, plain("/api/messages")),
    # ---- joining: sign-up and reset are public; approval is the administrators' --
    R("POST", "/api/signup", "a body without an organisation number (refused, for everyone)",
      E(all="400 organisation"), plain("/api/signup", json={"user": {}})),
    R("GET", "/api/signups", "organisations waiting", admin_only("200"), plain("/api/signups")),
    R("POST", "/api/organisations/{id}/verification", "the developer's (verified) organisation",
      E(anonymous="401", signed="403 role", admin="409 state"),
      lambda w, who: dict(path=f"/api/organisations/{w.org['developer']}/verification",
                          json={"state": "verified"})),
    R("POST", "/api/invitations", "an address that has an account",
      E(anonymous="401", signed="409 email"),
      plain("/api/invitations", json={"email": DEMO["developer"], "role": "contractor"})),
    R("POST", "/api/invitations/accept", "an unknown link", E(all="404 token"),
      plain("/api/invitations/accept", json={"token": "A" * 43, "name": "N",
                                             "password": "et langt passord 1"})),
    R("POST", "/api/password-reset", "an address without an account: the same answer",
      E(all="202"), plain("/api/password-reset", json={"email": "ingen@ingen.example"})),
    R("POST", "/api/password-reset/confirm", "an unknown link", E(all="404 token"),
      plain("/api/password-reset/confirm", json={"token": "A" * 43,
                                                 "password": "et langt passord 1"})),
    # ---- saved searches and alerts: each user's own ---------------------------
    R("GET", "/api/saved-searches", "own saved searches", SIGNED, plain("/api/saved-searches")),
    R("POST", "/api/saved-searches", "a search of one's own",
      E(anonymous="401", signed="201"),
      plain("/api/saved-searches", json={"name": "Stein", "types": ["supply"],
                                         "material": "rock.*", "email": "none"})),
    R("DELETE", "/api/saved-searches/{id}", "a fresh search of the developer's user",
      E(anonymous="401", signed="404 id", developer="200"),
      lambda w, who: dict(path=f"/api/saved-searches/{w.fresh_search()}")),
    R("PUT", "/api/alert-settings", "own mail setting", SIGNED,
      plain("/api/alert-settings", json={"match_email": "daily"})),
    # ---- suggestions from regional plans: the two parties act -----------------
    R("GET", "/api/suggestions", "own organisation's (municipalities: all)", SIGNED,
      plain("/api/suggestions")),
    R("POST", "/api/suggestions/{id}/accept", "a fresh suggestion: developer to contractor",
      E(anonymous="401", signed="404 id", admin="403 id", municipality="403 id",
        developer="201", contractor="201"),
      lambda w, who: dict(path=f"/api/suggestions/{w.fresh_suggestion()}/accept", json={})),
    R("POST", "/api/suggestions/{id}/dismiss", "a fresh suggestion: developer to contractor",
      E(anonymous="401", signed="404 id", admin="403 id", municipality="403 id",
        developer="200", contractor="200"),
      lambda w, who: dict(path=f"/api/suggestions/{w.fresh_suggestion()}/dismiss", json={})),
    R("GET", "/api/notifications", "own alerts", SIGNED, plain("/api/notifications")),
    R("POST", "/api/notifications/read", "own alerts, all", SIGNED,
      plain("/api/notifications/read", json={"all": True})),
    R("GET", "/api/unsubscribe", "an unknown link (the token is the capability)",
      E(all="404 token"), plain("/api/unsubscribe", params={"token": "0" * 64})),
    R("POST", "/api/unsubscribe", "an unknown link (the token is the capability)",
      E(all="404 token"), plain("/api/unsubscribe", params={"token": "0" * 64})),
    R("GET", "/api/deals/{id}/history", "deal A", DEAL_READ, at("/api/deals/{deal_a}/history")),
    R("GET", "/api/deals/{id}/history", "deal B (another hauler)",
      DEAL_READ | {"hauler": "404 id"}, at("/api/deals/{deal_b}/history")),

    # ---- loads and tickets ------------------------------------------------------
    R("GET", "/api/deliveries/{id}", "a load of deal A", DEAL_READ,
      at("/api/deliveries/{load_a}")),
    R("GET", "/api/deliveries/{id}", "a load of deal B (another hauler)",
      DEAL_READ | {"hauler": "404 id"}, at("/api/deliveries/{load_b}")),
    R("GET", "/api/deliveries/{id}/qr.svg", "a load of deal A", DEAL_READ,
      at("/api/deliveries/{load_a}/qr.svg")),
    R("GET", "/api/deliveries/{id}/qr.svg", "a load of deal B (another hauler)",
      DEAL_READ | {"hauler": "404 id"}, at("/api/deliveries/{load_b}/qr.svg")),
    # The receiver decides, never the sender: a supply's reserver receives
    # (the developer supplied it: its own load is refused).
    R("POST", "/api/deliveries/{id}/state", "a fresh load of deal A: the reserver receives",
      E(anonymous="401", signed="403 id", contractor="200", admin="200", operator="404 id"),
      fresh_load_req("deal_a")),
    R("POST", "/api/deliveries/{id}/state", "a fresh load of deal B: the hauler of deal A",
      E(anonymous="401", signed="403 id", contractor="200", admin="200", hauler="404 id",
        operator="404 id"),
      fresh_load_req("deal_b")),
    # A need's owner receives (here: disputes); the developer reserved it
    # and sends.
    R("POST", "/api/deliveries/{id}/state", "a fresh load of the need deal ND: dispute",
      E(anonymous="401", signed="403 id", contractor="200", admin="200", operator="404 id"),
      fresh_load_req("deal_nd", "disputed")),
    # A supply to the operator's landfill: the load names the operator as
    # its receiver_org, and "the organisation owning to_site" confirms
    # (docs/deals.md) - not the reserver, which does not receive it.
    R("POST", "/api/deliveries/{id}/state", "a fresh load of deal F to the operator's landfill",
      E(anonymous="401", signed="403 id", operator="200", admin="200"),
      fresh_load_req("deal_f")),
    R("GET", "/api/tickets/{code}", "a ticket of deal T by its code", EVERYBODY,
      at("/api/tickets/{code}"), ticket_check),
    R("GET", "/api/tickets/{code}", "a ticket of a listing closed since", EVERYBODY,
      at("/api/tickets/{code_closed}"), closed_ticket_check),
    R("GET", "/api/tickets/{code}", "an unknown code", E(all="404 code"),
      plain("/api/tickets/" + "A" * 22)),
    R("GET", "/api/tickets/{code}/qr.svg", "the QR of a ticket of deal T by its code",
      EVERYBODY, at("/api/tickets/{code}/qr.svg"), qr_check),
    R("GET", "/api/tickets/{code}/qr.svg", "the QR of an unknown code", E(all="404 code"),
      plain("/api/tickets/" + "A" * 22 + "/qr.svg")),

    # ---- the audit log, statistics, exports, imports, the mass handling plan ----
    R("GET", "/api/audit", "authorities", OVERSEERS, plain("/api/audit",
                                                           params={"limit": "5"})),
    R("GET", "/api/audit/head", "the signed head", OVERSEERS, plain("/api/audit/head"),
      lambda w, who, r: len(r.json()["signature"]) == 128 or pytest.fail("no signature")),
    R("GET", "/api/stats", "authorities", OVERSEERS, plain("/api/stats")),
    R("GET", "/api/exports/listings", "public view", EVERYBODY,
      plain("/api/exports/listings", params={"format": "csv"}),
      export_check(DRAFT_MARK, ())),
    R("GET", "/api/exports/listings", "scope=mine", SIGNED,
      plain("/api/exports/listings", params={"format": "csv", "scope": "mine"}),
      export_check(DRAFT_MARK, ("developer",))),
    R("GET", "/api/exports/facilities", "public view", EVERYBODY,
      plain("/api/exports/facilities", params={"format": "csv"}),
      export_check(FDRAFT_MARK, ())),
    R("GET", "/api/exports/facilities", "scope=mine", SIGNED,
      plain("/api/exports/facilities", params={"format": "csv", "scope": "mine"}),
      export_check(FDRAFT_MARK, ("operator",))),
    R("GET", "/api/exports/deliveries", "own deals' loads (authorities: all)", SIGNED,
      plain("/api/exports/deliveries", params={"format": "csv"}), deliveries_export_check),
    R("GET", "/api/exports/statistics", "authorities", OVERSEERS,
      plain("/api/exports/statistics", params={"format": "csv"})),
    R("POST", "/api/imports/listings", "dry run: roles that write listings",
      E(anonymous="401", signed="200", hauler="403 role"),
      lambda w, who: dict(path="/api/imports/listings", params={"dry_run": "true"},
                          data=w.listings_csv, headers={"Content-Type": "text/csv"})),
    R("POST", "/api/imports/facilities", "dry run: roles that write facilities",
      E(anonymous="401", signed="403 role", admin="200", municipality="200",
        operator="200"),
      lambda w, who: dict(path="/api/imports/facilities", params={"dry_run": "true"},
                          data=w.facilities_csv, headers={"Content-Type": "text/csv"})),
    R("GET", "/api/mhp", "the developer's published supply",
      E(anonymous="401", signed="403 listings", developer="200", admin="200"),
      lambda w, who: dict(path="/api/mhp", params={"listings": str(w.l_pub),
                                                   "format": "html"})),
    R("GET", "/api/mhp", "the developer's draft",
      E(anonymous="401", signed="404 listings", developer="200", admin="200"),
      lambda w, who: dict(path="/api/mhp", params={"listings": str(w.l_draft),
                                                   "format": "html"})),
]


# ---- coverage of the routes ------------------------------------------------------

def documented_routes():
    """(METHOD, path) of every operation of the OpenAPI document and every
    route of routes.c ("#" written as "{id}")."""
    doc = {(m.upper(), p) for p, item in OPENAPI["paths"].items() for m in item
           if m in METHODS}
    code = {(m, p.replace("#", "{id}")) for m, p in route_table()}
    return doc | code


ROUTES = documented_routes()
COVERED = {r.route for r in ROWS}
MISSING = sorted(ROUTES - COVERED)
STALE = sorted(COVERED - ROUTES)


def test_every_route_has_a_row():
    assert route_table(), "no routes read from routes.c"
    assert not MISSING, "routes without a row in the permission matrix: " + ", ".join(
        f"{m} {p}" for m, p in MISSING)
    assert not STALE, "rows for routes that are gone: " + ", ".join(
        f"{m} {p}" for m, p in STALE)


def test_every_row_names_every_caller():
    for r in ROWS:
        assert set(r.expect) == set(CALLERS), r
        for v in r.expect.values():
            assert re.fullmatch(r"[1-5]\d\d( [\w.\[\]]+)?", v), (r, v)


# ---- the cells -------------------------------------------------------------------

CELLS = [pytest.param(r, who, id=f"{r.route[0]} {r.route[1]} [{r.name}] {who}")
         for r in ROWS for who in CALLERS]


def parse_expect(v):
    status, _, field = v.partition(" ")
    status = int(status)
    if status == 401 and not field:
        field = "Authorization"
    return status, field or None


@pytest.mark.parametrize("row,who", CELLS)
def test_cell(api, world, row, who):
    method, template = row.route
    spec = row.req(world, who)
    path = spec.pop("path")
    token = spec.pop("token") if "token" in spec else world.tok(who)
    headers = dict(spec.pop("headers", None) or {})
    if token:
        headers["Authorization"] = "Bearer " + token
    resp = api.http.request(method, api.base + path, headers=headers, timeout=60, **spec)
    where = f"{method} {path} as {who} ({row.name})"
    assert resp.status_code < 500, f"{where}: {resp.status_code} {resp.text[:500]}"
    check_response(method, resp.request.path_url, resp)
    status, field = parse_expect(row.expect[who])
    assert resp.status_code == status, (
        f"{where}: {resp.status_code}, expected {row.expect[who]}: {resp.text[:400]}")
    if status >= 400:
        err = resp.json()["error"]
        assert err["status"] == status and err["code"] == ERROR_CODES[status], (where, err)
        assert err["message"], where
        if field is not None:
            assert err["field"] == field, f"{where}: field {err['field']!r}, expected {field!r}"
    elif row.check:
        row.check(world, who, resp)
