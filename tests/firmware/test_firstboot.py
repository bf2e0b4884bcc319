"""First boot: data layout, unique secrets, TLS certificate, default config; idempotent; no default login."""

from __future__ import annotations

import configparser
import stat
import subprocess
from pathlib import Path

from firmware.firstboot import LAYOUT, SECRETS, STAMP, TLS_CERT, TLS_KEY, first_boot, is_done, read_secret
from telephony import boxconfig
from telephony.models import AdminUser, Setting
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app


def _cfg(path):
    return boxconfig.load({}, data_dir=path)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_boot_on_an_empty_data_dir_makes_the_layout_secrets_certificate_and_database(tmp_path):
    cfg = _cfg(tmp_path / "data")
    result = first_boot(cfg)
    for name in LAYOUT:
        assert (cfg.data_dir / name).is_dir(), name
    assert _mode(cfg.data_dir / "keys") == 0o700
    for name, _why in SECRETS:
        assert _mode(cfg.data_dir / "keys" / name) == 0o600
        assert len(read_secret(cfg, name)) >= 40
    assert _mode(cfg.data_dir / TLS_KEY) == 0o600
    subject = subprocess.run(
        [
            "openssl",
            "x509",
            "-in",
            str(cfg.data_dir / TLS_CERT),
            "-noout",
            "-subject",
            "-ext",
            "subjectAltName",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CN = pbx-box" in subject and "IP Address:127.0.0.1" in subject
    assert cfg.db_path.exists() and Setting.get_value("sip_realm") == "pbx"
    assert is_done(cfg) and STAMP in result.made and TLS_CERT in result.made


def test_first_boot_is_idempotent_and_finishes_what_an_interrupted_one_left(tmp_path):
    cfg = _cfg(tmp_path)
    first_boot(cfg)
    before = {p: p.read_bytes() for p in (cfg.data_dir / "keys").iterdir()}
    again = first_boot(cfg)
    assert again.made == () and not again.changed
    assert {p: p.read_bytes() for p in (cfg.data_dir / "keys").iterdir()} == before
    # a power cut after the secrets: the certificate and stamp are missing, the rest is kept
    (cfg.data_dir / TLS_CERT).unlink()
    (cfg.data_dir / STAMP).unlink()
    resumed = first_boot(cfg)
    assert set(resumed.made) == {TLS_CERT, STAMP}
    assert read_secret(cfg, "edge.secret").encode() + b"\n" == before[cfg.data_dir / "keys" / "edge.secret"]


def test_two_boxes_get_different_secrets_and_certificates(tmp_path):
    one, two = _cfg(tmp_path / "one"), _cfg(tmp_path / "two")
    first_boot(one)
    first_boot(two)
    for name, _why in SECRETS:
        assert read_secret(one, name) != read_secret(two, name)
    assert (one.data_dir / TLS_KEY).read_bytes() != (two.data_dir / TLS_KEY).read_bytes()
    assert (one.data_dir / TLS_CERT).read_bytes() != (two.data_dir / TLS_CERT).read_bytes()


def test_given_a_fresh_first_boot_when_the_web_admin_is_opened_then_it_asks_for_the_admin_password(tmp_path):
    cfg = _cfg(tmp_path)
    first_boot(cfg)
    assert AdminUser.select().count() == 0  # no default credential exists
    client = Client(create_app(cfg, None))
    assert client.get("/").location == "/setup"
    for password in ("admin", "password", "1234", ""):
        response = client.post("/login", {"username": "admin", "password": password})
        assert response.location == "/setup"  # nothing to log in to until a password is chosen
    page = client.get("/setup")
    assert page.status == 200 and 'name="password"' in page.text


STAGE = Path(__file__).resolve().parents[2] / "image-build" / "stages" / "30-firmware"


def _unit(relative: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(STAGE / "overlay" / relative)
    return parser


def test_the_image_runs_first_boot_before_the_box_and_keeps_logs_in_ram_with_caps():
    firstboot = _unit("etc/systemd/system/pbx-firstboot.service")
    assert firstboot["Unit"]["Before"] == "pbx-box.service"
    assert firstboot["Service"]["Type"] == "oneshot" and firstboot["Service"]["User"] == "pbx"
    assert "-m firmware.firstboot" in firstboot["Service"]["ExecStart"]
    dropin = _unit("etc/systemd/system/pbx-box.service.d/30-firmware.conf")
    assert dropin["Unit"]["Wants"] == dropin["Unit"]["After"] == "pbx-firstboot.service"
    assert "PBX_WATCHDOG_DEVICE=/dev/watchdog" in dropin["Service"]["Environment"]
    journal = _unit("etc/systemd/journald.conf.d/30-pbx.conf")["Journal"]
    assert journal["Storage"] == "volatile" and journal["RuntimeMaxUse"] == journal["SystemMaxUse"] == "16M"
    rules = (STAGE / "overlay/etc/udev/rules.d/60-pbx-devices.rules").read_text()
    assert 'KERNEL=="watchdog*", GROUP="pbx"' in rules
    script = (STAGE / "run-chroot.sh").read_text()
    assert "systemctl enable pbx-firstboot.service" in script and "softdog" in script
    fstab = (STAGE.parent / "00-base/overlay/etc/fstab").read_text()
    assert all(f"tmpfs       {mount}" in fstab for mount in ("/tmp", "/var/log"))
    assert "size=32m" in fstab and "size=64m" in fstab
