"""The web front end's files: a gzip copy to a client that accepts gzip,
a validator on every file (304 when unchanged), text revalidated each
time and images cached for a week (issue: 567 KiB uncompressed and
uncached on a cold map page)."""
import gzip
import os
import tempfile
import time

import pytest
import requests

from conftest import Server


@pytest.fixture(scope="module")
def site():
    with tempfile.TemporaryDirectory(prefix="mb-static-") as d:
        web = os.path.join(d, "web")
        os.makedirs(os.path.join(web, "images"))
        js = ("export const x = 1;\n" * 4000).encode()
        with open(os.path.join(web, "app.js"), "wb") as f:
            f.write(js)
        time.sleep(0.01)
        with open(os.path.join(web, "app.js.gz"), "wb") as f:
            f.write(gzip.compress(js))
        with open(os.path.join(web, "index.html"), "wb") as f:
            f.write(b"<!doctype html><title>x</title>")
        stale = b"body { color: red }\n" * 100
        with open(os.path.join(web, "app.css"), "wb") as f:
            f.write(stale)
        with open(os.path.join(web, "app.css.gz"), "wb") as f:
            f.write(gzip.compress(b"old"))
        old = time.time() - 3600
        os.utime(os.path.join(web, "app.css.gz"), (old, old))
        with open(os.path.join(web, "images", "pin.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
        s = Server(d, demo=False, extra=("--static", web)).start()
        try:
            yield s, js, stale
        finally:
            s.stop()


def get(s, path, **headers):
    return requests.get(s.api.base + path, headers=headers, timeout=30, stream=True)


def test_gzip_to_who_accepts_it_and_the_file_as_it_is_to_who_does_not(site):
    s, js, _ = site
    r = get(s, "/app.js", **{"Accept-Encoding": "br, gzip;q=0.8"})
    raw = r.raw.read(decode_content=False)
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw) == js and len(raw) < len(js) / 10
    assert r.headers["Vary"] == "Accept-Encoding"
    assert r.headers["Content-Type"].startswith("text/javascript")
    r = get(s, "/app.js", **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in r.headers and r.raw.read() == js
    # A gzip copy older than its file is not sent: the file is.
    r = get(s, "/app.css", **{"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in r.headers and r.raw.read(decode_content=False) == site[2]


def test_validators_and_cache_lifetimes(site):
    s, _, _ = site
    r = get(s, "/app.js", **{"Accept-Encoding": "gzip"})
    tag = r.headers["ETag"]
    assert r.headers["Cache-Control"] == "no-cache"
    again = get(s, "/app.js", **{"Accept-Encoding": "gzip", "If-None-Match": tag})
    assert again.status_code == 304 and again.raw.read() == b""
    # The plain file has a tag of its own: a cached gzip copy is not it.
    plain = get(s, "/app.js", **{"Accept-Encoding": "identity", "If-None-Match": tag})
    assert plain.status_code == 200 and plain.headers["ETag"] != tag
    r = get(s, "/images/pin.png")
    assert r.headers["Cache-Control"] == "public, max-age=604800"
    assert "Content-Encoding" not in r.headers
    r = get(s, "/")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-cache"
    assert get(s, "/nothing.js").status_code == 404
