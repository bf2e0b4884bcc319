"""The Webhooks page: the three settings saved with CSRF and audit, the secret shown once, errors
naming the key in both languages, and the delivery counters pbx-core reports."""

from __future__ import annotations

from telephony.models import AuditLog, Setting
from tests.webadmin.conftest import do_setup, login
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app


def test_webhooks_page_needs_a_login(client, fake_core):
    assert client.get("/webhooks").status in (302, 303)


def test_saving_a_url_generates_the_secret_shows_it_once_audits_and_reloads(admin, fake_core):
    page = admin.get("/webhooks")
    assert page.status == 200 and 'name="webhook_url"' in page.text
    assert 'id="webhook-status-missing"' in page.text  # this fake core has no /webhooks/status
    data = {"webhook_url": "https://crm.example.com/hook", "webhook_events": "call-*, agent-*"}
    response = admin.submit("/webhooks", "/webhooks", data)
    assert response.status == 200 and response.header("Cache-Control") == "no-store"
    secret = Setting.get_value("webhook_secret")
    assert len(secret) == 64 and f'<code class="mono">{secret}</code>' in response.text
    assert Setting.get_value("webhook_url") == "https://crm.example.com/hook"
    assert Setting.get_value("webhook_events") == "call-*,agent-*"
    assert fake_core.received("POST", "/reload") == [{"what": "callcenter"}]
    audit = AuditLog.get(AuditLog.action == "webhooks.update")
    assert audit.target == "https://crm.example.com/hook" and "webhook_secret changed" in audit.detail
    assert secret not in audit.detail

    later = admin.get("/webhooks").text
    assert secret not in later and "••••" + secret[-4:] in later
    again = admin.submit("/webhooks", "/webhooks", {**data, "webhook_url": "https://crm.example.com/v2"})
    assert again.status == 303 and again.location == "/webhooks"
    assert Setting.get_value("webhook_secret") == secret
    assert "Webhook settings saved." in admin.get("/webhooks").text


def test_regenerate_replaces_the_secret_and_an_own_secret_is_taken(admin, fake_core):
    data = {"webhook_url": "http://10.0.0.5:8080/hook", "webhook_events": ""}
    admin.submit("/webhooks", "/webhooks", data)
    first = Setting.get_value("webhook_secret")
    rolled = admin.submit("/webhooks", "/webhooks", {**data, "regenerate": "1"})
    second = Setting.get_value("webhook_secret")
    assert second != first and second in rolled.text
    own = admin.submit("/webhooks", "/webhooks", {**data, "webhook_secret": "Receiver-Chosen-Key-42"})
    assert Setting.get_value("webhook_secret") == "Receiver-Chosen-Key-42" and own.status == 200


def test_bad_input_names_each_key_saves_nothing_in_english_and_chinese(admin, fake_core):
    data = {"webhook_url": "ftp://x", "webhook_events": "agnet-*", "webhook_secret": "short"}
    response = admin.submit("/webhooks", "/webhooks", data)
    assert response.status == 422
    assert 'id="webhook_url-error">must be empty (off) or an http:// or https:// URL' in response.text
    assert 'id="webhook_events-error">agnet-* matches none of the events the box sends' in response.text
    assert 'id="webhook_secret-error">must be empty (generate one) or 16 to 256' in response.text
    assert Setting.select().where(Setting.key.startswith("webhook_")).count() == 0
    assert fake_core.received("POST", "/reload") == []
    admin.submit("/webhooks", "/lang", {"lang": "zh-CN", "next": "/webhooks"})
    response = admin.submit("/webhooks", "/webhooks", data)
    assert response.status == 422 and "必须为空（关闭）或以 http:// 或 https:// 开头" in response.text


def test_post_without_csrf_token_is_refused(admin, fake_core):
    response = admin.post("/webhooks", {"webhook_url": "http://10.0.0.5/hook"})
    assert response.status == 403 and Setting.get_or_none(Setting.key == "webhook_url") is None


def test_status_counters_from_the_core_are_shown(admin, fake_core, monkeypatch):
    status = {"enabled": True, "delivered": 12, "failed": 1, "dropped": 3, "queued": 2}
    status |= {"last_error": "HTTP 503 Service Unavailable", "last_error_at": 1700000000.0, "secret": "x"}
    original = fake_core._answer

    def answer(method, path, body):
        if (method, path) == ("GET", "/webhooks/status"):
            return 200, status
        return original(method, path, body)

    monkeypatch.setattr(fake_core, "_answer", answer)
    text = admin.get("/webhooks").text
    assert 'id="webhook-status"' in text
    assert 'data-field="delivered">12<' in text and 'data-field="dropped">3<' in text
    assert "HTTP 503 Service Unavailable" in text


def test_saving_with_the_core_down_keeps_the_change_and_says_so(config, dead_control):
    client = Client(create_app(config, dead_control))
    do_setup(client)
    login(client)
    response = client.submit("/webhooks", "/webhooks", {"webhook_url": "http://10.0.0.5/hook"})
    assert response.status == 200 and Setting.get_value("webhook_url") == "http://10.0.0.5/hook"
    assert 'id="new-secret"' in response.text and "pbx-core is not answering" in response.text
