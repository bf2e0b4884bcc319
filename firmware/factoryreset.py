"""Factory reset: wipe the data partition's DB, media, config and keys, then run first boot again.

Two ways in: the web admin's system page (confirmed with the admin password; the running
services are stopped around the wipe) or the board's reset button held for HOLD_SECONDS while
the box boots (pbx-firstboot checks it before anything opens the database). The LED flickers
('factory-reset') while the button is held and while the data is wiped.

Logs (log/) survive on purpose: they are how a support person learns why a box was reset.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from typing import Any

from firmware.firstboot import FirstBootResult, first_boot
from firmware.leds import StatusLed
from telephony.boxconfig import BoxConfig

log = logging.getLogger(__name__)

WIPED = ("db", "media", "config", "keys")
HOLD_SECONDS = 10.0


def _close_database() -> None:
    from telephony.models.db import database

    if database.obj is not None and not database.is_closed():
        database.close()


def factory_reset(cfg: BoxConfig, led: StatusLed | None = None) -> FirstBootResult:
    """Wipe WIPED under the data directory and rerun first boot; return what first boot made.

    Each directory is first renamed aside (one atomic rename), so a power cut mid-wipe leaves
    either the old directory or none, and the next first boot makes what is missing.
    """
    if led is not None:
        led.show("factory-reset")
    _close_database()
    for name in WIPED:
        path = cfg.data_dir / name
        if path.exists():
            doomed = cfg.data_dir / f".wipe-{name}"
            shutil.rmtree(doomed, ignore_errors=True)
            path.rename(doomed)
            shutil.rmtree(doomed)
    log.warning("factory reset: wiped %s under %s", ", ".join(WIPED), cfg.data_dir)
    result = first_boot(cfg)
    if led is not None:
        led.show("booting")
    return result


def button_held(
    pin: int,
    *,
    pin_factory: Any,
    hold_seconds: float = HOLD_SECONDS,
    led: StatusLed | None = None,
    clock: Callable[[], float] = time.monotonic,
    poll: float = 0.02,
) -> bool:
    """Return True if the reset button is pressed now and stays pressed for hold_seconds.

    Not pressed at the first look: False at once, so a normal boot is not delayed.
    """
    from gpiozero import Button

    button = Button(pin, pull_up=True, pin_factory=pin_factory)
    try:
        if not button.is_pressed:
            return False
        log.warning("reset button pressed at boot: hold it %g s for a factory reset", hold_seconds)
        if led is not None:
            led.show("factory-reset")
        deadline = clock() + hold_seconds
        while clock() < deadline:
            if not button.is_pressed:
                log.info("reset button released early: no factory reset")
                if led is not None:
                    led.show("booting")
                return False
            time.sleep(poll)
        return True
    finally:
        button.close()


def boot_check(
    cfg: BoxConfig, reset_pin: int | None, *, pin_factory: Any, led: StatusLed | None = None
) -> bool:
    """At boot: factory-reset if the board's reset button is held HOLD_SECONDS; return whether it was."""
    if reset_pin is None:
        return False
    if not button_held(reset_pin, pin_factory=pin_factory, led=led):
        return False
    factory_reset(cfg, led)
    return True
