"""A fake Si3215 ProSLIC: the direct registers the driver uses, reacting like the chip.

The simulated phone on its line calls set_hook(); the chip then updates register 68 (loop closure,
ring trip), raises interrupt status 2 (LCIP/RTIP) and, when enabled in register 22, pulls its
interrupt line. Writing register 64 changes the linefeed the phone sees (ringing, polarity, on-hook
transmission). Ringing into an off-hook loop trips immediately and the line goes forward active, as
the chip's automatic ring-trip mode does. Calibration (register 96) completes at once. Audio passes
between the PCM bus and the phone only with PCM enabled (register 1) and a talking linefeed.
"""

from __future__ import annotations

import logging
from typing import Any

from hal.drivers import si3215 as chip
from hal.ports import SILENCE
from hal.sim.pcm import SimPcmBus
from hal.sim.spi import FakeSpiChip

log = logging.getLogger(__name__)

RESET_VALUES = {chip.REG_ID: 0x25, chip.REG_LOOPBACK: 0x02, chip.REG_HYBRID: 0x33}  # Si3215 rev E
TALKING = (chip.LF_FORWARD_ACTIVE, chip.LF_FORWARD_OHT, chip.LF_REVERSE_ACTIVE, chip.LF_REVERSE_OHT)


class FakeSi3215(FakeSpiChip):
    """One fake ProSLIC; `far_end` is the simulated phone (SimPhone) plugged into its line."""

    def __init__(self, pcm: SimPcmBus | None = None, label: str = "si3215") -> None:
        super().__init__()
        self.label = label
        self.pcm = pcm
        self.far_end: Any = None
        self.phone_offhook = False
        self._reset()

    def _reset(self) -> None:
        self.regs[:] = bytes(256)
        for reg, value in RESET_VALUES.items():
            self.regs[reg] = value

    # --- SPI side (the driver) ------------------------------------------------------------
    def transfer(self, data: list[int], cs_held: bool) -> list[int]:
        if len(data) != 2:
            return [0xFF] * len(data)
        addr = data[0]
        if addr & 0x80:
            with self.lock:
                return [0xFF, self._read(addr & 0x7F)]
        with self.lock:
            irq = self._write(addr & 0x7F, data[1])
        if irq:
            self._irq_changed()
        return [0xFF, 0xFF]

    def _read(self, reg: int) -> int:
        if reg == chip.REG_LINEFEED:
            lf = self.regs[reg] & 0x07
            return lf | lf << 4
        return self.regs[reg]

    def _write(self, reg: int, value: int) -> bool:
        """Store a register; return True when the interrupt line may have changed."""
        if reg in chip.REG_IRQ_STATUS:
            self.regs[reg] &= ~value & 0xFF  # write 1 to clear
            return True
        self.regs[reg] = value
        if reg == chip.REG_CAL1:
            self.regs[reg] = 0  # calibration done
        elif reg == chip.REG_PCM_MODE and self.pcm is not None:
            slot = (self.regs[chip.REG_PCM_TXS_LO] | self.regs[chip.REG_PCM_TXS_HI] << 8) // chip.SLOT_BITS
            self.pcm.attach(slot, self)
        elif reg == chip.REG_LINEFEED:
            return self._update_loop()
        return reg in chip.REG_IRQ_ENABLE

    def irq_pending(self) -> bool:
        with self.lock:
            return any(
                self.regs[s] & self.regs[e]
                for s, e in zip(chip.REG_IRQ_STATUS, chip.REG_IRQ_ENABLE, strict=True)
            )

    def _update_loop(self) -> bool:
        """Recompute register 68 from the phone's hook and the linefeed; raise LCIP/RTIP on change."""
        lf = self.regs[chip.REG_LINEFEED] & 0x07
        status = self.regs[chip.REG_LOOP_STATUS]
        if lf == chip.LF_RINGING and self.phone_offhook:
            self.regs[chip.REG_LINEFEED] = chip.LF_FORWARD_ACTIVE  # automatic ring trip
            self.regs[chip.REG_IRQ_STATUS[1]] |= chip.IRQ2_RTIP
            lf = chip.LF_FORWARD_ACTIVE
        closed = self.phone_offhook and lf != chip.LF_OPEN
        new = chip.LOOP_LCR if closed else 0
        if new != status & chip.LOOP_LCR:
            self.regs[chip.REG_LOOP_STATUS] = new
            self.regs[chip.REG_IRQ_STATUS[1]] |= chip.IRQ2_LCIP
        return True

    # --- line side (the phone) ------------------------------------------------------------
    def set_hook(self, offhook: bool) -> None:
        with self.lock:
            self.phone_offhook = offhook
            self._update_loop()
        self._irq_changed()

    @property
    def linefeed(self) -> int:
        return self.regs[chip.REG_LINEFEED] & 0x07

    def pcm_exchange(self, from_soc: bytes, now: float) -> bytes:
        """One PCM period: the phone hears what the SoC sent; the SoC gets what the phone says."""
        with self.lock:
            talking = bool(self.regs[chip.REG_PCM_MODE] & 0x20) and self.linefeed in TALKING
        heard = from_soc if talking else SILENCE
        said = self.far_end.exchange(heard, now) if self.far_end is not None else SILENCE
        return said if talking else SILENCE
