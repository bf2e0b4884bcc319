"""A board whose line hardware cannot be started: pbx-core runs SIP-only and says why, everywhere an
admin looks (control API status, the Ports page and dashboard in both languages, `pbxctl status`)."""

from __future__ import annotations

import datetime as dt
import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hal.builder import open_board
from hal.errors import BoardConfigError, HalError
from telephony.main import board_failure
from tests.support.box import Box
from tests.webadmin.test_web_system_box import PASSWORD, Browser
from tests.webadmin.wsgi_client import Client
from webadmin.app import create_app

PBXCTL = Path(sys.executable).with_name("pbxctl")
GPIO_FAILURE = "no GPIO pin factory works on this host"
EN = "The line hardware of board rpi4-pbx could not be started ("
ZH = "板卡 rpi4-pbx 的线路硬件无法启动（"


def _hardware_fails_here() -> bool:
    """The reference board's HardwareBackend needs a Pi's GPIO; on any other host it raises HalError."""
    try:
        open_board("rpi4-pbx").backend.close()
    except HalError as exc:
        return GPIO_FAILURE in str(exc)
    return False


def pbxctl(box: Box, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PBXCTL), *args], capture_output=True, text=True, env=box.env, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def broken_box(tmp_path_factory):
    """The whole box on the reference board `rpi4-pbx` on a host without its GPIO: the board fails."""
    if not _hardware_fails_here():
        pytest.skip("this host has a working GPIO pin factory: the rpi4-pbx board would start")
    box = Box(tmp_path_factory.mktemp("broken-board"), rtp_port=34400)
    box.env["PBX_BOARD"] = "rpi4-pbx"
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def browser(broken_box):
    b = Browser(broken_box.web_url)
    b.submit("/setup", "/setup", {"username": "admin", "password": PASSWORD, "confirm": PASSWORD})
    b.submit("/login", "/login", {"username": "admin", "password": PASSWORD})
    return b


def test_a_board_file_that_cannot_be_loaded_is_reported_with_the_hals_reason(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[board]\nname = "bad"\nbackend = "hardware"\ncolour = "red"\n')
    with pytest.raises(BoardConfigError) as raised:
        open_board(bad)
    failed = board_failure(str(bad), raised.value)
    assert failed["board"] == str(bad)
    assert failed["error"] == str(raised.value) and f"{bad}: " in failed["error"]
    assert failed["at"].endswith("Z") and failed["at"][:4].isdigit()
    # Not a HalError: a bug in the line service is named by its type.
    assert board_failure("sim", KeyError("slot"))["error"] == "KeyError: 'slot'"


def test_the_control_api_status_carries_why_the_board_could_not_be_started(broken_box):
    status = broken_box.control.status()
    failed = status["board_error"]
    assert failed["board"] == "rpi4-pbx"
    assert failed["error"].startswith(GPIO_FAILURE)
    assert failed["at"].endswith("Z")
    assert status["ports_summary"] == {} and broken_box.control.get("/ports") == []
    log = (broken_box.cfg.log_dir / "pbx-core.log").read_text()
    assert "board 'rpi4-pbx' could not be started: running SIP-only" in log


def test_the_ports_page_and_dashboard_say_why_in_english_and_chinese(broken_box, browser):
    error = broken_box.control.status()["board_error"]["error"]
    browser.submit("/ports", "/lang", {"lang": "en", "next": "/ports"})
    page = html.unescape(browser.get("/ports"))
    assert 'id="board-error"' in page and EN in page
    assert "); the box runs SIP-only: " + error in page
    assert "SIP phones and trunks keep working" in page
    assert "The board reported no ports." not in page
    dashboard = html.unescape(browser.get("/"))
    assert 'id="board-error"' in dashboard and EN in dashboard and error in dashboard
    assert "board_error" not in dashboard  # not also a raw row of the core status table
    browser.submit("/ports", "/lang", {"lang": "zh-CN", "next": "/ports"})
    page = html.unescape(browser.get("/ports"))
    assert ZH in page and "）；本机仅运行 SIP：" + error in page
    assert "SIP 话机和中继照常工作" in page
    assert ZH in browser.get("/")


def test_pbxctl_status_prints_it_on_one_line(broken_box):
    proc = pbxctl(broken_box, "--lang", "en", "status")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if "rpi4-pbx" in line]
    assert len(lines) == 1, proc.stdout
    assert lines[0].startswith("line hardware: board rpi4-pbx could not be started at ")
    assert f"; running SIP-only: {GPIO_FAILURE}" in lines[0]
    zh = pbxctl(broken_box, "--lang", "zh-CN", "status")
    assert "线路硬件：板卡 rpi4-pbx 于 " in zh.stdout and f"；仅运行 SIP：{GPIO_FAILURE}" in zh.stdout
    data = json.loads(pbxctl(broken_box, "status", "--json").stdout)
    assert data["core"]["board_error"]["board"] == "rpi4-pbx"


def test_the_simulated_board_reports_no_failure_anywhere(box, config):
    assert box.control.status()["board_error"] is None
    from tests.webadmin.conftest import do_setup, login

    client = Client(create_app(config, box.control))
    do_setup(client)
    login(client)
    for path in ("/ports", "/"):
        page = client.get(path).text
        assert 'id="board-error"' not in page and "could not be started" not in page, path
    assert 'data-port="fxs1"' in client.get("/ports").text
    proc = pbxctl(box, "--lang", "en", "status")
    assert proc.returncode == 0 and "line hardware" not in proc.stdout, proc.stdout + proc.stderr


def test_the_core_answer_is_escaped_and_its_time_shown_in_local_time(admin, fake_core):
    fake_core.ports = []
    assert "The board reported no ports." in admin.get("/ports").text  # no failure reported: as before
    fake_core.status["board_error"] = {
        "board": "<b>x</b>",
        "error": "<script>1</script>",
        "at": "2026-11-30T19:58:07Z",
    }
    local = dt.datetime(2026, 11, 30, 19, 58, 7, tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    for path in ("/ports", "/"):
        page = admin.get(path).text
        assert "<script>1</script>" not in page and "<b>x</b>" not in page, path
        assert f"board &lt;b&gt;x&lt;/b&gt; could not be started ({local})" in page, path
        assert "SIP-only: &lt;script&gt;1&lt;/script&gt;" in page, path
    assert "The board reported no ports." not in admin.get("/ports").text
    fake_core.ports = [{"name": "fxs1", "kind": "fxs", "state": "onhook"}]
    assert 'id="board-error"' not in admin.get("/ports").text  # ports listed: the status is not asked
