"""Microchip AT24C02 (and compatible 24xx02) I2C EEPROM: 256 bytes, 8-byte write pages.

Reads set the address pointer and read sequentially (smbus2 read_i2c_block_data, 32 bytes at a
time). Writes go one page at a time; the chip then ignores its address (NACK) for up to 5 ms
while it programs, so the driver polls for the acknowledge with a deadline.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from hal.errors import ChipNotResponding

log = logging.getLogger(__name__)

SIZE = 256
PAGE = 8
BLOCK = 32  # SMBus block transfer limit
WRITE_CYCLE_S = 0.010


class At24:
    """One AT24C02 on an I2C bus (a smbus2.SMBus or the simulator's fake)."""

    def __init__(self, bus: Any, address: int, *, size: int = SIZE, page: int = PAGE) -> None:
        self.bus, self.address, self.size, self.page = bus, address, size, page

    def read(self, offset: int, length: int) -> bytes:
        """Read `length` bytes from `offset`; ChipNotResponding when nothing answers."""
        if offset < 0 or offset + length > self.size:
            raise ValueError(f"EEPROM read {offset}+{length} beyond {self.size} bytes")
        out = bytearray()
        try:
            while len(out) < length:
                chunk = min(BLOCK, length - len(out))
                out += bytes(self.bus.read_i2c_block_data(self.address, offset + len(out), chunk))
        except OSError as exc:
            raise ChipNotResponding(f"EEPROM at {self.address:#04x} does not answer: {exc}") from exc
        return bytes(out)

    def write(self, offset: int, data: bytes) -> None:
        """Write bytes page by page, waiting out each write cycle."""
        if offset < 0 or offset + len(data) > self.size:
            raise ValueError(f"EEPROM write {offset}+{len(data)} beyond {self.size} bytes")
        pos = 0
        while pos < len(data):
            addr = offset + pos
            room = self.page - addr % self.page
            chunk = data[pos : pos + room]
            self._wait_ready()
            try:
                self.bus.write_i2c_block_data(self.address, addr, list(chunk))
            except OSError as exc:
                raise ChipNotResponding(f"EEPROM at {self.address:#04x} refused a write: {exc}") from exc
            pos += len(chunk)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + WRITE_CYCLE_S
        while True:
            try:
                self.bus.read_byte(self.address)
                return
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise ChipNotResponding(f"EEPROM at {self.address:#04x} stays busy: {exc}") from exc
