"""Sign-in that holds (issue 13, item 3): one limit per account whatever
the case of its e-mail, limits per client address that many addresses
cannot wash out, a trusted proxy's forwarded address, answers that take as
long for an unknown e-mail as for a wrong password, locks and their ends in
the audit log, guesses through the password change limited too, and
"sign out everywhere"."""
import http.client
import json
import statistics
import time

from conftest import DEMO, DEMO_PASSWORD
from test_audit import rows, verify


def post_from(server, source, path, body, headers=None, token=None):
    """POST from a given loopback source address (127.0.0.0/8 is all
    loopback on Linux), so the server sees several clients."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60,
                                   source_address=(source, 0))
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    try:
        c.request("POST", path, body=json.dumps(body), headers=h)
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"{}"), dict(r.getheaders())
    finally:
        c.close()


def fail(server, email, source="127.0.0.1", headers=None):
    st, body, _ = post_from(server, source, "/api/auth/login",
                            {"email": email, "password": "feil-passord"}, headers)
    return st


def sign_in(server, email, source="127.0.0.1", headers=None):
    return post_from(server, source, "/api/auth/login",
                     {"email": email, "password": DEMO_PASSWORD}, headers)


def test_the_case_of_an_email_does_not_give_more_guesses(fresh_server):
    s = fresh_server()
    email = DEMO["developer"]
    for _ in range(5):
        assert fail(s, email) == 401
    # Found case-insensitively, so limited as the same account.
    st, body, hdr = sign_in(s, email.upper(), "127.0.0.2")
    assert st == 429 and body["error"]["field"] == "email", body
    assert 1 <= int(hdr["Retry-After"]) <= 900
    st, _, _ = sign_in(s, "UtByGgEr@demo.massebank.no", "127.0.0.3")
    assert st == 429


def test_many_addresses_cannot_wash_out_an_accounts_count(fresh_server):
    # A small table (32 entries for unknown e-mails and addresses) so the
    # flood is short: 4 failures on an account, then 60 failures for
    # unknown e-mails from three addresses (20 each, their own limit),
    # which evicts every entry it can; the account's fifth failure must
    # still lock it.
    s = fresh_server(extra=["--lock-table", "32"])
    email = DEMO["municipality"]
    for _ in range(4):
        assert fail(s, email, "127.0.0.1") == 401
    for src in ("127.0.1.1", "127.0.1.2", "127.0.1.3"):
        for i in range(20):
            assert fail(s, f"flom{i}-{src}@example.com", src) == 401
        assert fail(s, "en-til@example.com", src) == 429  # the address is spent
    assert fail(s, email, "127.0.2.1") == 401
    st, body, _ = sign_in(s, email, "127.0.2.2")
    assert st == 429, body


def test_per_address_limit_and_a_new_address(fresh_server):
    s = fresh_server()
    for i in range(20):
        assert fail(s, f"u{i}@example.com", "127.0.3.1") == 401
    st, _, _ = sign_in(s, DEMO["operator"], "127.0.3.1")
    assert st == 429
    st, _, _ = sign_in(s, DEMO["operator"], "127.0.3.2")
    assert st == 200


def test_a_trusted_proxy_forwards_the_client_address(fresh_server):
    s = fresh_server(extra=["--trusted-proxy", "127.0.0.1"])
    xff = {"X-Forwarded-For": "203.0.113.7"}
    for i in range(20):
        assert fail(s, f"p{i}@example.com", headers=xff) == 401
    st, _, _ = sign_in(s, DEMO["hauler"], headers=xff)
    assert st == 429
    # Another client behind the same proxy is not held back; the first
    # entries of the header are the client's own word, so only the last
    # one counts.
    st, _, _ = sign_in(s, DEMO["hauler"], headers={"X-Forwarded-For": "203.0.113.7, 198.51.100.2"})
    assert st == 200
    # Two header lines (a proxy adding its own line after the client's):
    # the last line counts, not the client's.
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
    c.putrequest("POST", "/api/auth/login")
    c.putheader("Content-Type", "application/json")
    c.putheader("X-Forwarded-For", "198.51.100.77")
    c.putheader("X-Forwarded-For", "203.0.113.7")
    body = json.dumps({"email": DEMO["hauler"], "password": DEMO_PASSWORD}).encode()
    c.putheader("Content-Length", str(len(body)))
    c.endheaders(body)
    assert c.getresponse().status == 429
    c.close()
    # A malformed header falls back to the proxy's own address.
    st, _, _ = sign_in(s, DEMO["hauler"], headers={"X-Forwarded-For": "not-an-address"})
    assert st == 200


def test_forwarded_for_is_ignored_without_a_trusted_proxy(fresh_server):
    s = fresh_server()
    for i in range(20):
        assert fail(s, f"q{i}@example.com", headers={"X-Forwarded-For": f"198.51.100.{i}"}) == 401
    st, _, _ = sign_in(s, DEMO["hauler"], headers={"X-Forwarded-For": "198.51.100.99"})
    assert st == 429


def test_an_unknown_email_takes_as_long_as_a_wrong_password(fresh_server):
    s = fresh_server()

    def timed(email, src):
        t = time.perf_counter()
        assert fail(s, email, src) == 401
        return time.perf_counter() - t

    known, unknown = [], []
    for i in range(4):
        # Four accounts' worth of failures, each from its own address, so
        # no limit is reached.
        known.append(timed(DEMO[["developer", "contractor", "hauler", "operator"][i]],
                           f"127.0.4.{i + 1}"))
        unknown.append(timed(f"ingen{i}@example.com", f"127.0.5.{i + 1}"))
    k, u = statistics.median(known), statistics.median(unknown)
    # An argon2id verification (tens of milliseconds at least) in both.
    assert k > 0.02, (known, unknown)
    assert 0.5 < u / k < 2.0, (known, unknown)


def test_a_lock_and_its_end_are_in_the_audit_log(fresh_server):
    # The window holds six argon2id verifications on a busy machine (each
    # may take half a second under a sanitizer build next door).
    s = fresh_server(extra=["--lock-window", "6"])
    email = DEMO["contractor"]
    n = len(rows(s.db))
    for _ in range(5):
        assert fail(s, email) == 401
    assert fail(s, email) == 429
    time.sleep(6.3)
    st, _, _ = sign_in(s, email)
    assert st == 200
    new = [(e["entity"], e["action"]) for e in rows(s.db)[n:]]
    assert new == [("user", "locked"), ("user", "unlocked")], new
    ended = json.loads(rows(s.db)[-1]["detail_text"])
    assert ended["email"] == email and ended["lock_ended"].endswith("Z")
    p = verify(s.db)
    assert p.returncode == 0, p.stdout + p.stderr


def test_guessing_through_the_password_change_is_limited(fresh_server):
    s = fresh_server()
    api = s.api
    token = api.token("operator")
    codes = []
    for _ in range(6):
        codes.append(api.post("/api/me/password", token=token,
                              json={"current_password": "gjetning-1", "password": "nytt-passord-1"}
                              ).status_code)
    assert codes == [403] * 5 + [429], codes
    # The same account's sign-in is locked too, and the right current
    # password is refused while the lock holds.
    st, _, _ = sign_in(s, DEMO["operator"], "127.0.6.1")
    assert st == 429
    api.post("/api/me/password", token=token,
             json={"current_password": DEMO_PASSWORD, "password": "nytt-passord-1"}, expect=429,
             field="current_password")
    assert [e["action"] for e in rows(s.db)][-1] == "locked"


def test_sign_out_everywhere_ends_every_session(fresh_server):
    s = fresh_server()
    api = s.api
    a = api.login(DEMO["developer"])
    b = api.login(DEMO["developer"])
    other = api.login(DEMO["contractor"])
    r = api.post("/api/auth/logout-everywhere", token=a, expect=200).json()
    assert r == {"signed_out": True, "sessions_ended": 2}
    api.get("/api/me", token=a, expect=401)
    api.get("/api/me", token=b, expect=401)
    api.get("/api/me", token=other, expect=200)
    last = rows(s.db)[-1]
    assert (last["entity"], last["action"]) == ("user", "sign_out_everywhere")
    assert json.loads(last["detail_text"]) == {"sessions_ended": 2}
    api.post("/api/auth/logout-everywhere", expect=401)


def test_guesses_sent_at_once_check_no_more_than_the_limit(fresh_server):
    """The limit was checked before the password and counted after it, so
    attempts sent at once all got checked (6-14 per account)."""
    import threading
    s = fresh_server(extra=["--threads", "16"])
    barrier = threading.Barrier(20)
    codes = []

    def go(i):
        barrier.wait()
        codes.append(fail(s, DEMO["municipality"], f"127.0.7.{i + 1}"))

    ts = [threading.Thread(target=go, args=(i,)) for i in range(20)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(codes) == [401] * 5 + [429] * 15, codes
    locked = [e for e in rows(s.db) if e["action"] == "locked"]
    assert len(locked) == 1, locked
