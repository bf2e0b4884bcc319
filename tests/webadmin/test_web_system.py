"""System page in-process: admin only, backup download, restore checked before replacing, factory reset."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from firmware.firstboot import first_boot
from telephony import boxconfig
from telephony.extensions.service import ExtensionInput, ExtensionService
from telephony.models import AdminUser, AuditLog, Extension
from tests.webadmin.conftest import PASSWORD
from tests.webadmin.test_web_moh import multipart
from tests.webadmin.wsgi_client import Client


@pytest.fixture
def config(tmp_path) -> boxconfig.BoxConfig:
    """A box data directory after first boot, as on the appliance."""
    cfg = boxconfig.load({}, data_dir=tmp_path / "data")
    first_boot(cfg)
    return cfg


def _actions() -> list[str]:
    return [row.action for row in AuditLog.select().order_by(AuditLog.id)]


def _download(admin: Client, media: bool = False) -> bytes:
    data = {"media": "1"} if media else {}
    response = admin.submit("/system", "/system/backup", data)
    assert response.status == 200, response.text[:500]
    assert response.header("Content-Type") == "application/gzip"
    assert 'attachment; filename="pbx-backup-sim-' in response.header("Content-Disposition")
    return response.body


def _restore(admin: Client, content: bytes, filename: str = "backup.tar.gz"):
    token = admin.get("/system").csrf()
    return multipart(admin, "/system/restore", {"csrf_token": token}, (filename, content))


def test_the_system_page_is_for_admins_only_and_says_when_supervisord_does_not_answer(client, admin):
    page = admin.get("/system")
    assert page.status == 200
    assert "supervisord does not answer" in page.text and 'id="factory-reset"' in page.text
    assert 'href="/system"' in page.text  # in the menu
    anonymous = Client(admin.app)
    assert anonymous.get("/system").location.startswith("/login")
    assert anonymous.post("/system/factory-reset", {"confirm": "1"}).status in (303, 403)
    admin.submit("/system", "/lang", {"lang": "zh-CN", "next": "/system"})
    zh = admin.get("/system")
    assert "恢复出厂设置" in zh.text and "supervisord 无响应" in zh.text


def test_the_system_page_says_when_the_box_has_no_hardware_watchdog(admin, config):
    assert 'data-no-device="1"' not in admin.get("/system").text
    config.run_dir.mkdir(parents=True, exist_ok=True)
    (config.run_dir / "watchdog.json").write_text(
        json.dumps(
            {
                "time": "2026-11-30T20:00:00+00:00",
                "feeding": False,
                "no_device": True,
                "checks": [],
                "error": "/dev/watchdog is not a watchdog device (is its driver loaded?)",
            }
        )
    )  # fmt: skip  (what pbx-watchdog writes when it cannot open the device)
    page = admin.get("/system").text
    assert 'data-no-device="1"' in page
    assert "No hardware watchdog: /dev/watchdog is not a watchdog device (is its driver loaded?)" in page
    admin.submit("/system", "/lang", {"lang": "zh-CN", "next": "/system"})
    assert "没有硬件看门狗：/dev/watchdog is not a watchdog device" in admin.get("/system").text


def test_a_posted_form_without_the_csrf_token_is_refused(admin):
    assert admin.post("/system/backup", {}).status == 403
    assert admin.post("/system/factory-reset", {"confirm": "1", "password": PASSWORD}).status == 403
    assert AdminUser.select().count() == 1


def test_a_downloaded_backup_restores_what_was_changed_after_it_and_is_audited(admin):
    ExtensionService(None).create(ExtensionInput(number="1001", name="Desk", secret="Secr3tPass1"))
    body = _download(admin)
    with tarfile.open(fileobj=io.BytesIO(body)) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert set(manifest["members"]) == {"config.yaml", "pbx.sqlite3"}
    ExtensionService(None).create(ExtensionInput(number="1002", name="Later", secret="Secr3tPass2"))
    response = _restore(admin, body)
    assert response.status == 303 and response.location == "/login", response.text[:800]
    assert [e.number for e in Extension.select()] == ["1001"]
    # the restored database has the audit log as it was at the snapshot, plus the restore itself
    assert _actions() == ["admin.create", "login", "system.restore"]


def test_a_tampered_backup_is_refused_in_the_users_language_and_nothing_changes(admin):
    ExtensionService(None).create(ExtensionInput(number="1001", name="Desk", secret="Secr3tPass1"))
    body = bytearray(_download(admin))
    ExtensionService(None).create(ExtensionInput(number="1002", name="Later", secret="Secr3tPass2"))
    truncated = bytes(body[: len(body) // 2])
    response = _restore(admin, truncated)
    assert response.status == 422
    assert "The backup was refused and nothing was changed" in response.text
    assert "cut short or damaged" in response.text
    admin.submit("/lang", "/lang", {"lang": "zh-CN", "next": "/system"})
    response = _restore(admin, b"definitely not a backup", "photo.jpg")
    assert response.status == 422
    assert "备份被拒绝，设备未做任何改动" in response.text and "不是本设备的备份" in response.text
    assert sorted(e.number for e in Extension.select()) == ["1001", "1002"]
    assert _actions().count("system.restore_refused") == 2
    assert _restore(admin, b"", "").status == 422


def test_factory_reset_needs_the_confirmation_and_the_password_then_erases_everything(admin, config):
    ExtensionService(None).create(ExtensionInput(number="1001", name="Desk", secret="Secr3tPass1"))
    refused = admin.submit("/system", "/system/factory-reset", {"password": PASSWORD})
    assert refused.status == 422 and "Tick the box" in refused.text
    wrong = admin.submit("/system", "/system/factory-reset", {"confirm": "1", "password": "wrong-one-42"})
    assert wrong.status == 422 and "The password is wrong" in wrong.text
    assert Extension.select().count() == 1 and "system.factory_reset_refused" in _actions()
    done = admin.submit("/system", "/system/factory-reset", {"confirm": "1", "password": PASSWORD})
    assert done.status == 303 and done.location == "/setup"
    assert Extension.select().count() == 0 and AdminUser.select().count() == 0
    assert _actions() == ["system.factory_reset"]
    assert (config.data_dir / "keys" / "web-tls.crt").exists()
    assert admin.get("/").location == "/setup"
    assert admin.get("/setup").status == 200


def test_the_audit_log_names_the_system_actions_in_both_languages(admin):
    _download(admin)
    assert _restore(admin, b"junk").status == 422
    page = admin.get("/audit").text
    assert "backup downloaded" in page and "backup refused" in page
    admin.submit("/audit", "/lang", {"lang": "zh-CN", "next": "/audit"})
    page = admin.get("/audit").text
    assert "下载备份" in page and "备份被拒绝" in page
