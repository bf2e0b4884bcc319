"""App-wide guarantees: every route declares its access, security headers everywhere, errors as pages."""

from __future__ import annotations

import bottle
import pytest

from webadmin import auth
from webadmin.app import _check_access_declared, create_app
from webadmin.errors import AppConfigError

HEADERS = {
    "Content-Security-Policy": "default-src 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_security_headers(response) -> None:
    for name, value in HEADERS.items():
        assert value in (response.header(name) or ""), name


def test_every_route_declares_its_access(app):
    public = {}
    for route in app.routes:
        kind = getattr(route.callback, auth.ACCESS_ATTR)
        if kind not in auth.ROLES:
            public[f"{route.method} {route.rule}"] = kind
    assert public == {
        "GET /static/<path:path>": "static",
        "GET /setup": "setup",
        "POST /setup": "setup",
        "GET /login": "public",
        "POST /login": "public",
        "POST /lang": "open",
        "GET /agent/login": "public",
        "POST /agent/login": "public",
        # The agent console admits agent sessions only (webadmin.routes.agent_console.agent_only).
        **dict.fromkeys(
            [
                *("GET /agent", "GET /agent/state.json", "GET /agent/events", "POST /agent/call"),
                *(
                    f"POST /agent/acd/{verb}"
                    for verb in ("login", "logout", "pause", "ready", "wrapup_end", "join", "leave")
                ),
                *("POST /agent/call/hangup", "POST /agent/call/transfer"),
                *("POST /agent/token", "POST /agent/token/revoke"),
                "GET /agent/recent",  # the agent's own extension's recent calls
            ],
            "agent-session",
        ),
        # The CTI API authenticates a bearer token itself (webadmin.routes.cti_api.token_route).
        **dict.fromkeys(
            [
                *(
                    f"POST /api/cti/{verb}"
                    for verb in ("login", "logout", "pause", "unpause", "wrapup_end", "join", "leave")
                ),
                *(f"POST /api/cti/{verb}" for verb in ("originate", "transfer", "hangup")),
                *("GET /api/cti/state", "GET /api/cti/events"),
            ],
            "cti-token",
        ),
    }


def test_an_undeclared_route_is_refused_when_the_app_is_built():
    app = bottle.Bottle()
    app.route("/oops", "GET", lambda: "hi")
    with pytest.raises(AppConfigError, match="GET /oops declares no access"):
        _check_access_declared(app)


def test_security_headers_on_pages_redirects_errors_and_static(admin):
    for path in ("/", "/extensions", "/no-such-page", "/static/admin.css"):
        assert_security_headers(admin.get(path))
    assert_security_headers(admin.post("/extensions", {}))
    assert admin.get("/extensions").header("Cache-Control") == "no-store"


def test_404_and_405_are_pages_in_the_users_language(admin):
    response = admin.get("/no-such-page")
    assert response.status == 404
    assert "There is nothing at this address." in response.text
    assert 'href="/extensions"' in response.text  # the nav bar is there
    response = admin.request("PUT", "/extensions")
    assert response.status == 405


def test_an_internal_error_is_a_page_without_a_traceback(admin, monkeypatch):
    from webadmin.services import cdr

    def broken(number):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(cdr, "page", broken)
    response = admin.get("/cdr")
    assert response.status == 500
    assert "Internal error" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert_security_headers(response)


def test_oversized_bodies_are_refused(admin):
    token = admin.get("/extensions").csrf()
    response = admin.post("/extensions", {"csrf_token": token, "name": "x" * 300_000})
    assert response.status == 413


def test_static_files_need_no_login_and_cannot_escape(client):
    assert client.get("/static/admin.css").status == 200
    assert client.get("/static/../app.py").status in (403, 404)
    assert client.get("/static/%2e%2e/app.py").status in (403, 404)


def test_the_app_works_from_any_working_directory(config, monkeypatch, tmp_path):
    from tests.webadmin.wsgi_client import Client

    monkeypatch.chdir(tmp_path)
    assert Client(create_app(config)).get("/setup").status == 200
