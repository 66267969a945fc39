"""The audit log through the API and the CLI: every change to listings,
deals and deliveries is appended with who, when and what, each entry
linked to the one before by its hash; `massebank audit verify` finds an
edited, a deleted and a reordered entry (edited with sqlite3 behind the
server's back) and names the first bad one."""
import hashlib
import os
import shutil
import sqlite3
import subprocess
import time

import pytest

from conftest import create_listing, supply

CLI = os.environ.get("MB_CLI", "")


def canonical(e):
    """The serialisation docs/deals.md specifies, recomputed here
    independently of the C code."""
    detail = e["detail_text"]
    fields = [str(e["seq"]), str(e["at"]), str(e["user_id"]), str(e["org_id"]), e["entity"],
              str(e["entity_id"]), e["action"], detail, e["prev_hash"]]
    # Version 2 (schema 5 on) adds the state the entry wrote.
    out = b"massebank-audit/2\n" if e.get("state") else b"massebank-audit/1\n"
    if e.get("state"):
        fields.append(e["state"])
    for f in fields:
        b = f.encode()
        out += str(len(b)).encode() + b":" + b + b"\n"
    return out


def rows(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cur = con.execute("SELECT seq, at, user_id, org_id, entity, entity_id, action, detail,"
                          " prev_hash, hash, state, sig FROM audit ORDER BY seq")
        keys = ["seq", "at", "user_id", "org_id", "entity", "entity_id", "action",
                "detail_text", "prev_hash", "hash", "state", "sig"]
        return [dict(zip(keys, r)) for r in cur]
    finally:
        con.close()


def verify(db):
    assert CLI, "set MB_CLI"
    return subprocess.run([CLI, "audit", "verify", "--db", db], capture_output=True, text=True,
                          timeout=120)


def make_history(api):
    dev, con, hau = (api.token(r) for r in ("developer", "contractor", "hauler"))
    lst = create_listing(api, dev, supply(title="Revisjon"), status="draft")
    lid = lst["id"]
    api.post(f"/api/listings/{lid}/status", token=dev, json={"status": "published"}, expect=200)
    api.put(f"/api/listings/{lid}", token=dev, json=supply(title="Revisjon 2"), expect=200)
    d = api.post(f"/api/listings/{lid}/deals", token=con, expect=201,
                 json={"amount": {"value": 50, "unit": "t"},
                       "hauler_org": api.me("hauler")["organisation"]["id"]}).json()
    api.post(f"/api/deals/{d['id']}/state", token=dev, json={"state": "agreed"}, expect=200)
    t = api.post(f"/api/deals/{d['id']}/deliveries", token=hau, expect=201,
                 json={"truck": "AB12345", "euro_class": "electric",
                       "amount": {"value": 25, "unit": "t"},
                       "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}).json()
    api.post(f"/api/deliveries/{t['id']}/state", token=con, json={"state": "confirmed"},
             expect=200)
    return lid, d["id"]


def test_every_change_is_logged_and_chained(server, api):
    lid, did = make_history(api)
    admin = api.token("admin")
    # Every page: the demo seed's entries come first (its sites and deals).
    items, after = [], 0
    while True:
        page = api.get("/api/audit", token=admin, params={"limit": 500, "after": after},
                       expect=200).json()
        items += page["items"]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert ("listing", "create") in [(e["entity"], e["action"]) for e in items
                                     if e["detail"].get("seed")], "the seed is logged"
    acts = [(e["entity"], e["action"]) for e in items]
    for want in [("listing", "create"), ("listing", "status"), ("listing", "update"),
                 ("deal", "reserve"), ("deal", "agreed"), ("delivery", "register"),
                 ("delivery", "confirmed")]:
        assert want in acts, (want, acts)
    upd = next(e for e in items if e["entity"] == "listing" and e["action"] == "update"
               and e["entity_id"] == lid)
    assert upd["detail"]["changed"]["title"] == {"from": "Revisjon", "to": "Revisjon 2"}
    assert upd["user_id"] == api.me("developer")["user"]["id"]
    # Linked: each prev_hash is the hash before; the hash is SHA-256 of the
    # documented serialisation.
    for a, b in zip(items, items[1:]):
        assert b["prev_hash"] == a["hash"] and b["seq"] == a["seq"] + 1
    for r in rows(server.db):
        assert hashlib.sha256(canonical(r)).hexdigest() == r["hash"]
    # Paging and filters.
    first = api.get("/api/audit", token=admin, params={"limit": 2}, expect=200).json()
    assert len(first["items"]) == 2 and first["next_after"] == first["items"][1]["seq"]
    nxt = api.get("/api/audit", token=admin, params={"after": first["next_after"], "limit": 1},
                  expect=200).json()
    assert nxt["items"][0]["seq"] == first["next_after"] + 1
    only = api.get("/api/audit", token=api.token("municipality"),
                   params={"entity": "deal", "entity_id": did}, expect=200).json()["items"]
    # A deal's entries include its loads'.
    assert {e["entity"] for e in only} == {"deal", "delivery"}
    assert {e["entity_id"] for e in only if e["entity"] == "deal"} == {did}
    api.get("/api/audit", token=api.token("contractor"), expect=403, field="role")
    api.get(f"/api/listings/{lid}/history", token=api.token("contractor"), expect=403)
    # A refused change writes no entry.
    n = len(rows(server.db))
    api.put(f"/api/listings/{lid}", token=api.token("developer"),
            json=supply(amount={"value": 1, "unit": "m3"}), expect=400)
    assert len(rows(server.db)) == n


def test_organisations_users_and_documents_are_logged(server, api):
    """Each of these writes leaves exactly one new entry, the chain still
    verifies, and a user's entry carries no password or hash."""
    admin, dev = api.token("admin"), api.token("developer")
    n = len(rows(server.db))
    org = api.post("/api/organisations", token=admin, json={"name": "Revisor AS"},
                   expect=201).json()
    after_org = rows(server.db)
    assert len(after_org) == n + 1
    assert (after_org[-1]["entity"], after_org[-1]["action"], after_org[-1]["entity_id"]) == \
        ("organisation", "create", org["id"])
    user = api.post("/api/users", token=admin, json={
        "org_id": org["id"], "email": "revisor@example.com", "name": "R", "role": "developer",
        "password": "secret-pass-9"}, expect=201).json()
    after_user = rows(server.db)
    assert len(after_user) == n + 2
    last = after_user[-1]
    assert (last["entity"], last["action"]) == ("user", "create")
    assert "secret-pass-9" not in last["detail_text"] and "argon2" not in last["detail_text"]
    lst = create_listing(api, dev, supply(title="Med vedlegg"), status="draft")
    m = len(rows(server.db))
    api.post(f"/api/listings/{lst['id']}/documents", token=dev, params={"name": "a.pdf"},
             data=b"%PDF-1.4 test", headers={"Content-Type": "application/pdf"}, expect=201)
    after_doc = rows(server.db)
    assert len(after_doc) == m + 1
    assert (after_doc[-1]["entity"], after_doc[-1]["action"]) == ("document", "attach")
    got = api.get("/api/audit", token=admin, params={"entity": "user", "entity_id": user["id"]},
                  expect=200).json()["items"]
    assert [e["action"] for e in got] == ["create"]
    p = verify(server.db)
    assert p.returncode == 0, p.stdout + p.stderr


@pytest.fixture(scope="module")
def stopped_db():
    """A database with a history, its server stopped (WAL folded in)."""
    import tempfile
    from conftest import Server
    d = tempfile.mkdtemp(prefix="mb-audit-")
    s = Server(d, demo=True).start()
    try:
        make_history(s.api)
    finally:
        s.stop()
    yield s.db
    shutil.rmtree(d, ignore_errors=True)


def tampered(db, sql):
    """A copy of db with sql applied (the append-only triggers dropped
    first, as anyone with the file can)."""
    copy = db + ".t%d" % (abs(hash(sql)) % 100000)
    shutil.copyfile(db, copy)
    con = sqlite3.connect(copy)
    con.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" + sql)
    con.commit()
    con.close()
    return copy


def test_cli_verifies_an_intact_log(stopped_db):
    r = verify(stopped_db)
    n = len(rows(stopped_db))
    assert n >= 7
    assert r.returncode == 0, r.stderr
    assert f"{n} entries, chain intact" in r.stdout
    last = rows(stopped_db)[-1]["hash"]
    assert f"head {last}" in r.stdout


def test_cli_names_an_edited_entry(stopped_db):
    db = tampered(stopped_db, "UPDATE audit SET detail = '{\"amount_t\":1}' WHERE seq = 4;")
    r = verify(db)
    assert r.returncode == 1
    assert "entry 4: edited" in r.stderr, r.stderr


def test_cli_names_a_deleted_entry(stopped_db):
    db = tampered(stopped_db, "DELETE FROM audit WHERE seq = 3;")
    r = verify(db)
    assert r.returncode == 1
    assert "entry 3: missing" in r.stderr, r.stderr


def test_cli_names_a_reordered_entry(stopped_db):
    db = tampered(stopped_db,
                  "CREATE TEMP TABLE t AS SELECT * FROM audit WHERE seq IN (2, 3);"
                  "UPDATE audit SET (at, user_id, org_id, entity, entity_id, action, detail,"
                  " prev_hash, hash) = (SELECT at, user_id, org_id, entity, entity_id, action,"
                  " detail, prev_hash, hash FROM t WHERE t.seq = 5 - audit.seq)"
                  " WHERE seq IN (2, 3);")
    r = verify(db)
    assert r.returncode == 1
    assert "entry 2: reordered" in r.stderr, r.stderr


def test_cli_refuses_a_missing_file(tmp_path):
    r = verify(str(tmp_path / "nothing.db"))
    assert r.returncode == 1 and "--db" in r.stderr
    assert not (tmp_path / "nothing.db").exists()
    r = subprocess.run([CLI, "audit", "check"], capture_output=True, text=True)
    assert r.returncode == 2
