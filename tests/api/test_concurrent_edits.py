"""Conditional writes that hold under concurrency (issue 13, item 2): the
hostile review sent eight PUTs of one listing at once with the version
just read and mostly all answered 200; a close raced with a PUT answered
200 yet the listing ended up published in 10 of 20 rounds; a listing
shrank below what its deals hold; listings of 0, -0.0 and 1e-300 t were
accepted. Each is repeated here against a real server, with real threads
released together by a barrier."""
import json
import threading

import requests

from conftest import create_listing, supply
from test_audit import rows


def together(n, fn):
    """Run fn(i) in n threads released at once; their results in order."""
    barrier = threading.Barrier(n)
    out = [None] * n

    def go(i):
        barrier.wait()
        out[i] = fn(i)

    ts = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def test_eight_puts_of_one_version_one_wins(server, api):
    dev = api.token("developer")
    for rnd in range(5):
        lst = create_listing(api, dev, supply(title=f"Samtidig {rnd}"), status="published")
        v = lst["version"]

        def put(i):
            return requests.put(f"{api.base}/api/listings/{lst['id']}",
                                headers={"Authorization": "Bearer " + dev,
                                         "If-Match": f'"{v}"'},
                                json=supply(title=f"Samtidig {rnd} fra {i}"), timeout=60)

        codes = [r.status_code for r in together(8, put)]
        assert sorted(codes) == [200] + [412] * 7, (rnd, codes)
        got = api.get(f"/api/listings/{lst['id']}", expect=200).json()
        assert got["version"] == v + 1
        winner = codes.index(200)
        assert got["title"] == f"Samtidig {rnd} fra {winner}"


def test_closed_stays_closed_when_a_put_races_it(server, api):
    dev = api.token("developer")
    for rnd in range(20):
        lst = create_listing(api, dev, supply(title=f"Lukk {rnd}"), status="published")
        n_before = len(rows(server.db))

        def act(i):
            h = {"Authorization": "Bearer " + dev}
            if i == 0:
                return requests.post(f"{api.base}/api/listings/{lst['id']}/status", headers=h,
                                     json={"status": "closed"}, timeout=60)
            return requests.put(f"{api.base}/api/listings/{lst['id']}", headers=h,
                                json=supply(title=f"Lukk {rnd} endret"), timeout=60)

        close, put = together(2, act)
        assert close.status_code == 200, close.text
        assert put.status_code in (200, 409), put.text
        got = api.get(f"/api/listings/{lst['id']}", token=dev, expect=200).json()
        assert got["status"] == "closed", (rnd, put.status_code, got["status"])
        # No entry reopens it: the status entries end in closed.
        mine = [json.loads(e["detail_text"]) for e in rows(server.db)[n_before:]
                if e["entity_id"] == lst["id"] and e["action"] == "status"]
        assert mine and mine[-1]["status"]["to"] == "closed", mine
        assert all(m["status"]["to"] == "closed" for m in mine), mine


def test_a_listing_cannot_shrink_below_what_is_reserved(server, api):
    dev, con = api.token("developer"), api.token("contractor")
    lst = create_listing(api, dev, supply(title="Krymper", amount={"value": 100, "unit": "t"}),
                         status="published")
    api.post(f"/api/listings/{lst['id']}/deals", token=con, expect=201,
             json={"amount": {"value": 90, "unit": "t"}})
    r = api.put(f"/api/listings/{lst['id']}", token=dev, expect=409, field="amount",
                json=supply(title="Krymper", amount={"value": 10, "unit": "t"}))
    assert "90" in r.json()["error"]["message"]
    got = api.get(f"/api/listings/{lst['id']}", token=dev, expect=200).json()
    assert got["amount"]["value"] == 100


def test_amounts_must_be_positive_and_sensible(server, api):
    dev = api.token("developer")
    for value in (0, -0.0, 1e-300, 0.05, -5):
        api.post("/api/listings", token=dev, expect=400, field="amount.value",
                 json=supply(amount={"value": value, "unit": "t"}))


def test_the_same_document_uploaded_eight_times_at_once(server, api):
    """Two uploads of the same content shared one temporary file: one
    answered 500, and a kill could leave the other's file truncated."""
    dev = api.token("developer")
    lst = create_listing(api, dev, supply(title="Vedlegg samtidig"), status="draft")
    data = b"%PDF-1.4\n" + bytes(range(256)) * 20000

    def up(i):
        return requests.post(f"{api.base}/api/listings/{lst['id']}/documents",
                             params={"name": f"rapport-{i}.pdf"}, data=data, timeout=60,
                             headers={"Authorization": "Bearer " + dev,
                                      "Content-Type": "application/pdf"})

    for rnd in range(3):
        got = together(8, up)
        assert [r.status_code for r in got] == [201] * 8, [r.text[:200] for r in got]
        for r in got:
            doc = requests.get(f"{api.base}{r.json()['url']}", timeout=60,
                               headers={"Authorization": "Bearer " + dev})
            assert doc.status_code == 200 and doc.content == data


def test_a_document_changed_on_disk_is_not_served(server, api):
    """A file changed behind the program (same size) was served as the
    attached document, and uploading the original again kept the bad copy."""
    import hashlib
    import os
    dev = api.token("developer")
    lst = create_listing(api, dev, supply(title="Vedlegg endret"), status="draft")
    data = b"%PDF-1.4\n" + b"original innhold " * 100
    doc = api.post(f"/api/listings/{lst['id']}/documents", token=dev, params={"name": "a.pdf"},
                   data=data, headers={"Content-Type": "application/pdf"}, expect=201).json()
    path = os.path.join(server.db + ".files", hashlib.sha256(data).hexdigest())
    with open(path, "r+b") as f:
        f.seek(20)
        f.write(b"FALSK")
    api.get(doc["url"], token=dev, expect=500, field="id")
    api.post(f"/api/listings/{lst['id']}/documents", token=dev, params={"name": "a.pdf"},
             data=data, headers={"Content-Type": "application/pdf"}, expect=201)
    assert api.get(doc["url"], token=dev, expect=200).content == data
