"""Microchip MCP23017 16-bit I2C I/O expander (BANK=0 register map).

Registers (BANK=0, A/B interleaved): IODIRA 0x00 / IODIRB 0x01 (1 = input), IPOL 0x02/0x03,
GPINTEN 0x04/0x05, DEFVAL 0x06/0x07, INTCON 0x08/0x09, IOCON 0x0A (mirrored at 0x0B), GPPU
0x0C/0x0D, INTF 0x0E/0x0F, INTCAP 0x10/0x11, GPIO 0x12/0x13, OLAT 0x14/0x15. Pins 0-7 are GPA0-7,
pins 8-15 GPB0-7. Outputs are written through OLAT (cached here, so one write per change).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from hal.errors import ChipNotResponding

log = logging.getLogger(__name__)

IODIRA, IODIRB = 0x00, 0x01
IOCON = 0x0A
GPPUA, GPPUB = 0x0C, 0x0D
GPIOA, GPIOB = 0x12, 0x13
OLATA, OLATB = 0x14, 0x15
IOCON_DEFAULT = 0x00  # BANK=0, sequential addressing, active-low push-pull INT


class Mcp23017:
    """One MCP23017 on an I2C bus (a smbus2.SMBus or the simulator's fake)."""

    def __init__(self, bus: Any, address: int) -> None:
        self.bus, self.address = bus, address
        self._olat = 0
        self._lock = threading.Lock()

    def _write(self, reg: int, value: int) -> None:
        try:
            self.bus.write_byte_data(self.address, reg, value & 0xFF)
        except OSError as exc:
            raise ChipNotResponding(f"MCP23017 at {self.address:#04x} does not answer: {exc}") from exc

    def _read(self, reg: int) -> int:
        try:
            return int(self.bus.read_byte_data(self.address, reg))
        except OSError as exc:
            raise ChipNotResponding(f"MCP23017 at {self.address:#04x} does not answer: {exc}") from exc

    def init(self, inputs: int = 0x0000, pullups: int = 0x0000, outputs: int = 0x0000) -> None:
        """Set IOCON, directions (bit = 1: input), pull-ups and the initial output levels."""
        with self._lock:
            self._write(IOCON, IOCON_DEFAULT)
            self._olat = outputs & 0xFFFF
            self._write(OLATA, self._olat)
            self._write(OLATB, self._olat >> 8)
            self._write(GPPUA, pullups)
            self._write(GPPUB, pullups >> 8)
            self._write(IODIRA, inputs)
            self._write(IODIRB, inputs >> 8)
            if self._read(IODIRA) != inputs & 0xFF:
                raise ChipNotResponding(f"MCP23017 at {self.address:#04x} did not keep IODIRA")

    def write_pin(self, pin: int, value: bool) -> None:
        """Drive output pin 0-15 (GPA0..GPB7)."""
        with self._lock:
            new = (self._olat | (1 << pin)) if value else (self._olat & ~(1 << pin))
            if new == self._olat:
                return
            self._olat = new
            if pin < 8:
                self._write(OLATA, new)
            else:
                self._write(OLATB, new >> 8)

    def output(self, pin: int) -> bool:
        return bool(self._olat & (1 << pin))

    def read_inputs(self) -> int:
        """Return the 16 pin levels (GPIOB << 8 | GPIOA)."""
        with self._lock:
            return self._read(GPIOA) | self._read(GPIOB) << 8
