"""Firmware update page: upload a bundle, RAUC installs it (file slots), refusals in both languages, audit."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path

import pytest

from firmware import bootstate, update
from telephony.models import AdminUser, AuditLog, snapshots
from tests.firmware.rauc_support import RaucBox, make_bundle, make_keys, needs_rauc, read_file
from tests.webadmin.conftest import login
from tests.webadmin.test_web_moh import multipart, set_language
from tests.webadmin.wsgi_client import Client
from webadmin.auth import hash_password
from webadmin.routes import update as update_routes

BOARD = "qemu-amd64"


def audit_rows() -> list[tuple[str, str, str]]:
    rows = AuditLog.select().where(AuditLog.action.startswith("update.")).order_by(AuditLog.id)
    return [(r.action, r.target, r.detail) for r in rows]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory):
    return make_keys(tmp_path_factory.mktemp("keys"), "PBX Box test")


@pytest.fixture
def box(tmp_path: Path, keys):
    box = RaucBox(tmp_path / "box", BOARD, keys.ca_cert)
    box.power_on()
    yield box
    box.stop()


@pytest.fixture
def reboots(app, box) -> list[str]:
    """Point the page's update job at the file-slot RAUC; record reboot requests instead of rebooting."""
    asked: list[str] = []
    rauc = update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env)
    app.config[update_routes.JOB_KEY] = update.UpdateJob(rauc, reboot=lambda: asked.append("reboot"))
    return asked


def upload(client: Client, filename: str, content: bytes):
    token = client.get("/update").csrf()
    return multipart(client, "/update", {"csrf_token": token}, (filename, content))


def wait_phase(client: Client, phases: tuple[str, ...], deadline_s: float = 60) -> dict:
    end = time.monotonic() + deadline_s
    seen = []
    while time.monotonic() < end:
        state = json.loads(client.get("/update/status.json").text)
        seen.append((state["phase"], state["percent"]))
        if state["phase"] in phases and not state["busy"]:
            state["seen"] = seen
            return state
        time.sleep(0.1)
    raise AssertionError(f"update never reached {phases}: {seen[-5:]}")


@needs_rauc
def test_an_admin_uploads_a_bundle_it_installs_to_the_other_slot_and_the_box_restarts(
    admin, app, box, reboots, keys, tmp_path
):
    page = admin.get("/update")
    assert page.status == 200
    assert 'data-slot="A"' in page.text and "running now" in page.text
    bundle = make_bundle(tmp_path, keys, BOARD, "2.0", {"VERSION": "2.0\n"})

    response = upload(admin, "update-2.0.raucb", bundle.read_bytes())

    assert response.status == 303 and response.location.endswith("/update")
    state = wait_phase(admin, ("rebooting", "refused", "failed"))
    assert state["phase"] == "rebooting", state
    assert state["percent"] == 100
    assert "Version 2.0 is installed" in state["text"]
    assert reboots == ["reboot"]
    assert read_file(box.slots["B"], "VERSION") == "2.0\n"
    assert bootstate.load(box.bootstate).order == ["B", "A"]
    assert not list((app.config["pbx.state"].config.data_dir / "update").iterdir())  # upload removed
    assert [a for a, _, _ in audit_rows()] == ["update.install", "update.installed"]
    assert audit_rows()[1][1:] == ("update-2.0.raucb", "version=2.0")


@needs_rauc
def test_after_a_new_slot_never_got_healthy_the_page_says_the_update_was_rolled_back(
    admin, app, box, reboots, keys, tmp_path
):
    assert 'id="update-rolled-back"' not in admin.get("/update").text
    upload(
        admin,
        "update-2.0.raucb",
        make_bundle(tmp_path, keys, BOARD, "2.0", {"VERSION": "2.0\n"}).read_bytes(),
    )
    assert wait_phase(admin, ("rebooting", "refused", "failed"))["phase"] == "rebooting"
    # the new slot boots three times and never passes its health checks (no mark-good), then the chooser goes back
    assert [box.power_on() for _ in range(4)] == ["B", "B", "B", "A"]
    app.config[update_routes.JOB_KEY] = update.UpdateJob(
        update.Rauc(compatible=BOARD, keyring=box.keyring, env=box.env),
        reboot=lambda: reboots.append("reboot"),
    )

    text = html.unescape(admin.get("/update").text)
    assert 'id="update-rolled-back"' in text
    assert (
        "version 2.0 (slot B) did not pass its health checks after restarting, so the box went back to slot A"
        in text
    )
    set_language("zh-CN")
    text = html.unescape(admin.get("/update").text)
    assert "版本 2.0（分区 B）重启后未通过健康检查，设备已自动回退到分区 A" in text
    assert 'data-slot="A"' in text and "当前运行" in text.split('data-slot="A"')[1].split("</tr>")[0]


@needs_rauc
@pytest.mark.parametrize(
    ("kind", "english", "chinese"),
    [
        ("tampered", "contents do not match its signature", "升级包内容与签名不符"),
        ("foreign", "signed by a key this box does not trust", "签名密钥不受本机信任"),
        ("wrong_board", "the bundle is for another board", "升级包适用于其他板型"),
        ("unsigned", "the bundle is not signed", "升级包没有签名"),
    ],
)
def test_refused_bundles_are_shown_with_the_reason_in_both_languages_and_nothing_is_written(
    admin, app, box, reboots, keys, tmp_path, kind, english, chinese
):
    if kind == "foreign":
        content = make_bundle(tmp_path, make_keys(tmp_path / "k2", "Someone Else"), BOARD, "2.0", {"V": "1"})
    elif kind == "wrong_board":
        content = make_bundle(tmp_path, keys, "rpi4-pbx", "2.0", {"V": "1"})
    elif kind == "unsigned":
        good = make_bundle(tmp_path, keys, BOARD, "2.0", {"V": "1"}).read_bytes()
        sig_size = int.from_bytes(good[-8:], "big")  # RAUC: the CMS signature, then its size, at the end
        content = tmp_path / "unsigned.raucb"
        content.write_bytes(good[: -8 - sig_size] + (0).to_bytes(8, "big"))
    else:
        data = bytearray(make_bundle(tmp_path, keys, BOARD, "2.0", {"V": "1"}).read_bytes())
        data[len(data) // 4] ^= 0x55
        content = tmp_path / "tampered.raucb"
        content.write_bytes(bytes(data))
    slot_b = box.slots["B"].read_bytes()

    response = upload(admin, f"{kind}.raucb", content.read_bytes())
    assert response.status == 422
    text = html.unescape(response.text)
    assert "Refused, nothing was written: " in text and english in text
    set_language("zh-CN")
    page = admin.get("/update")
    text = html.unescape(page.text)
    assert "已拒绝，未写入任何内容：" in text and chinese in text

    assert box.slots["B"].read_bytes() == slot_b
    assert reboots == []
    assert audit_rows()[0][0] == "update.refused"
    assert audit_rows()[0][2].startswith(f"reason={ {'foreign': 'untrusted'}.get(kind, kind) } ")
    assert not list((app.config["pbx.state"].config.data_dir / "update").iterdir())


def test_the_update_page_needs_an_admin_and_the_csrf_token(admin, app, tmp_path):
    assert admin.post("/update", {}).status == 403  # no CSRF token
    AdminUser.create(
        username="sup", password_hash=hash_password("Sup3rvisor99"), role="supervisor", language="en"
    )
    supervisor = Client(app, remote_addr="192.0.2.20")
    login(supervisor, "sup", "Sup3rvisor99")
    for path in ("/update", "/update/status.json"):
        assert supervisor.get(path).status == 403, path
    assert Client(app).get("/update").status in (302, 303)
    assert upload(admin, "", b"").status == 422  # no file chosen
    assert "Choose an update bundle file first." in admin.last.text


def test_the_update_page_says_when_rauc_does_not_answer_and_shows_a_database_restore(admin, config):
    # no RAUC service on this test machine's system bus
    assert "The update service (RAUC) does not answer here" in admin.get("/update").text
    db_dir = config.db_path.parent
    (db_dir / snapshots.RECORD).write_text(
        json.dumps(
            {
                "restored_at": "20261130T101500Z",
                "found_version": 12,
                "restored_version": 9,
                "snapshot": str(db_dir / "pre-update-9.sqlite3"),
                "kept_aside": str(db_dir / "rolled-back-from-12-20261130T101500Z.sqlite3"),
            }
        )
    )
    text = html.unescape(admin.get("/update").text)
    assert "Database restored after a rollback" in text
    assert "found a database of schema 12" in text and "rolled-back-from-12-20261130T101500Z.sqlite3" in text
    set_language("zh-CN")
    assert "回退后已恢复数据库" in html.unescape(admin.get("/update").text)
