"""SIP bans and the dashboard, with pbx-core up (a real fake HTTP server) and down."""

from __future__ import annotations

from telephony.models import AuditLog
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app


def test_bans_are_listed_escaped_and_liftable(admin, fake_core):
    page = admin.get("/bans")
    assert page.status == 200
    assert "203.0.113.7" in page.text and "pike flood" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    response = admin.post("/bans/lift", {"csrf_token": page.csrf(), "address": "203.0.113.7"})
    assert response.status == 303 and response.location == "/bans"
    assert fake_core.received("POST", "/bans/lift") == [{"address": "203.0.113.7"}]
    after = admin.get("/bans")
    assert "Ban on 203.0.113.7 lifted." in after.text
    assert 'value="203.0.113.7"' not in after.text
    row = AuditLog.get(AuditLog.action == "ban.lift")
    assert (row.username, row.target, row.remote_addr) == ("boss", "203.0.113.7", "192.0.2.10")


def test_lifting_an_unknown_ban_says_so(admin, fake_core):
    response = admin.submit("/bans", "/bans/lift", {"address": "192.0.2.200"})
    assert response.status == 303
    assert "did not lift the ban on 192.0.2.200" in admin.get("/bans").text


def test_a_bad_address_is_not_sent_to_the_core(admin, fake_core):
    admin.submit("/bans", "/bans/lift", {"address": "not an address"})
    assert "That is not an address." in admin.get("/bans").text
    assert fake_core.received("POST", "/bans/lift") == []


def test_pages_degrade_when_the_core_is_down(admin, config, dead_control):
    down = Client(create_app(config, dead_control), cookies=dict(admin.cookies))
    for path in ("/", "/bans"):
        page = down.get(path)
        assert page.status == 200, path
        assert "pbx-core not reachable" in page.text
    response = down.submit("/bans", "/bans/lift", {"address": "203.0.113.7"})
    assert response.status == 303
    assert "pbx-core not reachable" in down.get("/bans").text
    assert AuditLog.select().where(AuditLog.action == "ban.lift").count() == 0


def test_pages_degrade_without_a_control_client(admin, config):
    offline = Client(create_app(config, None), cookies=dict(admin.cookies))
    assert 'id="core-down"' in offline.get("/").text
    assert 'id="core-down"' in offline.get("/bans").text


def test_dashboard_shows_whatever_the_core_reports(admin, fake_core):
    page = admin.get("/")
    assert page.status == 200
    text = page.text
    assert "running" in text
    assert '<th scope="row">Registered phones</th><td>3</td>' in text
    assert '<th scope="row">Active calls</th><td>2</td>' in text
    assert '<th scope="row">Call leg limit</th><td>480</td>' in text
    assert "1 d 2 h 3 min" in text  # uptime 93784 s
    # A key the admin does not know yet is shown as it is, escaped.
    assert "firmware_flavour" in text and "&lt;b&gt;sim&lt;/b&gt;" in text
    assert ("GET", "/status", None) in fake_core.requests


def test_dashboard_in_chinese(admin, fake_core):
    admin.submit("/", "/lang", {"lang": "zh-CN", "next": "/"})
    text = admin.get("/").text
    assert "已注册话机" in text and "运行中" in text and "1 天 2 小时 3 分" in text
