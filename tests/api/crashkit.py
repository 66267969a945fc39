"""
crashkit.py - the crash-durability harness of issue 13 item 7: kill the
server with SIGKILL at random moments under concurrent writes of every
kind, and check that every acknowledged write survived. bench/crash runs
it for 1000 kills; tests/api/test_crash.py for about 20.

One round:

  1. C writer threads send writes of every kind the API offers (listings
     and facilities: create, PUT, status, documents; CSV imports; deals:
     reserve, agree, decline, cancel, complete; loads: register, replace,
     confirm, dispute; organisations and users; role and password
     changes; sign-in and sign-out; plan jobs). Each write whose reply is
     2xx is *acknowledged*: it becomes a claim on what must be visible
     afterwards (a site's version with its status and title, a deal's
     version and state, a load's ticket and state, a document's bytes, a
     user's role, the password that signs in, a token that works or no
     longer does, a job). A write whose reply never came (the connection
     died with the server) or was a 5xx is *uncertain*: it may or may
     not have committed, so its outcome is allowed but not required.
  2. After a delay drawn uniformly from 0..max_delay_ms after the writers
     start, the server gets SIGKILL.
  3. The crashed files (the database and its WAL, not the -shm index) are
     copied; on the copy PRAGMA integrity_check and foreign_key_check run
     and `massebank audit verify --db COPY` must exit 0, and every
     acknowledged write must have left its audit entry (same entity, id
     and action; for a site's create and update, the same version). The
     server is restarted meanwhile on the untouched crashed files, so it
     does its own recovery.
  4. Through the restarted server's API (as the administrator), every
     entity a write of the round touched is read back and each claim is
     checked: a versioned entity (site, deal) must have at least the
     acknowledged version, and exactly the acknowledged state at that
     version; a load, a role, a password or a token must be in the
     acknowledged state or in one that a later write (acknowledged or
     uncertain) could have made. What is read becomes the baseline that
     the next round's writers work from.

Rounds run on one database for `fresh_every` kills, then on a fresh copy
of a template (the demo region plus the harness's own users and a pool of
listings, deals and loads, made once per run and stopped cleanly). At
the end of each database's life the server is stopped with SIGTERM (it
must exit 0 with no sanitizer report) and every entity the run knows is
compared, in the database, with the state last read.
"""
import atexit
import collections
import csv
import hashlib
import io
import itertools
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time

import requests

# The demo logins and the sanitizer marks, as the API tests know them.
from conftest import DEMO, DEMO_PASSWORD, SANITIZER_MARKS  # noqa: F401
# Demo roles that write listings, and those that write facilities.
LISTING_ACTORS = ("developer", "contractor", "municipality", "operator")
FACILITY_ACTORS = ("operator", "municipality")
MATERIALS = ("rock.blasted", "soil.moraine", "soil.clay", "soil.gravel", "soil.sand",
             "recycled.concrete")
SPARE_PASSWORD = "krasj-passord-0"
ENTITY = {"listings": "listing", "facilities": "facility"}  # the audit log's names
# Deal states reachable from each state (docs/deals.md).
DEAL_NEXT = {"reserved": {"agreed", "declined", "cancelled"},
             "agreed": {"completed", "cancelled"},
             "completed": set(), "declined": set(), "cancelled": set()}


def deal_reachable(state):
    out, todo = {state}, [state]
    while todo:
        for n in DEAL_NEXT[todo.pop()]:
            if n not in out:
                out.add(n)
                todo.append(n)
    return out


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---- the server process ---------------------------------------------------

_LIVE = set()
_LIVE_LOCK = threading.Lock()


def kill_all_servers():
    """SIGKILL every server this module started that still runs (for an
    interrupted run: no server is left behind)."""
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for p in procs:
        p.kill9()


atexit.register(kill_all_servers)
# With setpriv (util-linux) a server gets SIGKILL when the thread that
# started it dies, so not even a harness that is itself killed leaves a
# server behind; the signal survives the exec. Servers are started from
# the main thread only.
_SETPRIV = ["setpriv", "--pdeathsig", "KILL", "--"] if shutil.which("setpriv") else []


class StartFailure(Exception):
    pass


class ServerProc:
    """One massebank-server process on a database; its standard output
    and error go to files in logdir, numbered per start."""
    _starts = itertools.count(1)

    def __init__(self, binary, db, logdir, demo=True):
        self.binary, self.db, self.logdir, self.demo = binary, db, logdir, demo
        self.proc = None
        self.base = None

    def start(self, timeout=120):
        n = next(self._starts)
        self.out_path = os.path.join(self.logdir, f"server-{n}.out")
        self.err_path = os.path.join(self.logdir, f"server-{n}.err")
        args = _SETPRIV + [self.binary, "--db", self.db, "--port", "0", "--log", "off"]
        if not self.demo:
            args.append("--no-demo")
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        with _LIVE_LOCK:
            _LIVE.add(self)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.out_path, encoding="utf-8", errors="replace") as f:
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", f.read())
            if m:
                self.base = f"http://127.0.0.1:{m.group(1)}"
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.005)
        rc = self.proc.poll()
        self.kill9()
        raise StartFailure(f"the server did not start on {self.db} (exit {rc}): "
                           f"{self.stderr()[-2000:]}")

    def stderr(self):
        try:
            with open(self.err_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def sanitizer_report(self):
        text = self.stderr()
        return text if any(m in text for m in SANITIZER_MARKS) else None

    def kill9(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None
        with _LIVE_LOCK:
            _LIVE.discard(self)

    def stop(self, timeout=60):
        """SIGTERM; the exit status (None when it had to be killed)."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = None
        self.kill9()
        return rc


# ---- HTTP -----------------------------------------------------------------

class Uncertain(Exception):
    """The write's outcome is unknown: no reply, or a 5xx (status)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


def send(http, base, method, path, token=None, timeout=60, **kw):
    headers = dict(kw.pop("headers", {}) or {})
    if token:
        headers["Authorization"] = "Bearer " + token
    try:
        r = http.request(method, base + path, headers=headers, timeout=(5, timeout), **kw)
    except (requests.ConnectionError, requests.Timeout,
            requests.exceptions.ChunkedEncodingError) as e:
        raise Uncertain(str(e)) from None
    if r.status_code >= 500:
        raise Uncertain(f"{method} {path}: {r.status_code} {r.text[:200]}", r.status_code)
    return r


# ---- what the harness knows -------------------------------------------------

class Entity:
    """One thing the writers made: `base` is its last known durable state
    (what writers build requests from), `claims` what this round's writes
    said about it: (how, state) with how 'ack' or 'maybe'."""
    __slots__ = ("kind", "id", "info", "base", "claims")

    def __init__(self, kind, id_, info, base):
        self.kind, self.id, self.info, self.base = kind, id_, info, base
        self.claims = []


class World:
    """Every entity of the current database, the actors' tokens, and the
    audit entries acknowledged writes owe; one lock for all."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ents = {}            # (kind, id) -> Entity
        self.tokens = {}          # actor -> token
        self.actor_org = {}       # actor -> org id
        self.org_actor = {}       # org id -> an actor of it
        self.spares = []          # per writer: the actor name of its spare user
        self.spares_key = []      # per writer: the ("role", user id) of it
        self.actor_user = {}      # actor -> user id
        self.import_csv = None    # (header, row, title column)
        self.audit_owed = []      # (entity, id, action, version or None, op kind)
        self.acked = collections.Counter()  # op kind -> acknowledged writes
        self.uncertain = 0
        self.errors_5xx = []
        self.touched = set()

    def clone(self):
        w = World()
        w.ents = {k: Entity(e.kind, e.id, dict(e.info), dict(e.base))
                  for k, e in self.ents.items()}
        w.tokens, w.actor_org = dict(self.tokens), dict(self.actor_org)
        w.org_actor, w.spares = dict(self.org_actor), list(self.spares)
        w.spares_key, w.actor_user = list(self.spares_key), dict(self.actor_user)
        w.import_csv = self.import_csv
        return w

    def add(self, kind, id_, info, base):
        e = Entity(kind, id_, info, base)
        self.ents[(kind, id_)] = e
        return e

    def pick(self, rng, kind, pred=lambda e: True):
        with self.lock:
            c = [e for (k, _), e in self.ents.items() if k == kind and pred(e)]
            return rng.choice(c) if c else None

    def ack(self, op, ent, state, audit=None, newer=None):
        """An acknowledged write: claim `state` of ent; take it as the
        base when newer(base, state) (default: always)."""
        with self.lock:
            self.acked[op] += 1
            ent.claims.append(("ack", dict(state)))
            if newer is None or newer(ent.base, state):
                ent.base.update(state)
            self.touched.add((ent.kind, ent.id))
            if audit:
                self.audit_owed.append(audit + (op,))

    def maybe(self, ent, state):
        """A write to ent whose outcome is unknown: state may be there."""
        with self.lock:
            ent.claims.append(("maybe", dict(state)))
            self.touched.add((ent.kind, ent.id))

    def count_uncertain(self, e):
        with self.lock:
            self.uncertain += 1
            if e.status is not None:
                self.errors_5xx.append(str(e))


def newer_version(base, state):
    return state["version"] > base.get("version", 0)


# ---- the writers ------------------------------------------------------------

OPS = (
    # (kind, weight)
    ("listing_create", 12), ("listing_put", 8), ("listing_status", 6),
    ("facility_create", 3), ("facility_put", 2), ("facility_status", 2),
    ("document", 5), ("import", 2),
    ("deal_reserve", 10), ("deal_state", 9), ("load_register", 9), ("load_decide", 7),
    ("org_create", 1), ("user_create", 1), ("role_change", 2), ("password_change", 1),
    ("login", 2), ("logout", 1), ("plan", 1),
)
OP_KINDS = [k for k, _ in OPS]


class Writer(threading.Thread):
    """One client connection sending writes until `stop` is set."""

    def __init__(self, world, base, index, rng, stop, uid, first_op, doc_pool):
        super().__init__(daemon=True)
        self.w, self.base, self.index, self.rng = world, base, index, rng
        self.stop_event, self.uid, self.first = stop, uid, first_op
        self.doc_pool = doc_pool
        self.http = requests.Session()
        self.error = None

    def run(self):
        kinds, weights = zip(*OPS)
        op = self.first
        try:
            while not self.stop_event.is_set():
                try:
                    getattr(self, "op_" + op)()
                except Uncertain as e:
                    self.w.count_uncertain(e)
                    if self.stop_event.is_set():
                        break
                op = self.rng.choices(kinds, weights)[0]
        except Exception as e:  # a harness bug: surface it, do not hide it
            self.error = e
        finally:
            self.http.close()

    # -- helpers --

    def send(self, method, path, actor=None, token=None, **kw):
        if actor is not None:
            token = self.w.tokens[actor]
        return send(self.http, self.base, method, path, token=token, **kw)

    def title(self, what):
        return f"Krasj {what} {next(self.uid)}"

    def refresh_site(self, ent):
        r = self.send("GET", f"/api/{ent.info['family']}/{ent.id}", "admin")
        if r.status_code == 200:
            v = r.json()
            with self.w.lock:
                if v["version"] >= ent.base["version"]:
                    ent.base.update(site_state(v))

    def refresh_deal(self, ent):
        r = self.send("GET", f"/api/deals/{ent.id}", "admin")
        if r.status_code == 200:
            v = r.json()
            with self.w.lock:
                if v["version"] >= ent.base["version"]:
                    ent.base.update(deal_state(v))

    # -- sites --

    def listing_body(self, type_, title):
        rng = self.rng
        b = {"type": type_, "title": title, "lat": round(63.30 + rng.random() * 0.15, 5),
             "lon": round(10.25 + rng.random() * 0.4, 5), "material": rng.choice(MATERIALS),
             "amount": {"value": rng.randrange(500, 3000), "unit": "t"},
             "window": {"from": "2026-01", "to": "2027-12"}, "keywords": ["krasj"]}
        if type_ == "supply":
            b["class"] = rng.randint(1, 3)
        else:
            b["max_class"] = rng.randint(2, 4)
        return b

    def facility_body(self, name):
        return {"type": "landfill", "name": name, "lat": round(63.30 + self.rng.random() * 0.15, 5),
                "lon": round(10.25 + self.rng.random() * 0.4, 5), "accepts": ["rock.*", "soil.*"],
                "max_class": 2, "capacity_per_year": {"value": 50000, "unit": "t"},
                "gate_fee_nok_per_t": 120}

    def create_site(self, op, family, actor, body):
        status = self.rng.choice(("draft", "published", "published"))
        r = self.send("POST", f"/api/{family}", actor, json=body, params={"status": status})
        if r.status_code == 201:
            v = r.json()
            entity = ENTITY[family]
            with self.w.lock:
                ent = self.w.add("site", v["id"], {"family": family, "owner": actor,
                                                   "type": v["type"], "body": body},
                                 {"version": 0})
            self.w.ack(op, ent, site_state(v), (entity, v["id"], "create", v["version"]))

    def op_listing_create(self):
        actor = self.rng.choice(LISTING_ACTORS + (self.w.spares[self.index],))
        type_ = self.rng.choice(("supply", "supply", "need"))
        self.create_site("listing_create", "listings", actor,
                         self.listing_body(type_, self.title("oppføring")))

    def op_facility_create(self):
        self.create_site("facility_create", "facilities", self.rng.choice(FACILITY_ACTORS),
                         self.facility_body(self.title("deponi")))

    def put_site(self, op, family):
        ent = self.w.pick(self.rng, "site", lambda e: e.info["family"] == family
                          and e.info.get("body") and e.base["status"] != "closed")
        if ent is None:
            return
        body = json.loads(json.dumps(ent.info["body"]))
        if family == "listings":
            body["title"] = self.title("endret")
            body["amount"]["value"] += self.rng.randrange(0, 50)
        else:
            body["name"] = self.title("endret deponi")
        headers = {}
        if self.rng.random() < 0.7:
            headers["If-Match"] = f'"{ent.base["version"]}"'
        # An administrator changes any site; mostly its owner does.
        actor = "admin" if self.rng.random() < 0.1 else ent.info["owner"]
        try:
            r = self.send("PUT", f"/api/{family}/{ent.id}", actor, json=body, headers=headers)
        except Uncertain:
            self.w.maybe(ent, {"title": body.get("title") or body.get("name")})
            raise
        if r.status_code == 200:
            v = r.json()
            with self.w.lock:
                ent.info["body"] = body
            self.w.ack(op, ent, site_state(v), (ENTITY[family], ent.id, "update", v["version"]),
                       newer_version)
        elif r.status_code == 412:
            self.refresh_site(ent)

    def op_listing_put(self):
        self.put_site("listing_put", "listings")

    def op_facility_put(self):
        self.put_site("facility_put", "facilities")

    def status_site(self, op, family):
        ent = self.w.pick(self.rng, "site", lambda e: e.info["family"] == family
                          and e.base["status"] in ("draft", "published"))
        if ent is None:
            return
        cur = ent.base["status"]
        to = self.rng.choice({"draft": ("published", "published", "closed"),
                              "published": ("draft", "draft", "closed")}[cur])
        try:
            r = self.send("POST", f"/api/{family}/{ent.id}/status", ent.info["owner"],
                          json={"status": to}, headers={"If-Match": f'"{ent.base["version"]}"'})
        except Uncertain:
            self.w.maybe(ent, {"status": to})
            raise
        if r.status_code == 200:
            v = r.json()
            self.w.ack(op, ent, site_state(v), (ENTITY[family], ent.id, "status", None),
                       newer_version)
        elif r.status_code == 412:
            self.refresh_site(ent)

    def op_listing_status(self):
        self.status_site("listing_status", "listings")

    def op_facility_status(self):
        self.status_site("facility_status", "facilities")

    def op_document(self):
        ent = self.w.pick(self.rng, "site", lambda e: e.base["status"] != "closed"
                          and e.info["owner"] != "admin")
        if ent is None:
            return
        if self.rng.random() < 0.3:
            data = self.rng.choice(self.doc_pool)  # the same content from several writers
        else:
            data = b"%PDF-1.4\n" + self.rng.randbytes(self.rng.choice((16, 900, 20000, 70000)))
        name = f"vedlegg-{next(self.uid)}.pdf"
        r = self.send("POST", f"/api/{ent.info['family']}/{ent.id}/documents",
                      ent.info["owner"], params={"name": name}, data=data,
                      headers={"Content-Type": "application/pdf"})
        if r.status_code == 201:
            v = r.json()
            sha = hashlib.sha256(data).hexdigest()
            assert v["sha256"] == sha and v["size"] == len(data), v
            with self.w.lock:
                doc = self.w.add("document", v["id"], {"site": ent.id}, {})
            self.w.ack("document", doc, {"sha256": sha, "size": len(data)},
                       ("document", v["id"], "attach", None))

    def op_import(self):
        header, row, col = self.w.import_csv
        title = self.title("import")
        row = list(row)
        row[col] = title
        out = io.StringIO()
        wr = csv.writer(out)
        wr.writerow(header)
        wr.writerow(row)
        r = self.send("POST", "/api/imports/listings", "developer", data=out.getvalue().encode(),
                      headers={"Content-Type": "text/csv"})
        if r.status_code == 201:
            for item in r.json()["items"]:
                with self.w.lock:
                    ent = self.w.add("site", item["id"], {"family": "listings",
                                                          "owner": "developer",
                                                          "type": item["type"]},
                                     {"version": 0})
                self.w.ack("import", ent, {"version": 1, "status": item["status"],
                                           "title": item["title"]},
                           ("listing", item["id"], "create", 1), newer_version)

    # -- deals and loads --

    def op_deal_reserve(self):
        def fits(e):
            return (e.info["family"] == "listings" and e.base["status"] == "published")
        ent = self.w.pick(self.rng, "site", fits)
        if ent is None:
            return
        owner_org = self.w.actor_org[ent.info["owner"]]
        actors = [a for a in LISTING_ACTORS if self.w.actor_org[a] != owner_org]
        reserver = self.rng.choice(actors)
        body = {"amount": {"value": self.rng.randrange(5, 60), "unit": "t"},
                "note": self.title("avtale")}
        hauled = self.rng.random() < 0.8
        if hauled:
            body["hauler_org"] = self.w.actor_org["hauler"]
        r = self.send("POST", f"/api/listings/{ent.id}/deals", reserver, json=body)
        if r.status_code == 201:
            v = r.json()
            with self.w.lock:
                deal = self.w.add("deal", v["id"], {"listing": ent.id, "owner": ent.info["owner"],
                                                    "reserver": reserver, "hauled": hauled},
                                  {"version": 0})
            self.w.ack("deal_reserve", deal, deal_state(v), ("deal", v["id"], "reserve", None),
                       newer_version)

    def op_deal_state(self):
        deal = self.w.pick(self.rng, "deal", lambda e: e.base["state"] in ("reserved", "agreed"))
        if deal is None:
            return
        cur = deal.base["state"]
        if cur == "reserved":
            to, actor = self.rng.choices((("agreed", "owner"), ("declined", "owner"),
                                          ("cancelled", "reserver")), (8, 1, 1))[0]
        else:
            to, actor = self.rng.choices((("completed", "owner"), ("completed", "reserver"),
                                          ("cancelled", "reserver")), (2, 1, 1))[0]
        actor = deal.info[actor]
        try:
            r = self.send("POST", f"/api/deals/{deal.id}/state", actor, json={"state": to},
                          headers={"If-Match": f'"{deal.base["version"]}"'})
        except Uncertain:
            self.w.maybe(deal, {"state": to})
            raise
        if r.status_code == 200:
            v = r.json()
            self.w.ack("deal_state", deal, deal_state(v), ("deal", deal.id, to, None),
                       newer_version)
        elif r.status_code == 412:
            self.refresh_deal(deal)

    def op_load_register(self):
        deal = self.w.pick(self.rng, "deal", lambda e: e.base["state"] == "agreed")
        if deal is None:
            return
        actor = "hauler" if deal.info["hauled"] else deal.info["reserver"]
        body = {"truck": f"KR{self.rng.randrange(10000, 99999)}",
                "euro_class": self.rng.choice(("VI", "V", "electric")),
                "amount": {"value": self.rng.randrange(5, 30), "unit": "t"}, "at": now_iso()}
        # A disputed load of this deal not yet replaced: correct it.
        bad = self.w.pick(self.rng, "load", lambda e: e.info["deal"] == deal.id
                          and e.base["state"] == "disputed" and not e.info.get("replaced"))
        if bad is not None and self.rng.random() < 0.7:
            body["replaces"] = bad.id
        r = self.send("POST", f"/api/deals/{deal.id}/deliveries", actor, json=body)
        if r.status_code == 201:
            v = r.json()
            with self.w.lock:
                if bad is not None and "replaces" in body:
                    bad.info["replaced"] = True
                load = self.w.add("load", v["id"], {"deal": deal.id,
                                                    "receiver": self.w.org_actor.get(
                                                        v["receiver_org"])}, {})
            self.w.ack("load_register", load, load_state(v),
                       ("delivery", v["id"], "register", None))

    def op_load_decide(self):
        load = self.w.pick(self.rng, "load", lambda e: e.base["state"] == "registered"
                           and e.info["receiver"])
        if load is None:
            return
        to = "confirmed" if self.rng.random() < 0.8 else "disputed"
        body = {"state": to}
        if to == "disputed":
            body["reason"] = "Feil vekt på lappen"
        try:
            r = self.send("POST", f"/api/deliveries/{load.id}/state", load.info["receiver"],
                          json=body)
        except Uncertain:
            self.w.maybe(load, {"state": to})
            raise
        if r.status_code == 200:
            v = r.json()
            self.w.ack("load_decide", load, {"state": v["state"]},
                       ("delivery", load.id, to, None))
        elif r.status_code == 409:
            # Decided by another writer in the meantime: read it.
            g = self.send("GET", f"/api/deliveries/{load.id}", "admin")
            if g.status_code == 200:
                with self.w.lock:
                    load.base["state"] = g.json()["state"]

    # -- accounts --

    def op_org_create(self):
        name = self.title("AS")
        r = self.send("POST", "/api/organisations", "admin", json={"name": name})
        if r.status_code == 201:
            v = r.json()
            with self.w.lock:
                ent = self.w.add("org", v["id"], {}, {})
            self.w.ack("org_create", ent, {"name": name},
                       ("organisation", v["id"], "create", None))

    def op_user_create(self):
        org = self.w.pick(self.rng, "org")
        if org is None:
            return self.op_org_create()
        email = f"bruker{next(self.uid)}-{self.rng.randrange(1 << 30)}@krasj.test"
        role = self.rng.choice(("developer", "contractor", "hauler"))
        r = self.send("POST", "/api/users", "admin", json={
            "org_id": org.id, "email": email, "name": "Krasj Bruker", "role": role,
            "password": SPARE_PASSWORD})
        if r.status_code == 201:
            v = r.json()
            with self.w.lock:
                ent = self.w.add("user", v["id"], {"org": org.id, "email": email}, {})
            self.w.ack("user_create", ent, {"role": role}, ("user", v["id"], "create", None))

    def op_role_change(self):
        # Only this writer touches its spare user, so its role is known.
        spare = self.w.ents[self.w.spares_key[self.index]]
        to = "contractor" if spare.base["role"] == "developer" else "developer"
        try:
            r = self.send("POST", f"/api/users/{spare.id}/role", "admin", json={"role": to})
        except Uncertain:
            self.w.maybe(spare, {"role": to})
            raise
        if r.status_code == 200:
            self.w.ack("role_change", spare, {"role": r.json()["role"]},
                       ("user", spare.id, "role", None))

    def op_password_change(self):
        actor = self.w.spares[self.index]
        key = ("password", actor)
        ent = self.w.ents[key]
        new = f"krasj-passord-{next(self.uid)}"
        try:
            r = self.send("POST", "/api/me/password", actor,
                          json={"current_password": ent.base["password"], "password": new})
        except Uncertain:
            self.w.maybe(ent, {"password": new})
            raise
        if r.status_code == 200:
            spare_user = self.w.actor_user[actor]
            self.w.ack("password_change", ent, {"password": new},
                       ("user", spare_user, "password", None))

    def op_login(self):
        actor = self.rng.choice(tuple(DEMO))
        r = self.send("POST", "/api/auth/login", json={"email": DEMO[actor],
                                                        "password": DEMO_PASSWORD})
        if r.status_code == 200:
            tok = r.json()["token"]
            with self.w.lock:
                ent = self.w.add("token", tok, {"actor": actor, "writer": self.index}, {})
            self.w.ack("login", ent, {"valid": True})

    def op_logout(self):
        ent = self.w.pick(self.rng, "token", lambda e: e.base["valid"]
                          and e.info["writer"] == self.index)
        if ent is None:
            return self.op_login()
        try:
            r = self.send("POST", "/api/auth/logout", token=ent.id)
        except Uncertain:
            self.w.maybe(ent, {"valid": False})
            raise
        if r.status_code == 200:
            self.w.ack("logout", ent, {"valid": False})

    def op_plan(self):
        body = {"municipalities": ["5001"], "from": "2026-03", "to": "2026-05",
                "name": self.title("plan")}
        r = self.send("POST", "/api/plans", "municipality", json=body)
        if r.status_code == 202:
            v = r.json()
            with self.w.lock:
                ent = self.w.add("job", v["id"], {"name": body["name"]}, {})
            self.w.ack("plan", ent, {"exists": True}, ("plan", v["id"], "request", None))


def site_state(v):
    return {"version": v["version"], "status": v["status"],
            "title": v.get("title") or v.get("name")}


def deal_state(v):
    return {"version": v["version"], "state": v["state"]}


def load_state(v):
    return {"state": v["state"], "deal": v["deal_id"], "seq": v["seq"], "code": v["code"]}


# ---- checking claims --------------------------------------------------------

def claim_covered(ent, i, actual):
    """Whether claim i of ent is met by the state read back (None: gone)."""
    c = ent.claims[i][1]
    later = [s for _, s in ent.claims[i + 1:]]
    if actual is None:
        return False
    k = ent.kind
    if k == "site":
        if "search" in actual:
            return False
        if actual["version"] > c["version"]:
            # Closed is final; anything else may have moved on.
            return c["status"] != "closed" or actual["status"] == "closed"
        return actual["version"] == c["version"] and all(
            actual[f] == c[f] for f in ("status", "title"))
    if k == "deal":
        if actual["version"] > c["version"]:
            return actual["state"] in deal_reachable(c["state"])
        return actual["version"] == c["version"] and actual["state"] == c["state"]
    if k == "load":
        if any(actual.get(f) != c[f] for f in ("deal", "seq", "code") if f in c):
            return False
        if actual["state"] == c["state"]:
            return True
        # Registered may have been decided by a later write of the round.
        return c["state"] == "registered" and any(s.get("state") == actual["state"]
                                                   for s in later)
    if k in ("role", "user"):
        return actual["role"] == c["role"] or any(s.get("role") == actual["role"]
                                                  for s in later)
    if k == "password":
        return actual["password"] == c["password"] or any(
            s.get("password") == actual["password"] for s in later)
    if k == "token":
        return actual["valid"] == c["valid"] or any(s.get("valid") == actual["valid"]
                                                    for s in later)
    if k == "document":
        return actual["sha256"] == c["sha256"] and actual["size"] == c["size"]
    if k == "org":
        return actual["name"] == c["name"]
    if k == "job":
        return True
    raise AssertionError(k)


class Reader:
    """Reads entities back through a running server, as the administrator."""

    def __init__(self, world, base):
        self.w, self.base = world, base
        self.http = requests.Session()
        self.users = {}

    def get(self, path, token=None):
        return send(self.http, self.base, "GET", path,
                    token=token if token is not None else self.w.tokens["admin"])

    def users_of(self, org):
        if org not in self.users:
            r = self.get(f"/api/organisations/{org}/users")
            self.users[org] = {u["id"]: u for u in r.json()["users"]} \
                if r.status_code == 200 else {}
        return self.users[org]

    def read(self, ent):
        k = ent.kind
        if k == "site":
            r = self.get(f"/api/{ent.info['family']}/{ent.id}")
            if r.status_code != 200:
                return None
            v = r.json()
            out = site_state(v)
            if v["status"] in ("published", "reserved"):
                # Public sites are searched through the read model; after
                # a restart it must show what the database holds.
                lat, lon = v["position"]["lat"], v["position"]["lon"]
                box = f"{lon - 0.0005},{lat - 0.0005},{lon + 0.0005},{lat + 0.0005}"
                s = self.get(f"/api/search?bbox={box}&type={v['type']}&per_page=500")
                found = [it for it in s.json().get("items", []) if it["id"] == ent.id] \
                    if s.status_code == 200 else []
                seen = (found[0]["version"], found[0]["status"]) if found else None
                if seen != (v["version"], v["status"]):
                    out["search"] = f"the search shows {seen} (HTTP {s.status_code})"
            return out
        if k == "deal":
            r = self.get(f"/api/deals/{ent.id}")
            return deal_state(r.json()) if r.status_code == 200 else None
        if k == "load":
            r = self.get(f"/api/deliveries/{ent.id}")
            if r.status_code != 200:
                return None
            v = load_state(r.json())
            t = send(self.http, self.base, "GET", "/api/tickets/" + v["code"])
            return v if t.status_code == 200 else None
        if k == "document":
            r = self.get(f"/api/documents/{ent.id}")
            if r.status_code != 200:
                return None
            return {"sha256": hashlib.sha256(r.content).hexdigest(), "size": len(r.content)}
        if k == "org":
            r = self.get(f"/api/organisations/{ent.id}")
            return {"name": r.json()["name"]} if r.status_code == 200 else None
        if k in ("user", "role"):
            u = self.users_of(ent.info["org"]).get(ent.id)
            return {"role": u["role"]} if u else None
        if k == "job":
            r = self.get(f"/api/jobs/{ent.id}")
            return {"exists": True} if r.status_code == 200 else None
        if k == "token":
            r = self.get("/api/me", token=ent.id)
            return {"valid": r.status_code == 200} if r.status_code in (200, 401) else None
        if k == "password":
            # The most recent candidate first; at most a few failed
            # sign-ins, far below the limiter's five per e-mail.
            cands = [s["password"] for _, s in reversed(ent.claims)] + [ent.base["password"]]
            seen = []
            for p in cands:
                if p in seen:
                    continue
                seen.append(p)
                r = send(self.http, self.base, "POST", "/api/auth/login",
                         json={"email": ent.info["email"], "password": p})
                if r.status_code == 200:
                    tok = r.json()["token"]
                    send(self.http, self.base, "POST", "/api/auth/logout", token=tok)
                    return {"password": p}
            return None
        raise AssertionError(k)


def db_read_all(db, files_dir):
    """The state of every known entity as the database holds it (for the
    sweep at the end of a database's life), keyed as world.ents."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    out = {}
    try:
        for i, v, st, t in con.execute("SELECT id, version, status, title FROM site"):
            out[("site", i)] = {"version": v, "status": st, "title": t}
        for i, v, st in con.execute("SELECT id, version, state FROM deal"):
            out[("deal", i)] = {"version": v, "state": st}
        for i, d, s, c, st in con.execute("SELECT id, deal_id, seq, code, state FROM delivery"):
            out[("load", i)] = {"deal": d, "seq": s, "code": c, "state": st}
        for i, sha, size in con.execute("SELECT id, sha256, size FROM document"):
            try:
                with open(os.path.join(files_dir, sha), "rb") as f:
                    data = f.read()
                out[("document", i)] = {"sha256": hashlib.sha256(data).hexdigest(),
                                        "size": len(data)}
            except OSError:
                out[("document", i)] = {"sha256": "(file missing)", "size": -1}
        for i, n in con.execute("SELECT id, name FROM org"):
            out[("org", i)] = {"name": n}
        for i, role in con.execute("SELECT id, role FROM user"):
            out[("user", i)] = out[("role", i)] = {"role": role}
        for (i,) in con.execute("SELECT id FROM job"):
            out[("job", i)] = {"exists": True}
    finally:
        con.close()
    return out


def check_copy(db_copy, cli, owed, after_seq):
    """integrity_check, foreign_key_check and the audit chain on a copy of
    the crashed files, and the audit entries the acknowledged writes owe.
    Returns (integrity problems, audit problems, missing entries, the
    copy's last audit seq)."""
    integrity, audit, missing = [], [], []
    last = after_seq
    try:
        con = sqlite3.connect(db_copy, timeout=30)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check")]
            if rows != ["ok"]:
                integrity.append("integrity_check: " + "; ".join(rows[:10]))
            fk = con.execute("PRAGMA foreign_key_check").fetchall()
            if fk:
                integrity.append(f"foreign_key_check: {fk[:10]}")
            have = collections.Counter()
            versions = collections.defaultdict(set)
            for seq, ent, eid, action, detail in con.execute(
                    "SELECT seq, entity, entity_id, action, detail FROM audit WHERE seq > ?",
                    (after_seq,)):
                last = max(last, seq)
                have[(ent, eid, action)] += 1
                if action in ("create", "update"):
                    try:
                        versions[(ent, eid, action)].add(json.loads(detail).get("version"))
                    except ValueError:
                        pass
            need = collections.Counter((e, i, a) for e, i, a, _, _ in owed)
            for key, n in need.items():
                if have[key] < n:
                    missing.append(f"{key}: {n} acknowledged, {have[key]} in the audit log")
            for e, i, a, ver, op in owed:
                if ver is not None and ver not in versions[(e, i, a)]:
                    missing.append(f"{(e, i, a)}: no entry of version {ver} ({op})")
        finally:
            con.close()
    except sqlite3.Error as e:
        integrity.append(f"sqlite: {e}")
    p = subprocess.run([cli, "audit", "verify", "--db", db_copy], capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        audit.append(f"audit verify exit {p.returncode}: {(p.stdout + p.stderr)[-1500:]}")
    elif "entries signed, all by key" not in p.stdout or "rows:" not in p.stdout:
        audit.append(f"audit verify did not check signatures and rows: {p.stdout[-500:]}")
    return integrity, audit, missing, last


# ---- the run ----------------------------------------------------------------

class Result:
    def __init__(self):
        self.kills = 0
        self.checked = 0
        self.lost = 0
        self.integrity = 0
        self.audit = 0
        self.audit_missing = 0
        self.restart = 0
        self.stop_failures = 0
        self.uncertain = 0
        self.errors_5xx = []
        self.acked = collections.Counter()
        self.problems = []
        self.wall = 0.0
        self.kept = None

    @property
    def ok(self):
        return not (self.lost or self.integrity or self.audit or self.audit_missing
                    or self.restart or self.stop_failures)

    def summary(self):
        return (f"crash: kills {self.kills}, acknowledged writes checked {self.checked}, "
                f"lost writes {self.lost}, integrity failures {self.integrity}, "
                f"audit failures {self.audit + self.audit_missing}, restart failures "
                f"{self.restart}, unclean stops {self.stop_failures}, "
                f"wall {self.wall:.1f} s")


def _make_template(server, workdir, clients, log):
    """A demo database with the harness's users, tokens and a pool of
    listings, deals and loads; stopped cleanly. Returns (path, world)."""
    tdir = os.path.join(workdir, "template")
    os.makedirs(tdir)
    db = os.path.join(tdir, "market.db")
    srv = ServerProc(server, db, tdir).start()
    w = World()
    http = requests.Session()

    def call(method, path, actor=None, expect=None, **kw):
        r = send(http, srv.base, method, path,
                 token=w.tokens.get(actor) if actor else None, **kw)
        if expect is not None and r.status_code != expect:
            raise AssertionError(f"template: {method} {path}: {r.status_code} {r.text[:300]}")
        return r

    try:
        for actor, email in DEMO.items():
            w.tokens[actor] = call("POST", "/api/auth/login", expect=200, json={
                "email": email, "password": DEMO_PASSWORD}).json()["token"]
            me = call("GET", "/api/me", actor, expect=200).json()
            w.actor_org[actor] = me["organisation"]["id"]
            w.actor_user[actor] = me["user"]["id"]
            w.org_actor[me["organisation"]["id"]] = actor
        spare_org = call("POST", "/api/organisations", "admin", expect=201,
                         json={"name": "Krasjtest AS"}).json()["id"]
        for i in range(clients):
            actor = f"spare{i}"
            email = f"krasj{i}@krasj.test"
            u = call("POST", "/api/users", "admin", expect=201, json={
                "org_id": spare_org, "email": email, "name": f"Krasj {i}",
                "role": "developer", "password": SPARE_PASSWORD}).json()
            w.tokens[actor] = call("POST", "/api/auth/login", expect=200, json={
                "email": email, "password": SPARE_PASSWORD}).json()["token"]
            w.actor_org[actor] = spare_org
            w.actor_user[actor] = u["id"]
            w.spares.append(actor)
            w.add("role", u["id"], {"org": spare_org}, {"role": "developer"})
            w.add("password", actor, {"email": email}, {"password": SPARE_PASSWORD})
        w.org_actor[spare_org] = w.spares[0] if w.spares else None
        w.spares_key = [("role", w.actor_user[a]) for a in w.spares]
        # The import's one row: a row of the developer's own export.
        text = call("GET", "/api/exports/listings", "developer", expect=200,
                    params={"format": "csv", "scope": "mine"}).text
        lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        w.import_csv = (lines[0], lines[1], lines[0].index("title"))
        # A pool to work on from the first round: published listings of
        # every owner, deals in each state, loads to decide.
        rng = random.Random(1)
        pool = Writer(w, srv.base, 0, rng, threading.Event(), itertools.count(1), "login", [b"x"])
        for actor in LISTING_ACTORS * 4:
            for type_ in ("supply", "need"):
                body = pool.listing_body(type_, f"Krasj pool {actor} {type_}")
                r = call("POST", "/api/listings", actor, expect=201,
                         params={"status": "published"}, json=body)
                v = r.json()
                w.add("site", v["id"], {"family": "listings", "owner": actor, "type": type_,
                                        "body": body}, site_state(v))
        for _ in range(12):
            pool.op_deal_reserve()
        for d in [e for (k, _), e in list(w.ents.items()) if k == "deal"][:8]:
            r = call("POST", f"/api/deals/{d.id}/state", d.info["owner"], expect=200,
                     json={"state": "agreed"})
            d.base.update(deal_state(r.json()))
        for _ in range(8):
            pool.op_load_register()
        pool.http.close()
        # Deals may have made listings reserved: read what they are.
        for e in [e for (k, _), e in w.ents.items() if k == "site"]:
            e.base.update(site_state(call("GET", f"/api/listings/{e.id}", "admin",
                                          expect=200).json()))
        for e in w.ents.values():
            e.claims = []
        w.acked.clear()
        w.audit_owed = []
        w.touched = set()
    finally:
        http.close()
        rc = srv.stop()
    if rc != 0 or srv.sanitizer_report():
        raise AssertionError(f"the template server stopped with {rc}: {srv.stderr()[-3000:]}")
    log(f"crash: template ready ({len(w.ents)} entities, {clients} spare users)")
    return db, w


def _copy_db(src, dst_dir, with_shm=False):
    os.makedirs(dst_dir, exist_ok=True)
    dst = os.path.join(dst_dir, os.path.basename(src))
    # The audit key goes with the database (docs/deals.md): with it the
    # copy's verify checks every entry's signature too.
    for suffix in ("", "-wal", ".key") + (("-shm",) if with_shm else ()):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)
    return dst


def run(kills=1000, clients=6, server=None, cli=None, fresh_every=50, max_delay_ms=300,
        seed=None, workdir=None, keep=False, log=print, inject_loss=(), min_delay_ms=0,
        long_every=10, long_delay_ms=2000):
    """Kill the server `kills` times; returns a Result. Raises on a harness
    error (a writer's exception), never leaves a server running.
    Every long_every-th kill comes 0..long_delay_ms after the start
    instead (0: never), so that the slow writes (those that hash a
    password with argon2: new users, password changes, sign-ins) are
    acknowledged too, not only caught in flight.
    inject_loss: kill numbers (1-based) after which the database is put
    back as it was before the round's writes, to show that the checks
    see lost writes (the harness's own test)."""
    assert server and cli, "the server and CLI binaries are needed"
    seed = seed if seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    own_dir = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="mb-crash-")
    os.makedirs(workdir, exist_ok=True)
    res = Result()
    t_start = time.monotonic()
    log(f"crash: seed {seed}, {kills} kills, {clients} writers, fresh database every "
        f"{fresh_every} kills, kill {min_delay_ms}-{max_delay_ms} ms after the writers start"
        + (f" (every {long_every}th kill 0-{long_delay_ms} ms)" if long_every else "")
        + f", work in {workdir}")
    uid = itertools.count(1)
    doc_pool = [b"%PDF-1.4\n" + random.Random(i).randbytes(s)
                for i, s in enumerate((10, 5000, 60000, 200000))]
    srv = None
    failed_dirs = []
    try:
        template, tworld = _make_template(server, workdir, clients, log)
        gen = 0
        while res.kills < kills:
            gen += 1
            gdir = os.path.join(workdir, f"gen-{gen}")
            db = _copy_db(template, gdir)
            files = db + ".files"
            os.makedirs(files, exist_ok=True)
            world = tworld.clone()
            audit_seq = 0
            srv = ServerProc(server, db, gdir, demo=False).start()
            gen_ok = True
            for _ in range(min(fresh_every, kills - res.kills)):
                k = res.kills + 1
                delays = (0, long_delay_ms) if long_every and k % long_every == 0 \
                    else (min_delay_ms, max_delay_ms)
                r_ok, audit_seq, srv = _round(res, world, srv, server, cli, gdir, rng, uid,
                                              doc_pool, clients, delays, audit_seq, gen, log,
                                              k in inject_loss)
                if not r_ok:
                    failed_dirs.append(gdir)
                if srv is None:  # it did not restart: this database is done
                    gen_ok = False
                    break
            if srv is not None:
                rc = srv.stop()
                rep = srv.sanitizer_report()
                if rc != 0 or rep:
                    res.stop_failures += 1
                    res.problems.append(f"gen {gen}: SIGTERM exit {rc}: "
                                        f"{(rep or srv.stderr())[-2000:]}")
                    failed_dirs.append(gdir)
                srv = None
            if gen_ok:
                bad = _sweep(world, db, files)
                if bad:
                    res.lost += len(bad)
                    res.problems.extend(f"gen {gen} sweep: {b}" for b in bad)
                    failed_dirs.append(gdir)
                    log(f"crash: gen {gen}: the sweep found {len(bad)} problems: {bad[:3]}")
            if gdir not in failed_dirs and not keep:
                shutil.rmtree(gdir, ignore_errors=True)
    finally:
        if srv is not None:
            srv.kill9()
        kill_all_servers()
        res.wall = time.monotonic() - t_start
        if failed_dirs or keep:
            res.kept = workdir
        elif own_dir:
            shutil.rmtree(workdir, ignore_errors=True)
    return res


def _round(res, world, srv, server_bin, cli, gdir, rng, uid, doc_pool, clients, delay_ms,
           audit_seq, gen, log, inject):
    """One kill. Returns (no problem, the audit seq checked up to, the
    restarted server or None when it did not restart)."""
    n = res.kills
    if inject:
        # A consistent snapshot of the committed state (the backup API
        # reads through the WAL), put back after the kill.
        before = os.path.join(gdir, "before-round.db")
        src = sqlite3.connect(f"file:{srv.db}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(before)
        src.backup(dst)
        src.close()
        dst.close()
    res.kills += 1
    stop = threading.Event()
    world.touched = set()
    world.audit_owed = []
    acked_before = collections.Counter(world.acked)
    unc_before = world.uncertain
    err_before = len(world.errors_5xx)
    for e in world.ents.values():
        e.claims = []
    writers = [Writer(world, srv.base, i, random.Random(rng.randrange(1 << 32)), stop, uid,
                      OP_KINDS[(n * clients + i) % len(OP_KINDS)], doc_pool)
               for i in range(clients)]
    delay = rng.uniform(*delay_ms) / 1000.0
    for t in writers:
        t.start()
    time.sleep(delay)
    # Stop first, so that writers do not spin on refused connections
    # between the kill and the stop; what is in flight stays in flight.
    stop.set()
    srv.kill9()
    t_kill = time.monotonic()
    if inject:
        for suffix in ("-wal", "-shm"):
            if os.path.exists(srv.db + suffix):
                os.unlink(srv.db + suffix)
        shutil.copyfile(before, srv.db)
        log(f"crash: kill {n + 1}: injected loss: the database is back as before the round")
    for t in writers:
        t.join(timeout=120)
        if t.is_alive():
            raise AssertionError("a writer did not stop after the kill")
        if t.error is not None:
            raise t.error
    ok = True
    # Checks on a copy of the crashed files while the server restarts on
    # the files themselves.
    cdir = os.path.join(gdir, "copy")
    shutil.rmtree(cdir, ignore_errors=True)
    copy = _copy_db(srv.db, cdir)
    owed = list(world.audit_owed)
    box = {}
    checker = threading.Thread(target=lambda: box.update(
        r=check_copy(copy, cli, owed, audit_seq)), daemon=True)
    checker.start()
    new = ServerProc(server_bin, srv.db, gdir, demo=False)
    try:
        new.start()
    except StartFailure as e:
        res.restart += 1
        res.problems.append(f"gen {gen} kill {n + 1}: {e}")
        log(f"crash: kill {n + 1}: THE SERVER DID NOT RESTART: {e}")
        new = None
        ok = False
    t_up = time.monotonic()
    checker.join()
    t_checked = time.monotonic()
    integrity, audit, missing, audit_seq = box["r"]
    if integrity:
        res.integrity += 1
        ok = False
    if audit:
        res.audit += 1
        ok = False
    res.audit_missing += len(missing)
    for p in integrity + audit + missing:
        res.problems.append(f"gen {gen} kill {n + 1}: {p}")
    if integrity or audit or missing:
        keep = os.path.join(gdir, f"crashed-{n + 1}")
        shutil.copytree(cdir, keep)
        ok = False
    # Read back what the round touched.
    lost_here = []
    checked = 0
    if new is not None:
        reader = Reader(world, new.base)
        try:
            for key in sorted(world.touched, key=str):
                ent = world.ents[key]
                try:
                    actual = reader.read(ent)
                except Uncertain as e:
                    actual = None
                    lost_here.append(f"{key}: reading it failed: {e}")
                for i, (how, c) in enumerate(ent.claims):
                    if how != "ack":
                        continue
                    checked += 1
                    if not claim_covered(ent, i, actual):
                        lost_here.append(f"{key}: acknowledged {c}, read back {actual}")
                if actual is not None:
                    ent.base.update({f: x for f, x in actual.items() if f != "search"})
                    if ent.kind == "site" and actual["status"] == "closed":
                        ent.base["status"] = "closed"
        finally:
            reader.http.close()
    res.checked += checked
    res.lost += len(lost_here)
    res.problems.extend(f"gen {gen} kill {n + 1}: lost: {p}" for p in lost_here)
    if lost_here:
        ok = False
        keep = os.path.join(gdir, f"crashed-{n + 1}")
        if not os.path.exists(keep):
            shutil.copytree(cdir, keep)
    delta = collections.Counter(world.acked)
    delta.subtract(acked_before)
    res.acked.update(delta)
    acked_now = sum(delta.values())
    res.uncertain += world.uncertain - unc_before
    res.errors_5xx.extend(world.errors_5xx[err_before:])
    log(f"crash: kill {n + 1} (gen {gen}) at {delay * 1000:5.1f} ms: {acked_now:3d} acked, "
        f"{world.uncertain - unc_before} uncertain, {checked} checked "
        f"(restart {t_up - t_kill:.2f} s, checks {t_checked - t_kill:.2f} s, "
        f"read back {time.monotonic() - t_checked:.2f} s)"
        + ("" if ok else f": {len(lost_here)} lost, integrity {len(integrity)}, "
           f"audit {len(audit)}, missing entries {len(missing)}"))
    return ok, audit_seq, new


def _sweep(world, db, files):
    """Every known entity against the database of a cleanly stopped server:
    no claims are open, so each must be exactly as last read."""
    have = db_read_all(db, files)
    bad = []
    for key, ent in world.ents.items():
        if ent.kind in ("password", "token"):
            continue  # checked through the API in the rounds
        actual = have.get(key)
        want = {k: v for k, v in ent.base.items() if k in (actual or {})}
        if actual is None or not want or any(actual[k] != v for k, v in want.items()):
            bad.append(f"{key}: expected {ent.base}, the database has {actual}")
    return bad
