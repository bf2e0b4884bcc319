"""A fake Si3050 DAA: the registers the driver uses, reading ring, voltage and current off a PSTN line.

The simulated PSTN line (SimPstnLine) says whether it rings and what battery it feeds; the DAA
reports ring bits in register 5 while on hook, the signed line voltage in register 29 and the
loop current in register 28 while off hook. The isolation link comes up when register 6 powers
the line side (register 11 then shows a line-side revision). Audio passes to the line only off
hook, and from the line off hook or on hook with the monitor bit (ONHM) set, for caller ID.
"""

from __future__ import annotations

import logging
from typing import Any

from hal.drivers import si3050 as chip
from hal.ports import SILENCE
from hal.sim.pcm import SimPcmBus
from hal.sim.spi import FakeSpiChip

log = logging.getLogger(__name__)

RESET_VALUES = {chip.REG_CTRL2: 0x03, chip.REG_DAA2: 0x10, chip.REG_REVISION: 0x05}


class FakeSi3050(FakeSpiChip):
    """One fake DAA; `far_end` is the simulated PSTN line (SimPstnLine) it is plugged into."""

    def __init__(self, pcm: SimPcmBus | None = None, label: str = "si3050") -> None:
        super().__init__()
        self.label = label
        self.pcm = pcm
        self.far_end: Any = None
        self._reset()

    def _reset(self) -> None:
        self.regs[:] = bytes(256)
        for reg, value in RESET_VALUES.items():
            self.regs[reg] = value

    @property
    def link_up(self) -> bool:
        return not self.regs[chip.REG_DAA2] & 0x10

    @property
    def offhook(self) -> bool:
        return bool(self.regs[chip.REG_DAA1] & chip.DAA1_OH)

    def transfer(self, data: list[int], cs_held: bool) -> list[int]:
        if len(data) != 3 or not cs_held:
            return [0xFF] * len(data)
        control, reg = data[0], data[1] & 0x7F
        with self.lock:
            if control == 0x60:
                return [0xFF, 0xFF, self._read(reg)]
            if control == 0x20:
                self._write(reg, data[2])
        return [0xFF, 0xFF, 0xFF]

    def _read(self, reg: int) -> int:
        line = self.far_end
        if reg == chip.REG_DAA1:
            value = self.regs[reg] & (chip.DAA1_OH | chip.DAA1_ONHM)
            if line is not None and self.link_up and not self.offhook and line.ringing:
                value |= chip.DAA1_RINGING | chip.DAA1_RDT
            return value
        if reg == chip.REG_REVISION:
            return 0x35 if self.link_up else 0x05
        if reg == chip.REG_LINE_STATUS:
            return 0x40 if self.link_up else 0x00
        if reg == chip.REG_LINE_VOLTAGE:
            volts = line.volts(self.offhook) if line is not None and self.link_up else 0
            return max(-128, min(127, int(volts))) & 0xFF
        if reg == chip.REG_LOOP_CURRENT:
            ma = line.loop_ma(self.offhook) if line is not None and self.link_up and self.offhook else 0.0
            return max(0, min(255, round(ma / chip.LOOP_MA_PER_BIT)))
        return self.regs[reg]

    def _write(self, reg: int, value: int) -> None:
        if reg == chip.REG_CTRL1 and value & chip.CTRL1_SR:
            self._reset()
            return
        self.regs[reg] = value
        if reg == chip.REG_PCM_MODE and self.pcm is not None:
            slot = (self.regs[chip.REG_PCM_TXS_LO] | self.regs[chip.REG_PCM_TXS_HI] << 8) // chip.SLOT_BITS
            self.pcm.attach(slot, self)

    def pcm_exchange(self, from_soc: bytes, now: float) -> bytes:
        """One PCM period: the line hears the box only off hook; the box hears the line off hook or monitoring."""
        with self.lock:
            pcm_on = bool(self.regs[chip.REG_PCM_MODE] & 0x20) and self.link_up
            oh = self.offhook
            monitor = bool(self.regs[chip.REG_DAA1] & chip.DAA1_ONHM)
        heard = from_soc if pcm_on and oh else SILENCE
        said = self.far_end.exchange(heard, now, oh) if self.far_end is not None else SILENCE
        return said if pcm_on and (oh or monitor) else SILENCE
