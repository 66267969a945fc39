"""The audit log's outside anchor (issue 13, item 7): entries signed with
the server's Ed25519 key, each naming the hash of the row it wrote, and a
signed head kept elsewhere. Each way of tampering the hostile review found
passing `massebank audit verify` is made here on a copy of a real
database and must now fail, naming what was done: the last entry cut, the
whole log emptied, an entry appended, the chain recomputed after an edit,
a data row edited without touching the log, and - by someone holding the
key - the log rewritten behind a kept head."""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time

import pytest

from conftest import Server
from test_audit import canonical, make_history, rows

CLI = os.environ.get("MB_CLI", "")


def cli(*args):
    return subprocess.run([CLI, "audit", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def history():
    """A database with a history, a head signed by its server while it
    ran (GET /api/audit/head), and the server stopped."""
    d = tempfile.mkdtemp(prefix="mb-anchor-")
    s = Server(d, demo=True).start()
    try:
        make_history(s.api)
        head = s.api.get("/api/audit/head", token=s.api.token("admin"), expect=200).json()
        s.api.get("/api/audit/head", token=s.api.token("developer"), expect=403, field="role")
        s.api.get("/api/audit/head", expect=401)
    finally:
        s.stop()
    head_path = os.path.join(d, "head.json")
    with open(head_path, "w", encoding="utf-8") as f:
        json.dump(head, f)
    yield {"dir": d, "db": s.db, "head": head, "head_path": head_path, "server": s}
    shutil.rmtree(d, ignore_errors=True)


def copy_of(h, sql="", name="t"):
    """A copy of the database with its key file, and sql applied with the
    append-only triggers dropped (as anyone with the file can)."""
    db = os.path.join(h["dir"], f"{name}-{abs(hash(sql)) % 100000}.db")
    shutil.copyfile(h["db"], db)
    shutil.copyfile(h["db"] + ".key", db + ".key")
    con = sqlite3.connect(db)
    con.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;" + sql)
    con.commit()
    con.close()
    return db


def test_the_intact_log_reaches_its_kept_head(history):
    h = history["head"]
    entries = rows(history["db"])
    assert h["format"] == "massebank-audit-head/1"
    assert h["seq"] == len(entries) and h["hash"] == entries[-1]["hash"]
    # Every entry is signed and names its row's state (plans excepted).
    assert all(len(e["sig"]) == 128 for e in entries)
    assert all(len(e["state"]) == 64 for e in entries if e["entity"] != "plan")
    # The hash is the documented version-2 serialisation.
    assert all(hashlib.sha256(canonical(e)).hexdigest() == e["hash"] for e in entries)
    r = cli("verify", "--db", history["db"], "--head", history["head_path"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{len(entries)} of {len(entries)} entries signed" in r.stdout
    assert f"kept head: entry {h['seq']} of {h['at']} is in the log" in r.stdout
    # The CLI signs the same head with the key file.
    out = os.path.join(history["dir"], "head-cli.json")
    r = cli("head", "--db", history["db"], "-o", out)
    assert r.returncode == 0, r.stderr
    with open(out, encoding="utf-8") as f:
        again = json.load(f)
    assert (again["seq"], again["hash"], again["public_key"]) == \
        (h["seq"], h["hash"], h["public_key"])


def test_cutting_the_last_entry_is_found(history):
    n = history["head"]["seq"]
    db = copy_of(history, f"DELETE FROM audit WHERE seq = {n};", "cut1")
    r = cli("verify", "--db", db, "--head", history["head_path"])
    assert r.returncode == 1 and "truncated" in r.stderr, r.stdout + r.stderr
    # Even without the head: the row that entry wrote is no longer as the
    # log says.
    r = cli("verify", "--db", db)
    assert r.returncode == 1 and "row_changed" in r.stderr, r.stdout + r.stderr


def test_cutting_the_last_ten_is_found(history):
    n = history["head"]["seq"]
    db = copy_of(history, f"DELETE FROM audit WHERE seq > {n - 10};", "cut10")
    r = cli("verify", "--db", db, "--head", history["head_path"])
    assert r.returncode == 1 and "truncated" in r.stderr, r.stderr


def test_emptying_the_log_is_found(history):
    db = copy_of(history, "DELETE FROM audit;", "empty")
    r = cli("verify", "--db", db, "--head", history["head_path"])
    assert r.returncode == 1 and "truncated" in r.stderr, r.stderr
    r = cli("verify", "--db", db)
    assert r.returncode == 1 and "row_unaudited" in r.stderr and \
        "written outside the program" in r.stderr, r.stderr


def forge(e, prev, seq):
    """An entry computed as the documented serialisation says, by someone
    without the key."""
    f = dict(e, seq=seq, prev_hash=prev)
    f["hash"] = hashlib.sha256(canonical(f)).hexdigest()
    return f


def insert(db, entries):
    con = sqlite3.connect(db)
    con.executescript("DROP TRIGGER IF EXISTS audit_no_update;"
                      " DROP TRIGGER IF EXISTS audit_no_delete;")
    for e in entries:
        con.execute("INSERT OR REPLACE INTO audit(seq, at, user_id, org_id, entity, entity_id,"
                    " action, detail, prev_hash, hash, state, sig)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (e["seq"], e["at"], e["user_id"], e["org_id"], e["entity"], e["entity_id"],
                     e["action"], e["detail_text"], e["prev_hash"], e["hash"], e["state"],
                     e["sig"]))
    con.commit()
    con.close()


def test_an_appended_entry_is_found(history):
    entries = rows(history["db"])
    last = entries[-1]
    for sig in ("", last["sig"], "ab" * 64):  # none, another entry's, made up
        db = copy_of(history, name="append" + sig[:4])
        e = forge(dict(last, action="confirmed", detail_text='{"forged":true}', sig=sig),
                  last["hash"], last["seq"] + 1)
        insert(db, [e])
        r = cli("verify", "--db", db)
        assert r.returncode == 1, r.stdout
        assert f"entry {e['seq']}: forged" in r.stderr, r.stderr


def test_a_chain_recomputed_after_an_edit_is_found(history):
    entries = rows(history["db"])
    db = copy_of(history, name="recompute")
    k = len(entries) - 5
    prev = entries[k - 1]["hash"]
    redone = []
    for i, e in enumerate(entries[k:]):
        e = dict(e, detail_text='{"amount_t":1}' if i == 0 else e["detail_text"])
        e = forge(e, prev, e["seq"])
        prev = e["hash"]
        redone.append(e)
    insert(db, redone)
    r = cli("verify", "--db", db)
    assert r.returncode == 1 and f"entry {entries[k]['seq']}: forged" in r.stderr, r.stderr


def test_a_data_table_edit_is_found(history):
    con = sqlite3.connect(f"file:{history['db']}?mode=ro", uri=True)
    deal_id = con.execute("SELECT max(id) FROM deal").fetchone()[0]
    site_id = con.execute("SELECT max(id) FROM site").fetchone()[0]
    con.close()
    for what, sql in (("deal", f"UPDATE deal SET amount_t = amount_t * 10 WHERE id = {deal_id}"),
                      ("listing", f"UPDATE site SET price = price + 1 WHERE id = {site_id}"),
                      ("delivery", "UPDATE delivery SET state = 'disputed'"),
                      ("deal", f"INSERT INTO deal SELECT {deal_id} + 100, listing_id, org_id,"
                               " user_id, counterpart_site, hauler_org, amount_t, amount_value,"
                               " amount_unit, price, from_m, to_m, use, note, state, created,"
                               f" updated, version FROM deal WHERE id = {deal_id}")):
        db = copy_of(history, sql + ";", "row")
        r = cli("verify", "--db", db)
        assert r.returncode == 1, (sql, r.stdout)
        assert "outside the program" in r.stderr and what in r.stderr, (sql, r.stderr)
    db = copy_of(history, "DELETE FROM delivery;", "gone")
    r = cli("verify", "--db", db)
    assert r.returncode == 1 and "row_gone" in r.stderr, r.stderr


def test_a_log_rewritten_with_the_key_misses_the_kept_head(history):
    """Someone with the database and its key cuts the log back and lets
    the program write new entries on top: the chain and the signatures
    hold, the kept head does not."""
    n = history["head"]["seq"]
    db = copy_of(history, name="rewrite")
    con = sqlite3.connect(db)
    con.executescript(f"DELETE FROM audit WHERE seq > {n - 3};"
                      f" DELETE FROM delivery; DELETE FROM deal;")
    con.commit()
    con.close()
    # The program writes again on the cut log (a server on the copy).
    d = os.path.dirname(db)
    s = Server(d, demo=False, db=db).start()
    try:
        api = s.api
        for i in range(4):
            api.post("/api/organisations", token=api.token("admin"),
                     json={"name": f"Omskrevet {i} AS"}, expect=201)
    finally:
        s.stop()
    # Rows the cut left behind are found anyway; so make the rest honest:
    # the kept head is what catches a rewrite that leaves no such trace.
    r = cli("verify", "--db", db, "--links-only", "--head", history["head_path"])
    assert r.returncode == 1 and f"entry {n}: rewritten" in r.stderr, r.stdout + r.stderr
    r = cli("verify", "--db", db, "--links-only")
    assert r.returncode == 0, r.stderr


def test_a_changed_head_file_is_refused(history):
    bad = dict(history["head"], seq=history["head"]["seq"] - 1)
    path = os.path.join(history["dir"], "bad-head.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(bad, f)
    r = cli("verify", "--db", history["db"], "--head", path)
    assert r.returncode == 1 and "signature" in r.stderr, r.stderr
    other = dict(history["head"], public_key="00" * 32)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(other, f)
    r = cli("verify", "--db", history["db"], "--head", path)
    assert r.returncode == 1 and "signature" in r.stderr, r.stderr
    with open(path, "w", encoding="utf-8") as f:
        f.write("{not json")
    r = cli("verify", "--db", history["db"], "--head", path)
    assert r.returncode == 1 and "--head" in r.stderr, r.stderr


def test_a_log_rewritten_as_unsigned_old_entries_is_found(history):
    """The whole log recomputed as version-1 entries without signatures or
    row states, as if written before either existed, after an edit: the
    key file says since which entry every one must be signed."""
    entries = rows(history["db"])
    db = copy_of(history, "UPDATE delivery SET amount_t = amount_t * 10;", "downgrade")
    prev = "0" * 64
    redone = []
    for e in entries:
        e = forge(dict(e, state="", sig=""), prev, e["seq"])
        prev = e["hash"]
        redone.append(e)
    insert(db, redone)
    r = cli("verify", "--db", db)
    assert r.returncode == 1 and "entry 1: forged" in r.stderr, r.stdout + r.stderr
    with open(db + ".key", encoding="utf-8") as f:
        assert "\nsince 1\n" in f.read()
