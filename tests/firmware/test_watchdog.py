"""The watchdog is fed only while pbx-core, kamailio and webadmin answer; a clean stop disarms it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from firmware.health import CheckResult, check_all
from firmware.watchdog import MAGIC_CLOSE, Watchdog, WatchdogDevice, WatchdogSettings, read_status
from telephony import boxconfig
from tests.support.box import Box, wait_until


def _results(**ok: bool) -> list[CheckResult]:
    return [CheckResult(name, value, "" if value else "no answer") for name, value in ok.items()]


def test_given_a_failing_service_when_n_rounds_fail_then_feeding_stops_and_resumes_on_recovery(tmp_path):
    device = WatchdogDevice(tmp_path / "watchdog")
    answers = {"pbx-core": True, "kamailio": True, "webadmin": True}
    dog = Watchdog(device, lambda: _results(**answers), max_failures=3, status_path=tmp_path / "s.json")
    assert dog.round() and device.feeds == 1
    answers["kamailio"] = False
    # a slow answer or two is tolerated: the device is still fed
    assert [dog.round(), dog.round()] == [True, True]
    assert dog.round() is False and device.feeds == 3
    assert dog.round() is False and device.feeds == 3
    answers["kamailio"] = True
    assert dog.round() is True and device.feeds == 4 and dog.failures == 0


def test_the_device_gets_a_byte_per_feed_and_the_magic_v_on_a_clean_close(tmp_path):
    path = tmp_path / "watchdog"
    device = WatchdogDevice(path)
    device.feed()
    device.feed()
    device.close(disarm=True)
    assert path.read_bytes() == b"\0\0" + MAGIC_CLOSE
    died = WatchdogDevice(tmp_path / "other")
    died.feed()
    died.close(disarm=False)  # what a crash looks like: no 'V', the hardware keeps counting
    assert (tmp_path / "other").read_bytes() == b"\0"


def test_the_simulated_device_file_never_grows_past_its_limit(tmp_path):
    device = WatchdogDevice(tmp_path / "watchdog")
    for _ in range(10000):
        device.feed()
    assert os.path.getsize(tmp_path / "watchdog") <= 4096


def test_settings_come_from_the_environment_and_bad_values_are_refused(tmp_path):
    cfg = boxconfig.load({}, data_dir=tmp_path)
    settings = WatchdogSettings.from_environ(cfg, {})
    assert (
        settings.device == cfg.run_dir / "watchdog" and settings.interval == 5 and settings.max_failures == 3
    )
    custom = {"PBX_WATCHDOG_DEVICE": "/dev/watchdog", "PBX_WATCHDOG_INTERVAL": "1"}
    assert WatchdogSettings.from_environ(cfg, custom).device.as_posix() == "/dev/watchdog"
    with pytest.raises(ValueError, match="PBX_WATCHDOG_INTERVAL"):
        WatchdogSettings.from_environ(cfg, {"PBX_WATCHDOG_MAX_FAILURES": "0"})


def test_health_checks_fail_fast_when_nothing_answers(tmp_path):
    cfg = boxconfig.load({}, data_dir=tmp_path, sip_host="127.0.0.1", sip_port=9, http_port=9, control_port=9)
    results = check_all(cfg, timeout=0.5)
    assert [r.name for r in results] == ["pbx-core", "kamailio", "webadmin"]
    assert not any(r.ok for r in results)
    assert "no answer" in results[1].detail or "refused" in results[1].detail.lower()


def test_given_a_running_box_when_webadmin_is_stopped_then_feeding_stops_within_the_deadline_and_resumes(
    tmp_path,
):
    box = Box(tmp_path)
    box.env.update(PBX_WATCHDOG_INTERVAL="0.5", PBX_WATCHDOG_MAX_FAILURES="2")
    box.start()
    try:
        device = box.cfg.run_dir / "watchdog"

        def fed_since(count: int) -> bool:
            status = read_status(box.cfg)
            healthy = status and all(c["ok"] for c in status["checks"])
            return bool(healthy and status["feeding"] and status["feeds"] > count)

        wait_until(lambda: fed_since(2), 20, "the watchdog to feed while every service answers")
        status = read_status(box.cfg)
        assert [c["name"] for c in status["checks"]] == ["pbx-core", "kamailio", "webadmin"]
        assert not status["starting"]
        assert "stopped" in box.supervisorctl("stop", "webadmin")
        stopped_at = time.monotonic()
        # 2 failed rounds of 0.5 s (each check refused at once) plus one interval of slack
        wait_until(lambda: not read_status(box.cfg)["feeding"], 10, "the watchdog to stop feeding")
        took = time.monotonic() - stopped_at
        assert took < 5, took
        status = read_status(box.cfg)
        failing = [c for c in status["checks"] if not c["ok"]]
        assert [c["name"] for c in failing] == ["webadmin"]
        feeds, mtime = status["feeds"], device.stat().st_mtime_ns
        time.sleep(1.5)  # three rounds: none of them may write to the device
        assert read_status(box.cfg)["feeds"] == feeds and device.stat().st_mtime_ns == mtime
        box.supervisorctl("start", "webadmin")
        wait_until(lambda: fed_since(feeds), 20, "the watchdog to feed again once webadmin answers")
        assert device.stat().st_mtime_ns > mtime
        print(f"watchdog stopped feeding {took:.2f} s after webadmin stopped")
    finally:
        box.stop()


def test_while_the_box_starts_failures_do_not_count_until_it_was_up_once_or_the_grace_ran_out(tmp_path):
    now = [0.0]
    device = WatchdogDevice(tmp_path / "watchdog")
    answers = {"pbx-core": False, "kamailio": True, "webadmin": True}
    dog = Watchdog(device, lambda: _results(**answers), 2, startup_grace=60, clock=lambda: now[0])
    for _ in range(10):  # a slow first start: fed all along
        now[0] += 5
        assert dog.round() is True
    answers["pbx-core"] = True
    assert dog.round() is True and not dog.starting
    answers["pbx-core"] = False
    assert [dog.round(), dog.round()] == [True, False]  # now failures count
    never = Watchdog(
        WatchdogDevice(tmp_path / "w2"),
        lambda: _results(core=False),
        2,
        startup_grace=60,
        clock=lambda: now[0],
    )
    now[0] += 61  # the services never came up within the grace time
    assert [never.round(), never.round()] == [True, False]


def test_a_real_watchdog_device_is_opened_as_it_is_and_a_missing_one_is_not_created():
    device = WatchdogDevice(Path("/dev/null"))  # a character device, like /dev/watchdog
    device.feed()
    device.close()
    with pytest.raises(FileNotFoundError, match="is its driver loaded"):
        WatchdogDevice(Path("/dev/pbx-no-such-watchdog"))
    assert not Path("/dev/pbx-no-such-watchdog").exists()


def test_without_a_watchdog_device_the_program_stays_up_says_why_and_stops_cleanly(tmp_path):
    """No driver loaded: pbx-watchdog must not crash-loop under supervisord; it reports and retries."""
    env = {**os.environ, "PBX_DATA_DIR": str(tmp_path), "PBX_WATCHDOG_DEVICE": "/dev/pbx-no-such-watchdog"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "firmware.watchdog"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    status_path = tmp_path / "run" / "watchdog.json"
    try:
        wait_until(lambda: status_path.exists() or proc.poll() is not None, 30, "the no-device status")
        assert proc.poll() is None, f"pbx-watchdog exited ({proc.returncode}): {proc.stdout.read()}"
        status = json.loads(status_path.read_text())
        assert status["no_device"] is True and status["feeding"] is False
        assert "/dev/pbx-no-such-watchdog is not a watchdog device (is its driver loaded?)" in status["error"]
        assert not Path("/dev/pbx-no-such-watchdog").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "no hardware watchdog, the box runs without reset protection" in out
