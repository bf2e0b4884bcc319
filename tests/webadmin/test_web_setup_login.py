"""First-run setup, login, logout, sessions, cookies and the login throttle."""

from __future__ import annotations

import datetime as dt
import hashlib

from telephony.models import AdminUser, AuditLog, WebSession, utcnow
from tests.webadmin.conftest import ADMIN, PASSWORD, do_setup, login
from tests.webadmin.wsgi_client import Client
from webadmin import auth
from webadmin.app import create_app


def audit_actions() -> list[tuple[str, str, str, str]]:
    rows = AuditLog.select().order_by(AuditLog.id)
    return [(r.action, r.username, r.target, r.remote_addr) for r in rows]


def test_given_no_admin_when_any_page_is_asked_then_it_redirects_to_setup(client):
    for path in ("/", "/login", "/extensions", "/cdr", "/bans", "/audit", "/extensions/1001/edit"):
        response = client.get(path)
        assert response.status == 303, path
        assert response.location == "/setup"
    assert client.post("/extensions", {"number": "1001"}).location == "/setup"
    page = client.get("/setup")
    assert page.status == 200
    assert 'name="password"' in page.text and 'name="confirm"' in page.text
    assert AdminUser.select().count() == 0


def test_setup_rejects_weak_passwords_and_mismatches(client):
    cases = {
        "short1": "at least 10 characters",
        "onlyletterslong": "letters and digits",
        "1234567890123": "letters and digits",
        "boss12345678": "must not contain the username",
    }
    for password, message in cases.items():
        response = client.submit(
            "/setup", "/setup", {"username": ADMIN, "password": password, "confirm": password}
        )
        assert response.status == 422
        assert message in response.text, password
        assert password not in response.text
    response = client.submit(
        "/setup", "/setup", {"username": ADMIN, "password": PASSWORD, "confirm": PASSWORD + "x"}
    )
    assert response.status == 422 and "the two passwords differ" in response.text
    response = client.submit(
        "/setup", "/setup", {"username": "bad name!", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert "must be 1 to 64 letters" in response.text
    assert 'value="bad name!"' in response.text
    assert AdminUser.select().count() == 0


def test_setup_creates_an_argon2id_admin_then_is_gone(client):
    response = do_setup(client)
    assert response.status == 303 and response.location == "/login"
    user = AdminUser.get(AdminUser.username == ADMIN)
    assert user.role == "admin"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert "Administrator boss created" in client.get("/login").text
    assert client.get("/setup").status == 404
    again = client.post("/setup", {"csrf_token": client.cookies.get("pbx_csrf", ""), "username": "eve"})
    assert again.status == 404
    assert AdminUser.select().count() == 1
    assert ("admin.create", ADMIN, ADMIN, "192.0.2.10") in audit_actions()


def test_login_good_and_bad_give_one_generic_error(client):
    do_setup(client)
    wrong_password = login(client, ADMIN, "Wrong-passw0rd")
    unknown_user = login(client, "nobody", PASSWORD)
    assert wrong_password.status == unknown_user.status == 200
    for page in (wrong_password, unknown_user):
        assert "Wrong username or password." in page.text
        assert PASSWORD not in page.text and "Wrong-passw0rd" not in page.text
    assert "pbx_session" not in client.cookies
    assert client.get("/").location.startswith("/login")

    response = login(client)
    assert response.status == 303 and response.location == "/"
    dashboard = client.get("/")
    assert dashboard.status == 200 and "Dashboard" in dashboard.text
    actions = audit_actions()
    assert ("login.failed", ADMIN, ADMIN, "192.0.2.10") in actions
    assert ("login.failed", "nobody", "nobody", "192.0.2.10") in actions
    assert ("login", ADMIN, ADMIN, "192.0.2.10") in actions


def test_login_returns_to_the_page_asked_for_but_never_off_site(client):
    do_setup(client)
    first = client.get("/cdr?page=2")
    assert first.location == "/login?next=/cdr%3Fpage%3D2"
    page = client.get(first.location)
    assert 'name="next" value="/cdr?page=2"' in page.text
    response = client.post(
        "/login", {"csrf_token": page.csrf(), "username": ADMIN, "password": PASSWORD, "next": "/cdr?page=2"}
    )
    assert response.location == "/cdr?page=2"

    other = Client(client.app)
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        token = other.get("/login").csrf()
        response = other.post(
            "/login", {"csrf_token": token, "username": ADMIN, "password": PASSWORD, "next": evil}
        )
        assert response.location == "/", evil
        other.cookies.pop("pbx_session")


def test_login_is_throttled_per_address_and_username(client, app):
    do_setup(client)
    for _ in range(5):
        assert login(client, ADMIN, "Wrong-passw0rd").status == 200
    blocked = login(client)  # even the right password is refused now
    assert blocked.status == 429
    assert "Too many failed logins" in blocked.text
    assert 0 < int(blocked.header("Retry-After")) <= 300
    assert "pbx_session" not in client.cookies
    # Refused attempts are not stored one by one; the 5 failures are.
    assert AuditLog.select().where(AuditLog.action == "login.failed").count() == 5

    # Another address is not affected.
    elsewhere = Client(app, remote_addr="198.51.100.20")
    assert login(elsewhere).location == "/"


def test_login_throttle_counts_many_usernames_from_one_address(client, app):
    assert auth.Throttle().per_address == 20
    # The same mechanism with a smaller address bucket keeps the test quick (argon2 is slow on purpose).
    app.config["pbx.state"].throttle = auth.Throttle(per_pair=5, per_address=3)
    do_setup(client)
    for n in range(3):
        assert login(client, f"guess{n}", "Wrong-passw0rd").status == 200
    assert login(client).status == 429
    assert login(Client(app, remote_addr="198.51.100.20")).location == "/"


def test_login_throttle_lifts_when_failures_leave_the_window(client):
    do_setup(client)
    for _ in range(5):
        login(client, ADMIN, "Wrong-passw0rd")
    assert login(client).status == 429
    # Age the failures past the 5-minute window instead of waiting for it.
    AuditLog.update(time=utcnow() - dt.timedelta(minutes=6)).where(
        AuditLog.action == "login.failed"
    ).execute()
    assert login(client).location == "/"


def test_session_cookie_is_random_hashed_at_rest_and_locked_down(client):
    do_setup(client)
    response = login(client)
    line = response.cookie_header("pbx_session")
    flags = [part.strip().lower() for part in line.split(";")]
    assert "httponly" in flags
    assert "samesite=strict" in flags
    assert "secure" not in flags
    token, mac = client.cookies["pbx_session"].split(".")  # the token, signed with the box's session.key
    assert len(token) == 43 and len(mac) == 32  # 32 random bytes, base64url; 128 bits of HMAC-SHA256
    stored = WebSession.get()
    assert stored.id_hash == hashlib.sha256(token.encode()).hexdigest()
    assert WebSession.select().where(WebSession.id_hash == token).count() == 0
    assert stored.remote_addr == "192.0.2.10"
    # The pre-login CSRF cookie has the same flags.
    pre = Client(client.app).get("/login").cookie_header("pbx_csrf").lower()
    assert "httponly" in pre and "samesite=strict" in pre


def test_cookies_are_secure_behind_https(client):
    do_setup(client)
    client.headers["X-Forwarded-Proto"] = "https"
    response = login(client)
    assert "secure" in [p.strip().lower() for p in response.cookie_header("pbx_session").split(";")]


def test_sessions_are_server_side_and_survive_app_recreation(admin, config, control):
    cookies = dict(admin.cookies)
    fresh = Client(create_app(config, control), cookies=cookies)
    assert fresh.get("/extensions").status == 200


def test_logout_invalidates_the_session_server_side(admin):
    stolen = dict(admin.cookies)
    response = admin.submit("/", "/logout", {})
    assert response.status == 303 and response.location == "/login"
    assert "pbx_session" not in admin.cookies
    assert WebSession.select().count() == 0
    assert "You have logged out." in admin.get("/login").text
    replay = Client(admin.app, cookies=stolen)
    assert replay.get("/").location.startswith("/login")
    assert ("logout", ADMIN, ADMIN, "192.0.2.10") in audit_actions()


def test_idle_sessions_expire(admin):
    WebSession.update(expires=utcnow() - dt.timedelta(seconds=1)).execute()
    assert admin.get("/extensions").location.startswith("/login")
    assert WebSession.select().count() == 0


def test_sessions_expire_after_the_maximum_age_even_when_busy(admin):
    WebSession.update(created=utcnow() - auth.MAX_SESSION_AGE - dt.timedelta(seconds=1)).execute()
    assert admin.get("/").location.startswith("/login")


def test_activity_slides_the_idle_expiry(admin):
    WebSession.update(expires=utcnow() + dt.timedelta(minutes=2)).execute()
    assert admin.get("/").status == 200
    assert WebSession.get().expires > utcnow() + auth.IDLE_TIMEOUT - dt.timedelta(minutes=1)


def test_login_replaces_an_existing_session(admin):
    old = admin.cookies["pbx_session"]
    token = admin.get("/").csrf()
    response = admin.post("/login", {"csrf_token": token, "username": ADMIN, "password": PASSWORD})
    assert response.status == 303
    assert admin.cookies["pbx_session"] != old
    assert WebSession.select().count() == 1


def test_a_user_without_the_admin_role_is_refused(admin):
    AdminUser.create(
        username="agent7", password_hash=auth.hash_password("Agent-passw0rd"), role="agent", language="en"
    )
    agent = Client(admin.app, remote_addr="192.0.2.77")
    assert login(agent, "agent7", "Agent-passw0rd").status == 303
    for path in ("/", "/extensions", "/cdr", "/bans", "/audit", "/extensions/new"):
        response = agent.get(path)
        assert response.status == 403, path
        assert "Not allowed" in response.text
    assert agent.submit("/extensions", "/extensions", {"number": "1009"}).status == 403
    # Any logged-in user may log out.
    assert agent.submit("/extensions", "/logout", {}).location == "/login"
