"""The web front end's files and the API's replies, compressed and cached
(issue 16, "Fast to load"): the brotli or gzip copy the web build writes
next to each text file, whichever the client's Accept-Encoding weighs
highest ("br;q=0" refuses brotli), each with its own ETag (304 when
unchanged); a year and "immutable" for a name with a content hash
(app.<hash>.js), text without one (index.html) revalidated each time,
images cached for a week; JSON replies of a GET gzipped as they go.
python3-brotli (scripts/setup-deps) decodes the brotli bodies."""
import gzip
import http.client
import json
import os
import tempfile
import time

import brotli
import pytest
import requests

from conftest import Server

HASHED_JS = "app.0123abcd89.js"
YEAR = "public, max-age=31536000, immutable"


def write(path, data, age=0):
    with open(path, "wb") as f:
        f.write(data)
    if age:
        t = time.time() - age
        os.utime(path, (t, t))


def br(data):
    return brotli.compress(data, quality=11, mode=brotli.MODE_TEXT)


@pytest.fixture(scope="module")
def site():
    with tempfile.TemporaryDirectory(prefix="mb-static-") as d:
        web = os.path.join(d, "web")
        os.makedirs(os.path.join(web, "images"))
        js = ("export const x = 1;\n" * 4000).encode()
        # Copies written a moment after their file, as the build does.
        write(os.path.join(web, HASHED_JS), js, age=10)
        write(os.path.join(web, HASHED_JS + ".gz"), gzip.compress(js))
        write(os.path.join(web, HASHED_JS + ".br"), br(js))
        write(os.path.join(web, "app.js"), js, age=10)
        write(os.path.join(web, "app.js.gz"), gzip.compress(js))
        html = f'<!doctype html><title>x</title><script src="{HASHED_JS}"></script>'.encode()
        write(os.path.join(web, "index.html"), html, age=10)
        write(os.path.join(web, "index.html.gz"), gzip.compress(html))
        write(os.path.join(web, "index.html.br"), br(html))
        # app.css: a stale brotli copy (older than the file), a fresh gzip copy.
        css = b"body { color: red }\n" * 100
        write(os.path.join(web, "app.css"), css, age=60)
        write(os.path.join(web, "app.css.br"), br(b"old"), age=3600)
        write(os.path.join(web, "app.css.gz"), gzip.compress(css))
        # old.css: both copies stale.
        write(os.path.join(web, "old.css"), css, age=60)
        write(os.path.join(web, "old.css.br"), br(b"old"), age=3600)
        write(os.path.join(web, "old.css.gz"), gzip.compress(b"old"), age=3600)
        write(os.path.join(web, ".hidden.js"), js)
        write(os.path.join(web, "images", "pin.png"), b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
        write(os.path.join(d, "secret.txt"), b"not for the web")
        s = Server(d, demo=False, extra=("--static", web)).start()
        try:
            yield s, {"js": js, "html": html, "css": css}
        finally:
            s.stop()


def get(s, path, **headers):
    return requests.get(s.api.base + path, headers=headers, timeout=30, stream=True)


def body(r):
    """The body as it came over the wire (not decoded)."""
    return r.raw.read(decode_content=False)


def ae(value, **more):
    return {"Accept-Encoding": value, **more}


def test_brotli_to_who_accepts_it(site):
    s, f = site
    for accept in ("br", "gzip, deflate, br", "br, gzip", "gzip;q=0.9, br", "*"):
        r = get(s, "/" + HASHED_JS, **ae(accept))
        raw = body(r)
        assert r.status_code == 200 and r.headers["Content-Encoding"] == "br", accept
        assert brotli.decompress(raw) == f["js"], accept
        assert int(r.headers["Content-Length"]) == len(raw) < len(f["js"]) / 10
        assert r.headers["Vary"] == "Accept-Encoding"
        assert r.headers["Content-Type"].startswith("text/javascript")
    r = get(s, "/", **ae("br"))
    assert r.headers["Content-Encoding"] == "br" and brotli.decompress(body(r)) == f["html"]


def test_gzip_when_brotli_is_refused_or_weighs_less(site):
    s, f = site
    for accept in ("gzip", "br;q=0, gzip", "BR;Q=0.000, gzip", "gzip, br;q=0.5",
                   "br;q=0.1, gzip;q=0.2", "*, br;q=0"):
        r = get(s, "/" + HASHED_JS, **ae(accept))
        assert r.headers["Content-Encoding"] == "gzip", accept
        assert gzip.decompress(body(r)) == f["js"], accept


def test_the_file_as_it_is_when_neither_is_acceptable(site):
    s, f = site
    for accept in ("identity", "br;q=0, gzip;q=0", "deflate", "*;q=0, identity", "br;q=x"):
        r = get(s, "/" + HASHED_JS, **ae(accept))
        assert "Content-Encoding" not in r.headers, accept
        assert body(r) == f["js"], accept
        assert r.headers["Vary"] == "Accept-Encoding"


def test_a_copy_older_than_its_file_is_not_sent(site):
    s, f = site
    r = get(s, "/app.css", **ae("br, gzip"))
    assert r.headers["Content-Encoding"] == "gzip" and gzip.decompress(body(r)) == f["css"]
    r = get(s, "/old.css", **ae("br, gzip"))
    assert "Content-Encoding" not in r.headers and body(r) == f["css"]
    # A file with a gzip copy and no brotli copy: gzip.
    r = get(s, "/app.js", **ae("br, gzip"))
    assert r.headers["Content-Encoding"] == "gzip" and gzip.decompress(body(r)) == f["js"]


def test_each_copy_has_its_own_validator(site):
    s, _ = site
    tags = {}
    for coding, accept in (("br", "br"), ("gzip", "gzip"), ("identity", "identity")):
        r = get(s, "/" + HASHED_JS, **ae(accept))
        assert r.headers.get("Content-Encoding", "identity") == coding
        tags[coding] = r.headers["ETag"]
        assert tags[coding].startswith('"') and tags[coding].endswith('"')
    assert len(set(tags.values())) == 3, tags
    again = get(s, "/" + HASHED_JS, **ae("br, gzip", **{"If-None-Match": tags["br"]}))
    assert again.status_code == 304 and body(again) == b""
    assert again.headers["ETag"] == tags["br"]
    assert again.headers["Cache-Control"] == YEAR
    assert again.headers["Vary"] == "Accept-Encoding"
    # A weak tag, one of a list, matches too.
    again = get(s, "/" + HASHED_JS, **ae("br", **{"If-None-Match": f'"x", W/{tags["br"]}'}))
    assert again.status_code == 304
    # The brotli copy's tag does not stand for the gzip copy, nor for the file.
    for accept, coding in (("gzip", "gzip"), ("identity", "identity")):
        r = get(s, "/" + HASHED_JS, **ae(accept, **{"If-None-Match": tags["br"]}))
        assert r.status_code == 200 and r.headers["ETag"] == tags[coding]
        assert len(body(r)) > 0


def test_cache_lifetimes(site):
    s, _ = site
    for accept in ("br", "gzip", "identity"):
        assert get(s, "/" + HASHED_JS, **ae(accept)).headers["Cache-Control"] == YEAR
    # No hash in the name: revalidated each time, whatever the encoding.
    for path in ("/", "/index.html", "/app.js", "/app.css"):
        for accept in ("br", "identity"):
            r = get(s, path, **ae(accept))
            assert r.status_code == 200 and r.headers["Cache-Control"] == "no-cache", path
    r = get(s, "/images/pin.png", **ae("br, gzip"))
    assert r.headers["Cache-Control"] == "public, max-age=604800"
    assert "Content-Encoding" not in r.headers and "Vary" not in r.headers


def raw_get(s, path):
    """GET with the path exactly as given (requests would normalise it)."""
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
    try:
        c.request("GET", path, headers={"Accept-Encoding": "br"})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def test_only_regular_visible_files_under_the_directory(site):
    s, _ = site
    for path in ("/../secret.txt", "/images/../../secret.txt", "/.hidden.js", "/images",
                 "/images/", "/nothing.js", "//app.js", "/app.js.br"):
        status, data = raw_get(s, path)
        assert status == 404, (path, status)
        assert b"not for the web" not in data
    assert raw_get(s, "/app.js")[0] == 200


def test_json_replies_of_a_get_go_gzipped(site):
    s, _ = site
    plain = requests.get(s.api.base + "/api/materials", headers=ae("identity"), timeout=30)
    assert "Content-Encoding" not in plain.headers
    assert len(plain.content) > 1024, "a reply large enough to be compressed"
    assert plain.headers["Vary"] == "Accept-Encoding"
    r = get(s, "/api/materials", **ae("gzip, deflate, br"))
    raw = body(r)
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert len(raw) < len(plain.content) / 2
    assert json.loads(gzip.decompress(raw)) == plain.json()
    assert r.headers["Cache-Control"] == "no-store"
    r = get(s, "/api/materials", **ae("gzip;q=0"))
    assert "Content-Encoding" not in r.headers and json.loads(body(r)) == plain.json()
    # Small replies stay as they are.
    r = get(s, "/api/health", **ae("gzip"))
    assert r.status_code == 200 and "Content-Encoding" not in r.headers
    assert len(body(r)) < 1024
    # Replies to a POST are never compressed (docs/security.md: BREACH).
    lab = [{"substance": x, "value": 1} for x in ("Pb", "As", "Cd", "Cu", "Cr", "Hg", "Ni", "Zn")]
    r = requests.post(s.api.base + "/api/classify", headers=ae("gzip"), json={"lab": lab},
                      timeout=30, stream=True)
    raw = body(r)
    assert r.status_code == 200 and len(raw) > 1024, "a reply a GET would have gzipped"
    assert "Content-Encoding" not in r.headers and json.loads(raw)["class"] == 1
