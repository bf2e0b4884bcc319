"""The voicemail page's retention card: limits saved and audited, bad values refused by field in both
languages with nothing stored, the disk figures shown, administrators only."""

from __future__ import annotations

import bottle

from telephony.models import AdminUser, AuditLog, Setting
from telephony.voicemail.retention import limits
from tests.webadmin.conftest import login
from tests.webadmin.wsgi_client import Client
from webadmin.auth import hash_password

FIELDS = {
    "voicemail_keep_new_days": "30",
    "voicemail_keep_saved_days": "365",
    "voicemail_quota_mb": "2048",
    "voicemail_reserve_mb": "500",
}


def error_shown(page, field: str, text: str) -> bool:
    return f'id="{field}-error">{bottle.html_escape(text)}</div>' in page.text


def test_the_retention_card_shows_the_defaults_and_the_disk(admin):
    page = admin.get("/voicemail")
    assert page.status == 200 and 'id="retention"' in page.text
    assert 'name="voicemail_reserve_mb" type="text" inputmode="numeric" value="100"' in page.text
    assert 'name="voicemail_keep_new_days" type="text" inputmode="numeric" value="0"' in page.text
    assert "Messages use 0.0 MB (0 messages);" in page.text and "MB of disk free." in page.text


def test_retention_is_saved_audited_and_shown(admin):
    response = admin.submit("/voicemail", "/voicemail/retention", FIELDS)
    assert response.status == 303 and response.location == "/voicemail"
    assert limits().keep_new_days == 30 and limits().keep_saved_days == 365
    assert limits().quota_mb == 2048 and limits().reserve_mb == 500
    page = admin.get("/voicemail").text
    assert "Retention saved." in page and 'value="2048"' in page
    row = AuditLog.select().where(AuditLog.action == "voicemail.retention").get()
    assert row.detail == "keep_new_days=30 keep_saved_days=365 quota_mb=2048 reserve_mb=500"


def test_bad_retention_values_are_refused_by_field_in_both_languages_and_nothing_is_stored(admin):
    bad = {**FIELDS, "voicemail_quota_mb": "-5", "voicemail_reserve_mb": "lots"}
    page = admin.submit("/voicemail", "/voicemail/retention", bad)
    assert page.status == 422
    assert error_shown(
        page, "voicemail_quota_mb", "voicemail_quota_mb: a whole number from 0 to 1048576 (got '-5')"
    )
    assert error_shown(
        page, "voicemail_reserve_mb", "voicemail_reserve_mb: a whole number from 0 to 1048576 (got 'lots')"
    )
    assert 'value="lots"' in page.text  # the form keeps what was typed
    AdminUser.update(language="zh-CN").execute()
    page = admin.submit("/voicemail", "/voicemail/retention", bad)
    assert error_shown(
        page, "voicemail_reserve_mb", "voicemail_reserve_mb：必须是 0 到 1048576 的整数（现为 'lots'）"
    )
    assert Setting.select().where(Setting.key.startswith("voicemail_")).count() == 0
    assert not AuditLog.select().where(AuditLog.action == "voicemail.retention").exists()


def test_retention_needs_the_csrf_token_and_the_admin_role(admin, app):
    assert admin.post("/voicemail/retention", FIELDS).status == 403
    AdminUser.create(
        username="sup", password_hash=hash_password("Sup3rvisor99"), role="supervisor", language="en"
    )
    supervisor = Client(app, remote_addr="192.0.2.21")
    login(supervisor, "sup", "Sup3rvisor99")
    assert supervisor.post("/voicemail/retention", FIELDS).status == 403
    assert limits().reserve_mb == 100
