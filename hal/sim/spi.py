"""Fake SPI devices (the spidev.SpiDev subset the drivers call) over fake chips' register files.

A chip select with no chip behind it reads 0xFF (MISO pulled up), which the drivers' probes reject.
A chip that drives an interrupt line shares it with the other chips of its module (wired-OR, active
low) through SharedIrq, which drives a gpiozero MockFactory pin: the driver's real gpiozero input
device sees the edge and calls its handler, in the thread that changed the chip's state.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger(__name__)


class FakeSpiChip:
    """A register file behind a chip select; subclasses decode their framing and react to registers."""

    def __init__(self) -> None:
        self.regs = bytearray(256)
        self.lock = threading.RLock()
        self.irq: SharedIrq | None = None

    def transfer(self, data: list[int], cs_held: bool) -> list[int]:
        raise NotImplementedError

    def irq_pending(self) -> bool:
        return False

    def _irq_changed(self) -> None:
        """Call after releasing self.lock: the driver's handler may run right here and read registers."""
        if self.irq is not None:
            self.irq.update()


class FakeSpiDevice:
    """What spidev.SpiDev offers the drivers: xfer (CS released between bytes), xfer2 (CS held)."""

    def __init__(self, chip: FakeSpiChip | None, label: str = "") -> None:
        self.chip = chip
        self.label = label
        self.mode = 0
        self.max_speed_hz = 1_000_000
        self.bits_per_word = 8
        self.transfers = 0

    def xfer(self, data: list[int]) -> list[int]:
        self.transfers += 1
        return self.chip.transfer(list(data), False) if self.chip else [0xFF] * len(data)

    def xfer2(self, data: list[int]) -> list[int]:
        self.transfers += 1
        return self.chip.transfer(list(data), True) if self.chip else [0xFF] * len(data)

    def close(self) -> None:
        """Nothing to release."""


class SharedIrq:
    """An active-low interrupt line shared by several fake chips, driving a MockFactory pin."""

    def __init__(self, pin: Any) -> None:
        self.pin = pin  # gpiozero MockPin
        self.chips: list[FakeSpiChip] = []
        self._lock = threading.RLock()
        self.asserted = False

    def add(self, chip: FakeSpiChip) -> None:
        chip.irq = self
        self.chips.append(chip)

    def update(self) -> None:
        with self._lock:
            asserted = any(chip.irq_pending() for chip in self.chips)
            if asserted == self.asserted:
                return
            self.asserted = asserted
            if asserted:
                self.pin.drive_low()
            else:
                self.pin.drive_high()
