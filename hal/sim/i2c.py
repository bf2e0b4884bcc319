"""A fake I2C adapter with register-accurate chips, implementing the smbus2.SMBus methods drivers use.

An address with no chip NACKs: OSError(EREMOTEIO), as Linux's i2c-bcm2835 reports it.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Sequence

log = logging.getLogger(__name__)


class FakeI2cChip:
    """A chip with an address pointer and byte registers; subclasses react to reads and writes."""

    size = 256

    def __init__(self) -> None:
        self.regs = bytearray(self.size)
        self.pointer = 0

    def read_reg(self, reg: int) -> int:
        return self.regs[reg % self.size]

    def write_reg(self, reg: int, value: int) -> None:
        self.regs[reg % self.size] = value & 0xFF

    def next_reg(self, reg: int) -> int:
        return (reg + 1) % self.size


class FakeAt24(FakeI2cChip):
    """AT24C02: 256 bytes; writes wrap inside their 8-byte page, as the real part does."""

    page = 8

    def __init__(self, contents: bytes = b"") -> None:
        super().__init__()
        self.regs[: len(contents)] = contents[: self.size]

    def write_block(self, reg: int, data: Sequence[int]) -> None:
        base = reg - reg % self.page
        for i, value in enumerate(data):
            self.regs[base + (reg - base + i) % self.page] = value & 0xFF


class FakeMcp23017(FakeI2cChip):
    """MCP23017 (BANK=0): GPIO reads mix OLAT for outputs and external levels for inputs."""

    size = 0x16
    IODIRA, IODIRB, GPIOA, GPIOB, OLATA, OLATB = 0x00, 0x01, 0x12, 0x13, 0x14, 0x15

    def __init__(self) -> None:
        super().__init__()
        self.regs[self.IODIRA] = self.regs[self.IODIRB] = 0xFF  # power-on: all inputs
        self.external = 0xFFFF  # levels driven onto input pins from outside

    def read_reg(self, reg: int) -> int:
        if reg in (self.GPIOA, self.GPIOB):
            half = reg - self.GPIOA
            iodir = self.regs[self.IODIRA + half]
            olat = self.regs[self.OLATA + half]
            ext = (self.external >> (8 * half)) & 0xFF
            return (ext & iodir) | (olat & ~iodir & 0xFF)
        return super().read_reg(reg)

    def write_reg(self, reg: int, value: int) -> None:
        if reg in (self.GPIOA, self.GPIOB):  # writing GPIO writes the output latch
            reg += self.OLATA - self.GPIOA
        super().write_reg(reg, value)

    def output(self, pin: int) -> bool:
        """Level of an output pin (0-15) as the module sees it."""
        half, bit = divmod(pin, 8)
        return bool(self.regs[self.OLATA + half] & (1 << bit)) and not self.regs[self.IODIRA + half] & (
            1 << bit
        )


class FakeSMBus:
    """An I2C adapter holding fake chips by address; the smbus2.SMBus subset the drivers call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.chips: dict[int, FakeI2cChip] = {}
        self._lock = threading.Lock()
        self.closed = False

    def attach(self, address: int, chip: FakeI2cChip) -> None:
        self.chips[address] = chip

    def _chip(self, address: int) -> FakeI2cChip:
        chip = self.chips.get(address)
        if chip is None or self.closed:
            raise OSError(errno.EREMOTEIO, f"Remote I/O error (no ACK from {address:#04x} on {self.name})")
        return chip

    def read_byte(self, address: int) -> int:
        with self._lock:
            chip = self._chip(address)
            value = chip.read_reg(chip.pointer)
            chip.pointer = chip.next_reg(chip.pointer)
            return value

    def write_byte(self, address: int, value: int) -> None:
        with self._lock:
            self._chip(address).pointer = value

    def read_byte_data(self, address: int, register: int) -> int:
        with self._lock:
            chip = self._chip(address)
            chip.pointer = chip.next_reg(register)
            return chip.read_reg(register)

    def write_byte_data(self, address: int, register: int, value: int) -> None:
        with self._lock:
            chip = self._chip(address)
            chip.write_reg(register, value)
            chip.pointer = chip.next_reg(register)

    def read_i2c_block_data(self, address: int, register: int, length: int) -> list[int]:
        with self._lock:
            chip = self._chip(address)
            out, reg = [], register
            for _ in range(length):
                out.append(chip.read_reg(reg))
                reg = chip.next_reg(reg)
            chip.pointer = reg
            return out

    def write_i2c_block_data(self, address: int, register: int, data: Sequence[int]) -> None:
        with self._lock:
            chip = self._chip(address)
            if isinstance(chip, FakeAt24):
                chip.write_block(register, data)
                return
            reg = register
            for value in data:
                chip.write_reg(reg, value)
                reg = chip.next_reg(reg)
            chip.pointer = reg

    def close(self) -> None:
        self.closed = True
