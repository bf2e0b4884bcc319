"""Voicemail pages: mailboxes (create, edit, refusals in both languages), messages played with
ranges and downloaded, delete with confirmation and audit, the SMTP settings, CSRF and roles."""

from __future__ import annotations

import pytest

from telephony.models import AdminUser, AuditLog, Extension, Setting
from telephony.models.voicemail import Mailbox, VoicemailMessage
from tests.support import audio
from tests.webadmin.conftest import login
from tests.webadmin.wsgi_client import Client
from webadmin.auth import hash_password


def audit_rows() -> list[tuple[str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith("voicemail.")).order_by(AuditLog.id)
    return [(r.action, r.target, r.detail) for r in rows]


@pytest.fixture
def extension(admin):
    ext = Extension(number="1001", name="Alice")
    ext.set_secret("Secr3tPass9", "pbx")
    ext.save()
    return ext


@pytest.fixture
def message(admin, extension, config):
    box = Mailbox(number="1001")
    box.set_pin("1234")
    box.save()
    path = config.media_dir / "voicemail" / "1001" / "m1.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    audio.write_tone(path, 1000, seconds=1.0)
    return VoicemailMessage.create(
        mailbox=box, caller="1002", caller_name="Bob", duration=1.0, path="voicemail/1001/m1.wav"
    )


def form(**values: str) -> dict[str, str]:
    base = {
        "number": "1001",
        "pin": "1234",
        "email": "alice@example.com",
        "max_message_seconds": "60",
        "max_messages": "20",
        "on_no_answer": "1",
        "on_busy": "1",
        "attach_audio": "1",
        "enabled": "1",
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def test_the_page_is_in_the_navigation_and_a_mailbox_is_created_hashed_and_audited(admin, extension):
    page = admin.get("/voicemail")
    assert page.status == 200 and '<a href="/voicemail" class="active">Voicemail</a>' in page.text
    assert "No mailboxes yet." in page.text
    response = admin.submit("/voicemail/new", "/voicemail/new", form(on_busy=None))
    assert response.status == 303 and response.location == "/voicemail"
    box = Mailbox.get(Mailbox.number == "1001")
    assert box.check_pin("1234") and "1234" not in box.pin_hash
    assert (box.email, box.max_message_seconds, box.max_messages, box.on_no_answer, box.on_busy) == (
        "alice@example.com",
        60,
        20,
        True,
        False,
    )
    page = admin.get("/voicemail").text
    assert "Mailbox 1001 created." in page and '<tr data-mailbox="1001">' in page
    ((action, target, detail),) = audit_rows()
    assert (
        (action, target) == ("voicemail.create", "1001") and "pin=changed" in detail and "1234" not in detail
    )


def test_an_edit_keeps_the_pin_when_left_empty(admin, extension):
    admin.submit("/voicemail/new", "/voicemail/new", form())
    response = admin.submit("/voicemail/1001/edit", "/voicemail/1001/edit", form(pin="", email=""))
    assert response.status == 303
    box = Mailbox.get(Mailbox.number == "1001")
    assert box.check_pin("1234") and box.email == ""
    assert audit_rows()[-1][0] == "voicemail.update" and "pin=kept" in audit_rows()[-1][2]


@pytest.mark.parametrize(
    ("language", "values", "field", "text"),
    [
        ("en", {"number": "9999"}, "number", "No extension or analog phone has this number."),
        ("zh-CN", {"number": "9999"}, "number", "没有分机或模拟电话使用此号码。"),
        ("en", {"pin": "12"}, "pin", "The PIN is 4 to 12 digits."),
        ("zh-CN", {"pin": "abcd"}, "pin", "密码为 4 到 12 位数字。"),
        ("en", {"email": "nope"}, "email", "This is not an email address."),
        ("en", {"max_message_seconds": "0"}, "max_message_seconds", "From 5 to 3600 seconds."),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_saved(
    admin, extension, language, values, field, text
):
    AdminUser.update(language=language).execute()
    response = admin.submit("/voicemail/new", "/voicemail/new", form(**values))
    assert response.status == 422
    assert f'<div class="field-error" id="{field}-error">{text}</div>' in response.text
    assert Mailbox.select().count() == 0 and audit_rows() == []


def test_messages_are_listed_played_by_range_downloaded_and_deleted_with_audit(admin, message, config):
    page = admin.get("/voicemail/1001")
    assert page.status == 200 and f'<tr data-message="{message.id}">' in page.text
    assert f'<audio controls preload="none" src="/voicemail/1001/{message.id}.wav">' in page.text
    data = (config.media_dir / message.path).read_bytes()
    whole = admin.get(f"/voicemail/1001/{message.id}.wav")
    assert whole.status == 200 and whole.body == data and whole.header("Content-Type").startswith("audio/wav")
    part = admin.get(f"/voicemail/1001/{message.id}.wav", headers={"Range": "bytes=44-143"})
    assert part.status == 206 and part.body == data[44:144]
    download = admin.get(f"/voicemail/1001/{message.id}.wav?download=1")
    assert "attachment" in download.header("Content-Disposition")
    assert admin.get(f"/voicemail/1002/{message.id}.wav").status == 404
    assert admin.get(f"/voicemail/1001/{message.id + 1}.wav").status == 404
    confirm = admin.get(f"/voicemail/1001/{message.id}/delete")
    assert confirm.status == 200 and "Delete the message" in confirm.text
    response = admin.submit(
        f"/voicemail/1001/{message.id}/delete", f"/voicemail/1001/{message.id}/delete", {}
    )
    assert response.status == 303 and response.location == "/voicemail/1001"
    assert VoicemailMessage.select().count() == 0 and not (config.media_dir / message.path).exists()
    ((action, target, detail),) = audit_rows()
    assert (action, target) == ("voicemail.message_delete", "1001") and "caller='1002'" in detail


def test_smtp_settings_are_saved_the_password_kept_and_never_shown(admin):
    fields = {
        "smtp_host": "mail.example.com",
        "smtp_port": "587",
        "smtp_user": "pbx",
        "smtp_password": "S3cret!",
    }
    response = admin.submit(
        "/voicemail", "/voicemail/smtp", {**fields, "smtp_starttls": "1", "smtp_from": "pbx@example.com"}
    )
    assert response.status == 303
    assert Setting.get_value("smtp_host") == "mail.example.com" and Setting.get_value("smtp_starttls") == "1"
    assert Setting.get_value("smtp_password") == "S3cret!"
    page = admin.get("/voicemail").text
    assert "S3cret!" not in page and "A password is stored" in page
    admin.submit("/voicemail", "/voicemail/smtp", {**fields, "smtp_password": ""})
    assert Setting.get_value("smtp_password") == "S3cret!"
    assert [a for a, _, _ in audit_rows()] == ["voicemail.smtp", "voicemail.smtp"]
    assert all("S3cret" not in d for _, _, d in audit_rows())
    bad = admin.submit("/voicemail", "/voicemail/smtp", {**fields, "smtp_port": "99999"})
    assert bad.status == 422 and "A port from 1 to 65535." in bad.text


def test_changes_need_the_csrf_token_and_the_admin_role(admin, message, app):
    assert admin.post("/voicemail/new", form(number="1001")).status == 403
    assert admin.post(f"/voicemail/1001/{message.id}/delete", {}).status == 403
    AdminUser.create(
        username="sup", password_hash=hash_password("Sup3rvisor99"), role="supervisor", language="en"
    )
    supervisor = Client(app, remote_addr="192.0.2.20")
    login(supervisor, "sup", "Sup3rvisor99")
    for path in ("/voicemail", "/voicemail/1001", f"/voicemail/1001/{message.id}.wav"):
        assert supervisor.get(path).status == 403, path
    assert VoicemailMessage.select().count() == 1


def upload_greeting(client: Client, kind: str, filename: str, content: bytes):
    from tests.webadmin.test_web_moh import multipart

    token = client.get("/voicemail/1001").csrf()
    return multipart(
        client, "/voicemail/1001/greeting", {"csrf_token": token, "kind": kind}, (filename, content)
    )


def test_a_greeting_is_uploaded_converted_played_and_set_back_to_the_default(
    admin, message, config, tmp_path
):
    source = audio.write_tone(tmp_path / "hello.wav", 440, seconds=1.0).read_bytes()
    response = upload_greeting(admin, "busy", "hello.wav", source)
    assert response.status == 303 and response.location == "/voicemail/1001"
    stored = config.media_dir / "voicemail" / "1001" / "greetings" / "busy.wav"
    assert (
        stored.is_file()
        and Mailbox.get(Mailbox.number == "1001").greeting_busy == "voicemail/1001/greetings/busy.wav"
    )
    page = admin.get("/voicemail/1001").text
    assert '<audio controls preload="none" src="/voicemail/1001/greeting/busy.wav">' in page
    assert admin.get("/voicemail/1001/greeting/busy.wav").body == stored.read_bytes()
    assert admin.get("/voicemail/1001/greeting/unavailable.wav").status == 404
    bad = upload_greeting(admin, "busy", "notes.txt", b"this is not audio at all" * 20)
    assert bad.status == 422 and 'id="greeting-error"' in bad.text
    assert stored.read_bytes() == admin.get("/voicemail/1001/greeting/busy.wav").body  # unchanged
    response = admin.submit("/voicemail/1001", "/voicemail/1001/greeting/busy/delete", {})
    assert response.status == 303 and not stored.exists()
    assert Mailbox.get(Mailbox.number == "1001").greeting_busy == ""
    assert [a for a, _, _ in audit_rows()] == ["voicemail.greeting_upload", "voicemail.greeting_delete"]


def test_a_mailbox_is_deleted_with_its_messages_after_confirmation_and_audited(admin, message, config):
    page = admin.get("/voicemail/1001/delete")
    assert page.status == 200 and "Delete mailbox 1001" in page.text and "its 1 messages" in page.text
    response = admin.submit("/voicemail/1001/delete", "/voicemail/1001/delete", {})
    assert response.status == 303 and response.location == "/voicemail"
    assert Mailbox.select().count() == 0 and VoicemailMessage.select().count() == 0
    assert not (config.media_dir / message.path).exists()
    assert audit_rows()[-1] == ("voicemail.delete", "1001", "messages=1")
    assert admin.get("/voicemail/1001/delete").status == 404
