"""Factory reset: the wipe and first boot again, the reset button held at boot, the LED's patterns."""

from __future__ import annotations

import statistics
import threading
import time

import pytest
from gpiozero.pins.mock import MockPin

from firmware.factoryreset import HOLD_SECONDS, WIPED, boot_check, button_held, factory_reset
from firmware.firstboot import first_boot, read_secret
from firmware.leds import PATTERNS, StatusLed
from hal.board import load_board, parse_board
from hal.drivers.gpio import mock_pin_factory
from hal.errors import HalError
from telephony import boxconfig
from telephony.models import AdminUser, Setting
from webadmin.services import users


class WiredButtonPin(MockPin):
    """A pin with a push button to ground: while it is held the pull-up cannot raise the line."""

    held = False

    def _set_pull(self, value: str) -> None:
        super()._set_pull(value)
        if self.held:
            self.drive_low()


def hold_button(factory, pin: int) -> WiredButtonPin:
    button = factory.pin(pin, pin_class=WiredButtonPin)
    button.held = True
    button.drive_low()
    return button


def _durations(pin) -> list[tuple[bool, float]]:
    """(state, seconds it lasted) for each completed state of a MockPin's history."""
    states = pin.states  # PinState.timestamp: seconds since the previous change
    return [(states[i - 1].state, states[i].timestamp) for i in range(2, len(states))]


@pytest.mark.parametrize("state", [s for s, p in PATTERNS.items() if p.on_time and p.off_time])
def test_each_blinking_state_shows_its_on_and_off_times(state):
    factory = mock_pin_factory()
    led = StatusLed(26, pin_factory=factory)
    pattern = PATTERNS[state]
    led.show(state)
    time.sleep(2 * (pattern.on_time + pattern.off_time) + 0.05)
    led.close()
    seen = _durations(factory.pin(26))
    ons = [d for lit, d in seen if lit]
    offs = [d for lit, d in seen if not lit]
    assert ons and offs, seen
    # the blink thread is a Python thread on a shared machine: judge the typical period, not each one
    assert abs(statistics.median(ons) - pattern.on_time) < 0.03, (state, ons)
    assert abs(statistics.median(offs) - pattern.off_time) < 0.03, (state, offs)


def test_ready_is_steady_and_an_unknown_state_is_refused_by_name():
    factory = mock_pin_factory()
    led = StatusLed(26, pin_factory=factory)
    led.show("fault")
    time.sleep(0.2)
    led.show("ready")
    changes = len(factory.pin(26).states)
    time.sleep(0.4)
    assert factory.pin(26).state == 1 and len(factory.pin(26).states) == changes
    with pytest.raises(KeyError, match="'blinky'"):
        led.show("blinky")
    assert set(PATTERNS) >= {"booting", "ready", "fault", "updating", "factory-reset"}
    led.close()


def test_the_sim_board_declares_a_reset_button_and_the_loader_refuses_a_pin_used_twice():
    board = load_board("sim")
    assert board.reset_button == 27 and board.status_led == 26
    data = {"board": {"name": "x", "backend": "sim", "status_led": 26, "reset_button": 26}, "buses": {}}
    with pytest.raises(HalError, match="board.reset_button"):
        parse_board(data)


def test_a_button_not_pressed_at_boot_costs_no_time_and_an_early_release_resets_nothing():
    factory = mock_pin_factory()
    start = time.monotonic()
    assert button_held(27, pin_factory=factory) is False
    assert time.monotonic() - start < 1  # no waiting for a hold
    factory = mock_pin_factory()
    led = StatusLed(26, pin_factory=factory)
    button = hold_button(factory, 27)
    threading.Timer(0.3, button.drive_high).start()  # let go after 0.3 s
    assert button_held(27, pin_factory=factory, hold_seconds=2, led=led) is False
    assert led.state == "booting"
    led.close()


def test_factory_reset_wipes_db_media_config_and_keys_keeps_logs_and_reruns_first_boot(tmp_path):
    cfg = boxconfig.load({}, data_dir=tmp_path)
    first_boot(cfg)
    users.create_first_admin("boss", "Corr3ctHorse42", "Corr3ctHorse42", "en")
    Setting.set_value("sip_realm", "branch.example")
    (cfg.media_dir / "voicemail").mkdir()
    (cfg.media_dir / "voicemail" / "msg.wav").write_bytes(b"RIFF")
    (cfg.log_dir / "pbx-core.log").write_text("why it was reset\n")
    old_secret = read_secret(cfg, "edge.secret")
    result = factory_reset(cfg)
    assert "db/pbx.sqlite3" in result.made and "keys/edge.secret" in result.made
    assert read_secret(cfg, "edge.secret") != old_secret
    assert AdminUser.select().count() == 0 and Setting.get_value("sip_realm") == "pbx"
    assert not (cfg.media_dir / "voicemail").exists()
    assert (cfg.log_dir / "pbx-core.log").read_text() == "why it was reset\n"
    assert all((cfg.data_dir / name).is_dir() for name in WIPED)
    assert not list(tmp_path.glob(".wipe-*"))


def test_given_the_reset_button_held_10_s_at_boot_then_the_box_is_factory_reset_with_the_led_flickering(
    tmp_path,
):
    cfg = boxconfig.load({}, data_dir=tmp_path)
    first_boot(cfg)
    old_secret = read_secret(cfg, "session.key")
    board = load_board("sim")
    factory = mock_pin_factory()
    led = StatusLed(board.status_led, pin_factory=factory)
    led.show("booting")
    hold_button(factory, board.reset_button)  # held from power-on
    start = time.monotonic()
    assert boot_check(cfg, board.reset_button, pin_factory=factory, led=led) is True
    took = time.monotonic() - start
    assert HOLD_SECONDS == 10 and HOLD_SECONDS <= took < HOLD_SECONDS + 3
    assert read_secret(cfg, "session.key") != old_secret
    flicker = [d for lit, d in _durations(factory.pin(board.status_led)) if lit]
    assert len(flicker) > 30 and abs(statistics.median(flicker) - PATTERNS["factory-reset"].on_time) < 0.03
    assert led.state == "booting"
    led.close()
