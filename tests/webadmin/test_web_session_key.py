"""The session cookie is signed with the box's keys/session.key: `<token>.<HMAC-SHA256 hex>`."""

from __future__ import annotations

import hashlib
import hmac
import stat

import pytest

from firmware.firstboot import read_secret
from telephony.models import WebSession
from tests.webadmin.conftest import PASSWORD, do_setup, login
from tests.webadmin.wsgi_client import Client
from webadmin import auth
from webadmin.app import create_app


def _logged_in(client: Client) -> bool:
    """Whether the client's cookies open an admin page (a logged-out client is sent to /login)."""
    response = client.get("/extensions")
    assert response.status in (200, 303), response.status
    return response.status == 200


def test_the_key_is_made_private_in_the_data_dir_when_first_boot_never_ran(config, control):
    path = config.data_dir / "keys" / "session.key"
    assert not path.exists()
    create_app(config, control)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(read_secret(config, "session.key")) >= 40


def test_the_cookie_is_the_token_and_its_hmac_under_the_box_key(client, config):
    do_setup(client)
    login(client)
    token, mac = client.cookies[auth.SESSION_COOKIE].split(".")
    key = read_secret(config, "session.key").encode()
    assert mac == hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:32]
    assert WebSession.get().id_hash == hashlib.sha256(token.encode()).hexdigest()
    assert _logged_in(client)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token, mac: f"{token}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",  # one digit of the MAC
        lambda token, mac: token,  # the bare token, as before signing
        lambda token, mac: f"{token}.",
        lambda token, mac: f"{token[:-1]}{'A' if token[-1] != 'A' else 'B'}.{mac}",  # the token changed
    ],
)
def test_a_cookie_with_a_wrong_mac_is_logged_out(client, tamper):
    do_setup(client)
    login(client)
    token, mac = client.cookies[auth.SESSION_COOKIE].split(".")
    client.cookies[auth.SESSION_COOKIE] = tamper(token, mac)
    assert not _logged_in(client)
    client.cookies[auth.SESSION_COOKIE] = f"{token}.{mac}"
    assert _logged_in(client)  # the session itself was not ended by the forgery


def test_a_wrong_mac_is_refused_before_the_database_is_asked(client, monkeypatch):
    do_setup(client)
    login(client)
    token, mac = client.cookies[auth.SESSION_COOKIE].split(".")

    def no_lookup(*_args, **_kwargs):
        raise AssertionError("the database was asked about a cookie with a wrong MAC")

    monkeypatch.setattr(auth.WebSession, "select", no_lookup)
    assert auth.find_session(f"{token}.{'0' * 32}") is None
    assert auth.find_session(token) is None


def test_a_new_session_key_logs_every_session_out(client, config, control):
    do_setup(client)
    login(client)
    cookie = client.cookies[auth.SESSION_COOKIE]
    (config.data_dir / "keys" / "session.key").unlink()  # what a factory reset does, among the rest
    restarted = Client(create_app(config, control), cookies={auth.SESSION_COOKIE: cookie})
    assert not _logged_in(restarted)


def test_after_a_factory_reset_from_the_web_admin_cookies_are_signed_with_the_new_key(admin, config):
    old_key = read_secret(config, "session.key")
    done = admin.submit("/system", "/system/factory-reset", {"confirm": "1", "password": PASSWORD})
    assert done.status == 303 and done.location == "/setup"
    new_key = read_secret(config, "session.key")
    assert new_key != old_key
    do_setup(admin)
    login(admin)
    token, mac = admin.cookies[auth.SESSION_COOKIE].split(".")
    assert mac == hmac.new(new_key.encode(), token.encode(), hashlib.sha256).hexdigest()[:32]
    assert _logged_in(admin)
