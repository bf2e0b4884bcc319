"""GPIO lines through gpiozero: pin factories (real or mock), interrupt inputs, reset lines and LEDs.

Every device here takes its pin factory as the `pin_factory` keyword: never gpiozero's process-wide
default. MockFactory is gpiozero's own simulator of a Raspberry Pi header; the simulator drives its
pins (drive_low/drive_high) the way a chip's interrupt output would.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from gpiozero import LED, DigitalInputDevice, DigitalOutputDevice, GPIOZeroError
from gpiozero.pins.mock import MockFactory

from hal.errors import HalError

log = logging.getLogger(__name__)


def mock_pin_factory() -> MockFactory:
    """Return a fresh gpiozero MockFactory (a simulated Raspberry Pi header)."""
    return MockFactory()


def hardware_pin_factory() -> Any:
    """Return a pin factory for the real header: lgpio (Pi 5, and Pi 4 on Bookworm), else RPi.GPIO."""
    failures = []
    for module, name in (
        ("gpiozero.pins.lgpio", "LGPIOFactory"),
        ("gpiozero.pins.rpigpio", "RPiGPIOFactory"),
    ):
        try:
            return getattr(importlib.import_module(module), name)()
        except (ImportError, OSError, GPIOZeroError) as exc:  # library missing, or not a Pi
            failures.append(f"{name}: {exc}")
    raise HalError("no GPIO pin factory works on this host: " + "; ".join(failures))


class IrqLine:
    """An active-low, open-drain interrupt line shared by the chips of one module."""

    def __init__(self, pin: int, *, pin_factory: Any, on_assert: Callable[[], None]) -> None:
        self._device = DigitalInputDevice(pin, pull_up=True, pin_factory=pin_factory)
        self._device.when_activated = on_assert
        self.pin = pin

    @property
    def asserted(self) -> bool:
        return bool(self._device.is_active)

    def close(self) -> None:
        self._device.close()


class ResetLine:
    """An active-low reset output held released (high) until pulse() or hold()."""

    def __init__(self, pin: int, *, pin_factory: Any) -> None:
        self._device = DigitalOutputDevice(
            pin, active_high=False, initial_value=False, pin_factory=pin_factory
        )

    def hold(self, asserted: bool) -> None:
        self._device.value = asserted

    def close(self) -> None:
        self._device.close()


class StatusLed:
    """The board's status LED: lit while the HAL runs."""

    def __init__(self, pin: int, *, pin_factory: Any) -> None:
        self._led = LED(pin, pin_factory=pin_factory)

    def set(self, on: bool) -> None:
        if on:
            self._led.on()
        else:
            self._led.off()

    @property
    def lit(self) -> bool:
        return bool(self._led.is_lit)

    def close(self) -> None:
        self._led.close()
