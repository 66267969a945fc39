"""Signing in and out, tokens, roles and what each may do, organisations
and users, and access across organisations."""
import hashlib
import base64
import sqlite3
import time

import pytest

from conftest import DEMO, DEMO_PASSWORD, create_listing, landfill, supply

ROLES = ["admin", "municipality", "developer", "contractor", "hauler", "operator"]
MAY_LISTING = {"admin", "municipality", "developer", "contractor", "operator"}
MAY_FACILITY = {"admin", "municipality", "operator"}
MAY_PLAN = {"admin", "municipality"}
MAY_ADMIN = {"admin"}
# A region without sites: the job fails at once instead of solving.
EMPTY_PLAN = {"bbox": [5.0, 58.0, 5.1, 58.1], "from": "2026-01", "to": "2026-03"}


def test_login_gives_user_and_organisation(api):
    r = api.post("/api/auth/login", json={"email": DEMO["developer"], "password": DEMO_PASSWORD},
                 expect=200)
    body = r.json()
    assert body["user"]["email"] == DEMO["developer"]
    assert body["user"]["role"] == "developer"
    assert body["organisation"]["id"] == body["user"]["org_id"]


def test_wrong_password_is_401(api):
    api.post("/api/auth/login", json={"email": DEMO["hauler"], "password": "wrong"},
             expect=401, field="password")
    api.post("/api/auth/login", json={"email": "nobody@example.com", "password": "x"},
             expect=401, field="password")


@pytest.mark.parametrize("role", ROLES)
def test_me_shows_role_and_permissions(api, role):
    me = api.me(role)
    assert me["user"]["role"] == role
    assert me["user"]["email"] == DEMO[role]
    assert me["organisation"]["id"] == me["user"]["org_id"]
    assert me["may"] == {"write_listings": role in MAY_LISTING,
                         "write_facilities": role in MAY_FACILITY,
                         "run_plans": role in MAY_PLAN, "administer": role in MAY_ADMIN}


def test_me_needs_sign_in(api):
    api.get("/api/me", expect=401, field="Authorization")


@pytest.mark.parametrize("auth", ["Bearer nope", "Bearer ", "Basic dXNlcjpwYXNz", "token",
                                  "Bearer " + "x" * 300])
def test_bad_tokens_are_401_even_on_public_routes(api, auth):
    api.get("/api/me", headers={"Authorization": auth}, expect=401, field="Authorization")
    api.get("/api/health", headers={"Authorization": auth}, expect=401, field="Authorization")


def test_expired_token_is_401(server, api):
    token = api.login(DEMO["hauler"])
    api.get("/api/me", token=token, expect=200)
    # Expire it in the database, as the clock would (the store keeps
    # SHA-256 hashes of tokens only, so set every token of the user).
    con = sqlite3.connect(server.db, timeout=30)
    with con:
        n = con.execute("UPDATE token SET expires = ? WHERE user_id = "
                        "(SELECT id FROM user WHERE email = ?)",
                        (int(time.time()) - 10, DEMO["hauler"])).rowcount
    con.close()
    assert n >= 1
    api.get("/api/me", token=token, expect=401, field="Authorization")
    api._tokens.pop("hauler", None)


def test_logout_ends_the_token(api):
    token = api.login(DEMO["contractor"])
    api.get("/api/me", token=token, expect=200)
    r = api.post("/api/auth/logout", token=token, expect=200)
    assert r.json() == {"signed_out": True}
    api.get("/api/me", token=token, expect=401, field="Authorization")
    api.post("/api/auth/logout", token=token, expect=401)
    api.post("/api/auth/logout", expect=401, field="Authorization")


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(api, role):
    t = api.token(role)
    r = api.post("/api/listings", token=t, json=supply(title=f"Matrise {role}"),
                 expect=(201, 403))
    assert (r.status_code == 201) == (role in MAY_LISTING), r.text
    if r.status_code == 403:
        assert r.json()["error"]["field"] == "role"
    else:
        assert r.json()["org_id"] == api.me(role)["user"]["org_id"]
        assert r.json()["status"] == "draft"
    r = api.post("/api/facilities", token=t, json=landfill(name=f"Matrise {role}"),
                 expect=(201, 403))
    assert (r.status_code == 201) == (role in MAY_FACILITY), r.text
    r = api.post("/api/plans", token=t, json=EMPTY_PLAN, expect=(202, 403))
    assert (r.status_code == 202) == (role in MAY_PLAN), r.text
    if r.status_code == 202:
        assert r.headers["Location"] == f"/api/jobs/{r.json()['id']}"
    r = api.post("/api/organisations", token=t, json={"name": f"Matrise AS {role}"},
                 expect=(201, 403))
    assert (r.status_code == 201) == (role in MAY_ADMIN), r.text
    r = api.post("/api/users", token=t, json={
        "org_id": 1, "email": f"matrise-{role}@example.com", "name": "M", "role": "developer",
        "password": "secret-pass-1"}, expect=(201, 403))
    assert (r.status_code == 201) == (role in MAY_ADMIN), r.text


def test_writes_need_sign_in(api):
    api.post("/api/listings", json=supply(), expect=401, field="Authorization")
    api.post("/api/facilities", json=landfill(), expect=401)
    api.post("/api/plans", json=EMPTY_PLAN, expect=401)
    api.post("/api/organisations", json={"name": "X"}, expect=401)
    api.post("/api/users", json={}, expect=401)
    api.put("/api/listings/1", json=supply(), expect=401)
    api.post("/api/listings/1/status", json={"status": "closed"}, expect=401)
    api.post("/api/listings/1/documents", params={"name": "a.pdf"}, data=b"%PDF",
             headers={"Content-Type": "application/pdf"}, expect=401)
    api.get("/api/listings/1/matches", expect=401)
    api.get("/api/jobs/1", expect=401)


def test_organisations(api):
    admin = api.token("admin")
    r = api.post("/api/organisations", token=admin,
                 json={"name": "Grus og Stein AS", "orgnr": "923609016"}, expect=201)
    org = r.json()
    assert r.headers["Location"] == f"/api/organisations/{org['id']}"
    assert org["orgnr"] == "923609016"
    assert api.get(f"/api/organisations/{org['id']}", expect=200).json() == org
    listed = api.get("/api/organisations", expect=200).json()["organisations"]
    assert org in listed
    api.post("/api/organisations", token=admin, json={"name": "Bad nr", "orgnr": "923609017"},
             expect=400, field="orgnr")
    api.post("/api/organisations", token=admin, json={"name": ""}, expect=400, field="name")
    api.post("/api/organisations", token=admin, json={"name": "X", "boss": "me"},
             expect=400, field="boss")
    api.get("/api/organisations/999999", expect=404)


def test_users(api):
    admin = api.token("admin")
    org = api.post("/api/organisations", token=admin, json={"name": "Brukertest AS"},
                   expect=201).json()
    user = {"org_id": org["id"], "email": "ny.bruker@example.com", "name": "Ny Bruker",
            "role": "contractor", "password": "et-langt-passord"}
    r = api.post("/api/users", token=admin, json=user, expect=201)
    assert r.headers["Location"] == f"/api/organisations/{org['id']}/users"
    assert r.json()["role"] == "contractor" and r.json()["org_id"] == org["id"]
    api.post("/api/users", token=admin, json=user, expect=409)
    api.post("/api/users", token=admin, json={**user, "email": "x@y.no", "org_id": 999999},
             expect=400, field="org_id")
    api.post("/api/users", token=admin, json={**user, "email": "x@y.no", "role": "king"},
             expect=400, field="role")
    api.post("/api/users", token=admin, json={**user, "email": "not-an-address"},
             expect=400, field="email")
    api.post("/api/users", token=admin, json={**user, "email": "z@y.no", "org_id": "1"},
             expect=400, field="org_id")
    t = api.login("ny.bruker@example.com", "et-langt-passord")
    me = api.get("/api/me", token=t, expect=200).json()
    assert me["user"]["org_id"] == org["id"]
    users = api.get(f"/api/organisations/{org['id']}/users", token=t, expect=200).json()
    assert [u["email"] for u in users["users"]] == ["ny.bruker@example.com"]
    # Another organisation's users: only its own users and administrators.
    api.get("/api/organisations/1/users", token=t, expect=403, field="id")
    api.get(f"/api/organisations/{org['id']}/users", token=admin, expect=200)
    api.get("/api/organisations/999999/users", token=admin, expect=404)


def test_access_across_organisations(api):
    dev, con, admin = api.token("developer"), api.token("contractor"), api.token("admin")
    assert api.me("developer")["user"]["org_id"] != api.me("contractor")["user"]["org_id"]
    draft = create_listing(api, dev, supply(title="Utkast Utbygger"))
    pub = create_listing(api, dev, supply(title="Publisert Utbygger"), status="published")
    # The draft: invisible to another organisation, even by id.
    api.get(f"/api/listings/{draft['id']}", token=con, expect=404, field="id")
    api.get(f"/api/listings/{draft['id']}", expect=404, field="id")
    api.put(f"/api/listings/{draft['id']}", token=con, json=supply(), expect=404)
    api.post(f"/api/listings/{draft['id']}/status", token=con, json={"status": "published"},
             expect=404)
    api.get(f"/api/listings/{draft['id']}/documents", token=con, expect=404)
    api.get(f"/api/listings/{draft['id']}/matches", token=con, expect=404)
    # The published one: visible, but not theirs to change.
    api.get(f"/api/listings/{pub['id']}", token=con, expect=200)
    api.put(f"/api/listings/{pub['id']}", token=con, json=supply(title="Kapret"),
            expect=403, field="id")
    api.post(f"/api/listings/{pub['id']}/status", token=con, json={"status": "closed"},
             expect=403, field="id")
    api.post(f"/api/listings/{pub['id']}/documents", token=con, params={"name": "x.pdf"},
             data=b"%PDF-1.4 x", headers={"Content-Type": "application/pdf"},
             expect=403, field="id")
    assert api.get(f"/api/listings/{pub['id']}", token=dev, expect=200).json()["title"] == \
        "Publisert Utbygger"
    # The owner and an administrator can.
    api.get(f"/api/listings/{draft['id']}", token=dev, expect=200)
    api.get(f"/api/listings/{draft['id']}", token=admin, expect=200)
    r = api.put(f"/api/listings/{draft['id']}", token=admin,
                json=supply(title="Rettet av admin"), expect=200)
    assert r.json()["org_id"] == draft["org_id"], "an admin's change keeps the owner"
    api.post(f"/api/listings/{pub['id']}/status", token=admin, json={"status": "reserved"},
             expect=200)
    api.post(f"/api/listings/{pub['id']}/documents", token=admin, params={"name": "a.txt"},
             data=b"admin note", headers={"Content-Type": "text/plain"}, expect=201)


def test_facility_rules_across_roles(api):
    op, dev = api.token("operator"), api.token("developer")
    f = api.post("/api/facilities", token=op, json=landfill(name="Deponi Tiller"),
                 params={"status": "published"}, expect=201).json()
    # A developer may not change facilities at all: role first.
    api.put(f"/api/facilities/{f['id']}", token=dev, json=landfill(), expect=403, field="role")
    api.post(f"/api/facilities/{f['id']}/documents", token=dev, params={"name": "p.pdf"},
             data=b"%PDF", headers={"Content-Type": "application/pdf"}, expect=403)
    # The municipality may write facilities, but not another organisation's.
    api.put(f"/api/facilities/{f['id']}", token=api.token("municipality"),
            json=landfill(name="Kapret"), expect=403, field="id")
    r = api.put(f"/api/facilities/{f['id']}", token=op, json=landfill(name="Deponi Tiller 2"),
                expect=200)
    assert r.json()["name"] == "Deponi Tiller 2" and r.json()["version"] == f["version"] + 1


def test_family_in_path_must_match(api):
    op = api.token("operator")
    f = api.post("/api/facilities", token=op, json=landfill(), params={"status": "published"},
                 expect=201).json()
    api.get(f"/api/listings/{f['id']}", expect=404, field="id")
    api.put(f"/api/listings/{f['id']}", token=op, json=supply(), expect=404)
    api.post("/api/listings", token=op, json=landfill(), expect=400, field="type")
    api.post("/api/facilities", token=op, json=supply(), expect=400, field="type")


def test_job_of_another_user_is_404(api):
    mun = api.token("municipality")
    job = api.post("/api/plans", token=mun, json=EMPTY_PLAN, expect=202).json()
    api.get(f"/api/jobs/{job['id']}", token=mun, expect=200)
    api.get(f"/api/jobs/{job['id']}", token=api.token("admin"), expect=200)
    r1 = api.get(f"/api/jobs/{job['id']}", token=api.token("developer"), expect=404, field="id")
    r2 = api.get("/api/jobs/999999", token=api.token("developer"), expect=404, field="id")
    # Another user's job and a missing one read the same (ids do not leak).
    assert r1.json()["error"]["message"].replace(str(job["id"]), "N") == \
        r2.json()["error"]["message"].replace("999999", "N")
