"""CSRF: every POST must carry the session's token (or, before login, the double-submit cookie's)."""

from __future__ import annotations

from telephony.models import AdminUser, Extension, WebSession
from tests.webadmin.conftest import ADMIN, PASSWORD, do_setup
from tests.webadmin.wsgi_client import Client


def test_post_without_token_is_refused_and_changes_nothing(admin, fake_core):
    good = admin.submit("/extensions/new", "/extensions", {"number": "1001", "secret": "abc12345xyz"})
    assert good.status == 303
    for action, data in (
        ("/extensions", {"number": "1002", "secret": "abc12345xyz"}),
        ("/extensions/1001/edit", {"number": "1001", "name": "changed"}),
        ("/extensions/1001/delete", {}),
        ("/bans/lift", {"address": "203.0.113.7"}),
        ("/logout", {}),
        ("/lang", {"lang": "zh-CN"}),
    ):
        for token in (None, "", "forged-token"):
            body = dict(data) if token is None else {"csrf_token": token, **data}
            response = admin.post(action, body)
            assert response.status == 403, (action, token)
            assert "Security check failed" in response.text
            assert "nothing was changed" in response.text
    assert [e.number for e in Extension.select()] == ["1001"]
    assert Extension.get().name == ""
    assert fake_core.received("POST", "/bans/lift") == []
    assert WebSession.select().count() == 1
    assert "lang=zh-CN" not in "; ".join(admin.last.set_cookies())


def test_a_token_from_another_session_is_refused(admin, app):
    other = Client(app, remote_addr="192.0.2.99")
    assert other.submit("/login", "/login", {"username": ADMIN, "password": PASSWORD}).status == 303
    their_token = other.get("/").csrf()
    assert their_token != admin.get("/").csrf()
    response = admin.post(
        "/extensions", {"csrf_token": their_token, "number": "1001", "secret": "abc12345xyz"}
    )
    assert response.status == 403
    assert Extension.select().count() == 0


def test_setup_and_login_forms_need_the_double_submit_cookie(client):
    page = client.get("/setup")
    token = page.csrf()
    assert client.cookies["pbx_csrf"] == token
    data = {"username": ADMIN, "password": PASSWORD, "confirm": PASSWORD}
    # Form token without the cookie (a cross-site form cannot set it): refused.
    del client.cookies["pbx_csrf"]
    assert client.post("/setup", {"csrf_token": token, **data}).status == 403
    assert AdminUser.select().count() == 0
    # Cookie and field that differ: refused.
    client.get("/setup")
    assert client.post("/setup", {"csrf_token": token[::-1], **data}).status == 403
    assert AdminUser.select().count() == 0
    assert do_setup(client).status == 303

    response = client.post("/login", {"username": ADMIN, "password": PASSWORD})
    assert response.status == 403
    assert "pbx_session" not in client.cookies


def test_the_csrf_page_offers_a_fresh_token(client):
    response = client.post("/setup", {"username": ADMIN})
    assert response.status == 403
    assert client.cookies.get("pbx_csrf") == response.csrf()
