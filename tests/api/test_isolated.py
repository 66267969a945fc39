"""Tests that need a server of their own: the login limiter, durability
after kill -9, CORS when asked for."""
from conftest import DEMO, DEMO_PASSWORD, create_listing, supply


def test_login_limiter_per_email(fresh_server):
    api = fresh_server().api
    email = DEMO["developer"]
    for _ in range(5):
        api.post("/api/auth/login", json={"email": email, "password": "feil"}, expect=401)
    r = api.post("/api/auth/login", json={"email": email, "password": DEMO_PASSWORD},
                 expect=429, field="email")
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= 900
    # Another e-mail from the same client is not held back yet.
    api.login(DEMO["contractor"])


def test_login_limiter_per_client(fresh_server):
    api = fresh_server().api
    n = 0
    for who in ("a", "b", "c", "d", "e"):
        for _ in range(4):
            api.post("/api/auth/login", json={"email": f"{who}@example.com", "password": "x"},
                     expect=401)
            n += 1
    assert n == 20
    r = api.post("/api/auth/login", json={"email": DEMO["operator"], "password": DEMO_PASSWORD},
                 expect=429)
    assert int(r.headers["Retry-After"]) >= 1


def test_a_success_resets_the_email_count(fresh_server):
    api = fresh_server().api
    email = DEMO["operator"]
    for _ in range(4):
        api.post("/api/auth/login", json={"email": email, "password": "feil"}, expect=401)
    api.login(email)
    for _ in range(4):
        api.post("/api/auth/login", json={"email": email, "password": "feil"}, expect=401)
    api.login(email)


def test_listing_survives_kill_9(fresh_server):
    s = fresh_server()
    token = s.api.token("developer")
    site = create_listing(s.api, token, supply(title="Overlever kill -9"), status="published")
    s.kill9()
    s.start()
    got = s.api.get(f"/api/listings/{site['id']}", expect=200).json()
    assert got["title"] == "Overlever kill -9" and got["version"] == site["version"]
    # The token is stored, so it still works; the demo was not loaded twice.
    assert s.api.get("/api/me", token=token, expect=200).json()["user"]["email"] == \
        DEMO["developer"]
    assert s.api.get("/api/organisations", expect=200).json()["organisations"].__len__() == 6
    s.stop()


def test_cors_when_asked_for(fresh_server):
    api = fresh_server(extra=["--cors", "https://app.example"]).api
    r = api.get("/api/health", headers={"Origin": "https://app.example"}, expect=200)
    assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
    pre = api.http.options(api.base + "/api/listings", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 204
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in pre.headers["Access-Control-Allow-Headers"]
