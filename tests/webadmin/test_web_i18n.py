"""The UI catalog and the choice of language: user setting, then cookie, then Accept-Language, then zh-CN."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from telephony import messages
from telephony.models import AdminUser
from tests.webadmin.conftest import login
from tests.webadmin.wsgi_client import Client
from webadmin import i18n

VIEWS = Path(__file__).resolve().parents[2] / "webadmin" / "views"
ROUTES = Path(__file__).resolve().parents[2] / "webadmin" / "routes"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages_with_the_same_placeholders():
    for catalog in (i18n.CATALOG, messages.CATALOG):
        for key, entry in catalog.items():
            assert set(entry) == set(i18n.LANGUAGES), key
            assert all(entry.values()), key
            assert placeholders(entry["en"]) == placeholders(entry["zh-CN"]), key


def test_every_key_the_views_and_routes_use_exists():
    used = set()
    for path in [*VIEWS.rglob("*.tpl"), *ROUTES.glob("*.py")]:
        used |= set(re.findall(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]\s*[,)]""", path.read_text()))
        used |= set(re.findall(r"""flash\(\s*"\w+",\s*"([a-z0-9_.]+)\"""", path.read_text()))
    assert used, "found no keys: the pattern is wrong"
    missing = sorted(key for key in used if not i18n.has(key))
    assert missing == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh-CN"),
        ("", "zh-CN"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("zh-TW", "zh-CN"),
        ("fr-FR,en;q=0.5,zh;q=0.4", "en"),
        ("fr-FR,de;q=0.5", "zh-CN"),
        ("en;q=0.2,zh;q=0.8", "zh-CN"),
        ("en;q=bogus,zh", "zh-CN"),
        ("*", "zh-CN"),
    ],
)
def test_accept_language_negotiation(header, expected):
    assert i18n.choose(None, None, header) == expected


def test_user_setting_beats_cookie_beats_header():
    assert i18n.choose("en", "zh-CN", "zh") == "en"
    assert i18n.choose(None, "en", "zh") == "en"
    assert i18n.choose(None, "klingon", "en") == "en"


def test_pages_default_to_chinese(app):
    client = Client(app, headers={})
    page = client.get("/setup")
    assert '<html lang="zh-CN">' in page.text
    assert "创建管理员" in page.text


def test_language_switch_sets_cookie_and_the_users_setting(admin):
    response = admin.submit("/extensions", "/lang", {"lang": "zh-CN", "next": "/extensions"})
    assert response.status == 303 and response.location == "/extensions"
    assert admin.cookies["lang"] == "zh-CN"
    assert AdminUser.get().language == "zh-CN"
    assert "分机管理" in admin.get("/extensions").text
    # The setting follows the user to another browser that prefers English.
    other = Client(admin.app, remote_addr="192.0.2.50")
    login(other)
    assert "分机管理" in other.get("/extensions").text
    assert other.cookies["lang"] == "zh-CN"


def test_language_switch_works_before_setup_and_rejects_unknown_languages(client):
    assert client.submit("/setup", "/lang", {"lang": "en", "next": "/setup"}).location == "/setup"
    assert "Create administrator" in client.get("/setup").text
    assert client.submit("/setup", "/lang", {"lang": "xx"}).status == 400
    assert client.submit("/setup", "/lang", {"lang": "en", "next": "https://evil.example"}).location == "/"
